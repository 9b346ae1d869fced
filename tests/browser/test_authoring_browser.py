"""A teacher authors a bank from a freshly pasted article in headless Chromium:
creates the bank, adds a highlight question ticking sentences with the keyboard
only, adds a single-choice question with the mouse, previews and answers it, and
downloads the bank as a YAML file that loads again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from quiz.domain.banks import parse_bank
from quiz.store import models as m
from quiz.store.db import session_scope
from tests.browser.actions import fill_new_bank, log_in_teacher
from tests.factories import PASSWORD, gen_teacher
from tests.test_authoring import ARTICLE, SENTENCES

pytestmark = pytest.mark.browser


def _tab_to(page, element_id: str, limit: int = 120) -> None:
    """Press Tab until the element has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_teacher_authors_a_bank_from_a_pasted_article(browser, live_server, shot):
    base, app = live_server.url, live_server.app
    with session_scope(app) as s:
        gen_teacher(s, "author@school.example")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    log_in_teacher(page, base, "author@school.example", PASSWORD)

    # 1. A bank from a pasted article.
    page.get_by_role("link", name=re.compile("All question banks")).click()
    page.get_by_role("link", name="Start a new bank").click()
    bank_url = fill_new_bank(
        page,
        "Who is speaking?",
        ARTICLE,
        Description="Practice on a made-up article.",
        **{"Source note": "A made-up article."},
    )
    page.goto(bank_url)  # the new bank opened its first question's editor
    assert page.locator("#p3-s2").inner_text().startswith("p3-s2")
    assert page.locator("#p2-s2").inner_text() == "p2-s2 " + SENTENCES["p2-s2"]
    shot(page, "01-new-bank")

    # 2. A highlight question; the sentences are ticked with Tab and Space only.
    # A ticked sentence's fields open right below it (quiz.js): the next Tab is
    # its role, and there is no "Show fields" button to press.
    page.get_by_role("link", name="Highlight sentences").click()
    page.wait_for_url(re.compile(r"/questions/new/highlight$"))
    assert not page.locator("#refresh-sentences").is_visible()
    page.get_by_label("Skill").select_option("reporting")
    page.get_by_label("Prompt").fill("Tick the sentence that says what must be done.")
    page.get_by_label("Prompt").focus()
    _tab_to(page, "pick-p1-s3")
    page.keyboard.press("Space")
    assert page.locator("#details-p1-s3").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "s-p1-s3-role"
    _tab_to(page, "pick-p3-s1")
    page.keyboard.press("Space")
    assert page.locator("#pick-p1-s3").is_checked() and page.locator("#pick-p3-s1").is_checked()
    assert not page.locator("#pick-p1-s1").is_checked()
    # With the mouse: a click on a sentence ticks it, a second click unticks it;
    # its fields close and are not sent.
    page.locator("label[for='pick-p1-s1']").click()
    page.get_by_label("Feedback for p1-s1").fill("Changed my mind.")
    page.locator("label[for='pick-p1-s1']").click()
    assert not page.locator("#pick-p1-s1").is_checked()
    assert not page.locator("#details-p1-s1").is_visible()
    page.get_by_label("Feedback for p3-s1").fill("It says what officials must do.")
    page.get_by_label("Role of p1-s3").select_option("distractor")
    page.get_by_label("Feedback for p1-s3").fill("A denial, not a call to act.")
    page.get_by_label("Explanation").fill("Advocacy says what should be done.")
    shot(page, "02-highlight-form")
    page.get_by_role("button", name="Save the question").last.click()
    page.wait_for_url(re.compile(r"/teacher/banks/\d+#q-highlight-1$"))
    assert "Question highlight-1 saved." in page.content()

    # 3. A single-choice question with the mouse.
    page.get_by_role("link", name="Single choice").click()
    page.locator("#more-settings > summary").click()  # the id is folded with the points
    page.get_by_label("Question id").fill("pct-six")
    page.get_by_label("Skill").select_option("percent")
    page.get_by_label("Prompt").fill("Ten assaults rise by 500%. How many are there now?")
    options = [
        ("60", "Ten plus five times ten.", True),
        ("50", "That is 500% of 10, not 10 increased by 500%.", False),
    ]
    for n, (text, feedback, correct) in enumerate(options):
        page.locator(f"#options-{n}-text").click()
        page.locator(f"#options-{n}-text").fill(text)
        page.locator(f"#options-{n}-feedback").fill(feedback)
        if correct:
            page.locator(f"label[for='options-{n}-correct']").click()
    page.get_by_label("Explanation").fill("New = old × 6.")
    page.get_by_role("button", name="Add another option").click()
    assert page.locator("#options-4-text").count() == 1
    assert page.locator("#options-0-text").input_value() == "60"
    page.get_by_role("button", name="Save the question").last.click()
    page.wait_for_url(re.compile(r"#q-pct-six$"))
    shot(page, "03-bank-with-questions")

    # 4. Preview it and answer it, as a student would.
    page.get_by_role("link", name="Preview pct-six").click()
    page.wait_for_url(re.compile(r"/preview/2$"))
    page.get_by_label("60").check()
    page.get_by_role("button", name="Check my answer").click()
    page.wait_for_load_state()
    assert page.locator("section.feedback h2").inner_text().startswith("Right")
    assert "fraction 1 " in page.locator("#fraction").inner_text()
    shot(page, "04-preview-feedback")
    page.get_by_role("link", name="← Previous question").click()
    page.get_by_label(SENTENCES["p3-s1"]).check()
    page.get_by_label(SENTENCES["p1-s3"]).check()
    page.get_by_role("button", name="Check my answer").click()
    page.wait_for_load_state()
    assert "fraction 0 " in page.locator("#fraction").inner_text()
    assert "A denial, not a call to act." in page.locator("section.feedback").inner_text()
    with session_scope(app) as s:
        assert s.scalar(select(func.count()).select_from(m.Attempt)) == 0

    # 5. Download the bank as YAML.
    page.goto(bank_url)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a file").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    loaded, errors = parse_bank(text, download.value.suggested_filename)
    assert not errors and loaded is not None
    assert [q.id for q in loaded.questions] == ["highlight-1", "pct-six"]
    assert loaded.questions[0].to_spec()["sentences"] == [
        {"quote": SENTENCES["p3-s1"], "feedback": "It says what officials must do."}
    ]
    assert download.value.suggested_filename.endswith("-who-is-speaking.yaml")
    context.close()


def test_without_javascript_the_ticked_sentences_fields_come_from_the_server(
    browser, live_server, shot
):
    """The same editor with JavaScript off: ticking is plain checkboxes, and "Show
    fields for the ticked sentences" asks the server for their fields, keeping
    everything typed so far."""
    base, app = live_server.url, live_server.app
    with session_scope(app) as s:
        gen_teacher(s, "nojs@school.example")
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    log_in_teacher(page, base, "nojs@school.example", PASSWORD)
    page.goto(base + "/teacher/banks/new")
    fill_new_bank(page, "No script", ARTICLE)
    page.get_by_role("link", name="Sentence classification").click()
    page.wait_for_url(re.compile(r"/questions/new/classify$"))
    page.get_by_label("Skill").select_option("reporting")
    page.get_by_label("Prompt").fill("Label each sentence.")
    page.locator("label[for='pick-p1-s1']").click()
    page.locator("label[for='pick-p3-s1']").click()
    assert page.locator("#details-p1-s1").count() == 0
    page.get_by_role("button", name="Show fields for the ticked sentences").click()
    page.wait_for_load_state()
    assert page.get_by_label("Prompt").input_value() == "Label each sentence."
    shot(page, "nojs-classify-fields")
    categories = page.locator("#s-p1-s1-category option").all_inner_texts()
    page.get_by_label("Right category for p1-s1").select_option(label=categories[1])
    page.get_by_label("Feedback for p1-s1").fill("Who says it?")
    page.get_by_label("Right category for p3-s1").select_option(label=categories[2])
    page.get_by_label("Feedback for p3-s1").fill("What should be done?")
    page.get_by_label("Explanation").fill("Attribution and advocacy.")
    page.get_by_role("button", name="Save the question").last.click()
    page.wait_for_url(re.compile(r"#q-classify-1$"))
    assert "Question classify-1 saved." in page.content()
    context.close()

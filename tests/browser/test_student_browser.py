"""A student's journey in headless Chromium: mouse, keyboard only, no JavaScript, phone."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from quiz import services
from quiz.questions import TYPES
from quiz.store import models as m
from quiz.store.db import session_scope
from tests.browser.actions import assert_answer_shown, fill_answer

pytestmark = pytest.mark.browser


def _slots(app, attempt_id):
    with session_scope(app) as s:
        slots = list(s.get(m.Attempt, attempt_id).slots)
        return [(sl.position, sl.state, services.question_of(sl.question_version)) for sl in slots]


def _attempt_id(page) -> int:
    found = re.search(r"/attempts/(\d+)", page.url)
    assert found, page.url
    return int(found.group(1))


def _start(page, base: str, name: str) -> int:
    page.goto(base + "/")
    page.get_by_label("Your name").first.fill(name)
    page.get_by_role("button", name="Start practising").first.click()
    page.wait_for_url(re.compile(r"/attempts/\d+/q/\d+"))
    return _attempt_id(page)


def test_student_answers_every_type_leaves_resumes_submits(browser, live_server, shot):
    base, app = live_server.url, live_server.app
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    attempt_id = _start(page, base, "Ada")
    shot(page, "01-first-question")
    slots = _slots(app, attempt_id)
    # The article sits beside the question on a wide screen.
    article = page.locator("aside.article-pane").bounding_box()
    question = page.locator("fieldset.question").bounding_box()
    assert article["x"] + article["width"] <= question["x"] + 1

    seen_types: set[str] = set()
    half = len(slots) // 2
    for position, state, q in slots[:half]:
        page.goto(f"{base}/attempts/{attempt_id}/q/{position}")
        fill_answer(page, q.key_form(state))
        page.get_by_role("button", name="Check my answer").click()
        feedback = page.locator(f"#feedback-{position}")
        feedback.wait_for()
        assert feedback.locator("h2").inner_text().startswith("Right"), q.id
        if q.type not in seen_types:
            shot(page, f"02-feedback-{q.type}")
        seen_types.add(q.type)

    # Leave (close the tab), come back from the same browser: answers are restored.
    page.close()
    page = context.new_page()
    page.goto(base + "/")
    page.get_by_role("link", name="Continue where you left off").click()
    page.wait_for_url(re.compile(rf"/q/{half + 1}$"))
    first, first_state, first_q = next(slot for slot in slots if slot[0] == 1)
    page.goto(f"{base}/attempts/{attempt_id}/q/{first}")
    assert_answer_shown(page, first_q.key_form(first_state))

    for position, state, q in slots[half:]:
        page.goto(f"{base}/attempts/{attempt_id}/q/{position}")
        fill_answer(page, q.key_form(state))
        page.get_by_role("button", name="Check my answer").click()
        page.locator(f"#feedback-{position}").wait_for()
        seen_types.add(q.type)
    assert seen_types == set(TYPES)

    page.get_by_role("button", name=re.compile("Review and submit")).first.click()
    page.wait_for_url(re.compile(r"/review$"))
    assert "Every question has an answer" in page.content()
    shot(page, "03-review")
    page.get_by_role("button", name="Submit my answers for marking").click()
    page.wait_for_url(re.compile(r"/results$"))
    shot(page, "04-results")
    heading = page.locator("#score-title").inner_text()
    total = sum(q.points for _p, _s, q in slots)
    assert heading.startswith(f"Score: {total:g} of {total:g}")
    # Back from the results: the review page sends a submitted attempt on to its
    # results (no second submit offered); still one submission, the same results.
    page.go_back()
    page.wait_for_url(re.compile(rf"/attempts/{attempt_id}/results$"))
    assert page.get_by_role("button", name="Submit my answers for marking").count() == 0
    assert page.locator("#score-title").inner_text() == heading
    with session_scope(app) as s:
        attempt = s.get(m.Attempt, attempt_id)
        assert attempt.status == m.ATTEMPT_SUBMITTED and attempt.score == total
        assert s.scalar(select(func.count()).select_from(m.Attempt)) == 1
    context.close()


def test_keyboard_only(browser, live_server, shot):
    base, app = live_server.url, live_server.app
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/")
    # Tab to the name field, type, Enter submits the form.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "display_name":
            break
    page.keyboard.type("Keyboard Kim")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/q/1$"))
    attempt_id = _attempt_id(page)
    slots = _slots(app, attempt_id)
    position, state, q = next(s for s in slots if s[2].type == "single")
    page.goto(f"{base}/attempts/{attempt_id}/q/{position}")
    wanted = q.key_form(state)["choice"][0]
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "choice":
            break
    # Arrow keys move through the radio group; stop at the right option.
    for _ in range(10):
        if page.evaluate("document.activeElement.value") == wanted:
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")  # submits the form from a radio button
    page.locator(f"#feedback-{position}").wait_for()
    assert page.locator(f"#feedback-{position} h2").inner_text().startswith("Right")

    # Highlight: tick sentences with Space.
    position, state, q = next(s for s in slots if s[2].type == "highlight")
    page.goto(f"{base}/attempts/{attempt_id}/q/{position}")
    wanted_ids = set(q.key_form(state)["sentences"])
    ticked: set[str] = set()
    for _ in range(200):
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement.name")
        value = page.evaluate("document.activeElement.value")
        if name == "sentences" and value in wanted_ids and value not in ticked:
            page.keyboard.press("Space")
            ticked.add(value)
        if ticked == wanted_ids:
            break
    page.keyboard.press("Enter")
    page.locator(f"#feedback-{position}").wait_for()
    shot(page, "keyboard-highlight-feedback")
    assert page.locator(f"#feedback-{position} h2").inner_text().startswith("Right")
    context.close()


def test_without_javascript_on_a_phone(browser, live_server, shot):
    base, app = live_server.url, live_server.app
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    attempt_id = _start(page, base, "Phone Pat")
    shot(page, "phone-question")
    # On a phone the question comes first, the article below it a tap away (issue #17).
    article = page.locator("aside.article-pane").bounding_box()
    question = page.locator("fieldset.question").bounding_box()
    assert question["y"] + question["height"] <= article["y"] + 1
    assert question["y"] < 844
    assert article["width"] <= 390
    slots = _slots(app, attempt_id)
    by_type = {}
    for slot in slots:
        by_type.setdefault(slot[2].type, slot)
    for position, state, q in by_type.values():
        page.goto(f"{base}/attempts/{attempt_id}/q/{position}")
        fill_answer(page, q.key_form(state))
        page.get_by_role("button", name="Check my answer").click()
        page.locator(f"#feedback-{position}").wait_for()
        assert page.locator(f"#feedback-{position} h2").inner_text().startswith("Right")
    # An unreadable number is asked again, with the message beside the field.
    numeric = [s for s in slots if s[2].type == "numeric"][1]
    page.goto(f"{base}/attempts/{attempt_id}/q/{numeric[0]}")
    page.locator("[name='value']").fill("5OO")
    page.get_by_role("button", name="Check my answer").click()
    assert page.locator("#q-error").is_visible()
    shot(page, "phone-numeric-error")
    page.goto(f"{base}/attempts/{attempt_id}/review")
    page.get_by_role("button", name="Submit my answers for marking").click()
    page.wait_for_url(re.compile(r"/results$"))
    shot(page, "phone-results")
    assert page.locator("table.skills").is_visible()
    # Each skill's percent, what a student looks for first, is in view without scrolling sideways.
    width = page.viewport_size["width"]
    for cell in page.locator("table.skills tbody td:nth-child(2)").all():
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= width and cell.inner_text().strip().endswith("%")
    context.close()

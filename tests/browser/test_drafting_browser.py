"""A teacher drafts a bank from a fresh article in headless Chromium (issue #19):
pastes it, reads the annotated article (loaded words marked, claims with what is
missing and why), corrects a voice and a check, creates the draft bank and lands
in the editor; the same works with JavaScript off."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from quiz.store import models as m
from quiz.store.db import session_scope
from tests.browser.actions import log_in_teacher
from tests.factories import PASSWORD, gen_teacher

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import drafter as bench  # noqa: E402

FRESH = (
    "Bus Fares Soar 40% as City Cuts Routes\n\n"
    "Bus fares in Greenfield rose 40% in January, from $2.50 to $3.50, the city's transit "
    "authority said on Monday.\n\n"
    "Ridership fell from 1.2 million trips a month to 950,000 over the same period, "
    "according to the authority.\n\n"
    "Some riders say the increase is pushing them back into their cars.\n\n"
    "The council must reverse this shocking fare hike before spring."
)


def _start(browser, live_server, javascript: bool = True):
    base, app = live_server.url, live_server.app
    with session_scope(app) as s:
        gen_teacher(s, "drafter@school.example")
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=javascript
    )
    page = context.new_page()
    log_in_teacher(page, base, "drafter@school.example", PASSWORD)
    page.goto(base + "/teacher/banks/")
    page.get_by_role("link", name="Draft a bank from an article").click()
    page.wait_for_url(re.compile(r"/teacher/banks/draft$"))
    return page, app


def test_teacher_drafts_a_bank_from_a_fresh_article(browser, live_server, shot):
    page, app = _start(browser, live_server)
    page.get_by_label(re.compile("^The article")).fill(FRESH)
    page.get_by_label(re.compile("^Source note")).fill("A made-up article for the browser test")
    page.get_by_role("button", name="Annotate the article").click()
    page.wait_for_url(re.compile(r"/teacher/banks/draft$"))

    # The annotated reading: loaded words marked, each claim with what is missing and why.
    assert page.get_by_role("heading", name="Check the labels").is_visible()
    assert page.locator("#p0-s1 mark", has_text="Soar").is_visible()
    assert page.locator("#p4-s1 mark", has_text="shocking").is_visible()
    claims = page.locator("fieldset.draft-claim")
    assert claims.count() == 4
    first = claims.nth(2)
    assert "from $2.50 to $3.50" in first.locator("legend").inner_text()
    assert first.get_by_label("The period compared").is_checked()
    assert "given in p1-s1" in first.inner_text()
    assert page.locator("#p3-s1 select").input_value() == "vague_attribution"
    assert page.locator("#p4-s1 select").input_value() == "advocacy"
    shot(page, "01-annotated")

    # The teacher corrects two labels: a voice and a check.
    page.locator("#p2-s1 select").select_option("unattributed_assertion")
    first.get_by_label("A named source").uncheck()
    page.get_by_role("button", name="Create the draft bank").click()
    page.wait_for_url(re.compile(r"/teacher/banks/\d+$"))
    assert page.get_by_text(re.compile("Draft bank created: \\d+ questions")).is_visible()
    assert page.get_by_role("heading", name=re.compile("^Draft: Bus Fares Soar")).is_visible()
    shot(page, "02-draft-bank")
    with session_scope(app) as s:
        bank = s.scalars(select(m.Bank).where(m.Bank.owner_id.is_not(None))).one()
        assert bank.title.startswith("Draft:") and len(bank.questions) >= 5


def test_bad_input_is_named_beside_the_box_and_kept(browser, live_server, shot):
    page, _ = _start(browser, live_server)
    page.get_by_label(re.compile("^The article")).fill("Just one line with no title")
    page.get_by_role("button", name="Annotate the article").click()
    box = page.get_by_label(re.compile("^The article"))
    assert box.get_attribute("aria-invalid") == "true"
    assert page.get_by_text(re.compile("No title line")).is_visible()
    assert box.input_value() == "Just one line with no title"
    shot(page, "bad-input")


def test_the_drafter_works_without_javascript(browser, live_server):
    page, app = _start(browser, live_server, javascript=False)
    seed = bench.load(ROOT / "tests" / "data" / "drafting" / "seed-ice.yaml")["text"]
    page.get_by_label(re.compile("^The article")).fill(seed)
    page.get_by_role("button", name="Annotate the article").click()
    assert page.locator("#p1-s1 mark", has_text="staggering").is_visible()
    page.get_by_role("button", name="Create the draft bank").click()
    page.wait_for_url(re.compile(r"/teacher/banks/\d+$"))
    assert page.get_by_text("Draft bank created: 7 questions", exact=False).is_visible()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_drafter_pages_pass_axe_and_reflow(browser, live_server, shot, width):
    from tests.browser.test_accessibility import Audit

    audit = Audit(shot)
    base, app = live_server.url, live_server.app
    with session_scope(app) as s:
        gen_teacher(s, "axe@school.example")
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    log_in_teacher(page, base, "axe@school.example", PASSWORD)
    page.goto(base + "/teacher/banks/draft")
    audit(page, f"draft-{width}")
    page.get_by_role("button", name="Annotate the article").click()
    audit(page, f"draft-error-{width}")
    page.get_by_label(re.compile("^The article")).fill(FRESH)
    page.get_by_role("button", name="Annotate the article").click()
    audit(page, f"draft-review-{width}")
    audit.assert_clean()

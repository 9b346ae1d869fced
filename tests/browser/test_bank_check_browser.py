"""The bank editor's checks and item-writing warnings in a real browser: written, run,
refused with a message beside the field, saved, shown beside the question and in the
preview, and axe-clean on a wide screen and on a phone. (The pages use no JavaScript for
this; axe needs it on, so the round trips are also covered by tests/test_authoring_checks.py.)"""

from __future__ import annotations

import re

import pytest

from quiz.store.db import session_scope
from tests import factories
from tests.browser.actions import fill_new_bank, log_in_teacher
from tests.browser.audit import VIEWPORTS, Audit
from tests.test_authoring import ARTICLE

pytestmark = pytest.mark.browser


@pytest.fixture
def audit(shot) -> Audit:
    return Audit(shot)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_checks_and_warnings_in_the_editor(browser, live_server, audit, viewport):
    base, app = live_server.url, live_server.app
    with session_scope(app) as s:
        factories.gen_teacher(s, "author@example.org")
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    log_in_teacher(page, base, "author@example.org", factories.PASSWORD)
    page.goto(base + "/teacher/banks/new")
    bank_url = fill_new_bank(page, "Checks", ARTICLE)
    page.goto(f"{bank_url}/questions/new/single")
    page.get_by_label("Prompt").fill("Ten assaults rise by 500%. How many now?")
    page.get_by_label("Explanation").fill("Ten plus five times ten.")
    page.locator("#options-0-text").fill("60")
    page.locator("#options-0-correct").check()
    page.locator("#options-0-feedback").fill("Ten plus fifty.")
    page.locator("#options-1-text").fill("50")
    page.locator("#options-1-feedback").fill("That is 500% of 10.")
    page.locator("#checks-box > summary").click()  # checks are folded until used
    page.get_by_label("A student's answer").fill("60")
    page.get_by_label("Score it must get").fill("1")
    page.get_by_role("button", name="Add another check").click()
    page.locator("#checks-1-answer").fill("50")
    page.locator("#checks-1-expect").fill("at least 0.5")
    page.get_by_role("button", name="Run the checks (saves nothing)").click()
    status = page.get_by_role("status").filter(has_text="Checks run")
    assert "2 checks: 1 failing. Nothing was saved." in status.inner_text()
    assert page.locator("#checks-0 .check-result.pass").count() == 1
    assert "expected at least 0.5, got 0" in page.locator("#checks-1 .check-result").inner_text()
    assert "no wrong option is tagged" in page.locator(".lint-warnings").inner_text()
    audit(page, "editor-checks-run")

    page.locator("#checks-1-expect").fill("lots")
    page.get_by_role("button", name="Save the question").last.click()
    assert "must be a number from 0 to 1" in page.locator("#checks-1-expect-error").inner_text()
    assert page.locator("#checks-1-expect").get_attribute("aria-invalid") == "true"
    audit(page, "editor-checks-errors")

    page.locator("#checks-1-expect").fill("0")
    page.locator("#options-1 details > summary").click()  # a select of the catalogue
    page.locator("#options-1-misconception").select_option("MULT_OFFBYONE")
    page.get_by_role("button", name="Save the question").last.click()
    page.wait_for_url(re.compile(r"/teacher/banks/\d+#q-single-1$"))  # saved: the bank page
    assert "Its 2 checks: all pass." in page.content()
    assert "2 checks: all pass" in page.locator("#q-single-1").inner_text()
    audit(page, "bank-checks")
    page.goto(f"{bank_url}/preview/1")
    assert "This question's checks" in page.content()
    audit(page, "preview-checks")
    context.close()
    audit.assert_clean()

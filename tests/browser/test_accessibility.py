"""WCAG 2.0/2.1 A and AA checks with axe-core (tests/browser/audit.py) on every page of
both journeys, the bank editor and error states included, on a wide screen and on a
phone. The keyboard by hand: tests/browser/test_keyboard.py.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from quiz import services
from quiz.classes import roster as classes
from quiz.questions import TYPES
from quiz.store import models as m
from quiz.store.db import session_scope, utcnow
from tests import factories
from tests.browser.actions import fill_answer, fill_new_bank, log_in_teacher

# Audit and the viewports live in tests/browser/audit.py; other browser tests import
# them from here too.
from tests.browser.audit import DESKTOP, PHONE, VIEWPORTS, Audit, open_details
from tests.browser.classroom import student_attempts, wrong_form

__all__ = ["DESKTOP", "PHONE", "VIEWPORTS", "Audit"]

pytestmark = pytest.mark.browser


PASSWORD = "a long enough password"


@pytest.fixture
def audit(shot) -> Audit:
    return Audit(shot)


def _slots(app, attempt_id: int) -> list[tuple[int, dict, Any]]:
    with session_scope(app) as s:
        return [
            (sl.position, sl.state, services.question_of(sl.question_version))
            for sl in s.get(m.Attempt, attempt_id).slots
        ]


def _attempt_id(page) -> int:
    found = re.search(r"/attempts/(\d+)", page.url)
    assert found, page.url
    return int(found.group(1))


# -- students --------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_student_practice_pages(browser, live_server, audit, viewport):
    """Home (and its error), a question of each type before and after answering,
    right and wrong, the unreadable-number and empty-answer errors, review with
    unanswered questions, results and the 404 page."""
    base, app = live_server.url, live_server.app
    context = browser.new_context(viewport=viewport, is_mobile=viewport is PHONE)
    page = context.new_page()
    page.goto(base + "/")
    audit(page, "home")
    page.get_by_role("button", name="Start practising").first.click()
    page.locator("p.error").first.wait_for()
    audit(page, "home-name-error")
    page.get_by_label("Your name").first.fill("Ada")
    page.get_by_role("button", name="Start practising").first.click()
    page.wait_for_url(re.compile(r"/attempts/\d+/q/\d+"))
    attempt_id = _attempt_id(page)
    slots = _slots(app, attempt_id)
    by_type: dict[str, list[tuple[int, dict, Any]]] = {}
    for slot in slots:
        by_type.setdefault(slot[2].type, []).append(slot)
    assert set(by_type) == set(TYPES)

    answered: set[int] = set()
    for kind in TYPES:
        first = by_type[kind][0]
        url = f"{base}/attempts/{attempt_id}/q/{first[0]}"
        page.goto(url)
        audit(page, f"q-{kind}")
        if kind == "single":
            page.get_by_role("button", name="Check my answer").click()
            page.locator("#q-error").wait_for()
            audit(page, "q-single-empty-error")
        fill_answer(page, wrong_form(first[2], first[1]))
        page.get_by_role("button", name="Check my answer").click()
        page.locator(f"#feedback-{first[0]}").wait_for()
        audit(page, f"q-{kind}-feedback-wrong")
        answered.add(first[0])
        if len(by_type[kind]) > 1:
            second = by_type[kind][1]
            page.goto(f"{base}/attempts/{attempt_id}/q/{second[0]}")
            fill_answer(page, second[2].key_form(second[1]))
            page.get_by_role("button", name="Check my answer").click()
            page.locator(f"#feedback-{second[0]}").wait_for()
            audit(page, f"q-{kind}-feedback-right")
            answered.add(second[0])

    numeric = next(s for s in by_type["numeric"] if s[0] not in answered)
    page.goto(f"{base}/attempts/{attempt_id}/q/{numeric[0]}")
    page.locator("[name='value']").fill("5OO")
    page.get_by_role("button", name="Check my answer").click()
    page.locator("#q-error").wait_for()
    audit(page, "q-numeric-unreadable")

    page.goto(base + "/")
    page.get_by_role("link", name="Continue where you left off").wait_for()
    audit(page, "home-continue")
    page.goto(f"{base}/attempts/{attempt_id}/review")
    assert "not answered yet" in page.content()
    audit(page, "review-unanswered")
    page.get_by_role("button", name="Submit my answers for marking").click()
    page.wait_for_url(re.compile(r"/results$"))
    audit(page, "results")
    page.goto(base + "/no-such-page")
    audit(page, "404")
    context.close()
    audit.assert_clean()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_student_class_pages(browser, live_server, audit, viewport):
    """Join (empty, with errors, rate-limited), re-entry error, /me, an assignment's
    question with a deadline, its review and results."""
    base, app = live_server.url, live_server.app
    with session_scope(app) as s:
        teacher = factories.gen_teacher(s)
        klass = factories.gen_class(s, teacher, "9B Media")
        factories.gen_assignment(s, klass, time_limit_minutes=30, attempts_allowed=2)
        factories.gen_assignment(s, klass, title="Later", opens_at=utcnow() + timedelta(days=2))
        code = classes.pretty_code(klass.join_code)
    context = browser.new_context(viewport=viewport, is_mobile=viewport is PHONE)
    page = context.new_page()
    page.goto(base + "/join")
    audit(page, "join")
    page.get_by_role("button", name="Join the class").click()
    page.locator(".error").first.wait_for()
    audit(page, "join-required-errors")
    for _ in range(5):
        page.get_by_label("Class code").fill("ZZZZ-ZZZZ")
        page.get_by_label("Your name").fill("Bo")
        page.get_by_role("button", name="Join the class").click()
        page.locator(".error").first.wait_for()
        if "Too many tries" in page.content():
            break
        if "join-wrong-code" not in audit.pages:
            audit(page, "join-wrong-code")
    assert "Too many tries" in page.content()
    audit(page, "join-rate-limited")
    page.get_by_label("Re-entry code").fill("nothing")
    page.get_by_role("button", name="Come back in").click()
    page.locator("#reentry_code-error").wait_for()
    audit(page, "join-reentry-error")

    page.get_by_label("Class code").fill(code.lower())
    page.get_by_label("Your name").fill("Bo")
    page.get_by_role("button", name="Join the class").click()
    page.wait_for_url(re.compile(r"/me"))
    audit(page, "me-welcome")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/q/1$"))
    audit(page, "assignment-question")
    page.goto(f"{base}/attempts/{_attempt_id(page)}/review")
    page.get_by_role("button", name="Submit my answers for marking").click()
    page.wait_for_url(re.compile(r"/results$"))
    audit(page, "assignment-results")
    page.goto(base + "/me")
    audit(page, "me-after-submit")
    context.close()
    audit.assert_clean()


# -- teachers --------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_teacher_pages(browser, live_server, audit, viewport):
    """Log in (and fail, and be slowed down), sign up (and its errors), dashboard,
    class with students, student, assignment form (and its errors), results with
    charts, an attempt, delete-class confirmation (and its error), 404."""
    base, app = live_server.url, live_server.app
    context = browser.new_context(viewport=viewport, is_mobile=viewport is PHONE)
    page = context.new_page()
    page.goto(base + "/teacher/login")
    audit(page, "login")
    page.get_by_label("E-mail").fill("nobody@school.example")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    page.locator("#login-error").wait_for()
    audit(page, "login-failed")
    for _ in range(6):
        if "Too many failed tries" in page.content():
            break
        page.get_by_label("Password").fill("wrong password")
        page.get_by_role("button", name="Log in").click()
        page.locator("#login-error").wait_for()
    assert "Too many failed tries" in page.content()
    audit(page, "login-rate-limited")

    page.goto(base + "/teacher/signup")
    audit(page, "signup")
    page.get_by_label("E-mail").fill("not an address")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_role("button", name="Make my account").click()
    page.locator(".error").first.wait_for()
    audit(page, "signup-errors")
    page.get_by_label("Your name").fill("Ms Rivera")
    page.get_by_label("E-mail").fill("rivera@school.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label(re.compile("Confirm|again", re.I)).fill(PASSWORD)
    page.get_by_role("button", name="Make my account").click()
    page.wait_for_url(re.compile(r"/teacher/$"))
    audit(page, "dashboard-empty")
    page.get_by_role("button", name="Create the class").click()
    page.locator(".error").first.wait_for()
    audit(page, "dashboard-class-error")
    page.get_by_label("Class name").fill("9B Media")
    page.get_by_role("button", name="Create the class").click()
    page.wait_for_url(re.compile(r"/teacher/classes/\d+$"))
    class_url = page.url
    code = page.locator(".join-code").inner_text().strip()
    audit(page, "class-empty")
    page.get_by_role("link", name="Show the code on the projector").click()
    audit(page, "class-projector")
    page.go_back()

    page.get_by_role("link", name="Assign a quiz").click()
    page.wait_for_url(re.compile(r"/assignments/new$"))
    open_details(page)
    audit(page, "assignment-form")
    page.get_by_label("Title").fill("")
    page.get_by_label("The questions of some skills").check()
    page.get_by_label("Attempts allowed").fill("-1")
    page.get_by_role("button", name="Create the assignment").click()
    page.locator("[role=alert]").wait_for()
    audit(page, "assignment-form-errors")
    page.get_by_label("Title").fill("Percent check")
    page.get_by_label("Every question of the bank").check()
    page.get_by_label("Attempts allowed").fill("1")
    page.get_by_role("button", name="Create the assignment").click()
    page.wait_for_url(re.compile(r"/teacher/assignments/\d+$"))
    assignment_url = page.url
    audit(page, "assignment-no-attempts")

    student_attempts(app, int(assignment_url.rsplit("/", 1)[1]), code)
    page.goto(assignment_url)
    assert page.locator("svg[role=img]").count() >= 2  # distribution, skills, discernment (#22)
    open_details(page)
    audit(page, "assignment-results")
    page.get_by_role("link", name="Ben").click()
    page.wait_for_url(re.compile(r"/teacher/attempts/\d+$"))
    audit(page, "attempt")
    page.goto(base + "/teacher/")
    audit(page, "dashboard")
    page.goto(class_url)
    open_details(page)
    audit(page, "class-with-students")
    page.get_by_role("link", name="Ben").click()
    page.wait_for_url(re.compile(r"/teacher/students/\d+$"))
    audit(page, "student")
    page.get_by_label("Extra minutes").fill("-5")
    page.get_by_role("button", name="Save extra time").click()
    page.locator(".error").first.wait_for()
    audit(page, "student-errors")
    page.goto(assignment_url + "/edit")
    audit(page, "assignment-edit")
    page.goto(class_url + "/delete")
    audit(page, "delete-class")
    page.get_by_label("Type the class name").fill("not the name")
    page.get_by_role("button", name="Delete the class and all its data").click()
    page.locator(".error").first.wait_for()
    audit(page, "delete-class-error")
    page.goto(base + "/teacher/classes/999999")
    audit(page, "teacher-404")
    page.goto(class_url)
    open_details(page)
    page.get_by_label("…or paste names").fill("Smith, John\n" + "x" * 61)
    page.get_by_role("button", name=re.compile("Show the names")).click()
    page.locator(".error").first.wait_for()
    audit(page, "roster-errors")
    page.get_by_label("…or paste names").fill("Smith, John\nO'Brien, Mary-Kate")
    page.get_by_role("button", name=re.compile("Show the names")).click()
    page.get_by_role("button", name="Add these 2 students").wait_for()
    audit(page, "roster-confirm")
    page.get_by_role("link", name="My account").click()
    page.wait_for_url(re.compile(r"/teacher/account$"))
    audit(page, "account")
    page.get_by_label("Your password now").fill("not the password")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_role("button", name="Change my password").click()
    page.locator(".error").first.wait_for()
    audit(page, "account-errors")
    page.get_by_role("button", name="Log out everywhere").click()
    page.wait_for_url(re.compile(r"/teacher/login"))
    audit(page, "login-after-logout")
    context.close()
    audit.assert_clean()


# -- authoring -------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_authoring_pages(browser, live_server, audit, viewport):
    """Every page of the bank editor, its error states, the sentence fields quiz.js
    opens, the preview and its feedback."""
    from tests.test_authoring import ARTICLE

    base, app = live_server.url, live_server.app
    with session_scope(app) as s:
        factories.gen_teacher(s, "author@example.org")
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    log_in_teacher(page, base, "author@example.org", factories.PASSWORD)
    page.goto(base + "/teacher/banks/")
    audit(page, "banks")
    page.get_by_role("link", name=re.compile("Reading a")).first.click()
    page.get_by_text("copy it to your banks first").first.wait_for()
    audit(page, "bank-shipped")
    page.goto(base + "/teacher/banks/")
    broken = b"id: x\ntitle: Broken\nquestions: [1]\n"
    page.locator("input[type=file]").set_input_files(
        {"name": "broken.yaml", "mimeType": "text/yaml", "buffer": broken}
    )
    page.get_by_role("button", name="Upload as a new bank").click()
    page.get_by_text("broken.yaml").first.wait_for()
    audit(page, "upload-errors")

    page.goto(base + "/teacher/banks/new")
    audit(page, "new-bank")
    page.get_by_role("button", name="Create the bank").click()
    page.locator("p.error").first.wait_for()
    audit(page, "new-bank-errors")
    bank_url = fill_new_bank(page, "Who is speaking?", ARTICLE)
    audit(page, "bank-empty")

    for qtype in TYPES:
        page.goto(f"{bank_url}/questions/new/{qtype}")
        open_details(page)  # the folded fields too
        audit(page, f"editor-{qtype}")
    page.get_by_role("button", name="Save the question").last.click()
    page.get_by_text("Nothing was saved").first.wait_for()
    audit(page, "editor-errors")

    page.goto(f"{bank_url}/questions/new/highlight")
    page.locator("label[for='pick-p1-s3']").click()
    page.locator("label[for='pick-p3-s1']").click()
    audit(page, "editor-highlight-ticked")
    page.get_by_label("Skill").select_option("reporting")
    page.get_by_label("Prompt").fill("Tick the sentence that says what must be done.")
    page.get_by_label("Explanation").fill("Advocacy says what should be done.")
    page.get_by_label("Prompt").fill("")  # the prompt is required (feedback is not)
    page.get_by_role("button", name="Save the question").last.click()
    page.get_by_text("Nothing was saved").first.wait_for()
    audit(page, "editor-highlight-errors")
    page.get_by_label("Prompt").fill("Tick the sentence that says what must be done.")
    page.get_by_label("Role of p1-s3").select_option("distractor")
    page.get_by_label("Feedback for p1-s3").fill("A denial, not a call to act.")
    page.get_by_label("Feedback for p3-s1").fill("It says what officials must do.")
    page.get_by_role("button", name="Save the question").last.click()
    page.wait_for_url(re.compile(r"#q-highlight-1$"))
    audit(page, "bank-with-question")

    page.goto(f"{bank_url}/questions/highlight-1/edit")
    audit(page, "editor-edit")
    page.goto(f"{bank_url}/preview/1")
    audit(page, "preview")
    page.get_by_role("button", name="Check my answer").click()
    page.locator("#q-error").wait_for()
    audit(page, "preview-empty-answer")
    page.locator("label[for]").filter(has_text="Officials must act now").first.click()
    page.get_by_role("button", name="Check my answer").click()
    page.locator("section.feedback").wait_for()
    open_details(page)
    audit(page, "preview-feedback")
    page.goto(f"{bank_url}/settings")
    audit(page, "settings")
    page.locator("#skills").get_by_label("New key").fill("not a key!")
    page.get_by_role("button", name="Save the skills").click()
    page.get_by_text("Nothing was saved").first.wait_for()
    audit(page, "settings-errors")
    page.goto(f"{bank_url}/article")
    audit(page, "article")
    page.goto(f"{bank_url}/replace")
    audit(page, "replace")
    page.goto(f"{bank_url}/questions/highlight-1/delete")
    audit(page, "delete-question")
    context.close()
    audit.assert_clean()

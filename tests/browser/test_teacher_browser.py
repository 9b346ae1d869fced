"""A teacher's journey in headless Chromium: sign up, class, assignment, a student
joins and submits, results arrive, both CSV files download and parse."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from quiz import services
from quiz.store import models as m
from quiz.store.db import session_scope
from tests.browser.actions import fill_answer

pytestmark = pytest.mark.browser


def _csv(download) -> list[dict[str, str]]:
    """The rows of a downloaded CSV file, read by header."""
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_teacher_runs_a_class_and_sees_results(browser, live_server, shot):
    base, app = live_server.url, live_server.app
    app.config["RESULTS_REFRESH_SECONDS"] = 1  # the results table fetches itself each second
    teacher = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = teacher.new_page()
    page.goto(base + "/teacher/signup")
    page.get_by_label("Your name").fill("Ms Rivera")
    page.get_by_label("E-mail").fill("rivera@school.example")
    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_label(re.compile("Confirm|again", re.I)).fill("a long enough password")
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/teacher/$"))
    page.get_by_label("Class name").fill("9B <Media>")
    page.get_by_role("button", name="Create the class").click()
    page.wait_for_url(re.compile(r"/teacher/classes/\d+$"))
    shot(page, "01-class")
    code = page.locator(".join-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    qr = page.locator("img.qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")

    page.get_by_role("link", name="Assign a quiz").click()
    page.wait_for_url(re.compile(r"/assignments/new$"))
    shot(page, "01b-new-assignment")
    page.get_by_label("Title").fill("Percent check")
    page.get_by_label("The questions of some skills").check()
    page.get_by_label("Evaluate percentage claims", exact=True).check()
    page.get_by_label("Students see feedback and right answers").select_option("after_submit")
    page.get_by_role("button", name="Create the assignment").click()
    page.wait_for_url(re.compile(r"/teacher/assignments/\d+$"))
    assignment_url = page.url

    # A student joins on a phone-sized screen and submits.
    student = browser.new_context(viewport={"width": 390, "height": 844})
    spage = student.new_page()
    spage.goto(base + "/join")
    spage.get_by_label("Class code").fill(code.lower())
    spage.get_by_label("Your name").fill('=HYPERLINK("x")')
    spage.get_by_role("button", name="Join the class").click()
    spage.wait_for_url(re.compile(r"/me"))
    shot(spage, "02-student-me")
    spage.get_by_role("button", name="Start").click()
    spage.wait_for_url(re.compile(r"/q/1$"))
    attempt_id = int(re.search(r"/attempts/(\d+)", spage.url).group(1))
    # The assignment closes in a week: the page names the day, the countdown days.
    deadline = spage.locator(".deadline")
    assert re.search(r"Hand in by \w{3} \d{2} \w{3}, \d{2}:\d{2}", deadline.inner_text())
    countdown = deadline.locator(".countdown").inner_text()
    assert re.fullmatch(r"\(\d days? \d+ hours? left\)", countdown)
    with session_scope(app) as s:
        slots = [
            (sl.position, sl.state, services.question_of(sl.question_version))
            for sl in s.get(m.Attempt, attempt_id).slots
        ]
    assert slots and all(q.skill == "percent" for _p, _s, q in slots)
    for position, state, q in slots[:-1]:
        spage.goto(f"{base}/attempts/{attempt_id}/q/{position}")
        fill_answer(spage, q.key_form(state))
        spage.get_by_role("button", name="Save answer").click()
        spage.wait_for_load_state()
    spage.goto(f"{base}/attempts/{attempt_id}/review")
    assert "1 question is" in spage.content()
    spage.get_by_role("button", name="Submit my answers for marking").click()
    spage.wait_for_url(re.compile(r"/results$"))

    # The teacher, who left the results page open, sees the submission arrive
    # without reloading, and hears it (live region); updates can be paused.
    assert page.url == assignment_url
    row = page.locator("#students tbody tr").first
    expect(row).to_contain_text("submitted", timeout=10_000)
    assert page.url == assignment_url
    expect(page.locator("#students [aria-live]")).to_have_text("1 more student has submitted.")
    expect(page.locator(".live-status")).to_contain_text(re.compile(r"Updated at \d\d:\d\d:\d\d;"))
    page.get_by_role("button", name="Pause updates").click()
    expect(page.locator(".live-status")).to_contain_text("Updates paused.")
    page.get_by_role("button", name="Resume updates").click()
    # The charts and item analysis come with a reload.
    page.goto(assignment_url)
    shot(page, "03-results")
    row = page.locator("table.data tbody tr").first
    assert "submitted" in row.inner_text()
    assert page.locator("svg[role=img]").count() >= 2  # more charts may come (issue #22)
    assert "Question by question" in page.content()
    page.get_by_role("link", name="=HYPERLINK").click()
    page.wait_for_url(re.compile(r"/teacher/attempts/\d+$"))
    shot(page, "04-attempt")
    page.go_back()

    with page.expect_download() as grades:
        page.get_by_role("link", name="Download grades (CSV)").click()
    (first,) = _csv(grades.value)  # one student
    assert list(first)[:4] == ["class", "class_code", "student_id", "student_name"]
    assert first["class"] == "9B <Media>" and first["class_code"] == code.replace("-", "")
    assert first["student_name"] == '\'=HYPERLINK("x")'
    assert first["status"] == "submitted"
    total = sum(q.points for _p, _s, q in slots)
    assert float(first["max_score"]) == total
    assert float(first["score"]) == total - slots[-1][2].points

    with page.expect_download() as responses:
        page.get_by_role("link", name="Download responses (CSV)").click()
    rows = _csv(responses.value)
    assert len(rows) == len(slots) - 1  # the last question was left unanswered
    assert {r["skill"] for r in rows} == {"percent"}
    assert {int(r["position"]) for r in rows} == {p for p, _s, _q in slots[:-1]}
    teacher.close()
    student.close()


# -- the shortest path: sign-up to an assigned quiz of three questions (issue #17, Measure) --

ARTICLE = (
    "Assaults on officers rose 500% this year, the agency said on Monday.\n\n"
    "The agency did not say how many assaults there were last year.\n\n"
    "Critics called the figure “a scare tactic” meant to justify new spending."
)
QUESTIONS = [
    ("What does a 500% rise mean?", ["Six times the start", "Five times the start"]),
    ("What number is missing?", ["Last year's count", "The officers' names"]),
    ("Who calls the figure a scare tactic?", ["Critics", "The writer"]),
]


class Clicks:
    """Every click, tick and choice a person makes; typing is not counted."""

    def __init__(self) -> None:
        self.log: list[str] = []

    def __call__(self, locator, what: str) -> None:
        locator.click()
        self.log.append(what)

    def select(self, locator, label: str, what: str) -> None:
        locator.select_option(label=label)
        self.log.append(what)


def _first_link(page, pattern: str):
    return page.get_by_role("link", name=re.compile(pattern, re.I)).first


def _write_question(page, click: Clicks, prompt: str, options: list[str], last: bool) -> None:
    """Stem, two options and the right one; whatever the page then asks for is filled in
    (each rejected save counts as a click)."""
    page.get_by_label(re.compile(r"^Prompt")).fill(prompt)
    for n, text in enumerate(options):
        page.locator(f"#options-{n}").get_by_label("Option text").fill(text)
    click(page.locator("#options-0").get_by_label("Correct", exact=True), "tick the right one")
    another = page.get_by_role("button", name=re.compile("save and add another", re.I))
    for _ in range(3):
        if not last and another.count():
            click(another, "save and add another")
        else:
            click(page.get_by_role("button", name="Save the question").last, "save")
        page.wait_for_load_state()
        if "Nothing was saved" not in page.content():
            return
        for box in page.locator("[aria-invalid=true]").all():
            box.fill("Because the article says so.")
    raise AssertionError("the question was never saved")


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 900}, {"width": 390, "height": 844}],
    ids=["desktop", "phone"],
)
def test_shortest_path_to_an_assigned_quiz(browser, live_server, shot, viewport):
    base, app = live_server.url, live_server.app
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    click = Clicks()
    page.goto(base + "/teacher/signup")
    page.get_by_label("Your name").fill("Ms Okafor")
    page.get_by_label("E-mail").fill("okafor@school.example")
    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_label(re.compile("Confirm|again", re.I)).fill("a long enough password")
    click(page.locator("form button[type=submit]"), "sign up")
    page.wait_for_url(re.compile(r"/teacher/$"))

    start = page.get_by_role("link", name=re.compile("start a new bank", re.I))
    if not start.count():
        click(_first_link(page, "question banks"), "to the banks")
        start = page.get_by_role("link", name=re.compile("start a new bank", re.I))
    click(start.first, "start a new bank")
    page.get_by_label("Bank title").fill("Reading a 500% headline")
    page.get_by_label(re.compile("^Article title")).fill("Assaults up 500%, agency says")
    page.get_by_label(re.compile("^Article text")).fill(ARTICLE)
    click(page.get_by_role("button", name="Create the bank"), "create the bank")
    page.wait_for_load_state()
    if page.locator("#options-0").count():
        shot(page, "shortest-00-editor")
        height = page.evaluate("document.documentElement.scrollHeight")
        print(f"\nthe single-choice editor is {height} px tall at {viewport['width']} px wide")
    for n, (prompt, options) in enumerate(QUESTIONS):
        if not page.locator("#options-0").count():
            click(_first_link(page, "^single choice"), "add a single-choice question")
            page.wait_for_load_state()
        _write_question(page, click, prompt, options, last=n == len(QUESTIONS) - 1)
    shot(page, "shortest-01-bank")

    click(_first_link(page, "^my classes$"), "to my classes")
    page.get_by_label("Class name").fill("8C")
    click(page.get_by_role("button", name="Create the class"), "create the class")
    page.wait_for_url(re.compile(r"/teacher/classes/\d+$"))
    click(_first_link(page, "assign a quiz|new assignment"), "new assignment")
    page.wait_for_url(re.compile(r"/assignments/new"))
    bank = page.get_by_label("Question bank")
    if bank.locator("option:checked").inner_text() != "Reading a 500% headline":
        click.select(bank, label="Reading a 500% headline", what="choose the bank")
    if "bank's title" not in page.content():  # before: the title had to be typed
        page.get_by_label("Title").fill("Reading a 500% headline")
    shot(page, "shortest-02-assignment")
    click(page.get_by_role("button", name="Create the assignment"), "create the assignment")
    page.wait_for_url(re.compile(r"/teacher/assignments/\d+$"))

    with session_scope(app) as s:
        a = s.query(m.Assignment).one()
        assert a.bank.title == a.title == "Reading a 500% headline"
        assert len(services.live_questions(s, a.bank)) == 3
    print(f"\nclicks from sign-up to an assigned quiz of three questions: {len(click.log)}")
    print("  " + "; ".join(click.log))
    # issue #17: 20 clicks before (three saves refused for missing feedback); target 15
    assert len(click.log) <= 15, click.log
    assert "save" in click.log and click.log.count("save") == 1  # no save was refused
    context.close()

"""The results page of a class with blanket sceptics (issue #22), in headless Chromium,
on the shipped bank: the discernment scatter and the misconception heatmap read at a
glance on a desktop and a phone, axe-clean, the heatmap sorted by a link; and a
sceptic's own results say they rejected sound statements as often as flawed ones."""

from __future__ import annotations

import random
from typing import Any

import pytest

from quiz import services
from quiz.domain.discernment import is_judgement
from quiz.questions.single import option_values
from quiz.reports.charts import MIN_FONT
from quiz.store import models as m
from quiz.store.db import session_scope
from tests import factories
from tests.browser.actions import log_in_teacher
from tests.browser.test_accessibility import DESKTOP, PHONE, Audit
from tests.browser.test_results_phone import TEXT_SIZES_JS
from tests.factories_results import add_student, make_assignment

pytestmark = pytest.mark.browser


def _form(q: Any, state: dict, how: str, rng: random.Random) -> dict[str, list[str]] | None:
    """``right``; ``sceptic``: every judgement "flawed"; ``credulous``: every one "sound";
    ``mixed``: right or wrong at random. Questions that are no judgement: right, or for
    the mixed student a misconception's wrong answer half the time."""
    if how == "right" or not is_judgement(q):
        wrong = q.misconception_form(state) if how != "right" and rng.random() < 0.5 else None
        return wrong[0] if wrong else q.key_form(state)
    if how == "mixed":
        wrong = q.misconception_form(state)
        return wrong[0] if wrong and rng.random() < 0.5 else q.key_form(state)
    flawed = how == "sceptic"
    if q.type == "classify":
        sound = set(q.sound_categories)
        pick = next(k for k, _ in q.categories if (k in sound) != flawed)
        return {f"label-{s.sentence}": [pick] for s in q.sentences}
    if q.type == "highlight":
        return {"sentences": list(q.selectable)} if flawed else None
    values = option_values(list(q.options), state)
    says = "flawed" if flawed else "sound"
    chosen = [values[o.id] for o in q.options if o.judgement == says]
    return {"choice": chosen[:1]} if q.type == "single" else {"choices": chosen}


CLASS = [
    ("Amara", "right"),
    ("Ben (sceptic)", "sceptic"),
    ("Chloé", "mixed"),
    ("Dmitri (sceptic)", "sceptic"),
    ("Esi", "mixed"),
    ("Farah", "credulous"),
    ("Gus", "right"),
]


def _class(live_server: Any) -> tuple[str, int]:
    rng = random.Random(22)
    with session_scope(live_server.app) as session:
        teacher = factories.gen_teacher(session, "judge@school.example")
        klass = factories.gen_class(session, teacher, "9C Media")
        bank = factories.shipped_bank(session)
        assignment = make_assignment(session, klass, bank, title="The 500% headline")
        sceptic_attempt = 0
        for name, how in CLASS:
            student = add_student(session, klass, name)
            attempt = services.start_attempt(
                session, student, bank, feedback=assignment.feedback, assignment=assignment
            )
            for slot in attempt.slots:
                q = services.question_of(slot.question_version)
                form = _form(q, slot.state, how, rng)
                if form:
                    assert services.save_answer(session, attempt, slot, form).answer is not None
            assert services.submit_attempt(session, attempt)
            if how == "sceptic" and not sceptic_attempt:
                sceptic_attempt = attempt.id
        return f"{live_server.url}/teacher/assignments/{assignment.id}", sceptic_attempt


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_results_page_with_blanket_sceptics(browser, live_server, shot, viewport) -> None:
    url, _attempt = _class(live_server)
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    log_in_teacher(page, live_server.url, "judge@school.example", factories.PASSWORD)
    page.goto(url)
    audit = Audit(shot)
    section = page.locator("#discernment")
    section.scroll_into_view_if_needed()
    assert page.locator("#discern-title").text_content() == (
        "Discernment (d′) against bias (c), one point per student"
    )
    desc = page.locator("#discern-desc").text_content() or ""
    assert all(f"{n}: d′" in desc for n in range(1, len(CLASS) + 1))
    # Students who answered alike share one point, labelled with both numbers.
    assert 3 <= page.locator("#discernment svg circle").count() < len(CLASS)
    sizes = [t for t in page.evaluate(TEXT_SIZES_JS) if t["text"]]
    assert min(t["px"] for t in sizes) >= MIN_FONT - 0.01
    note = page.locator("#discernment .note").text_content() or ""
    assert "Ben (sceptic)" in note and "Dmitri (sceptic)" in note and "Amara" not in note
    section.screenshot(
        path=str(shot(page, "page").with_name(f"discernment-{viewport['width']}.png"))
    )
    page.locator("#mastery-misconceptions").screenshot(
        path=str(shot(page, "page").with_name(f"heatmap-{viewport['width']}.png"))
    )
    page.get_by_role("link", name="most misconceptions first").click()
    page.wait_for_url("**heat=most**")
    audit(page, "results-sorted")
    audit.assert_clean()
    context.close()


def test_a_sceptic_reads_it_in_plain_words(browser, live_server, shot) -> None:
    _url, attempt_id = _class(live_server)
    with session_scope(live_server.app) as session:
        student_id = session.get_one(m.Attempt, attempt_id).student_id
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    # The student's browser: the class identity in its session cookie, as joining sets it.
    with live_server.app.test_request_context():
        from flask import session as flask_session

        flask_session["class_students"] = [student_id]
        cookie = live_server.app.session_interface.get_signing_serializer(live_server.app).dumps(
            dict(flask_session)
        )
    context.add_cookies(
        [
            {
                "name": live_server.app.config.get("SESSION_COOKIE_NAME", "session"),
                "value": cookie,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/attempts/{attempt_id}/results")
    card = page.locator("#judged-title")
    card.wait_for()
    text = page.locator("section", has=card).text_content() or ""
    assert "You rejected sound statements about as often as flawed ones" in text
    shot(page, "sceptic-results")
    context.close()

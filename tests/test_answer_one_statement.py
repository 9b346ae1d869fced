"""The first answer to a question with immediate feedback is ONE statement once the
process knows the attempt (``services.firstanswer.save_first``: the first answer of
an attempt in a process reads all its slots): the guarded INSERT judges the
attempt's status and its deadline itself, as ``deadline_of`` and ``time_is_up`` do,
so it stays exactly as safe as the read-then-insert it replaced. Whatever it
refuses goes the usual way (read, then say why, or hand in)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from quiz.services import firstanswer
from quiz.services.answers import GRACE
from quiz.store import models as m
from quiz.store.db import session_scope, utcnow
from tests.factories import gen_assignment, gen_class, gen_teacher, join
from tests.helpers import csrf, slot_question, start_practice
from tests.test_hot_path import statements


@pytest.fixture(autouse=True)
def _nothing_known():
    firstanswer.forget_known()
    yield
    firstanswer.forget_known()


def _assigned(app, client, **settings) -> tuple[int, int]:
    """A class's student (in ``client``) started an assignment with immediate
    feedback: (assignment id, attempt id)."""
    settings.setdefault("feedback", m.FEEDBACK_IMMEDIATE)
    with session_scope(app) as s:
        klass = gen_class(s, gen_teacher(s))
        code, aid = klass.join_code, gen_assignment(s, klass, **settings).id
    join(client, code, "Ada")
    token = csrf(client.get("/join").get_data(as_text=True))
    started = client.post(f"/assignments/{aid}/start", data={"csrf_token": token})
    assert started.status_code in (302, 303)
    with session_scope(app) as s:
        return aid, s.query(m.Attempt).filter_by(assignment_id=aid).one().id


def _open(app, client, attempt_id: int, n: int = 1) -> tuple[str, dict[str, list[str]]]:
    """The question page (read, and kept for its answer) and the key as form fields."""
    page = client.get(f"/attempts/{attempt_id}/q/{n}")
    assert page.status_code == 200
    with session_scope(app) as s:
        slot = s.query(m.AttemptSlot).filter_by(attempt_id=attempt_id, position=n).one()
        form = slot_question(slot).key_form(slot.state)
    return csrf(page.get_data(as_text=True)), form


def _answers(app, attempt_id: int) -> int:
    with session_scope(app) as s:
        return s.query(m.Answer).filter_by(attempt_id=attempt_id).count()


def _post(app, client, attempt_id: int, token: str, form, n: int = 1):
    with statements(app) as seen:
        reply = client.post(f"/attempts/{attempt_id}/q/{n}", data={"csrf_token": token, **form})
    return reply, seen


def test_a_first_answer_with_immediate_feedback_is_one_statement(app, client):
    attempt_id = start_practice(client, "Grace")
    _warm(app, client, attempt_id)
    token, form = _open(app, client, attempt_id)
    reply, seen = _post(app, client, attempt_id, token, form)
    assert reply.status_code == 303
    assert reply.headers["Location"].endswith(f"/attempts/{attempt_id}/q/1#feedback-1")
    assert len(seen) == 1 and seen[0].startswith("INSERT INTO answer"), seen
    assert "attempt.status" in seen[0] and "closes_at" in seen[0], seen[0]
    assert _answers(app, attempt_id) == 2
    page = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert 'id="feedback-1"' in page
    # The same answer again (a second tab that read the page before): kept once, the
    # feedback shown, as before (the INSERT fails on the unique slot, then the read).
    again, seen = _post(app, client, attempt_id, token, form)
    assert again.status_code == 303 and again.headers["Location"].endswith("#feedback-1")
    assert _answers(app, attempt_id) == 2 and seen[0].startswith("INSERT") and len(seen) > 1


def _warm(app, client, attempt_id: int) -> None:
    """Answer question 2: the process reads the attempt's slots and keeps them."""
    token, form = _open(app, client, attempt_id, 2)
    reply, seen = _post(app, client, attempt_id, token, form, 2)
    assert reply.status_code == 303 and len(seen) == 2, seen  # the slots, the INSERT


def test_a_submitted_attempt_refuses_the_answer(app, client):
    from quiz import services

    attempt_id = start_practice(client, "Late")
    _warm(app, client, attempt_id)
    token, form = _open(app, client, attempt_id)
    with session_scope(app) as s:
        services.submit_attempt(s, s.get_one(m.Attempt, attempt_id))
    reply, seen = _post(app, client, attempt_id, token, form)
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/results")
    assert _answers(app, attempt_id) == 1  # question 2's, before the submission
    assert seen[0].startswith("INSERT INTO answer")  # refused by the guard, then read


def test_another_students_attempt_is_never_written(app, client):
    attempt_id = start_practice(client, "Owner")
    _warm(app, client, attempt_id)
    token, form = _open(app, client, attempt_id)
    other = app.test_client()
    own = start_practice(other, "Other")
    other_token = csrf(other.get(f"/attempts/{own}/q/1").get_data(as_text=True))
    reply = other.post(f"/attempts/{attempt_id}/q/1", data={"csrf_token": other_token, **form})
    assert reply.status_code == 404
    assert _answers(app, attempt_id) == 1  # the owner's question 2


@pytest.mark.parametrize("past", [True, False])
def test_a_practice_deadline_is_judged_with_grace(app, client, past):
    attempt_id = start_practice(client, "Timed")
    _warm(app, client, attempt_id)
    token, form = _open(app, client, attempt_id)
    margin = timedelta(seconds=5)
    with session_scope(app) as s:  # just past, or just within, the grace period
        s.get_one(m.Attempt, attempt_id).deadline_at = (
            utcnow() - GRACE + (-margin if past else margin)
        )
    reply, seen = _post(app, client, attempt_id, token, form)
    assert _answers(app, attempt_id) == (1 if past else 2)
    assert (len(seen) == 1) is (not past), seen


def _started(app, attempt_id: int, ago: timedelta, extra: int = 0) -> None:
    with session_scope(app) as s:
        attempt = s.get_one(m.Attempt, attempt_id)
        attempt.started_at = utcnow() - ago
        if extra:
            s.add(m.ExtraTime(student_id=attempt.student_id, minutes=extra))


@pytest.mark.parametrize("taken_back", [False, True])
def test_extra_time_is_judged_when_the_answer_arrives(app, client, taken_back):
    """Started 25 minutes ago on a 20-minute limit with 10 minutes of extra time: the
    answer is stored in one statement; if the teacher takes the extra time back after
    the page was read, the INSERT refuses it and the attempt is handed in, as before."""
    _aid, attempt_id = _assigned(app, client, time_limit_minutes=20)
    _started(app, attempt_id, timedelta(minutes=25), extra=10)
    _warm(app, client, attempt_id)
    token, form = _open(app, client, attempt_id)
    if taken_back:
        with session_scope(app) as s:
            s.query(m.ExtraTime).delete()
    reply, seen = _post(app, client, attempt_id, token, form)
    assert seen[0].startswith("INSERT INTO answer"), seen
    assert _answers(app, attempt_id) == (1 if taken_back else 2)
    with session_scope(app) as s:
        status = s.get_one(m.Attempt, attempt_id).status
    if taken_back:
        assert status == m.ATTEMPT_SUBMITTED  # handed in by the usual path
        assert reply.headers["Location"].endswith("/results")
    else:
        assert len(seen) == 1 and reply.headers["Location"].endswith("#feedback-1")
        assert status == m.ATTEMPT_IN_PROGRESS


@pytest.mark.parametrize("past", [False, True])
def test_a_time_limit_is_judged_to_the_grace_period(app, client, past):
    """The time limit plus GRACE runs out 3 s after the start is moved: an answer
    sent at once is stored, one sent 3.5 s later is refused (and handed in)."""
    _aid, attempt_id = _assigned(app, client, time_limit_minutes=20)
    _started(app, attempt_id, timedelta(minutes=20) + GRACE - timedelta(seconds=3))
    _warm(app, client, attempt_id)
    token, form = _open(app, client, attempt_id)
    if past:
        time.sleep(3.5)
    _reply, seen = _post(app, client, attempt_id, token, form)
    assert seen[0].startswith("INSERT INTO answer"), seen
    assert _answers(app, attempt_id) == (1 if past else 2)
    assert (len(seen) == 1) is (not past), seen


def test_a_teachers_new_close_takes_effect_at_once(app, client):
    aid, attempt_id = _assigned(app, client)
    _warm(app, client, attempt_id)
    token, form = _open(app, client, attempt_id)
    with session_scope(app) as s:
        s.get_one(m.Assignment, aid).closes_at = utcnow() - GRACE - timedelta(seconds=5)
    reply, seen = _post(app, client, attempt_id, token, form)
    assert _answers(app, attempt_id) == 1 and seen[0].startswith("INSERT INTO answer")
    assert reply.headers["Location"].endswith("/results")
    with session_scope(app) as s:
        assert s.get_one(m.Attempt, attempt_id).status == m.ATTEMPT_SUBMITTED


def test_deferred_feedback_keeps_its_transaction(app, client):
    """Only immediate feedback takes the one-statement path: a deferred answer may
    change until submission, so it is read and written as before."""
    _aid, attempt_id = _assigned(app, client, feedback=m.FEEDBACK_AFTER_SUBMIT)
    token, form = _open(app, client, attempt_id)
    reply, seen = _post(app, client, attempt_id, token, form)
    assert reply.status_code == 303 and _answers(app, attempt_id) == 1
    assert not seen[0].startswith("INSERT"), seen


def test_every_question_type_is_graded_as_before(app, client):
    """Each slot's state is kept as its JSON text and decoded when the answer comes:
    every question of the shipped bank, answered with its key in one statement
    each, is stored right, as the usual path stores it."""
    attempt_id = start_practice(client, "Every type")
    _warm(app, client, attempt_id)
    with session_scope(app) as s:
        slots = s.query(m.AttemptSlot).filter_by(attempt_id=attempt_id).all()
        keys = {sl.position: slot_question(sl).key_form(sl.state) for sl in slots}
    token, _form = _open(app, client, attempt_id)
    for position, form in sorted(keys.items()):
        if position == 2:
            continue  # answered by _warm
        reply, seen = _post(app, client, attempt_id, token, form, position)
        assert reply.status_code == 303 and len(seen) == 1, (position, seen)
    with session_scope(app) as s:
        answers = s.query(m.Answer).filter_by(attempt_id=attempt_id).all()
        assert len(answers) == len(keys)
        assert all(a.fraction == 1 for a in answers), [(a.slot_id, a.fraction) for a in answers]


def test_attempts_beyond_the_bound_are_read_again(app, client, monkeypatch):
    """Only the most recently used attempts are kept: one pushed out is read again
    (its slots, then the INSERT), and its answers are stored all the same."""
    monkeypatch.setattr(firstanswer, "KNOWN_ATTEMPTS", 1)
    first = start_practice(client, "First")
    other = app.test_client()
    second = start_practice(other, "Second")
    _warm(app, client, first)
    _warm(app, other, second)  # pushes the first attempt out
    token, form = _open(app, client, first)
    reply, seen = _post(app, client, first, token, form)
    assert reply.status_code == 303 and len(seen) == 2, seen  # read again, then stored
    assert _answers(app, first) == 2 and _answers(app, second) == 1

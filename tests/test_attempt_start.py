"""Issue #16, finding 5: Start is idempotent. Clicks on Start sent at once, by real
threads to a real (threaded) server, all land on the same attempt: no 5xx, one row.
The HTTP client is the load tests' ``Browser`` (tests/load/client/)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from quiz.store import models as m
from quiz.store.db import session_scope
from tests.factories import gen_assignment, gen_class, gen_teacher
from tests.load import client as lc

CLICKS = 8


@pytest.fixture
def served(app: Flask) -> Iterator[tuple[str, int]]:
    """The test's app behind werkzeug's threaded server, on a free local port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ("127.0.0.1", server.server_port)
    finally:
        server.shutdown()
        thread.join(timeout=10)


def _at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released together by a barrier; their results."""
    barrier = threading.Barrier(len(calls))

    def go(call: Callable[[], Any]) -> Any:
        barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(go, call) for call in calls]
        return [f.result(timeout=120) for f in futures]


def _joined(base: tuple[str, int], code: str, name: str) -> lc.Browser:
    browser = lc.Browser(base, retry=lc.NO_RETRY)
    page = lc.expect(browser.get("join", "/join"), 200, "join page")
    form = {"csrf_token": page.csrf(), "code": code, "display_name": name}
    lc.expect(browser.post("join", "/join", form), 303, "join")
    return browser


@pytest.mark.parametrize("attempts_allowed", [1, 0])
def test_concurrent_starts_land_on_one_attempt(app, served, attempts_allowed):
    with session_scope(app) as s:
        klass = gen_class(s, gen_teacher(s))
        a = gen_assignment(s, klass, attempts_allowed=attempts_allowed, shuffle_questions=True)
        code, aid = klass.join_code, a.id
    for round_ in range(3):  # three students, each clicking eight times at once
        browser = _joined(served, code, f"Clicker {round_}")
        token = lc.expect(browser.get("me", "/me"), 200, "my page").csrf()
        click = partial(browser.post, "start", f"/assignments/{aid}/start", {"csrf_token": token})
        pages = _at_once([click] * CLICKS)
        statuses = [p.status for p in pages]
        assert statuses == [303] * CLICKS, [(p.status, p.text[:200]) for p in pages]
        # The click that started it goes straight to the first question; the others
        # find it in progress and go where resume goes: the same attempt.
        locations = {p.location for p in pages}
        attempt_ids = {re.match(r"/attempts/(\d+)(/q/1)?$", where) for where in locations}
        assert None not in attempt_ids, locations
        assert len({found.group(1) for found in attempt_ids if found}) == 1, locations
        assert sum(where.endswith("/q/1") for where in locations) == 1, locations
        with session_scope(app) as s:
            student = s.scalars(
                select(m.Student).where(m.Student.display_name == f"Clicker {round_}")
            ).one()
            attempts = s.scalars(select(m.Attempt).where(m.Attempt.student_id == student.id)).all()
            assert len(attempts) == 1 and attempts[0].number == 1
            assert len(attempts[0].slots) > 0
        # The attempt it landed on opens at its first question, whichever click's way.
        for where in locations:
            if not where.endswith("/q/1"):
                where = lc.expect(browser.get("resume", where), 302, "resume").location
            assert where.endswith("/q/1")
            lc.expect(browser.get("question", where), 200, "first question")
    assert not [e for e in browser.log if e.status >= 500]


def test_a_start_that_loses_the_race_returns_the_winners_attempt(app, monkeypatch):
    """The last word is the unique (student, assignment, number) constraint: a start
    whose insert collides with one committed meanwhile (here by a second session,
    between this start's checks and its insert) rolls back and returns that one."""
    from quiz import services
    from quiz.classes import assignments as assign

    with session_scope(app) as s:
        klass = gen_class(s, gen_teacher(s))
        a = gen_assignment(s, klass)
        student = m.Student(display_name="Racer", klass=klass, reentry_code="RACERCODE1")
        s.add(student)
        s.commit()
        aid, sid = a.id, student.id
    real = services.start_attempt
    winner: list[int] = []
    raced: list[bool] = []

    def start_after_another(session, *args, **kwargs):
        if not raced:
            raced.append(True)  # the other start, below, runs the real thing
            with session_scope(app) as other:
                first = assign.start(
                    other, other.get_one(m.Student, sid), other.get_one(m.Assignment, aid)
                )
                winner.append(first.id)
        return real(session, *args, **kwargs)

    monkeypatch.setattr(services, "start_attempt", start_after_another)
    monkeypatch.setattr(services, "one_start_at_a_time", lambda *_args: None)
    with session_scope(app) as s:
        attempt = assign.start(s, s.get_one(m.Student, sid), s.get_one(m.Assignment, aid))
        assert [attempt.id] == winner
    with session_scope(app) as s:
        assert s.scalars(select(m.Attempt.id)).all() == winner


def test_concurrent_practice_starts_land_on_one_attempt(app, served):
    from quiz import services

    browser = lc.Browser(served, retry=lc.NO_RETRY)
    first = lc.start_practice(browser, "Practiser")  # the browser now has its student
    with session_scope(app) as s:  # handed in: the home page offers Start again
        services.submit_attempt(s, s.get_one(m.Attempt, first))
    home = lc.expect(browser.get("home", "/"), 200, "home page")
    click = partial(browser.post, "start", f"/practice/{lc.SLUG}", {"csrf_token": home.csrf()})
    pages = _at_once([click] * CLICKS)
    assert [p.status for p in pages] == [302] * CLICKS
    locations = {p.location for p in pages}
    assert len(locations) == 1 and not locations.pop().endswith(f"/attempts/{first}")
    with session_scope(app) as s:
        assert len(s.scalars(select(m.Attempt.id)).all()) == 2


def test_the_slots_are_stored_as_the_start_drew_them(app, monkeypatch):
    """Every slot stored as the start drew it (position, version, state, marks), on
    both databases, and the attempt's max score their sum."""
    from quiz.classes import assignments as assign
    from quiz.services import attempts

    drawn: list[dict[str, Any]] = []
    real = attempts.insert_slots

    def keep(conn, attempt_id, slots):
        drawn.extend(dict(slot) for slot in slots)
        return real(conn, attempt_id, slots)

    monkeypatch.setattr(attempts, "insert_slots", keep)
    with session_scope(app) as s:
        klass = gen_class(s, gen_teacher(s))
        a = gen_assignment(s, klass)
        student = m.Student(display_name="Drawn", klass=klass, reentry_code="DRAWNCODE1")
        s.add(student)
        s.flush()
        attempt_id = assign.start(s, student, a).id
    with session_scope(app) as s:
        rows = s.scalars(
            select(m.AttemptSlot)
            .where(m.AttemptSlot.attempt_id == attempt_id)
            .order_by(m.AttemptSlot.position)
        ).all()
        stored = [
            {
                "position": r.position,
                "question_version_id": r.question_version_id,
                "state": r.state,
                "points": r.points,
            }
            for r in rows
        ]
        score = s.get_one(m.Attempt, attempt_id).max_score
    assert len(drawn) > 1 and any(slot["state"] for slot in drawn)
    assert stored == drawn
    assert score == sum(slot["points"] for slot in drawn)

"""Joining a class and My classes (issue #20: the start of a lesson): a join is
three statements and draws its re-entry code without asking whether it is free
(the unique constraint answers; a clash draws again); a browser that failed before
is still limited and cleared on success; My classes reads the browser's students,
their assignments and attempts in three statements however many classes, hands in
an attempt whose time is up, and notes a student's activity at most every
``students.SEEN_EVERY``. On SQLite and PostgreSQL through the ``app`` fixture."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quiz.classes import roster, students
from quiz.store import models as m
from quiz.store import ratelimit
from quiz.store.db import session_scope, utcnow
from tests.factories import gen_assignment, gen_class, gen_teacher, join
from tests.helpers import csrf
from tests.test_hot_path import statements


def _class(app: Flask, name: str = "9B", **settings: object) -> tuple[str, int]:
    with session_scope(app) as s:
        klass = gen_class(s, gen_teacher(s, f"{name.lower()}@school.example"), name)
        return klass.join_code, gen_assignment(s, klass, **settings).id


def _browser(client: FlaskClient) -> str:
    with client.session_transaction() as cookie:
        return str(cookie["browser"])


def test_a_join_whose_reentry_code_is_taken_draws_another(app, monkeypatch) -> None:
    code, _aid = _class(app)
    assert join(app.test_client(), code, "First").status_code == 303
    with session_scope(app) as s:
        taken = s.scalars(select(m.Student.reentry_code)).one()
    draws = iter([taken, "FRESHCODE2"])
    monkeypatch.setattr(roster, "new_code", lambda _length: next(draws))
    assert join(app.test_client(), code, "Second").status_code == 303
    with session_scope(app) as s:
        codes = dict(s.execute(select(m.Student.display_name, m.Student.reentry_code)).all())
    assert codes == {"First": taken, "Second": "FRESHCODE2"}


def test_a_join_is_two_statements_and_a_failed_browser_is_still_limited(app, client) -> None:
    code, _aid = _class(app)
    token = csrf(client.get("/join").get_data(as_text=True))
    for _ in range(5):  # five wrong codes: this browser is blocked for this code
        wrong = {"csrf_token": token, "code": "WRONGCODE", "display_name": "Ada"}
        assert client.post("/join", data=wrong).status_code in (422, 429)
    blocked = client.post("/join", data={**wrong, "display_name": "Ada"})
    assert blocked.status_code == 429 and "Too many tries" in blocked.get_data(as_text=True)

    other = app.test_client()  # a failed try on this code (made before the class,
    token = csrf(other.get("/join").get_data(as_text=True))  # say): joined, then cleared
    with other.session_transaction() as cookie:
        cookie["browser"] = "a-browser-of-ours"
    key = f"join:{code}:a-browser-of-ours"
    with session_scope(app) as s:
        assert ratelimit.fail(s, key) is None
    right = {"csrf_token": token, "code": code, "display_name": "Ben"}
    assert other.post("/join", data=right).status_code == 303
    with session_scope(app) as s:
        assert s.get(m.RateLimit, key) is None
        assert s.get(m.RateLimit, f"join:WRONGCODE:{_browser(client)}") is not None

    fresh = app.test_client()  # a browser that never failed: two statements
    token = csrf(fresh.get(f"/join/{code}").get_data(as_text=True))
    with statements(app) as seen:
        joined = fresh.post("/join", data={"csrf_token": token, "code": code, "display_name": "Cy"})
    assert joined.status_code == 303
    # the class with the browser's rate-limit row (none), then the INSERT
    assert len(seen) == 2 and seen[-1].startswith("INSERT INTO student"), seen
    assert "rate_limit" in seen[0] and "join_code" in seen[0]
    with session_scope(app) as s:
        cy = s.scalars(select(m.Student).where(m.Student.display_name == "Cy")).one()
        assert cy.class_id is not None and cy.created_at == cy.last_seen_at
        assert cy.reentry_code and len(cy.reentry_code) == 10
    with fresh.session_transaction() as cookie:
        assert cy.id in cookie["class_students"]


def test_my_classes_lists_every_class_of_the_browser_in_three_statements(app, client) -> None:
    first, _a1 = _class(app, "9B")
    second, _a2 = _class(app, "10C", attempts_allowed=2)
    assert join(client, first, "Ada").status_code == 303
    assert join(client, second, "Ada L").status_code == 303
    client.get("/me")
    with statements(app) as seen:
        page = client.get("/me")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "9B" in html and "10C" in html
    assert "You are <strong>Ada</strong>" in html and "You are <strong>Ada L</strong>" in html
    assert len(re.findall(r'action="/assignments/\d+/start"', html)) == 2
    assert "2 attempts left" in html and "1 attempt left" in html
    assert len(seen) == 3, seen
    assert not [s for s in seen if s.startswith("UPDATE")], seen  # seen moments ago


def test_my_classes_notes_a_student_not_seen_lately(app, client) -> None:
    code, _aid = _class(app)
    assert join(client, code, "Ada").status_code == 303
    long_ago = utcnow() - students.SEEN_EVERY - timedelta(minutes=1)
    with session_scope(app) as s:
        s.scalars(select(m.Student)).one().last_seen_at = long_ago
    before = utcnow()
    assert client.get("/me").status_code == 200
    with session_scope(app) as s:
        seen = s.scalars(select(m.Student.last_seen_at)).one()
    assert seen is not None and seen >= before


def test_my_classes_hands_in_an_attempt_whose_time_is_up(app, client) -> None:
    code, aid = _class(app, time_limit_minutes=20, attempts_allowed=2)
    assert join(client, code, "Ada").status_code == 303
    token = csrf(client.get("/me").get_data(as_text=True))
    started = client.post(f"/assignments/{aid}/start", data={"csrf_token": token})
    attempt_id = int(started.headers["Location"].split("/")[2])
    html = client.get("/me").get_data(as_text=True)
    assert "Continue" in html and "results" not in html
    with session_scope(app) as s:  # started 25 minutes ago: the 20 minutes are past
        s.get_one(m.Attempt, attempt_id).started_at = utcnow() - timedelta(minutes=25)
    html = client.get("/me").get_data(as_text=True)
    assert "Continue" not in html and "Attempt 1: results" in html
    assert "Start another attempt" in html and "1 attempt left" in html
    with session_scope(app) as s:
        assert s.get_one(m.Attempt, attempt_id).status == m.ATTEMPT_SUBMITTED

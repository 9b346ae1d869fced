"""Who sees what: every teacher route refuses another teacher and a student, and
nothing of the owner's data leaks into the refusal."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import Rule

from quiz import services
from quiz.classes import roster as classes
from quiz.store import models as m
from quiz.store.db import session_scope
from tests.factories import gen_assignment, gen_class, gen_teacher, join, login
from tests.helpers import csrf

SECRET_CLASS = "Owner Secret Class"
SECRET_STUDENT = "Zebediah Owner-Student"
# Not walked: public pages, and the two that end the walking session.
PUBLIC = {"auth.login", "auth.logout", "auth.signup", "auth.logout_everywhere"}


@pytest.fixture
def world(app):
    with session_scope(app) as s:
        owner = gen_teacher(s, "owner@example.org")
        gen_teacher(s, "intruder@example.org")
        klass = gen_class(s, owner, SECRET_CLASS)
        a = gen_assignment(s, klass, title="Owner's assignment")
        student = m.Student(
            display_name=SECRET_STUDENT, klass=klass, reentry_code=classes.new_code(10)
        )
        s.add(student)
        s.flush()
        attempt = services.start_attempt(s, student, a.bank, assignment=a, number=1)
        return {
            "class_id": klass.id,
            "student_id": student.id,
            "assignment_id": a.id,
            "attempt_id": attempt.id,
            "code": klass.join_code,
            "reentry": student.reentry_code,
        }


def _teacher_rules(app) -> list[Rule]:
    rules = [
        r
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/teacher")
        and r.endpoint not in PUBLIC
        # bank authoring routes: tests/test_authoring_access.py, with a bank of the owner's
        and not r.endpoint.startswith("authoring.")
    ]
    assert len(rules) >= 20
    return rules


def _url(rule: Rule, world) -> str:
    values = {name: world[name] for name in rule.arguments}
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda mt: str(values[mt.group(1)]), rule.rule)


def _check(client, app, world, token, allowed):
    for rule in _teacher_rules(app):
        url = _url(rule, world)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token, "confirm": SECRET_CLASS, "name": "x", "minutes": "5"}
            response = client.open(url, method=method, data=data if method == "POST" else None)
            body = response.get_data(as_text=True)
            if rule.arguments:
                assert response.status_code in allowed, (method, url, response.status_code)
            assert SECRET_CLASS not in body and SECRET_STUDENT not in body, (method, url)
            assert world["code"] not in body and world["reentry"] not in body, (method, url)


def test_another_teacher_gets_404_everywhere(app, client, world):
    assert login(client, "intruder@example.org").status_code in (302, 303)
    token = csrf(client.get("/teacher/").get_data(as_text=True))
    _check(client, app, world, token, {404})
    with session_scope(app) as s:  # and nothing changed
        assert s.get(m.Klass, world["class_id"]).name == SECRET_CLASS
        assert s.get(m.Student, world["student_id"]).display_name == SECRET_STUDENT


def test_a_student_gets_403_everywhere(app, client, world):
    join(client, world["code"], "Curious Student")
    token = csrf(client.get("/join").get_data(as_text=True))
    _check(client, app, world, token, {403})
    plain = [r for r in _teacher_rules(app) if not r.arguments and "GET" in r.methods]
    assert any(r.rule == "/teacher/" for r in plain), [r.rule for r in plain]
    for rule in plain:
        assert client.get(_url(rule, world)).status_code == 403, rule.rule


def test_the_owner_is_allowed(app, client, world):
    login(client, "owner@example.org")
    assert SECRET_CLASS in client.get(f"/teacher/classes/{world['class_id']}").get_data(
        as_text=True
    )
    assert SECRET_STUDENT in client.get(f"/teacher/students/{world['student_id']}").get_data(
        as_text=True
    )
    attempt = client.get(f"/teacher/attempts/{world['attempt_id']}")
    page = attempt.get_data(as_text=True)
    assert attempt.status_code == 200
    assert f"{SECRET_STUDENT} — attempt 1" in page and "As the student saw it" in page
    assert "Owner&#39;s assignment" in page


def test_students_see_only_their_own_attempts(app, client, world):
    join(client, world["code"], "Another Student")
    for path in ("", "/q/1", "/review", "/results"):
        response = client.get(f"/attempts/{world['attempt_id']}{path}")
        assert response.status_code == 404
        assert SECRET_STUDENT not in response.get_data(as_text=True)

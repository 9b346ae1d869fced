"""Property-based hunting (Hypothesis) through the students' and the teachers' forms:
hostile values (tests/hostile.py) on SQLite and PostgreSQL. Each value is stored
exactly (after the folding of whitespace the field documents) or refused with a
message beside the field; never a 5xx, never a traceback (the conftest fails a test
whose app logged one). Authoring and the bank parser: test_hostile_authoring.py."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from quiz.store import models as m
from quiz.store.db import session_scope
from tests.factories import gen_class, gen_teacher
from tests.helpers import csrf
from tests.hostile import (
    HOSTILE,
    PROPERTY,
    SERIALS,
    post_raw,
    received,
    refused_beside_a_field,
    squash,
    teacher_client,
)

# -- students ------------------------------------------------------------------------------


@PROPERTY
@given(name=HOSTILE)
def test_joining_a_class(app: Flask, name: str) -> None:
    with session_scope(app) as s:
        klass = gen_class(s, gen_teacher(s, f"j{next(SERIALS)}@example.org"))
        class_id, code = klass.id, klass.join_code
    client = app.test_client()
    token = csrf(client.get("/join").get_data(as_text=True))
    response = post_raw(client, "/join", {"csrf_token": token, "code": code, "display_name": name})
    refused_beside_a_field(response)
    with session_scope(app) as s:
        stored = s.scalars(select(m.Student.display_name).where(m.Student.class_id == class_id))
        names = list(stored)
    if response.status_code == 303:
        assert names == [squash(received(name))]
    else:
        assert response.status_code == 422 and names == []


@PROPERTY
@given(name=HOSTILE)
def test_starting_practice(app: Flask, name: str) -> None:
    client = app.test_client()
    token = csrf(client.get("/").get_data(as_text=True))
    response = post_raw(
        client, "/practice/ice-assaults-500", {"csrf_token": token, "display_name": name}
    )
    refused_beside_a_field(response)
    if response.status_code in (302, 303):
        attempt_id = int(re.search(r"/attempts/(\d+)", response.headers["Location"]).group(1))
        with session_scope(app) as s:
            stored = s.get(m.Attempt, attempt_id).student.display_name
        assert stored == squash(received(name))
    else:
        assert response.status_code == 422


_ANSWER_PAGES: dict[str, int] = {}


def _answer_field(client: FlaskClient, attempt_id: int, kind: str) -> tuple[int, str, str]:
    """The question number, page and input name of the first ``kind`` input."""
    numbers = [_ANSWER_PAGES[kind]] if kind in _ANSWER_PAGES else range(1, 40)
    for n in numbers:
        page = client.get(f"/attempts/{attempt_id}/q/{n}")
        if page.status_code != 200:
            break
        html = page.get_data(as_text=True)
        found = re.search(rf'type="text" name="([^"]*{kind})"', html)
        if found:
            _ANSWER_PAGES[kind] = n
            return n, html, found.group(1)
    pytest.skip(f"no {kind} question in the shipped bank")


@pytest.mark.parametrize("kind", ["text", "value"])
@PROPERTY
@given(answer=HOSTILE)
@example(answer="\x00")  # found: HTTP 500 on PostgreSQL (NUL in the stored text)
@example(answer="9" * 400)  # found: Infinity, which PostgreSQL's JSON refuses
def test_answering_a_typed_question(app: Flask, kind: str, answer: str) -> None:
    client = app.test_client()
    home = client.get("/").get_data(as_text=True)
    started = client.post(
        "/practice/ice-assaults-500", data={"csrf_token": csrf(home), "display_name": "Ada"}
    )
    attempt_id = int(re.search(r"/attempts/(\d+)", started.headers["Location"]).group(1))
    n, html, field = _answer_field(client, attempt_id, kind)
    response = post_raw(
        client, f"/attempts/{attempt_id}/q/{n}", {"csrf_token": csrf(html), field: answer}
    )
    refused_beside_a_field(response)
    with session_scope(app) as s:
        kept = s.scalar(
            select(func.count())
            .select_from(m.Answer)
            .join(m.AttemptSlot, m.Answer.slot_id == m.AttemptSlot.id)
            .where(m.AttemptSlot.attempt_id == attempt_id, m.AttemptSlot.position == n)
        )
    if response.status_code in (302, 303):
        assert kept == 1  # stored
        page = client.get(response.headers["Location"])
        assert page.status_code < 500
    else:
        assert response.status_code == 422 and kept == 0  # or refused, nothing kept


# -- teachers ------------------------------------------------------------------------------


@PROPERTY
@given(name=HOSTILE, email=HOSTILE, password=HOSTILE)
def test_signing_up(app: Flask, name: str, email: str, password: str) -> None:
    client = app.test_client()
    token = csrf(client.get("/teacher/signup").get_data(as_text=True))
    serial = next(SERIALS)
    for fields in (
        {"display_name": name, "email": f"s{serial}@example.org", "password": "long password"},
        {"display_name": "Ada", "email": email, "password": password},
    ):
        data = {"csrf_token": token, **fields, "confirm": fields["password"]}
        response = post_raw(client, "/teacher/signup", data)
        refused_beside_a_field(response)
        if response.status_code == 303:
            client.post("/teacher/logout", data={"csrf_token": token})
            token = csrf(client.get("/teacher/signup").get_data(as_text=True))
            with session_scope(app) as s:
                want = received(fields["email"]).strip().lower()
                teacher = s.scalar(select(m.Teacher).where(m.Teacher.email == want))
                assert teacher is not None
                assert teacher.display_name == squash(received(fields["display_name"]))
        else:
            assert response.status_code == 422


@PROPERTY
@given(email=HOSTILE, password=HOSTILE)
def test_logging_in(app: Flask, email: str, password: str) -> None:
    client = app.test_client()
    token = csrf(client.get("/teacher/login").get_data(as_text=True))
    response = post_raw(
        client, "/teacher/login", {"csrf_token": token, "email": email, "password": password}
    )
    refused_beside_a_field(response)
    assert response.status_code in (422, 429)


@PROPERTY
@given(name=HOSTILE)
def test_naming_a_class(app: Flask, name: str) -> None:
    client = teacher_client(app)
    token = csrf(client.get("/teacher/").get_data(as_text=True))
    response = post_raw(client, "/teacher/classes", {"csrf_token": token, "name": name})
    refused_beside_a_field(response)
    if response.status_code == 303:
        class_id = int(re.search(r"/classes/(\d+)", response.headers["Location"]).group(1))
        renamed = post_raw(
            client,
            f"/teacher/classes/{class_id}/rename",
            {"csrf_token": token, "name": name + " 2"},
        )
        refused_beside_a_field(renamed)
        with session_scope(app) as s:
            stored = s.get(m.Klass, class_id).name
        assert stored == squash(received(name) + " 2")
    else:
        assert response.status_code == 422


@PROPERTY
@given(text=st.lists(HOSTILE, max_size=4).map("\n".join) | HOSTILE)
def test_pasting_a_roster(app: Flask, text: str) -> None:
    client = teacher_client(app)
    with session_scope(app) as s:
        teacher = s.scalars(select(m.Teacher).order_by(m.Teacher.id.desc())).first()
        class_id = gen_class(s, teacher).id
    page = client.get(f"/teacher/classes/{class_id}").get_data(as_text=True)
    response = post_raw(
        client, f"/teacher/classes/{class_id}/roster", {"csrf_token": csrf(page), "text": text}
    )
    refused_beside_a_field(response)
    if response.status_code != 200:
        assert response.status_code == 422
        return
    shown = response.get_data(as_text=True)
    names = [unescape(n) for n in re.findall(r'type="hidden" name="name" value="([^"]*)"', shown)]
    # As the form documents: one name a line (any line break), blank lines skipped,
    # spaces folded, a leading byte-order mark dropped.
    lines = received(text).lstrip("\ufeff").splitlines()
    assert names == [squash(line) for line in lines if line.strip()]
    added = client.post(
        f"/teacher/classes/{class_id}/roster",
        data={"csrf_token": csrf(shown), "step": "confirm", "name": names},
    )
    assert added.status_code == 303
    with session_scope(app) as s:
        stored = s.scalars(
            select(m.Student.display_name)
            .where(m.Student.class_id == class_id)
            .order_by(m.Student.id)
        )
        assert list(stored) == names


@PROPERTY
@given(title=HOSTILE)
def test_titling_an_assignment(app: Flask, title: str) -> None:
    client = teacher_client(app)
    with session_scope(app) as s:
        teacher = s.scalars(select(m.Teacher).order_by(m.Teacher.id.desc())).first()
        class_id = gen_class(s, teacher).id
        bank = s.scalars(select(m.Bank)).first()
        bank_id, bank_title = bank.id, bank.title
    url = f"/teacher/classes/{class_id}/assignments/new"
    token = csrf(client.get(url).get_data(as_text=True))
    data = {
        "csrf_token": token,
        "title": title,
        "bank": str(bank_id),
        "selection": "all",
        "opens_at": "2026-01-01T09:00",
        "attempts_allowed": "1",
        "grading": "highest",
        "feedback": m.FEEDBACK_AFTER_SUBMIT,
    }
    response = post_raw(client, url, data)
    refused_beside_a_field(response)
    if response.status_code == 303:
        assignment_id = int(response.headers["Location"].rsplit("/", 1)[1])
        with session_scope(app) as s:
            stored = s.get(m.Assignment, assignment_id).title
        # stored as typed (spaces squashed); an empty title takes the bank's
        assert stored == (squash(received(title)) or bank_title)
    else:
        assert response.status_code == 422


@PROPERTY
@given(code=HOSTILE)
def test_typing_a_class_or_reentry_code(app: Flask, code: str) -> None:
    client = app.test_client()
    token = csrf(client.get("/join").get_data(as_text=True))
    joined = post_raw(client, "/join", {"csrf_token": token, "code": code, "display_name": "Ada"})
    refused_beside_a_field(joined)
    assert joined.status_code in (422, 429)
    back = post_raw(client, "/reenter", {"csrf_token": token, "reentry_code": code})
    refused_beside_a_field(back)
    assert back.status_code in (422, 429)


@settings(PROPERTY, max_examples=8)
@given(value=HOSTILE)
def test_every_question_of_an_attempt(app: Flask, value: str) -> None:
    """Every input of every question page of a practice attempt, sent the value."""
    client = app.test_client()
    home = client.get("/").get_data(as_text=True)
    started = client.post(
        "/practice/ice-assaults-500", data={"csrf_token": csrf(home), "display_name": "Ada"}
    )
    attempt_id = int(re.search(r"/attempts/(\d+)", started.headers["Location"]).group(1))
    for n in range(1, 60):
        page = client.get(f"/attempts/{attempt_id}/q/{n}")
        if page.status_code == 404:
            break
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        names = set(re.findall(r'<(?:input|textarea|select)[^>]* name="([^"]+)"', html))
        fields = {name: value for name in names - {"csrf_token"}}
        response = post_raw(
            client, f"/attempts/{attempt_id}/q/{n}", {**fields, "csrf_token": csrf(html)}
        )
        refused_beside_a_field(response)
    else:
        raise AssertionError("the attempt never ended")
    assert n > 5

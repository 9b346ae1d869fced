"""Characters a database cannot hold (NUL; lone surrogates) are refused with a
message beside the field on SQLite and PostgreSQL alike, never a 500."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import func, select
from wtforms.validators import ValidationError

from quiz.store import models as m
from quiz.store.db import session_scope
from quiz.web.forms import UNSTORABLE_MESSAGE, storable
from tests.factories import gen_class, gen_teacher, join, login
from tests.helpers import csrf


def _refused_beside_the_field(response, *fields: str) -> None:
    """A 422 whose message stands beside each of ``fields`` (their ids), tied to it."""
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for name in fields:
        beside = re.search(rf'<p class="error" id="{name}-error">([^<]*)</p>', page)
        assert beside and "cannot be stored (a NUL byte" in beside.group(1), (name, page[:3000])
        assert re.search(rf'<[^>]* aria-invalid="true"[^>]* id="{name}"', page), name


def test_a_nul_in_a_students_name_is_refused_on_both_databases(app: Flask) -> None:
    with session_scope(app) as s:
        code = gen_class(s, gen_teacher(s)).join_code
    _refused_beside_the_field(join(app.test_client(), code, "Ada\x00Lovelace"), "display_name")
    with session_scope(app) as s:
        assert s.scalar(select(func.count()).select_from(m.Student)) == 0
    assert join(app.test_client(), code, "Ada Lovelace").status_code == 303
    with session_scope(app) as s:  # the same name without the NUL is taken
        assert s.scalars(select(m.Student.display_name)).all() == ["Ada Lovelace"]


def test_a_nul_in_a_practice_name_is_refused(app: Flask) -> None:
    client = app.test_client()
    home = client.get("/").get_data(as_text=True)
    data = {"csrf_token": csrf(home), "display_name": "\x00"}
    _refused_beside_the_field(client.post("/practice/ice-assaults-500", data=data), "name-1")
    with session_scope(app) as s:
        assert s.scalar(select(func.count()).select_from(m.Student)) == 0


def test_a_nul_in_a_teachers_fields_is_refused(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/teacher/signup").get_data(as_text=True)
    data = {
        "csrf_token": csrf(page),
        "display_name": "Ada\x00",
        "email": "ada@school.example",
        "password": "long enough\x00 password",
        "confirm": "long enough\x00 password",
    }
    _refused_beside_the_field(client.post("/teacher/signup", data=data), "display_name", "password")
    with session_scope(app) as s:
        assert s.scalar(select(func.count()).select_from(m.Teacher)) == 0
        gen_teacher(s)
    teacher = app.test_client()
    assert login(teacher).status_code in (302, 303)
    dashboard = teacher.get("/teacher/").get_data(as_text=True)
    created = teacher.post(
        "/teacher/classes", data={"csrf_token": csrf(dashboard), "name": "Year\x009"}
    )
    _refused_beside_the_field(created, "name")
    with session_scope(app) as s:
        assert s.scalar(select(func.count()).select_from(m.Klass)) == 0


def test_the_validator_refuses_lone_surrogates_too() -> None:
    class Field:
        data = "a\ud800b"

    with pytest.raises(ValidationError, match="cannot be stored"):
        storable(None, Field())
    assert "NUL" in UNSTORABLE_MESSAGE


def test_a_very_long_class_code_is_refused_not_a_500(app: Flask) -> None:
    """Found by tests/test_hostile_property.py::test_typing_a_class_or_reentry_code when
    Hypothesis drew "9" * 5000 on PostgreSQL: the rate limit's key outgrew its
    VARCHAR(255) column (now quiz.store.ratelimit.stored_key)."""
    response = join(app.test_client(), "9" * 5000, "Ada")
    assert response.status_code == 422
    assert 'id="code-error"' in response.get_data(as_text=True)

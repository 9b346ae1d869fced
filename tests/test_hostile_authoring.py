"""Property-based hunting (Hypothesis) through the bank editor's forms, the bank
upload, the teacher's other forms (a student, a class's retention and deletion, a
bank's settings and article) and the bank parser, with hostile values
(tests/hostile.py), on SQLite and PostgreSQL: stored exactly or refused beside a
field, never a 5xx; the parser names every error and never raises."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
import yaml
from flask import Flask
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from quiz.classes import roster as classes
from quiz.domain.banks import parse_bank, parse_bank_data
from quiz.store import models as m
from quiz.store.db import session_scope
from tests.factories import gen_class
from tests.helpers import csrf
from tests.hostile import (
    HOSTILE,
    PROPERTY,
    post_raw,
    received,
    refused_beside_a_field,
    squash,
    teacher_client,
)
from tests.test_authoring import SINGLE_FORM, new_bank
from tests.test_authoring_files import MINIMAL, _upload

# -- authoring -----------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["title", "description", "article_title", "source", "text"])
@PROPERTY
@given(value=HOSTILE)
def test_starting_a_bank(app: Flask, field: str, value: str) -> None:
    client = teacher_client(app)
    data = {
        "title": "A bank",
        "description": "Practice.",
        "article_title": "Assaults up 500%",
        "source": "Made up.",
        "text": "One sentence here. Another one there.",
        field: value,
    }
    token = csrf(client.get("/teacher/banks/new").get_data(as_text=True))
    response = post_raw(client, "/teacher/banks/new", {"csrf_token": token, **data})
    refused_beside_a_field(response)
    if response.status_code == 303:
        bank_id = int(re.search(r"/banks/(\d+)", response.headers["Location"]).group(1))
        with session_scope(app) as s:
            bank = s.get(m.Bank, bank_id)
            stored = {
                "title": bank.title,
                "description": bank.description,
                "article_title": bank.article.title,
                "source": bank.article.content.get("source", ""),
            }
            if field in stored:
                assert stored[field] == received(value).strip()
            else:
                text = "\n\n".join(" ".join(p) for p in bank.article.content["paragraphs"])
                paragraphs = re.split(r"\n[ \t]*\n+", received(value).replace("\r\n", "\n"))
                assert text == "\n\n".join(squash(p) for p in paragraphs if p.strip())
    else:
        assert response.status_code == 422


@pytest.mark.parametrize("field", ["qid", "prompt", "explanation", "options-1-text"])
@PROPERTY
@given(value=HOSTILE)
def test_writing_a_question(app: Flask, field: str, value: str) -> None:
    client = teacher_client(app)
    bank_id = new_bank(client)
    url = f"/teacher/banks/{bank_id}/questions/new/single"
    token = csrf(client.get(url).get_data(as_text=True))
    response = post_raw(client, url, {"csrf_token": token, **SINGLE_FORM, field: value})
    refused_beside_a_field(response)
    assert response.status_code in (303, 422)
    with session_scope(app) as s:
        keys = s.scalars(select(m.Question.key).where(m.Question.bank_id == bank_id)).all()
    assert len(keys) == (1 if response.status_code == 303 else 0), keys


@PROPERTY
@example(data=b"9" * 5000)  # found: ValueError (Python's 4,300-digit limit), HTTP 500
@given(data=st.binary(max_size=300) | HOSTILE.map(lambda v: v.encode("utf-8", "surrogatepass")))
def test_uploading_a_bank_file(app: Flask, data: bytes) -> None:
    client = teacher_client(app)
    with session_scope(app) as s:
        before = s.scalar(select(func.count()).select_from(m.Bank))
    response = _upload(client, "/teacher/banks/upload", data, "b.yaml", "/teacher/banks/")
    refused_beside_a_field(response)
    assert response.status_code == 422
    with session_scope(app) as s:  # no bank was made of it
        assert s.scalar(select(func.count()).select_from(m.Bank)) == before


# -- the bank parser -----------------------------------------------------------------------


@settings(max_examples=60)
@given(text=HOSTILE | st.text(st.sampled_from(list("[]{}:-&*!|>'\"#%@` \n\tab0")), max_size=80))
@example(text="{{}}")  # found by this test: a mapping as a key raised TypeError
@example(text="? [a]\n: 1")
def test_the_parser_never_raises(text: str) -> None:
    bank, errors = parse_bank(text, "any.yaml")
    assert bank is None and errors
    assert all(e.message for e in errors)


@settings(max_examples=60)
@given(value=HOSTILE)
def test_a_hostile_prompt_is_kept_or_named(value: str) -> None:
    quoted = '"' + value.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
    text = re.sub(r"(?m)^(\s*prompt:).*$", lambda mt: f"{mt.group(1)} {quoted}", MINIMAL, count=1)
    bank, errors = parse_bank(text, "any.yaml")
    if bank is None:
        assert errors and all(e.line > 0 and e.message for e in errors)
    else:
        assert bank.questions[0].to_spec()["prompt"] == value.strip()


@PROPERTY
@given(value=HOSTILE)
@example(value="\x00")  # found: the bank's settings saved despite the field's error
def test_the_other_teacher_forms(app: Flask, value: str) -> None:
    """Renaming a student, confirming a class's deletion, the bank's settings and
    its article: never a 5xx, a 422 names its field."""
    client = teacher_client(app)
    with session_scope(app) as s:
        teacher = s.scalars(select(m.Teacher).order_by(m.Teacher.id.desc())).first()
        klass = gen_class(s, teacher)
        student = classes.add_students(s, klass, ["Ada"])[0]
        class_id, student_id = klass.id, student.id
    bank_id = new_bank(client)
    page = client.get(f"/teacher/students/{student_id}").get_data(as_text=True)
    token = csrf(page)
    posts = [
        (f"/teacher/students/{student_id}/rename", {"name": value}),
        (f"/teacher/students/{student_id}/extra-time", {"minutes": value}),
        (f"/teacher/classes/{class_id}/retention", {"retention_days": value}),
        (f"/teacher/classes/{class_id}/delete", {"confirm": value}),
        (f"/teacher/banks/{bank_id}/settings/info", {"info-title": value}),
        (f"/teacher/banks/{bank_id}/settings/skills", {"skills-new_key": value}),
        (
            f"/teacher/banks/{bank_id}/settings/skills",
            {"skills-new_key": "k", "skills-new_label": value},
        ),
        (f"/teacher/banks/{bank_id}/article", {"article_title": value, "text": "One. Two."}),
        (f"/teacher/banks/{bank_id}/article", {"article_title": "T", "text": value}),
    ]
    for url, fields in posts:
        response = post_raw(client, url, {"csrf_token": token, **fields})
        refused_beside_a_field(response)
    with session_scope(app) as s:
        name = s.get(m.Student, student_id).display_name
    assert name in ("Ada", squash(received(value)))


_ODD_VALUES = st.sampled_from(
    [None, 0, -1, 2**70, 1.5, float("nan"), True, "", [], {}, [1], {"a": 1}, ["x"], "\x00"]
)


def _places(value: Any, path: tuple = ()) -> list[tuple]:
    out = [path] if path else []
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            out += _places(item, (*path, key))
    return out


_MINIMAL_DOC = yaml.safe_load(MINIMAL)
_MINIMAL_PLACES = _places(_MINIMAL_DOC)


@settings(max_examples=60)
@given(place=st.sampled_from(_MINIMAL_PLACES), value=_ODD_VALUES)
def test_any_value_of_the_wrong_type_is_an_error_not_a_crash(place: tuple, value: Any) -> None:
    doc = copy.deepcopy(_MINIMAL_DOC)
    target = doc
    for key in place[:-1]:
        target = target[key]
    target[place[-1]] = value
    bank, errors = parse_bank_data(doc, "any.yaml")
    assert bank is not None or errors

"""Property-based hunting (Hypothesis): arbitrary text, with control characters,
lone surrogates, NUL and 10,000-character values, through every form and the bank
parser, on SQLite and PostgreSQL. Each value is stored exactly (after the folding
of whitespace the field documents) or refused with a message beside the field;
never a 5xx, never a traceback (the conftest fails a test whose app logged one)."""

from __future__ import annotations

import copy
import itertools
import re
from html import unescape
from typing import Any
from urllib.parse import quote_plus

import pytest
import werkzeug.urls  # noqa: F401 (registers the werkzeug.url_quote error handler)
import yaml
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from quiz.classes import roster as classes
from quiz.domain.banks import parse_bank, parse_bank_data
from quiz.store import models as m
from quiz.store.db import session_scope
from tests.factories import gen_class, gen_teacher, login
from tests.helpers import csrf
from tests.test_authoring import SINGLE_FORM, new_bank
from tests.test_authoring_files import MINIMAL, _upload

HOSTILE = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=70),
    st.text(st.characters(max_codepoint=0x9F), max_size=30),
    st.sampled_from(
        [
            "\x00",
            "Ada\x00Lovelace",
            "\ud800",
            "a\udfffb",
            "x" * 10_000,
            "\r",
            "Ada\rBob",
            "Smith, John",
            " \t\u00a0\u2028 ",
            "=1+1",
            "<script>alert(1)</script>",
            "{{ 7 * 7 }}",
            "\u202eevil",
            "😀" * 30,
            "1e999999",
            "9" * 5000,
            "NaN",
            "-inf",
            "1/0",
            "5OO%",
        ]
    ),
)
PROPERTY = settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
_serial = itertools.count()


def received(value: str) -> str:
    """What the server receives of ``value`` sent as UTF-8 (surrogatepass): Werkzeug's
    form decoder keeps bytes that are not UTF-8 (a lone surrogate's) percent-encoded."""
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "werkzeug.url_quote")


def squash(value: str) -> str:
    return " ".join(value.split())


def post_raw(client: FlaskClient, url: str, fields: dict[str, Any]) -> Any:
    """POST a urlencoded form whose values may hold lone surrogates, encoded as a
    careless client would (surrogatepass), which the test client's own encoder
    refuses."""
    pairs = []
    for key, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            raw = item.encode("utf-8", "surrogatepass")
            pairs.append(f"{quote_plus(key)}={quote_plus(raw)}")
    return client.post(
        url, data="&".join(pairs).encode(), content_type="application/x-www-form-urlencoded"
    )


def refused_beside_a_field(response: Any) -> None:
    """A 4xx page that names the problem beside a field, with no traceback."""
    page = response.get_data(as_text=True)
    assert response.status_code < 500, page[:2000]
    assert "Traceback" not in page and "Something went wrong" not in page
    if response.status_code == 422:
        assert 'class="error"' in page, page[:3000]


def teacher_client(app: Flask) -> FlaskClient:
    with session_scope(app) as s:
        email = f"t{next(_serial)}@example.org"
        gen_teacher(s, email)
    client = app.test_client()
    assert login(client, email).status_code in (302, 303)
    return client


# -- students ------------------------------------------------------------------------------


@PROPERTY
@given(name=HOSTILE)
def test_joining_a_class(app: Flask, name: str) -> None:
    with session_scope(app) as s:
        klass = gen_class(s, gen_teacher(s, f"j{next(_serial)}@example.org"))
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
    serial = next(_serial)
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

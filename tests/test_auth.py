"""Teachers' accounts: the CLI, log in and out, rate limits, the guard of teacher pages
(session ends and sign-up: tests/test_auth_sessions.py)."""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Blueprint, Flask, g
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from quiz.accounts import teacher_required
from quiz.accounts.views import BAD_LOGIN, create_teacher, login_key
from quiz.store import models as m
from quiz.store.db import session_scope, utcnow
from tests.helpers import csrf

EMAIL = "ada@school.example"
PASSWORD = "correct horse battery"
PROTECTED = "/_test/protected"


def add_test_routes(app: Flask) -> None:
    """A page behind ``teacher_required``, outside the teacher's blueprint."""
    probe = Blueprint("auth_probe", __name__)

    @probe.get(PROTECTED)
    @teacher_required
    def protected() -> str:
        return f"hello {g.teacher.email}"

    app.register_blueprint(probe)


@pytest.fixture
def app(app: Flask) -> Flask:
    add_test_routes(app)
    return app


@pytest.fixture
def teacher(app: Flask) -> int:
    with session_scope(app) as db:
        return create_teacher(db, EMAIL, PASSWORD, "Ada Lovelace").id


def login(client: FlaskClient, email: str, password: str, next_url: str | None = None):
    url = "/teacher/login" + (f"?next={next_url}" if next_url else "")
    page = client.get(url)
    assert page.status_code == 200
    data = {"csrf_token": csrf(page.get_data(as_text=True)), "email": email, "password": password}
    return client.post(url, data=data)


def location(response) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(response.headers["Location"])
    return parts.path, parse_qs(parts.query)


def teacher_row(app: Flask, email: str = EMAIL) -> m.Teacher | None:
    with session_scope(app) as db:
        return db.scalar(select(m.Teacher).where(m.Teacher.email == email))


# The CLI.


def test_create_teacher_reads_the_password_from_stdin(app: Flask, runner) -> None:
    result = runner.invoke(
        args=["create-teacher", " Ada@School.Example ", "--name", "Ada Lovelace"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert f"Teacher {EMAIL} created." in result.output
    row = teacher_row(app)
    assert row is not None and row.display_name == "Ada Lovelace"
    assert row.password_hash != PASSWORD and PASSWORD not in row.password_hash
    assert row.password_hash.startswith("scrypt:")
    assert check_password_hash(row.password_hash, PASSWORD)


def test_create_teacher_refuses_a_short_password(app: Flask, runner) -> None:
    result = runner.invoke(args=["create-teacher", EMAIL], input="pw\n")
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output
    assert teacher_row(app) is None


def test_create_teacher_refuses_an_existing_email(app: Flask, runner, teacher: int) -> None:
    result = runner.invoke(args=["create-teacher", "ADA@school.example"], input=PASSWORD + "\n")
    assert result.exit_code == 1
    assert "already exists" in result.output
    with session_scope(app) as db:
        assert db.scalar(select(func.count()).select_from(m.Teacher)) == 1


def test_create_teacher_never_takes_the_password_as_an_argument(runner) -> None:
    result = runner.invoke(args=["create-teacher", EMAIL, PASSWORD], input=PASSWORD + "\n")
    assert result.exit_code == 2  # click's usage error: no such argument


def test_set_password(app: Flask, runner, teacher: int) -> None:
    result = runner.invoke(args=["set-password", "Ada@school.example"], input="a brand new one\n")
    assert result.exit_code == 0, result.output
    row = teacher_row(app)
    assert row is not None and check_password_hash(row.password_hash, "a brand new one")
    assert runner.invoke(args=["set-password", EMAIL], input="short\n").exit_code == 1
    unknown = runner.invoke(args=["set-password", "bob@school.example"], input=PASSWORD + "\n")
    assert unknown.exit_code == 1 and "No teacher" in unknown.output


# Logging in.


def test_login_page_markup(client: FlaskClient) -> None:
    html = client.get("/teacher/login").get_data(as_text=True)
    assert '<label for="email">E-mail</label>' in html
    assert '<label for="password">Password</label>' in html
    assert 'autocomplete="email"' in html and 'autocomplete="current-password"' in html
    assert 'href="/teacher/signup"' in html


def test_login_success(app: Flask, client: FlaskClient, teacher: int) -> None:
    with client.session_transaction() as s:
        s["student_id"] = 12345  # whatever was there before is dropped
    before = time.time()
    response = login(client, "  ADA@School.example ", PASSWORD)
    assert response.status_code == 303
    assert location(response)[0] == "/teacher/"
    with client.session_transaction() as s:
        assert s["teacher_id"] == teacher
        assert s["teacher_login_at"] >= int(before) and s["teacher_seen_at"] >= int(before)
        assert "student_id" not in s
        assert s.permanent
    row = teacher_row(app)
    assert row is not None and row.last_login_at is not None
    assert client.get(PROTECTED).get_data(as_text=True) == f"hello {EMAIL}"


@pytest.mark.parametrize("email", [EMAIL, "nobody@school.example"])
def test_login_failure_is_generic(client: FlaskClient, teacher: int, email: str) -> None:
    response = login(client, email, "not the password")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert BAD_LOGIN in html
    assert f'value="{email}"' in html
    assert "not the password" not in html
    assert 'aria-describedby="login-error"' in html and 'aria-invalid="true"' in html
    with client.session_transaction() as s:
        assert "teacher_id" not in s


def test_login_with_empty_fields(client: FlaskClient) -> None:
    response = login(client, "", "")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="email-error"' in html and 'aria-describedby="email-error"' in html
    assert 'id="password-error"' in html


def test_failed_logins_are_slowed_down(app: Flask, client: FlaskClient, teacher: int) -> None:
    for _ in range(4):
        assert login(client, EMAIL, "wrong password").status_code == 422
    fifth = login(client, "Ada@School.example", "wrong password")
    assert fifth.status_code == 429
    assert "try again in 30 seconds" in fifth.get_data(as_text=True)
    blocked = login(client, EMAIL, PASSWORD)
    assert blocked.status_code == 429
    assert "Too many failed tries" in blocked.get_data(as_text=True)
    assert int(blocked.headers["Retry-After"]) >= 1
    with client.session_transaction() as s:
        assert "teacher_id" not in s

    key = login_key(EMAIL)
    assert key == f"login:{EMAIL}"

    def wait_out_the_block() -> None:
        with session_scope(app) as db:
            row = db.get(m.RateLimit, key)
            assert row is not None and row.blocked_until is not None
            row.blocked_until = utcnow() - timedelta(seconds=1)

    wait_out_the_block()  # each further failure doubles the wait
    assert login(client, EMAIL, "wrong again").status_code == 429
    with session_scope(app) as db:
        row = db.get(m.RateLimit, key)
        assert row is not None and row.blocked_until is not None
        assert row.blocked_until - utcnow() > timedelta(seconds=45)

    wait_out_the_block()
    response = login(client, EMAIL, PASSWORD)
    assert response.status_code == 303
    with session_scope(app) as db:
        assert db.get(m.RateLimit, key) is None  # a success forgets the failures


def test_unknown_addresses_are_limited_too(client: FlaskClient) -> None:
    statuses = [login(client, "ghost@school.example", "guess").status_code for _ in range(5)]
    assert statuses == [422, 422, 422, 422, 429]


# Where a login leads.


def test_guard_sends_to_login_with_next(client: FlaskClient, teacher: int) -> None:
    response = client.get(PROTECTED + "?tab=2")
    assert response.status_code == 302
    path, query = location(response)
    assert path == "/teacher/login" and query["next"] == [PROTECTED + "?tab=2"]
    response = login(client, EMAIL, PASSWORD, next_url=query["next"][0].replace("?", "%3F"))
    assert response.headers["Location"] == PROTECTED + "?tab=2"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/teacher/",
        "//evil.example/teacher/",
        "/\\evil.example",
        "javascript:alert(1)",
        "teacher/",
    ],
)
def test_next_must_be_a_local_path(client: FlaskClient, teacher: int, target: str) -> None:
    page = client.get("/teacher/login", query_string={"next": target})
    data = {"csrf_token": csrf(page.get_data(as_text=True)), "email": EMAIL, "password": PASSWORD}
    response = client.post("/teacher/login", query_string={"next": target}, data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == "/teacher/"


def test_logged_in_teacher_skips_the_login_page(client: FlaskClient, teacher: int) -> None:
    login(client, EMAIL, PASSWORD)
    response = client.get("/teacher/login", query_string={"next": PROTECTED})
    assert response.status_code == 302 and response.headers["Location"] == PROTECTED


# Logging out.


def test_logout_needs_post_with_csrf(client: FlaskClient, teacher: int) -> None:
    login(client, EMAIL, PASSWORD)
    assert client.get("/teacher/logout").status_code == 405
    assert client.post("/teacher/logout").status_code == 400  # no CSRF token
    assert client.get(PROTECTED).status_code == 200
    home = client.get("/").get_data(as_text=True)
    assert 'action="/teacher/logout"' in home  # the button in the site's header
    token = csrf(home)
    with client.session_transaction() as s:
        s["student_id"] = 7  # a student identity in the same browser stays
    response = client.post("/teacher/logout", data={"csrf_token": token})
    assert response.status_code == 303
    path, query = location(response)
    assert path == "/teacher/login" and query["reason"] == ["logout"]
    with client.session_transaction() as s:
        assert not {"teacher_id", "teacher_login_at", "teacher_seen_at"} & set(s.keys())
        assert s["student_id"] == 7
    assert client.get(PROTECTED).status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You are logged out, on this device and every other." in page

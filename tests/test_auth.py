"""Teachers' accounts: the CLI, log in and out, rate limits, sign-up, session expiry."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Blueprint, Flask, g
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from quiz import create_app
from quiz.accounts import teacher_required
from quiz.accounts.views import BAD_LOGIN, EMAIL_TAKEN, create_teacher, login_key
from quiz.store import models as m
from quiz.store.db import dispose_engines, session_scope, utcnow
from tests.conftest import make_app
from tests.helpers import csrf

EMAIL = "ada@school.example"
PASSWORD = "correct horse battery"
PROTECTED = "/_test/protected"


def _add_test_routes(app: Flask) -> None:
    """A page behind ``teacher_required``, outside the teacher's blueprint."""
    probe = Blueprint("auth_probe", __name__)

    @probe.get(PROTECTED)
    @teacher_required
    def protected() -> str:
        return f"hello {g.teacher.email}"

    app.register_blueprint(probe)


@pytest.fixture
def app(app: Flask) -> Flask:
    _add_test_routes(app)
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


# A saved session cookie is worth nothing after logging out, a new password or
# "log out everywhere".


def _saved_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _replay(app: Flask, cookie: str):
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get(PROTECTED)


def test_a_cookie_saved_before_logout_is_refused_after(app: Flask, teacher: int) -> None:
    client = app.test_client()
    login(client, EMAIL, PASSWORD)
    saved = _saved_cookie(client)
    assert _replay(app, saved).status_code == 200  # the copy works while logged in
    home = client.get("/").get_data(as_text=True)
    assert client.post("/teacher/logout", data={"csrf_token": csrf(home)}).status_code == 303
    replayed = _replay(app, saved)
    assert replayed.status_code == 302
    assert location(replayed)[1]["reason"] == ["ended"]
    # Logging in again gives a working session; the old copy stays refused.
    login(client, EMAIL, PASSWORD)
    assert client.get(PROTECTED).status_code == 200
    assert _replay(app, saved).status_code == 302


def test_a_new_password_ends_every_other_session(app: Flask, teacher: int) -> None:
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, EMAIL, PASSWORD)
    login(phone, EMAIL, PASSWORD)
    saved = _saved_cookie(laptop)
    page = laptop.get("/teacher/account")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<label for="current">Your password now</label>' in html
    data = {"csrf_token": csrf(html), "password": "a new long pass", "confirm": "a new long pass"}
    wrong = laptop.post("/teacher/account/password", data={**data, "current": "not it at all"})
    assert wrong.status_code == 422
    assert "That is not your password now." in wrong.get_data(as_text=True)
    changed = laptop.post("/teacher/account/password", data={**data, "current": PASSWORD})
    assert changed.status_code == 303
    assert "Every other device" in laptop.get("/teacher/account").get_data(as_text=True)
    assert laptop.get(PROTECTED).status_code == 200  # this session goes on
    assert phone.get(PROTECTED).status_code == 302
    assert _replay(app, saved).status_code == 302
    assert login(phone, EMAIL, "a new long pass").status_code == 303


def test_set_password_from_the_cli_ends_every_session(app: Flask, runner, teacher: int) -> None:
    client = app.test_client()
    login(client, EMAIL, PASSWORD)
    result = runner.invoke(args=["set-password", EMAIL], input="a brand new one\n")
    assert result.exit_code == 0, result.output
    assert client.get(PROTECTED).status_code == 302


def test_log_out_everywhere(app: Flask, teacher: int) -> None:
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, EMAIL, PASSWORD)
    login(phone, EMAIL, PASSWORD)
    saved = _saved_cookie(phone)
    page = laptop.get("/teacher/account").get_data(as_text=True)
    assert laptop.post("/teacher/account/logout-everywhere").status_code == 400  # no token
    response = laptop.post("/teacher/account/logout-everywhere", data={"csrf_token": csrf(page)})
    assert response.status_code == 303
    assert location(response)[1]["reason"] == ["everywhere"]
    assert "You are logged out on every device." in laptop.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    for client in (laptop, phone):
        assert client.get(PROTECTED).status_code == 302
    assert _replay(app, saved).status_code == 302
    # The site's header no longer shows the phone as logged in.
    assert 'action="/teacher/logout"' not in phone.get("/").get_data(as_text=True)


# Session expiry.


def test_idle_session_ends(client: FlaskClient, teacher: int) -> None:
    login(client, EMAIL, PASSWORD)
    with client.session_transaction() as s:
        s["teacher_seen_at"] = time.time() - 119 * 60
    assert client.get(PROTECTED).status_code == 200  # still fresh, and refreshed
    with client.session_transaction() as s:
        assert s["teacher_seen_at"] >= time.time() - 5
        s["teacher_seen_at"] = time.time() - 121 * 60
    response = client.get(PROTECTED)
    assert response.status_code == 302
    path, query = location(response)
    assert path == "/teacher/login"
    assert query["reason"] == ["expired"] and query["next"] == [PROTECTED]
    with client.session_transaction() as s:
        assert "teacher_id" not in s
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Your session ended; please log in again." in page.get_data(as_text=True)


def test_session_ends_after_max_hours(client: FlaskClient, teacher: int) -> None:
    login(client, EMAIL, PASSWORD)
    with client.session_transaction() as s:
        s["teacher_login_at"] = time.time() - 12 * 3600 - 10
        s["teacher_seen_at"] = time.time()
    response = client.get(PROTECTED)
    assert response.status_code == 302
    assert location(response)[1]["reason"] == ["expired"]


def test_expiry_follows_the_config(app: Flask, client: FlaskClient, teacher: int) -> None:
    app.config["TEACHER_IDLE_MINUTES"] = 5
    login(client, EMAIL, PASSWORD)
    with client.session_transaction() as s:
        s["teacher_seen_at"] = time.time() - 6 * 60
    assert client.get(PROTECTED).status_code == 302


def test_session_without_timestamps_is_not_trusted(client: FlaskClient, teacher: int) -> None:
    with client.session_transaction() as s:
        s["teacher_id"] = teacher
    assert client.get(PROTECTED).status_code == 302


# Signing up.


def signup(client: FlaskClient, **fields: str):
    page = client.get("/teacher/signup")
    assert page.status_code == 200
    data = {
        "csrf_token": csrf(page.get_data(as_text=True)),
        "display_name": "Grace Hopper",
        "email": "Grace@School.example",
        "password": "a long enough password",
        "confirm": "a long enough password",
    }
    data.update(fields)
    return client.post("/teacher/signup", data=data)


def test_signup_logs_in(app: Flask, client: FlaskClient) -> None:
    html = client.get("/teacher/signup").get_data(as_text=True)
    assert '<label for="display_name">Your name</label>' in html
    assert html.count('autocomplete="new-password"') == 2
    response = signup(client)
    assert response.status_code == 303 and location(response)[0] == "/teacher/"
    row = teacher_row(app, "grace@school.example")
    assert row is not None and row.display_name == "Grace Hopper"
    assert row.password_hash.startswith("scrypt:")
    assert client.get(PROTECTED).get_data(as_text=True) == "hello grace@school.example"


def test_signup_refuses_a_taken_email(client: FlaskClient, teacher: int) -> None:
    response = signup(client, email="ADA@school.example")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert EMAIL_TAKEN in html
    assert 'id="email-error"' in html and 'aria-describedby="email-error"' in html
    assert "a long enough password" not in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password": "too short", "confirm": "too short"}, "at least 10 characters"),
        ({"confirm": "something different"}, "not the same"),
        ({"email": "not an address"}, "whole e-mail address"),
        ({"display_name": "   "}, "Type your name"),
    ],
)
def test_signup_checks_fields(client: FlaskClient, fields: dict[str, str], message: str) -> None:
    response = signup(client, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


@pytest.fixture
def closed_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(database_url, tmp_path, ALLOW_SIGNUP=False)
    _add_test_routes(app)
    yield app
    dispose_engines(app)


def test_signup_can_be_turned_off(closed_app: Flask) -> None:
    client = closed_app.test_client()
    assert client.get("/teacher/signup").status_code == 404
    assert client.post("/teacher/signup").status_code in (400, 404)
    assert "/teacher/signup" not in client.get("/teacher/login").get_data(as_text=True)


def test_signup_off_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZ_ALLOW_SIGNUP", "false")
    monkeypatch.setenv("QUIZ_TEACHER_IDLE_MINUTES", "30")
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
    assert app.config["ALLOW_SIGNUP"] is False
    assert app.config["TEACHER_IDLE_MINUTES"] == 30
    assert app.config["TEACHER_MAX_HOURS"] == 12
    dispose_engines(app)

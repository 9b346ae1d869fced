"""Teachers' sessions end (a saved cookie after logging out, a new password, "log out
everywhere", idle and maximum age) and sign-up."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quiz import create_app
from quiz.accounts.views import EMAIL_TAKEN, create_teacher
from quiz.store.db import dispose_engines, session_scope
from tests.conftest import make_app
from tests.helpers import csrf
from tests.test_auth import (
    EMAIL,
    PASSWORD,
    PROTECTED,
    add_test_routes,
    location,
    login,
    teacher_row,
)


@pytest.fixture
def app(app: Flask) -> Flask:
    add_test_routes(app)
    return app


@pytest.fixture
def teacher(app: Flask) -> int:
    with session_scope(app) as db:
        return create_teacher(db, EMAIL, PASSWORD, "Ada Lovelace").id


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
    add_test_routes(app)
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

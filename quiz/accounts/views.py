"""Teachers' accounts: sign up, log in, log out, and the guard for teacher pages.

A teacher's session holds four keys: ``teacher_id``, ``teacher_gen`` (the
account's ``session_generation`` when it logged in), ``teacher_login_at`` and
``teacher_seen_at`` (epoch seconds). Logging out, "log out everywhere" and a new
password add one to the account's generation, so every earlier session cookie,
copied or not, is refused on its next request. A session ends after ``TEACHER_IDLE_MINUTES``
without a teacher page (what a page fetches by itself does not count:
``BACKGROUND_HEADER``), or ``TEACHER_MAX_HOURS`` after logging in. Failed
logins are limited per e-mail address (never per IP address) by
``quiz.store.ratelimit``.
"""

from __future__ import annotations

import functools
import hashlib
import math
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response

from quiz.accounts.forms import (
    EverywhereForm,
    LoginForm,
    PasswordChangeForm,
    SignupForm,
    normalise_email,
)
from quiz.store import models as m
from quiz.store import ratelimit
from quiz.store.db import get_session, utcnow
from quiz.web.timeutil import show

bp = Blueprint("auth", __name__, url_prefix="/teacher")

SESSION_KEYS = ("teacher_id", "teacher_gen", "teacher_login_at", "teacher_seen_at")
# Sent by what a page fetches by itself (quiz.js refreshing a results table): such a
# request is served but does not count as the teacher being there, so a results
# page left open on a projector still ends its session after the idle time.
BACKGROUND_HEADER = "X-Quiz-Background"
BAD_LOGIN = "E-mail or password is not right."
EMAIL_TAKEN = "A teacher with this e-mail address already has an account. Log in instead."
NOTICES = {
    "expired": "Your session ended; please log in again.",
    "logout": "You are logged out, on this device and every other.",
    "everywhere": "You are logged out on every device.",
    "ended": (
        "You were logged out: the account logged out or its password changed. Please log in again."
    ),
}


# Account operations (used by the views and by the CLI commands).


class EmailTaken(Exception):
    """Another teacher already has this e-mail address."""


def find_teacher(db: Session, email: str) -> m.Teacher | None:
    email = normalise_email(email)
    return db.scalar(select(m.Teacher).where(func.lower(m.Teacher.email) == email))


def create_teacher(
    db: Session, email: str, password: str, display_name: str = "", logged_in: bool = False
) -> m.Teacher:
    """A new teacher, committed; raises EmailTaken if the address is in use."""
    email = normalise_email(email)
    if find_teacher(db, email) is not None:
        raise EmailTaken(email)
    teacher = m.Teacher(
        email=email,
        display_name=" ".join(display_name.split()),
        password_hash=generate_password_hash(password),
        last_login_at=utcnow() if logged_in else None,
    )
    db.add(teacher)
    try:
        db.commit()
    except IntegrityError as exc:  # the same address signed up at the same moment
        db.rollback()
        raise EmailTaken(email) from exc
    return teacher


def set_password(db: Session, teacher: m.Teacher, password: str) -> None:
    """Change the password (committed), end every session of the account and lift
    any block on logging in."""
    teacher.password_hash = generate_password_hash(password)
    teacher.session_generation = (teacher.session_generation or 0) + 1
    db.commit()
    ratelimit.clear(db, login_key(teacher.email))


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash("not anyone's password")


def _password_ok(stored: str, password: str) -> bool:
    try:
        return check_password_hash(stored, password)
    except (ValueError, TypeError):  # an unknown or damaged hash never matches
        return False


def authenticate(db: Session, email: str, password: str) -> m.Teacher | None:
    """The teacher with this e-mail and password, or None. An unknown address costs
    as much time as a known one, so timing does not tell which addresses exist."""
    teacher = find_teacher(db, email)
    if teacher is None:
        _password_ok(_dummy_hash(), password)
        return None
    return teacher if _password_ok(teacher.password_hash, password) else None


def end_sessions(db: Session, teacher: m.Teacher) -> None:
    """Every session cookie of the account, this browser's too, is refused from now
    on (committed)."""
    teacher.session_generation = (teacher.session_generation or 0) + 1
    db.commit()


def login_key(email: str) -> str:
    key = f"login:{normalise_email(email)}"
    if len(key) > 255:  # RateLimit.key is a String(255)
        key = "login:sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


# The teacher's session.


def _stamp(value: Any) -> float | None:
    """Epoch seconds from what the session holds (a number, or an ISO time)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed.timestamp() if parsed.tzinfo is not None else None
    return None


def _expired(now: float) -> bool:
    login_at = _stamp(session.get("teacher_login_at"))
    seen_at = _stamp(session.get("teacher_seen_at"))
    if login_at is None or seen_at is None:
        return True
    idle = float(current_app.config["TEACHER_IDLE_MINUTES"]) * 60
    max_age = float(current_app.config["TEACHER_MAX_HOURS"]) * 3600
    return now - seen_at > idle or now - login_at > max_age


def log_in(teacher: m.Teacher) -> None:
    """Start a fresh session for the teacher (the old one, student keys included, is
    dropped so that a session id planted before logging in is worth nothing)."""
    now = int(time.time())
    session.clear()
    session["teacher_id"] = teacher.id
    session["teacher_gen"] = teacher.session_generation or 0
    session["teacher_login_at"] = now
    session["teacher_seen_at"] = now
    session.permanent = True
    g.auth_teacher = teacher


def log_out() -> None:
    for key in SESSION_KEYS:
        session.pop(key, None)
    g.auth_teacher = None


def _current_generation(teacher: m.Teacher) -> bool:
    """The session was started after the account's last logout or password change."""
    gen = session.get("teacher_gen")
    return isinstance(gen, int) and not isinstance(gen, bool) and gen == teacher.session_generation


def current_teacher() -> m.Teacher | None:
    """The logged-in teacher, or None if nobody is or the session has ended."""
    if "auth_teacher" in g:
        return g.auth_teacher
    teacher = None
    tid = session.get("teacher_id")
    if isinstance(tid, int) and not _expired(time.time()):
        teacher = get_session().get(m.Teacher, tid)
        if teacher is not None and not _current_generation(teacher):
            teacher = None
    g.auth_teacher = teacher
    return teacher


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _to_login(reason: str | None = None) -> Response:
    args: dict[str, str] = {}
    if request.method in ("GET", "HEAD"):  # a form sent to a URL cannot be repeated by GET
        args["next"] = request.full_path if request.query_string else request.path
    if reason:
        args["reason"] = reason
    return redirect(url_for("auth.login", **args))


def teacher_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run the view with ``g.teacher`` set, or send the browser to the login page."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        tid = session.get("teacher_id")
        if not isinstance(tid, int):
            return _to_login()
        now = time.time()
        if _expired(now):
            log_out()
            return _to_login("expired")
        teacher = get_session().get(m.Teacher, tid)
        if teacher is None:  # the account was removed
            log_out()
            return _to_login()
        if not _current_generation(teacher):  # logged out since, or a new password
            log_out()
            return _to_login("ended")
        if request.headers.get(BACKGROUND_HEADER) != "1":
            session["teacher_seen_at"] = int(now)
        g.auth_teacher = g.teacher = teacher
        return view(*args, **kwargs)

    return wrapped


def _signup_allowed() -> bool:
    value = current_app.config.get("ALLOW_SIGNUP", False)
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no", "off")
    return bool(value)


# The pages.


def _wait_message(until: datetime) -> str:
    seconds = max(1, math.ceil((until - utcnow()).total_seconds()))
    if seconds < 60:
        after = f"{seconds} second{'s' if seconds != 1 else ''}"
    else:
        minutes = math.ceil(seconds / 60)
        after = f"{minutes} minute{'s' if minutes != 1 else ''}"
    return (
        "Too many failed tries for this e-mail address. "
        f"Please try again in {after} (at {show(until, '%H:%M')})."
    )


def _login_page(
    form: LoginForm, next_url: str | None, status: int, error: str | None = None
) -> tuple[str, int]:
    notice = NOTICES.get(request.args.get("reason", "")) if not error else None
    page = render_template(
        "auth/login.html",
        form=form,
        next_url=next_url,
        error=error,
        notice=notice,
        signup=_signup_allowed(),
    )
    return page, status


def _blocked(form: LoginForm, next_url: str | None, until: datetime) -> Response:
    page, status = _login_page(form, next_url, 429, error=_wait_message(until))
    response = current_app.make_response((page, status))
    response.headers["Retry-After"] = str(max(1, math.ceil((until - utcnow()).total_seconds())))
    return response


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int]:
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET" and current_teacher() is not None:
        return redirect(next_url or url_for("teacher.dashboard"))
    form = LoginForm()
    if not form.validate_on_submit():
        return _login_page(form, next_url, 422 if form.is_submitted() else 200)
    db = get_session()
    email = normalise_email(form.email.data)
    key = login_key(email)
    until = ratelimit.blocked_until(db, key)
    if until is not None:
        return _blocked(form, next_url, until)
    teacher = authenticate(db, email, form.password.data or "")
    if teacher is None:
        until = ratelimit.fail(db, key)
        if until is not None:
            return _blocked(form, next_url, until)
        return _login_page(form, next_url, 422, error=BAD_LOGIN)
    ratelimit.clear(db, key)
    teacher.last_login_at = utcnow()
    db.commit()
    log_in(teacher)
    return redirect(next_url or url_for("teacher.dashboard"), code=303)


@bp.post("/logout")
def logout() -> Response:
    """End the account's sessions, not only this cookie: a cookie copied before
    logging out is refused afterwards (signed cookies cannot be withdrawn one by
    one, so the account's generation moves on)."""
    teacher = current_teacher()
    if teacher is not None:
        end_sessions(get_session(), teacher)
    log_out()
    return redirect(url_for("auth.login", reason="logout"), code=303)


@bp.route("/signup", methods=["GET", "POST"])
def signup() -> Response | tuple[str, int]:
    if not _signup_allowed():
        abort(404)
    form = SignupForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            teacher = create_teacher(
                db,
                form.email.data or "",
                form.password.data or "",
                form.display_name.data or "",
                logged_in=True,
            )
        except EmailTaken:
            form.email.errors = [*form.email.errors, EMAIL_TAKEN]
        else:
            log_in(teacher)
            return redirect(url_for("teacher.dashboard"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("auth/signup.html", form=form), status


WRONG_PASSWORD = "That is not your password now."


def _account_page_guard(view: Callable[..., Any]) -> Callable[..., Any]:
    """As on every teacher page (``quiz.accounts.guard_teacher_pages``): a browser that is
    a student here, and no teacher, is refused (403); anyone else logs in."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_teacher() is None and (
            session.get("class_students") or session.get("student_id")
        ):
            abort(403, "This page is for teachers. Teachers log in at /teacher/login.")
        return teacher_required(view)(*args, **kwargs)

    return wrapped


def _account_page(
    password_form: PasswordChangeForm | None = None, status: int = 200
) -> tuple[str, int]:
    page = render_template(
        "auth/account.html",
        teacher=g.teacher,
        password_form=password_form or PasswordChangeForm(formdata=None),
        everywhere_form=EverywhereForm(formdata=None),
    )
    return page, status


@bp.get("/account")
@_account_page_guard
def account() -> tuple[str, int]:
    return _account_page()


@bp.post("/account/password")
@_account_page_guard
def change_password() -> Response | tuple[str, int]:
    """A new password ends every other session of the account; this one goes on."""
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return _account_page(form, 422)
    teacher: m.Teacher = g.teacher
    if not _password_ok(teacher.password_hash, form.current.data or ""):
        form.current.errors = [*form.current.errors, WRONG_PASSWORD]
        return _account_page(form, 422)
    set_password(get_session(), teacher, form.password.data or "")
    log_in(teacher)
    flash("Your password is changed. Every other device is logged out.")
    return redirect(url_for("auth.account"), code=303)


@bp.post("/account/logout-everywhere")
@_account_page_guard
def logout_everywhere() -> Response | tuple[str, int]:
    if not EverywhereForm().validate_on_submit():
        return _account_page(status=400)
    end_sessions(get_session(), g.teacher)
    log_out()
    return redirect(url_for("auth.login", reason="everywhere"), code=303)

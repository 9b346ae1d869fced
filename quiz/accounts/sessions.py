"""A teacher's session: logging in and out, who is logged in, and the guard of
teacher pages (``teacher_required``).

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
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, g, redirect, request, session, url_for
from werkzeug.wrappers import Response

from quiz.store import models as m
from quiz.store.db import get_session

SESSION_KEYS = ("teacher_id", "teacher_gen", "teacher_login_at", "teacher_seen_at")
# Sent by what a page fetches by itself (quiz.js refreshing a results table): such a
# request is served but does not count as the teacher being there, so a results
# page left open on a projector still ends its session after the idle time.
BACKGROUND_HEADER = "X-Quiz-Background"


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
    args: dict[str, Any] = {}
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


def signup_allowed() -> bool:
    """Whether teachers may sign up here (``ALLOW_SIGNUP``)."""
    value = current_app.config.get("ALLOW_SIGNUP", False)
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no", "off")
    return bool(value)

"""Logging in (failed tries limited per e-mail address) and out."""

from __future__ import annotations

import math
from datetime import datetime

from flask import current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from quiz.accounts.blueprint import bp
from quiz.accounts.forms import LoginForm, normalise_email
from quiz.accounts.sessions import (
    current_teacher,
    log_in,
    log_out,
    safe_next,
    signup_allowed,
)
from quiz.accounts.teachers import authenticate, end_sessions, login_key
from quiz.store import ratelimit
from quiz.store.db import get_session, utcnow
from quiz.web.timeutil import show

BAD_LOGIN = "E-mail or password is not right."
NOTICES = {
    "expired": "Your session ended; please log in again.",
    "logout": "You are logged out, on this device and every other.",
    "everywhere": "You are logged out on every device.",
    "ended": (
        "You were logged out: the account logged out or its password changed. Please log in again."
    ),
}


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
        signup=signup_allowed(),
    )
    return page, status


def _blocked(form: LoginForm, next_url: str | None, until: datetime) -> Response:
    page, status = _login_page(form, next_url, 429, error=_wait_message(until))
    response = current_app.make_response((page, status))
    response.headers["Retry-After"] = str(max(1, math.ceil((until - utcnow()).total_seconds())))
    return response


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
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
def logout() -> ResponseReturnValue:
    """End the account's sessions, not only this cookie: a cookie copied before
    logging out is refused afterwards (signed cookies cannot be withdrawn one by
    one, so the account's generation moves on)."""
    teacher = current_teacher()
    if teacher is not None:
        end_sessions(get_session(), teacher)
    log_out()
    return redirect(url_for("auth.login", reason="logout"), code=303)

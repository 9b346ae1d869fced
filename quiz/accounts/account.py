"""Signing up (where ``ALLOW_SIGNUP`` lets teachers) and the account page: a new
password, logging out everywhere."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort, flash, g, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue

from quiz.accounts.blueprint import bp
from quiz.accounts.forms import EverywhereForm, PasswordChangeForm, SignupForm
from quiz.accounts.sessions import (
    current_teacher,
    log_in,
    log_out,
    signup_allowed,
    teacher_required,
)
from quiz.accounts.teachers import (
    EmailTaken,
    create_teacher,
    end_sessions,
    password_ok,
    set_password,
)
from quiz.store import models as m
from quiz.store.db import get_session

EMAIL_TAKEN = "A teacher with this e-mail address already has an account. Log in instead."


@bp.route("/signup", methods=["GET", "POST"])
def signup() -> ResponseReturnValue:
    if not signup_allowed():
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
def account() -> ResponseReturnValue:
    return _account_page()


@bp.post("/account/password")
@_account_page_guard
def change_password() -> ResponseReturnValue:
    """A new password ends every other session of the account; this one goes on."""
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return _account_page(form, 422)
    teacher: m.Teacher = g.teacher
    if not password_ok(teacher.password_hash, form.current.data or ""):
        form.current.errors = [*form.current.errors, WRONG_PASSWORD]
        return _account_page(form, 422)
    set_password(get_session(), teacher, form.password.data or "")
    log_in(teacher)
    flash("Your password is changed. Every other device is logged out.")
    return redirect(url_for("auth.account"), code=303)


@bp.post("/account/logout-everywhere")
@_account_page_guard
def logout_everywhere() -> ResponseReturnValue:
    if not EverywhereForm().validate_on_submit():
        return _account_page(status=400)
    end_sessions(get_session(), g.teacher)
    log_out()
    return redirect(url_for("auth.login", reason="everywhere"), code=303)

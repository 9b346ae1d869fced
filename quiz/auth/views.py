"""STUB, to be replaced: log in by e-mail and password."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, g, redirect, render_template_string, request, session, url_for
from sqlalchemy import select
from werkzeug.security import check_password_hash

from quiz import models as m
from quiz.db import get_session

bp = Blueprint("auth", __name__, url_prefix="/teacher")


def current_teacher() -> m.Teacher | None:
    tid = session.get("teacher_id")
    return get_session().get(m.Teacher, tid) if isinstance(tid, int) else None


def teacher_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        teacher = current_teacher()
        if teacher is None:
            return redirect(url_for("auth.login", next=request.path))
        g.teacher = teacher
        return view(*args, **kwargs)

    return wrapped


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "POST":
        teacher = get_session().scalar(
            select(m.Teacher).where(m.Teacher.email == request.form.get("email", "").lower())
        )
        if teacher and check_password_hash(teacher.password_hash, request.form.get("password", "")):
            session.clear()
            session["teacher_id"] = teacher.id
            return redirect(url_for("teacher.dashboard"))
    return render_template_string(
        '<form method="post"><input name="csrf_token" type="hidden" value="{{ csrf_token() }}">'
        '<input name="email"><input name="password" type="password"><button>Log in</button></form>'
    )

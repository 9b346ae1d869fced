"""The student's blueprint, and who the browser is: its practice identity and its
identities in classes (kept in the signed session cookie)."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, session

from quiz import services
from quiz.classes import assignments as assign
from quiz.classes import students
from quiz.reports.results import misconception_text
from quiz.store import models as m
from quiz.store.db import get_session

bp = Blueprint("student", __name__)
# A misconception in the bank's words wherever feedback is shown (the student's pages,
# the teacher's view of an attempt, the editor's preview): one helper, the results page's.
bp.add_app_template_global(misconception_text, "misconception_text")


def student_id() -> int | None:
    """This browser's practice identity (no class)."""
    value = session.get("student_id")
    return value if isinstance(value, int) else None


def class_student_ids() -> list[int]:
    """This browser's identities in classes (one per class joined)."""
    return [i for i in session.get("class_students", []) if isinstance(i, int)]


def student_ids() -> set[int]:
    """Every identity of this browser: the attempts it may open."""
    ids = set(class_student_ids())
    practice = student_id()
    if practice is not None:
        ids.add(practice)
    return ids


def current_student() -> m.Student | None:
    """This browser's practice student, if it has one."""
    sid = student_id()
    return get_session().get(m.Student, sid) if sid else None


def own_attempt(attempt_id: int, *, with_slots: bool = True) -> m.Attempt:
    """One of this browser's attempts (handed in first if its time is up), or 404."""
    try:
        attempt = services.load_attempt(
            get_session(), attempt_id, student_ids(), with_slots=with_slots
        )
    except LookupError:
        abort(404)
    assign.finish_if_overdue(get_session(), attempt)
    return attempt


def browser_id() -> str:
    """A random id for this browser, so that failed join tries are limited per code
    and browser (never per IP address: a whole class shares one)."""
    value = session.get("browser")
    if not isinstance(value, str):
        value = secrets.token_urlsafe(12)
        session["browser"] = value
        session.permanent = True
    return value


def remember(student: m.Student) -> None:
    """Keep a class identity in this browser (one per class: joining again replaces it)."""
    ids = [i for i in class_student_ids() if i != student.id]
    if ids:  # those still there, in other classes (one statement)
        kept = students.in_other_classes(get_session(), ids, student.class_id)
        ids = [i for i in ids if i in kept]
    session["class_students"] = [*ids, student.id][-10:]
    session.permanent = True

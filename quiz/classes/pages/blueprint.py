"""The ``teacher`` blueprint, its guard, and how its views find what a teacher owns.

Every object is looked up through its owner: another teacher's class, student,
assignment or attempt is a 404, never a hint that it exists.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, g

from quiz.accounts import guard_teacher_pages
from quiz.classes import roster as classes
from quiz.store import models as m
from quiz.store.db import get_session
from quiz.web.timeutil import show, zone

bp = Blueprint("teacher", __name__, url_prefix="/teacher")


guard_teacher_pages(bp)


def school_time(value: datetime | None) -> str:
    """A time on a teacher's page: in the school's zone, with the zone's abbreviation."""
    return show(value, "%a %d %b %Y, %H:%M %Z")


@bp.context_processor
def _school_zone() -> dict[str, object]:
    return {"school_time": school_time, "school_zone": zone().key}


def own_class(class_id: int) -> m.Klass:
    klass = classes.teacher_class(get_session(), g.teacher, class_id)
    if klass is None:
        abort(404)
    return klass


def own_student(student_id: int) -> m.Student:
    student = classes.teacher_student(get_session(), g.teacher, student_id)
    if student is None:
        abort(404)
    return student


def own_assignment(assignment_id: int) -> m.Assignment:
    a = get_session().get(m.Assignment, assignment_id)
    if a is None or a.klass.teacher_id != g.teacher.id:
        abort(404)
    return a

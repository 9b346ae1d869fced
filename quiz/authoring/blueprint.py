"""The ``authoring`` blueprint, its guards, and how its views find a bank.

Every page needs a teacher. A shipped bank (no owner) can be seen, previewed,
downloaded and copied, never changed; another teacher's bank is a 404, never a
hint that it exists.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, session

from quiz import models as m
from quiz.auth import current_teacher, teacher_required
from quiz.authoring.util import visible_bank
from quiz.db import get_session

bp = Blueprint("authoring", __name__, url_prefix="/teacher/banks")

READ_ONLY = "Shipped banks are read-only. Use “Copy to my banks” to make a copy you can edit."


@bp.before_request
def _students_are_not_teachers() -> None:
    """A browser that is a student here, and no teacher, is refused outright."""
    if current_teacher() is None and (session.get("class_students") or session.get("student_id")):
        abort(403, "This page is for teachers. Teachers log in at /teacher/login.")


@bp.before_request
@teacher_required
def _guard() -> None:
    """Every page here needs a teacher; ``g.teacher`` is set by the decorator."""


def seen_bank(bank_id: int) -> m.Bank:
    """A bank the teacher may look at: shipped, or their own."""
    bank = visible_bank(get_session(), g.teacher, bank_id)
    if bank is None:
        abort(404)
    return bank


def own_bank(bank_id: int) -> m.Bank:
    """A bank the teacher may change: their own (a shipped one is a 403)."""
    bank = seen_bank(bank_id)
    if bank.owner_id != g.teacher.id:
        abort(403, READ_ONLY)
    return bank

"""The ``authoring`` blueprint, its guards, and how its views find a bank.

Every page needs a teacher. A shipped bank (no owner) can be seen, previewed,
downloaded and copied, never changed; another teacher's bank is a 404, never a
hint that it exists.
"""

from __future__ import annotations

from flask import Blueprint, abort, g

from quiz.accounts import guard_teacher_pages
from quiz.authoring.util import visible_bank
from quiz.store import models as m
from quiz.store.db import get_session

bp = Blueprint("authoring", __name__, url_prefix="/teacher/banks")

READ_ONLY = "Shipped banks are read-only. Use “Copy to my banks” to make a copy you can edit."


guard_teacher_pages(bp)


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

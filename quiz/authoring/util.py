"""Queries for the authoring pages: whose bank it is, versions and their use."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quiz.store import models as m

MAX_SLUG_WORDS = 60


def visible_bank(session: Session, teacher: m.Teacher, bank_id: int) -> m.Bank | None:
    """A shipped bank, or one of the teacher's own; never another teacher's."""
    bank = session.get(m.Bank, bank_id)
    if bank is None or bank.owner_id not in (None, teacher.id):
        return None
    return bank


def slugify(title: str) -> str:
    """``"Reading a “500%” rise!"`` -> ``"reading-a-500-rise"`` (ASCII, at most 60)."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:MAX_SLUG_WORDS].rstrip("-") or "bank"


def unique_slug(session: Session, teacher: m.Teacher, title: str) -> str:
    """``t<teacher id>-<slugified title>``, with ``-2``, ``-3``... if taken."""
    base = f"t{teacher.id}-{slugify(title)}"
    taken = set(session.scalars(select(m.Bank.slug).where(m.Bank.slug.like(f"{base}%"))).all())
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def all_keys(session: Session, bank: m.Bank) -> set[str]:
    """Every question key the bank ever had, retired ones too."""
    return set(session.scalars(select(m.Question.key).where(m.Question.bank_id == bank.id)))


@dataclass(frozen=True)
class VersionUse:
    version: int
    attempts: int
    current: bool


def version_use(session: Session, bank: m.Bank) -> dict[int, list[VersionUse]]:
    """For each question of the bank (by row id), its versions and how many
    attempts showed each one."""
    rows = session.execute(
        select(
            m.QuestionVersion.question_id,
            m.QuestionVersion.id,
            m.QuestionVersion.version,
            func.count(func.distinct(m.AttemptSlot.attempt_id)),
        )
        .join(m.Question, m.Question.id == m.QuestionVersion.question_id)
        .outerjoin(m.AttemptSlot, m.AttemptSlot.question_version_id == m.QuestionVersion.id)
        .where(m.Question.bank_id == bank.id)
        .group_by(m.QuestionVersion.question_id, m.QuestionVersion.id, m.QuestionVersion.version)
        .order_by(m.QuestionVersion.version)
    )
    current = {
        q_id: v_id
        for q_id, v_id in session.execute(
            select(m.Question.id, m.Question.current_version_id).where(
                m.Question.bank_id == bank.id
            )
        )
    }
    out: dict[int, list[VersionUse]] = {}
    for question_id, version_id, version, attempts in rows:
        out.setdefault(question_id, []).append(
            VersionUse(version, attempts, current.get(question_id) == version_id)
        )
    return out

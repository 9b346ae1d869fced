"""A browser's students (one per class it joined) as My classes reads them: plain
rows, one statement for all of them, and their last activity noted sparingly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from quiz.store import models as m

# How stale a student's last activity may get before a page writes it again: the
# retention purge counts in days, so a write per page (a write transaction per
# student at the start of a lesson) buys nothing.
SEEN_EVERY = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class StudentLine:
    """A student of this browser as My classes shows them (a plain row)."""

    id: int
    display_name: str
    reentry_code: str | None
    class_id: int | None  # never None here: joined on the class
    class_name: str
    last_seen_at: datetime | None


def browser_students(session: Session, ids: Sequence[int]) -> list[StudentLine]:
    """The students with these ids (a browser's, one per class), with their class's
    name, in the order given: one statement."""
    if not ids:
        return []
    rows = session.execute(
        select(
            m.Student.id,
            m.Student.display_name,
            m.Student.reentry_code,
            m.Student.class_id,
            m.Klass.name,
            m.Student.last_seen_at,
        )
        .join(m.Klass, m.Klass.id == m.Student.class_id)
        .where(m.Student.id.in_(ids))
    )
    found = {row[0]: StudentLine(*row) for row in rows}
    return [found[i] for i in ids if i in found]


def in_other_classes(session: Session, ids: Sequence[int], class_id: int | None) -> set[int]:
    """Which of these students still exist in a class other than ``class_id``."""
    return set(
        session.scalars(
            select(m.Student.id).where(
                m.Student.id.in_(ids), m.Student.class_id.is_distinct_from(class_id)
            )
        )
    )


def seen(session: Session, students: Sequence[StudentLine], now: datetime) -> None:
    """Note the students' activity (for the retention purge): one UPDATE of those
    not seen for ``SEEN_EVERY``, none if every one was."""
    stale = [s.id for s in students if s.last_seen_at is None or now - s.last_seen_at > SEEN_EVERY]
    if stale:
        session.execute(
            update(m.Student)
            .where(m.Student.id.in_(stale))
            .values(last_seen_at=now)
            .execution_options(synchronize_session=False)
        )

"""Use cases around a class: join codes, students, roster, merge, export, purge
(reading a roster's names from a paste or a file: ``quiz.classes.rosterfile``).

No e-mail address, password or IP address of a student is ever asked for or
kept: a student is a display name, a class, and a personal re-entry code.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, exists, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from quiz.classes.rosterfile import MAX_NAME as MAX_NAME
from quiz.classes.rosterfile import MAX_ROSTER as MAX_ROSTER
from quiz.classes.rosterfile import MAX_ROSTER_BYTES as MAX_ROSTER_BYTES
from quiz.classes.rosterfile import RosterResult as RosterResult
from quiz.classes.rosterfile import check_roster_names as check_roster_names
from quiz.classes.rosterfile import parse_pasted_roster as parse_pasted_roster
from quiz.classes.rosterfile import parse_roster_csv
from quiz.store import models as m
from quiz.store import ratelimit
from quiz.store.db import add_as_loaded, rowcount, utcnow

# Unambiguous characters: no 0/O, 1/I/L, no U (rude words), no vowels that spell much.
ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
JOIN_CODE_LENGTH = 8  # 30**8 ≈ 6.6e11 codes
REENTRY_CODE_LENGTH = 10


def new_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise_code(text: str) -> str:
    """What a person types: lower case, spaces and dashes forgiven."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def pretty_code(code: str) -> str:
    """ABCD-EFGH: easier to read aloud and to copy from a projector."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _unique(session: Session, column: Any, length: int) -> str:
    for _ in range(20):
        code = new_code(length)
        if session.scalar(select(func.count()).where(column == code)) == 0:
            return code
    raise RuntimeError("could not find a free code")  # pragma: no cover - 1e-11 chance


def create_class(session: Session, teacher: m.Teacher, name: str) -> m.Klass:
    klass = m.Klass(
        teacher=teacher,
        name=name.strip(),
        join_code=_unique(session, m.Klass.join_code, JOIN_CODE_LENGTH),
    )
    session.add(klass)
    session.flush()
    return klass


def teacher_class(session: Session, teacher: m.Teacher, class_id: int) -> m.Klass | None:
    klass = session.get(m.Klass, class_id)
    return klass if klass is not None and klass.teacher_id == teacher.id else None


def teacher_student(session: Session, teacher: m.Teacher, student_id: int) -> m.Student | None:
    student = session.get(m.Student, student_id)
    if student is None or student.klass is None or student.klass.teacher_id != teacher.id:
        return None
    return student


# -- joining -------------------------------------------------------------------------


class JoinRefused(Exception):
    """A join or re-entry that failed; the message is safe to show."""

    def __init__(self, message: str, retry_after: datetime | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _limit_key(code: str, browser: str) -> str:
    return f"join:{code or '-'}:{browser}"


def _refuse(session: Session, key: str, message: str) -> JoinRefused:
    until = ratelimit.fail(session, key, limit=5, window=timedelta(minutes=10))
    if until is not None:
        return JoinRefused("Too many tries. Please wait a minute and try again.", until)
    return JoinRefused(message)


def _check_limit(session: Session, key: str) -> None:
    _refuse_if_blocked(ratelimit.blocked_until(session, key))


def _refuse_if_blocked(until: datetime | None) -> None:
    if until is not None:
        raise JoinRefused("Too many tries. Please wait a minute and try again.", until)


# A join's one read: the class of the code, whether this browser has failed to join
# before (it has a rate-limit row), and until when that row blocks it: one row,
# whatever is found.
_LIMIT_ROW = m.RateLimit.key == bindparam("key")
_JOIN_READ = select(
    select(m.Klass.id).where(m.Klass.join_code == bindparam("code")).scalar_subquery(),
    exists().where(_LIMIT_ROW),
    select(m.RateLimit.blocked_until).where(_LIMIT_ROW).scalar_subquery(),
)
_INSERT_STUDENT = insert(cast(Table, m.Student.__table__)).returning(m.Student.id)


def join(session: Session, code: str, display_name: str, browser: str) -> m.Student:
    """A new student in the class with this join code. Failed tries are limited per
    code and browser (a whole class shares one IP address, so never per address).

    Two statements for a first try: the class with whether the browser has failed
    before (one that has is checked against its limit, and cleared on success; one
    that has not has no row and nothing to clear), then the INSERT, of plain values
    (a mapped object's flush cost the start of a lesson 0.3 ms a student). The
    re-entry code is drawn without asking the database whether it is free: the
    unique constraint answers (30**10 codes, so a clash is a 1 in 10**14 event per
    student) and a clash draws again."""
    code = normalise_code(code)
    key = _limit_key(code, browser)
    read = {"code": code, "key": ratelimit.stored_key(key)}
    class_id, tried_before, until = session.connection().execute(_JOIN_READ, read).one()
    if tried_before:
        _refuse_if_blocked(ratelimit.still_blocked(until))
    if class_id is None:
        raise _refuse(session, key, "No class has that code. Check it with your teacher.")
    name = " ".join(display_name.split())[:MAX_NAME]
    for _ in range(5):
        now = utcnow()
        values = {
            "display_name": name,
            "class_id": class_id,
            "reentry_code": new_code(REENTRY_CODE_LENGTH),
            "created_at": now,
            "last_seen_at": now,
        }
        try:
            values["id"] = session.connection().execute(_INSERT_STUDENT, values).scalar_one()
            session.commit()
        except IntegrityError:  # that re-entry code was taken (or the class is gone)
            session.rollback()
            continue
        student = add_as_loaded(session, m.Student(**values))
        if tried_before:
            ratelimit.clear(session, key)
        return student
    raise RuntimeError("could not store the student")  # pragma: no cover - see above


def reenter(session: Session, reentry_code: str, browser: str) -> m.Student:
    """Come back as oneself from another browser with the personal re-entry code."""
    code = normalise_code(reentry_code)
    key = _limit_key("reentry", browser)
    _check_limit(session, key)
    student = session.scalar(select(m.Student).where(m.Student.reentry_code == code))
    if student is None or not code:
        raise _refuse(session, key, "That re-entry code is not right. Ask your teacher for it.")
    student.last_seen_at = utcnow()
    session.commit()
    return student


# -- managing students -----------------------------------------------------------------


def rename_student(student: m.Student, name: str) -> None:
    student.display_name = " ".join(name.split())[:MAX_NAME]


def reset_reentry_code(session: Session, student: m.Student) -> str:
    student.reentry_code = _unique(session, m.Student.reentry_code, REENTRY_CODE_LENGTH)
    session.flush()
    return student.reentry_code


def set_extra_time(session: Session, student: m.Student, minutes: int) -> None:
    row = session.get(m.ExtraTime, student.id)
    if row is None:
        session.add(m.ExtraTime(student_id=student.id, minutes=minutes))
    else:
        row.minutes = minutes
    session.flush()


def extra_minutes(session: Session, student_id: int) -> int:
    row = session.get(m.ExtraTime, student_id)
    return row.minutes if row else 0


def merge_students(session: Session, keep: m.Student, other: m.Student) -> int:
    """Move ``other``'s attempts to ``keep`` (renumbered after keep's own) and remove
    ``other``. Returns the number of attempts moved."""
    if keep.id == other.id or keep.class_id != other.class_id:
        raise ValueError("only two different students of the same class can be merged")
    moved = 0
    attempts = session.scalars(
        select(m.Attempt).where(m.Attempt.student_id == other.id).order_by(m.Attempt.id)
    ).all()
    for attempt in attempts:
        taken = session.scalar(
            select(func.coalesce(func.max(m.Attempt.number), 0)).where(
                m.Attempt.student_id == keep.id,
                m.Attempt.assignment_id.is_(None)
                if attempt.assignment_id is None
                else m.Attempt.assignment_id == attempt.assignment_id,
            )
        )
        attempt.student_id = keep.id
        attempt.number = (taken or 0) + 1  # COALESCE: never NULL
        session.flush()
        moved += 1
    session.execute(delete(m.Student).where(m.Student.id == other.id))
    session.flush()
    return moved


def remove_student(session: Session, student: m.Student) -> None:
    """The student and everything held about them (attempts, answers, extra time)."""
    session.execute(delete(m.Student).where(m.Student.id == student.id))
    session.flush()


def add_students(session: Session, klass: m.Klass, names: list[str]) -> list[m.Student]:
    """New students of the class with these names, each with a re-entry code."""
    created = []
    for name in names:
        student = m.Student(
            display_name=name,
            klass=klass,
            reentry_code=_unique(session, m.Student.reentry_code, REENTRY_CODE_LENGTH),
        )
        session.add(student)
        session.flush()
        created.append(student)
    return created


def import_roster(session: Session, klass: m.Klass, text: str) -> RosterResult:
    """Students from a roster CSV file's text. All or nothing: any bad line and
    nobody is added."""
    result = parse_roster_csv(text)
    if not result.errors:
        result.created = add_students(session, klass, result.names)
    return result


def student_export(session: Session, student: m.Student) -> dict[str, Any]:
    """Everything held about one student, for a subject-access request."""
    attempts = session.scalars(
        select(m.Attempt)
        .where(m.Attempt.student_id == student.id)
        .order_by(m.Attempt.started_at)
        .options(
            selectinload(m.Attempt.answers)
            .selectinload(m.Answer.slot)
            .selectinload(m.AttemptSlot.question_version)
            .selectinload(m.QuestionVersion.question),
            selectinload(m.Attempt.assignment),
            selectinload(m.Attempt.bank),
        )
    ).all()
    extra = session.get(m.ExtraTime, student.id)

    def iso(value: datetime | None) -> str | None:
        return value.isoformat().replace("+00:00", "Z") if value else None

    return {
        "student": {
            "id": student.id,
            "display_name": student.display_name,
            "class": student.klass.name if student.klass else None,
            "class_code": student.klass.join_code if student.klass else None,
            "reentry_code": student.reentry_code,
            "created_at": iso(student.created_at),
            "last_seen_at": iso(student.last_seen_at),
            "extra_minutes": extra.minutes if extra else 0,
        },
        "attempts": [
            {
                "id": a.id,
                "assignment": a.assignment.title if a.assignment else None,
                "bank": a.bank.title,
                "number": a.number,
                "status": a.status,
                "started_at": iso(a.started_at),
                "submitted_at": iso(a.submitted_at),
                "score": a.score,
                "max_score": a.max_score,
                "answers": [
                    {
                        "question_id": ans.slot.question_version.question.key,
                        "question_version": ans.slot.question_version.version,
                        "response": ans.response,
                        "summary": ans.summary,
                        "fraction": ans.fraction,
                        "points": ans.points,
                        "misconception": ans.misconception,
                        "answered_at": iso(ans.answered_at),
                    }
                    for ans in sorted(a.answers, key=lambda x: x.slot.position)
                ],
            }
            for a in attempts
        ],
        "not_stored": "No e-mail address, password or IP address is stored for students.",
    }


# -- retention -------------------------------------------------------------------------


def purge_expired(session: Session, now: datetime | None = None) -> dict[str, int]:
    """Delete what a class keeps longer than its retention: attempts started before
    the cut-off, and students not seen since then who have no attempt left."""
    now = now or utcnow()
    counts = {"attempts": 0, "students": 0}
    classes = session.scalars(select(m.Klass).where(m.Klass.retention_days.is_not(None))).all()
    for klass in classes:
        cutoff = now - timedelta(days=klass.retention_days or 0)
        student_ids = select(m.Student.id).where(m.Student.class_id == klass.id)
        gone = session.execute(
            delete(m.Attempt).where(
                m.Attempt.student_id.in_(student_ids), m.Attempt.started_at < cutoff
            )
        )
        counts["attempts"] += rowcount(gone)
        has_attempt = select(m.Attempt.id).where(m.Attempt.student_id == m.Student.id).exists()
        left = session.execute(
            delete(m.Student).where(
                m.Student.class_id == klass.id,
                ~has_attempt,
                or_(
                    m.Student.last_seen_at < cutoff,
                    (m.Student.last_seen_at.is_(None)) & (m.Student.created_at < cutoff),
                ),
            )
        )
        counts["students"] += rowcount(left)
    session.flush()
    return counts


def delete_class(session: Session, klass: m.Klass) -> None:
    """The class with its students, assignments, attempts and answers: the
    database's ON DELETE CASCADE removes everything that hangs on it."""
    session.execute(delete(m.Klass).where(m.Klass.id == klass.id))
    session.flush()
    session.expunge_all()

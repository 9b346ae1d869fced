"""CSV exports for gradebooks and spreadsheets, streamed in chunks.

The column names and their order are a public contract, documented in
``docs/csv.md``: change them only with a note there.

Both exports are generators of text chunks: the first starts with a UTF-8
byte-order mark and the header line, then a chunk follows every
``CHUNK_ROWS`` rows. Rows are read from the database in batches
(``yield_per``), so memory stays flat however many rows there are. The caller
encodes the chunks as UTF-8 and streams them, or writes them to a file opened
with ``newline=""``.
"""

from __future__ import annotations

import csv
import io
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import String, bindparam, func, select
from sqlalchemy.orm import Session

from quiz import models as m
from quiz.classes import normalise_code
from quiz.db import session_scope
from quiz.rendering import plural
from quiz.results import AttemptRow, skill_keys, student_result

BOM = "\ufeff"
CHUNK_ROWS = 500
YIELD_PER = 1000
GRADES_BATCH = 200  # assignments read together by grades_csv
MEMO_MAX = 10_000  # escaped text values remembered (_Escaped)
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

GRADES_COLUMNS: tuple[str, ...] = (
    "class",
    "class_code",
    "student_id",
    "student_name",
    "assignment_id",
    "assignment_title",
    "bank",
    "status",
    "attempts",
    "score",
    "max_score",
    "percent",
    "started_at",
    "submitted_at",
)
"""Fixed grades columns; one ``skill_<key>_percent`` column per skill follows."""

RESPONSES_COLUMNS: tuple[str, ...] = (
    "class",
    "class_code",
    "student_id",
    "student_name",
    "assignment_id",
    "attempt_id",
    "attempt_number",
    "question_id",
    "question_version",
    "position",
    "skill",
    "type",
    "response",
    "fraction",
    "points",
    "max_points",
    "misconception",
    "answered_at",
)


def iso_utc(value: datetime | None) -> str:
    """ISO 8601 in UTC to the second, with ``Z``: ``2026-11-28T09:15:00Z``; "" for None."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    if value.year >= 1000:  # the same text as strftime below (+00:00 cut off), faster
        return value.isoformat(timespec="seconds")[:19] + "Z"
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def safe_cell(value: Any) -> str | int | float:
    """A value as a CSV cell that no spreadsheet runs as a formula.

    Text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    gets a leading apostrophe. Real numbers (int, float) stay numbers, negative
    ones included; None becomes ""; times become ISO 8601 UTC."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return iso_utc(value)
    text = str(value)
    if text.startswith(DANGEROUS_PREFIXES):
        return "'" + text
    return text


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def skill_column(key: str) -> str:
    return f"skill_{key}_percent"


class _Escaped(dict[Any, Any]):
    """``safe_cell`` of each value looked up, remembered: for the text columns whose
    values repeat from row to row (names, question keys, skills, types, codes,
    option labels). Emptied when it holds ``MEMO_MAX`` values, so memory stays flat."""

    def __missing__(self, value: Any) -> Any:
        if len(self) >= MEMO_MAX:
            self.clear()
        cell = self[value] = safe_cell(value)
        return cell


class _Writer:
    """A csv.writer into a buffer that is emptied every time it is read."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")
        self.pending = 0

    def row(self, values: Sequence[Any]) -> None:
        self.writer.writerow([safe_cell(v) for v in values])
        self.pending += 1

    def rows(self, rows: list[Sequence[Any]]) -> None:
        """Rows whose cells are already safe (see ``safe_cell``)."""
        self.writer.writerows(rows)
        self.pending += len(rows)

    def take(self) -> str:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate(0)
        self.pending = 0
        return text


def _in_batches(items: list[m.Assignment]) -> Iterator[list[m.Assignment]]:
    for start in range(0, len(items), GRADES_BATCH):
        yield items[start : start + GRADES_BATCH]


_IDS = bindparam("ids", expanding=True)

_GRADES_STUDENTS = select(m.Student).where(m.Student.class_id.in_(_IDS))
"""Students of the classes of a batch of assignments (``ids``: the classes)."""

_GRADES_ATTEMPTS = (
    select(
        m.Attempt.assignment_id,
        m.Attempt.id,
        m.Attempt.student_id,
        m.Attempt.number,
        m.Attempt.status,
        m.Attempt.started_at,
        m.Attempt.submitted_at,
        m.Attempt.score,
        m.Attempt.max_score,
    )
    .join(m.Student, m.Student.id == m.Attempt.student_id)
    .join(m.Assignment, m.Assignment.id == m.Attempt.assignment_id)
    .where(m.Attempt.assignment_id.in_(_IDS), m.Student.class_id == m.Assignment.class_id)
    .order_by(m.Attempt.assignment_id, m.Attempt.student_id, m.Attempt.number, m.Attempt.id)
)
"""Attempts at a batch of assignments by students of each assignment's class, as
``quiz.results.assignment_results`` reads them for one assignment."""

_GRADES_SKILL_SUMS = (
    select(
        m.AttemptSlot.attempt_id,
        m.QuestionVersion.skill,
        func.sum(func.coalesce(m.Answer.points, 0.0)),
        func.sum(m.AttemptSlot.points),
    )
    .join(m.Attempt, m.Attempt.id == m.AttemptSlot.attempt_id)
    .join(m.QuestionVersion, m.QuestionVersion.id == m.AttemptSlot.question_version_id)
    .outerjoin(
        m.Answer,
        (m.Answer.slot_id == m.AttemptSlot.id) & (m.Answer.attempt_id == m.AttemptSlot.attempt_id),
    )
    .where(m.Attempt.assignment_id.in_(_IDS), m.Attempt.status == m.ATTEMPT_SUBMITTED)
    .group_by(m.AttemptSlot.attempt_id, m.QuestionVersion.skill)
)
"""Per submitted attempt at a batch of assignments and per skill: points earned and
possible, as ``quiz.results`` sums them for one assignment."""


def grades_csv(session: Session, assignments: Iterable[m.Assignment]) -> Iterator[str]:
    """One row per student of each assignment's class (not started included), in
    the order the assignments are given, students by name.

    The grades are ``quiz.results``'s (the same rows, combined by the same code),
    read with three queries per ``GRADES_BATCH`` assignments rather than three per
    assignment."""
    chosen = list(assignments)
    skills: list[str] = []
    for assignment in chosen:
        skills += [k for k in skill_keys(assignment) if k not in skills]
    out = _Writer()
    out.row([*GRADES_COLUMNS, *(skill_column(k) for k in skills)])
    yield BOM + out.take()
    if not chosen:
        return
    conn = session.connection()
    classes: dict[int, tuple[Any, Any]] = {}  # class id: its two cells
    banks: dict[int, tuple[Any, list[str], list[str | None]]] = {}  # bank id: cell, skills...
    for batch in _in_batches(chosen):
        class_ids = sorted({a.class_id for a in batch})
        # Per class: (student, id, name cell), by name as quiz.results orders them.
        roster: dict[int | None, list[tuple[m.Student, int, Any]]] = defaultdict(list)
        for student in session.scalars(_GRADES_STUDENTS, {"ids": class_ids}):
            name = student.display_name
            roster[student.class_id].append((student, student.id, safe_cell(name)))
        for students in roster.values():
            students.sort(key=lambda s: (s[0].display_name.casefold(), s[1]))
        ids = [a.id for a in batch]
        attempts: dict[tuple[int, int], list[AttemptRow]] = defaultdict(list)
        for row in conn.execute(_GRADES_ATTEMPTS, {"ids": ids}).all():
            attempts[(row[0], row[2])].append(AttemptRow(*row[1:]))
        sums: dict[int, dict[str, tuple[float, float]]] = defaultdict(dict)
        if attempts:
            for attempt_id, skill, earned, possible in conn.execute(
                _GRADES_SKILL_SUMS, {"ids": ids}
            ).all():
                sums[attempt_id][skill] = (float(earned or 0.0), float(possible or 0.0))
        for assignment in batch:
            aid = assignment.id
            fixed = classes.get(assignment.class_id)
            if fixed is None:
                klass = assignment.klass
                fixed = classes[klass.id] = (safe_cell(klass.name), safe_cell(klass.join_code))
            cname, code = fixed
            title = safe_cell(assignment.title)
            bank = banks.get(assignment.bank_id)
            if bank is None:
                keys = skill_keys(assignment)
                bank = banks[assignment.bank_id] = (
                    safe_cell(assignment.bank.slug),
                    keys,
                    [k if k in keys else None for k in skills],  # None: not in this bank
                )
            slug, keys, columns = bank
            method = assignment.grading
            rows: list[Sequence[Any]] = []
            for student, sid, name in roster.get(assignment.class_id, ()):
                r = student_result(student, attempts.get((aid, sid), []), method, keys, sums)
                percent = r.skill_percent
                score, max_score, overall = r.score, r.max_score, r.percent
                rows.append(
                    (
                        cname,
                        code,
                        sid,
                        name,
                        aid,
                        title,
                        slug,
                        r.status,  # one of quiz.results.STATUSES
                        r.attempts,
                        None if score is None else round(score, 4),
                        None if max_score is None else round(max_score, 4),
                        None if overall is None else round(overall, 2),
                        iso_utc(r.started_at),
                        iso_utc(r.submitted_at),
                        *[
                            None if k is None or (v := percent.get(k)) is None else round(v, 2)
                            for k in columns
                        ],
                    )
                )
            while rows:
                room = CHUNK_ROWS - out.pending
                out.rows(rows[:room])
                del rows[:room]
                if out.pending >= CHUNK_ROWS:
                    yield out.take()
    if out.pending:
        yield out.take()


def _iso_utc_sql(column: Any, dialect: str) -> Any:
    """SQL for ``iso_utc(column)`` (the same text), or None where Python formats it."""
    if dialect == "sqlite":  # quiz.db.UTCDateTime stores naive UTC there
        return func.strftime("%Y-%m-%dT%H:%M:%SZ", column, type_=String)
    if dialect == "postgresql":
        utc = func.timezone("UTC", column)
        return func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS"Z"', type_=String)
    return None


def _responses_query(dialect: str | None = None) -> Any:
    """Every answer of the assignment ``:assignment_id``, in the export's order.
    With the name of a dialect the SQL writes ``answered_at`` as ``iso_utc`` does
    (where it can); without, it is the stored time."""
    answered_at = _iso_utc_sql(m.Answer.answered_at, dialect) if dialect else None
    return (
        select(
            m.Student.id,
            m.Student.display_name,
            m.Attempt.id,
            m.Attempt.number,
            m.Question.key,
            m.QuestionVersion.version,
            m.AttemptSlot.position,
            m.QuestionVersion.skill,
            m.QuestionVersion.type,
            m.Answer.summary,
            m.Answer.fraction,
            m.Answer.points,
            m.Answer.max_points,
            m.Answer.misconception,
            m.Answer.answered_at if answered_at is None else answered_at,
        )
        .select_from(m.Answer)
        .join(m.Attempt, m.Attempt.id == m.Answer.attempt_id)
        .join(m.AttemptSlot, m.AttemptSlot.id == m.Answer.slot_id)
        .join(m.QuestionVersion, m.QuestionVersion.id == m.Answer.question_version_id)
        .join(m.Question, m.Question.id == m.QuestionVersion.question_id)
        .join(m.Student, m.Student.id == m.Attempt.student_id)
        .where(m.Attempt.assignment_id == bindparam("assignment_id"))
        .order_by(
            func.lower(m.Student.display_name),
            m.Student.id,
            m.Attempt.number,
            m.Attempt.id,
            m.AttemptSlot.position,
        )
    )


def responses_csv(session: Session, assignments: Iterable[m.Assignment]) -> Iterator[str]:
    """One row per stored answer (unanswered questions have none), by assignment
    in the order given, then student name, attempt number and position.

    Rows are read as plain tuples (Core, not ORM), ``answered_at`` is formatted by
    the database, and text cells go through ``safe_cell`` once per distinct value
    (``_Escaped``); numbers are written as they are read."""
    out = _Writer()
    out.row(RESPONSES_COLUMNS)
    yield BOM + out.take()
    conn = session.connection()
    dialect = conn.dialect.name
    in_python = _iso_utc_sql(m.Answer.answered_at, dialect) is None
    query = _responses_query(dialect).execution_options(yield_per=YIELD_PER)
    esc = _Escaped()
    pending: list[Sequence[Any]] = []
    for assignment in assignments:
        klass = assignment.klass
        cname, code = safe_cell(klass.name), safe_cell(klass.join_code)
        aid = assignment.id
        result = conn.execute(query, {"assignment_id": aid})
        try:
            while batch := result.fetchmany(CHUNK_ROWS - len(pending)):
                if in_python:
                    batch = [(*r[:-1], iso_utc(r[-1])) for r in batch]
                pending += [
                    (
                        cname,
                        code,
                        sid,
                        esc[name],
                        aid,
                        attempt_id,
                        number,
                        esc[key],
                        version,
                        position,
                        esc[skill],
                        esc[qtype],
                        esc[summary],
                        fraction,  # Float columns: floats from both drivers
                        points,
                        max_points,
                        esc[misconception],
                        at,
                    )
                    for (
                        sid,
                        name,
                        attempt_id,
                        number,
                        key,
                        version,
                        position,
                        skill,
                        qtype,
                        summary,
                        fraction,
                        points,
                        max_points,
                        misconception,
                        at,
                    ) in batch
                ]
                if len(pending) >= CHUNK_ROWS:
                    out.rows(pending)
                    pending.clear()
                    yield out.take()
        finally:
            result.close()
    if pending:
        out.rows(pending)
        yield out.take()


EXPORTS = {"grades": grades_csv, "responses": responses_csv}


def select_assignments(
    session: Session, class_code: str | None = None, assignment_id: int | None = None
) -> list[m.Assignment]:
    """Assignments to export, by id; LookupError with a message for an unknown
    class code or assignment id (or an assignment that is not in that class)."""
    query = select(m.Assignment).order_by(m.Assignment.id)
    if class_code is not None:
        code = normalise_code(class_code)
        klass = session.scalar(select(m.Klass).where(m.Klass.join_code == code))
        if klass is None:
            raise LookupError(f"No class has the code {class_code!r}.")
        query = query.where(m.Assignment.class_id == klass.id)
    if assignment_id is not None:
        if session.get(m.Assignment, assignment_id) is None:
            raise LookupError(f"No assignment has the id {assignment_id}.")
        query = query.where(m.Assignment.id == assignment_id)
        if class_code is not None and session.scalar(query) is None:
            raise LookupError(f"Assignment {assignment_id} is not in class {class_code!r}.")
    return list(session.scalars(query))


@click.command("export")
@click.argument("kind", type=click.Choice(sorted(EXPORTS)))
@click.option("--class", "class_code", metavar="CODE", help="Only this class (its join code).")
@click.option("--assignment", "assignment_id", type=int, metavar="ID", help="Only this assignment.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file instead of standard output.",
)
@with_appcontext
def export_command(
    kind: str, class_code: str | None, assignment_id: int | None, output: str | None
) -> None:
    """Export grades or responses as CSV (UTF-8 with BOM, CRLF; see docs/csv.md).

    Without --class or --assignment, every assignment is exported."""
    with session_scope(current_app) as session:
        try:
            chosen = select_assignments(session, class_code, assignment_id)
        except LookupError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
        chunks = EXPORTS[kind](session, chosen)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as fh:
                for chunk in chunks:
                    fh.write(chunk)
            click.echo(
                f"Exported {kind} of {plural(len(chosen), 'assignment')} to {output}.", err=True
            )
        else:
            for chunk in chunks:  # bytes: UTF-8 and CRLF whatever the console's settings
                click.echo(chunk.encode("utf-8"), nl=False)

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
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quiz import models as m
from quiz.classes import normalise_code
from quiz.db import session_scope
from quiz.results import assignment_results, skill_keys

BOM = "\ufeff"
CHUNK_ROWS = 500
YIELD_PER = 1000
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


class _Writer:
    """A csv.writer into a buffer that is emptied every time it is read."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")
        self.pending = 0

    def row(self, values: Sequence[Any]) -> None:
        self.writer.writerow([safe_cell(v) for v in values])
        self.pending += 1

    def take(self) -> str:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate(0)
        self.pending = 0
        return text


def grades_csv(session: Session, assignments: Iterable[m.Assignment]) -> Iterator[str]:
    """One row per student of each assignment's class (not started included), in
    the order the assignments are given, students by name."""
    chosen = list(assignments)
    skills: list[str] = []
    for assignment in chosen:
        skills += [k for k in skill_keys(assignment) if k not in skills]
    out = _Writer()
    out.row([*GRADES_COLUMNS, *(skill_column(k) for k in skills)])
    yield BOM + out.take()
    for assignment in chosen:
        klass = assignment.klass
        bank = assignment.bank
        own = set(skill_keys(assignment))
        for r in assignment_results(session, assignment):
            out.row(
                [
                    klass.name,
                    klass.join_code,
                    r.student.id,
                    r.student.display_name,
                    assignment.id,
                    assignment.title,
                    bank.slug,
                    r.status,
                    r.attempts,
                    _round(r.score, 4),
                    _round(r.max_score, 4),
                    _round(r.percent, 2),
                    r.started_at,
                    r.submitted_at,
                    *(_round(r.skill_percent.get(k), 2) if k in own else None for k in skills),
                ]
            )
            if out.pending >= CHUNK_ROWS:
                yield out.take()
    if out.pending:
        yield out.take()


def _responses_query(assignment: m.Assignment) -> Any:
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
            m.Answer.answered_at,
        )
        .select_from(m.Answer)
        .join(m.Attempt, m.Attempt.id == m.Answer.attempt_id)
        .join(m.AttemptSlot, m.AttemptSlot.id == m.Answer.slot_id)
        .join(m.QuestionVersion, m.QuestionVersion.id == m.Answer.question_version_id)
        .join(m.Question, m.Question.id == m.QuestionVersion.question_id)
        .join(m.Student, m.Student.id == m.Attempt.student_id)
        .where(m.Attempt.assignment_id == assignment.id)
        .order_by(
            func.lower(m.Student.display_name),
            m.Student.id,
            m.Attempt.number,
            m.Attempt.id,
            m.AttemptSlot.position,
        )
        .execution_options(yield_per=YIELD_PER)
    )


def responses_csv(session: Session, assignments: Iterable[m.Assignment]) -> Iterator[str]:
    """One row per stored answer (unanswered questions have none), by assignment
    in the order given, then student name, attempt number and position."""
    out = _Writer()
    out.row(RESPONSES_COLUMNS)
    yield BOM + out.take()
    for assignment in assignments:
        klass = assignment.klass
        result = session.execute(_responses_query(assignment))
        try:
            for row in result:
                (student_id, name, attempt_id, number, key, version, position) = row[:7]
                (skill, qtype, summary, fraction, points, max_points, code, at) = row[7:]
                out.row(
                    [
                        klass.name,
                        klass.join_code,
                        student_id,
                        name,
                        assignment.id,
                        attempt_id,
                        number,
                        key,
                        version,
                        position,
                        skill,
                        qtype,
                        summary,
                        float(fraction),
                        float(points),
                        float(max_points),
                        code,
                        at,
                    ]
                )
                if out.pending >= CHUNK_ROWS:
                    yield out.take()
        finally:
            result.close()
    if out.pending:
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
            click.echo(f"Exported {kind} of {len(chosen)} assignment(s) to {output}.", err=True)
        else:
            for chunk in chunks:  # bytes: UTF-8 and CRLF whatever the console's settings
                click.echo(chunk.encode("utf-8"), nl=False)

"""The responses export: one row per stored answer (unanswered questions have
none), by assignment in the order given, then student name, attempt number and
position.

Its columns are one table of (header, SQL expression): adding a column is one
line in ``RESPONSES`` (and one in docs/csv.md). Rows are read as plain tuples
(Core, not ORM) in batches (``yield_per``), so memory stays flat; ``answered_at``
is formatted by the database where it can; text cells go through ``safe_cell``
once per distinct value (``Escaped``); numbers are written as they are read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from sqlalchemy import String, bindparam, func, select
from sqlalchemy.orm import Session

from quiz.reports import csvfile
from quiz.reports.csvfile import BOM, Escaped, Writer, iso_utc
from quiz.store import models as m


def _iso_utc_sql(column: Any, dialect: str) -> Any:
    """SQL for ``iso_utc(column)`` (the same text), or None where Python formats it."""
    if dialect == "sqlite":  # quiz.store.db.UTCDateTime stores naive UTC there
        return func.strftime("%Y-%m-%dT%H:%M:%SZ", column, type_=String)
    if dialect == "postgresql":
        utc = func.timezone("UTC", column)
        return func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS"Z"', type_=String)
    return None


def _answered_at(dialect: str | None) -> Any:
    """``answered_at`` as ``iso_utc`` writes it where the database can; else stored."""
    formatted = _iso_utc_sql(m.Answer.answered_at, dialect) if dialect else None
    return m.Answer.answered_at if formatted is None else formatted


class Column(NamedTuple):
    header: str
    sql: Any  # a column expression, or a function of the dialect's name giving one
    text: bool = False  # made safe (safe_cell) before it is written


RESPONSES: tuple[Column, ...] = (
    Column("class", m.Klass.name, text=True),
    Column("class_code", m.Klass.join_code, text=True),
    Column("student_id", m.Student.id),
    Column("student_name", m.Student.display_name, text=True),
    Column("assignment_id", m.Attempt.assignment_id),
    Column("attempt_id", m.Attempt.id),
    Column("attempt_number", m.Attempt.number),
    Column("question_id", m.Question.key, text=True),
    Column("question_version", m.QuestionVersion.version),
    Column("position", m.AttemptSlot.position),
    Column("skill", m.QuestionVersion.skill, text=True),
    Column("type", m.QuestionVersion.type, text=True),
    Column("response", m.Answer.summary, text=True),
    Column("fraction", m.Answer.fraction),  # Float columns: floats from both drivers
    Column("points", m.Answer.points),
    Column("max_points", m.Answer.max_points),
    Column("misconception", m.Answer.misconception, text=True),
    Column("answered_at", _answered_at),
)

RESPONSES_COLUMNS: tuple[str, ...] = tuple(c.header for c in RESPONSES)
_TEXT = [i for i, c in enumerate(RESPONSES) if c.text]
_ANSWERED_AT = RESPONSES_COLUMNS.index("answered_at")


def responses_query(dialect: str | None = None) -> Any:
    """Every answer of the assignment ``:assignment_id``, in the export's order, one
    column per ``RESPONSES`` entry. With the name of a dialect the SQL writes
    ``answered_at`` as ``iso_utc`` does (where it can); without, it is the stored time."""
    columns = [c.sql(dialect) if callable(c.sql) else c.sql for c in RESPONSES]
    return (
        select(*columns)
        .select_from(m.Answer)
        .join(m.Attempt, m.Attempt.id == m.Answer.attempt_id)
        .join(m.Assignment, m.Assignment.id == m.Attempt.assignment_id)
        .join(m.Klass, m.Klass.id == m.Assignment.class_id)
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


def _cells(batch: Sequence[Any], esc: Escaped, in_python: bool) -> list[list[Any]]:
    rows = []
    for r in batch:
        row = list(r)
        for i in _TEXT:
            row[i] = esc[row[i]]
        if in_python:
            row[_ANSWERED_AT] = iso_utc(row[_ANSWERED_AT])
        rows.append(row)
    return rows


def responses_csv(session: Session, assignments: Iterable[m.Assignment]) -> Iterator[str]:
    """The responses of these assignments as CSV chunks (see the module docstring)."""
    out = Writer()
    out.row(RESPONSES_COLUMNS)
    yield BOM + out.take()
    conn = session.connection()
    dialect = conn.dialect.name
    in_python = _iso_utc_sql(m.Answer.answered_at, dialect) is None
    query = responses_query(dialect).execution_options(yield_per=csvfile.YIELD_PER)
    esc = Escaped()
    pending: list[Any] = []
    for assignment in assignments:
        result = conn.execute(query, {"assignment_id": assignment.id})
        try:
            while batch := result.fetchmany(csvfile.CHUNK_ROWS - len(pending)):
                pending += _cells(batch, esc, in_python)
                if len(pending) >= csvfile.CHUNK_ROWS:
                    out.rows(pending)
                    pending.clear()
                    yield out.take()
        finally:
            result.close()
    if pending:
        out.rows(pending)
        yield out.take()

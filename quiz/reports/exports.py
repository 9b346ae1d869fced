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
import re
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import String, bindparam, func, select
from sqlalchemy.orm import Session

from quiz.classes.roster import normalise_code
from quiz.domain.discernment import Counts
from quiz.domain.rendering import plural
from quiz.reports.results import (
    AttemptRow,
    assignment_results,
    attempt_judgements,
    counted_attempt_ids,
    skill_keys,
    student_result,
)
from quiz.store import models as m
from quiz.store.db import session_scope
from quiz.web import timeutil
from quiz.web.clidb import needs_database

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
``quiz.reports.results.assignment_results`` reads them for one assignment."""

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
possible, as ``quiz.reports.results`` sums them for one assignment."""


DISCERNMENT_COLUMNS: tuple[str, ...] = (
    "hits",
    "misses",
    "false_alarms",
    "correct_acceptances",
    "d_prime",
    "bias_c",
    "distrust",
    "naivete",
    "misconceptions",
)
"""After the skill columns of grades (docs/csv.md): the student's judgements of sound
and flawed statements (quiz.domain.discernment) and the misconceptions their answers revealed."""


def _discernment_cells(
    judged: dict[int, tuple[Counts, dict[str, int]]], attempt_ids: list[int]
) -> list[Any]:
    if not attempt_ids:
        return [None] * len(DISCERNMENT_COLUMNS)
    counts, shown = Counts(), {}
    for i in attempt_ids:
        c, codes = judged.get(i, (Counts(), {}))
        counts = counts + c
        for code, n in codes.items():
            shown[code] = shown.get(code, 0) + n
    d, c = counts.d_prime, counts.c
    return [
        counts.hits,
        counts.misses,
        counts.false_alarms,
        counts.correct_acceptances,
        None if d is None else round(d, 4),
        None if c is None else round(c, 4),
        counts.distrust,
        counts.naivete,
        ";".join(sorted(shown)),
    ]


def grades_csv(session: Session, assignments: Iterable[m.Assignment]) -> Iterator[str]:
    """One row per student of each assignment's class (not started included), in
    the order the assignments are given, students by name.

    The grades are ``quiz.reports.results``'s (the same rows, combined by the same code),
    read with three queries per ``GRADES_BATCH`` assignments rather than three per
    assignment."""
    chosen = list(assignments)
    skills: list[str] = []
    for assignment in chosen:
        skills += [k for k in skill_keys(assignment) if k not in skills]
    out = _Writer()
    out.row([*GRADES_COLUMNS, *(skill_column(k) for k in skills), *DISCERNMENT_COLUMNS])
    yield BOM + out.take()
    if not chosen:
        return
    conn = session.connection()
    classes: dict[int, tuple[Any, Any]] = {}  # class id: its two cells
    banks: dict[int, tuple[Any, list[str], list[str | None]]] = {}  # bank id: cell, skills...
    for batch in _in_batches(chosen):
        class_ids = sorted({a.class_id for a in batch})
        # Per class: (student, id, name cell), by name as quiz.reports.results orders them.
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
        batch_rows: list[tuple[tuple[Any, ...], list[int]]] = []  # a row, its attempts
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
            wanted = (assignment.selection_config or {}).get("students") or None
            for student, sid, name in roster.get(assignment.class_id, ()):
                if wanted is not None and sid not in wanted:
                    continue  # a follow-up for the students who showed a misconception
                mine = attempts.get((aid, sid), [])
                r = student_result(student, mine, method, keys, sums)
                percent = r.skill_percent
                score, max_score, overall = r.score, r.max_score, r.percent
                batch_rows.append(
                    (
                        (
                            cname,
                            code,
                            sid,
                            name,
                            aid,
                            title,
                            slug,
                            r.status,  # one of quiz.reports.results.STATUSES
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
                        ),
                        counted_attempt_ids(r, mine, method),
                    )
                )
        judged = attempt_judgements(session, [i for _row, ids in batch_rows for i in ids])
        rows = [[*row, *_discernment_cells(judged, ids)] for row, ids in batch_rows]
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
    if dialect == "sqlite":  # quiz.store.db.UTCDateTime stores naive UTC there
        return func.strftime("%Y-%m-%dT%H:%M:%SZ", column, type_=String)
    if dialect == "postgresql":
        utc = func.timezone("UTC", column)
        return func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS"Z"', type_=String)
    return None


def responses_query(dialect: str | None = None) -> Any:
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
    query = responses_query(dialect).execution_options(yield_per=YIELD_PER)
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


# -- grades by question: one row per student, a column per question ------------------------

LOCAL_TIME = "%Y-%m-%d %H:%M:%S"  # what spreadsheets read as a date and time
XLSX_TIME = "yyyy-mm-dd hh:mm:ss"
XLSX_MEMORY = 4 * 1024 * 1024  # an .xlsx is built in memory up to this size, then on disk
XLSX_CHUNK = 64 * 1024
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # refused in an .xlsx cell


@dataclass(frozen=True)
class Gradebook:
    """An assignment's grades by question: ``header`` names the columns (readable,
    documented in docs/csv.md), each row holds plain values: text, numbers, and
    times as naive datetimes in the school's time zone (``zone``)."""

    header: list[str]
    rows: list[list[Any]]
    zone: str


def _marks(
    session: Session, assignment: m.Assignment
) -> tuple[list[tuple[str, int, float]], dict[int, dict[str, float]]]:
    """The questions of the assignment's attempts, as (key, number in the bank, marks
    possible), by number; and per attempt, the marks earned on each question it had
    (0 when unanswered). Question keys stand for every version of a question."""
    rows = session.execute(
        select(
            m.AttemptSlot.attempt_id,
            m.Question.key,
            m.Question.position,
            m.AttemptSlot.points,
            m.Answer.points,
        )
        .join(m.Attempt, m.Attempt.id == m.AttemptSlot.attempt_id)
        .join(m.QuestionVersion, m.QuestionVersion.id == m.AttemptSlot.question_version_id)
        .join(m.Question, m.Question.id == m.QuestionVersion.question_id)
        .outerjoin(
            m.Answer,
            (m.Answer.slot_id == m.AttemptSlot.id)
            & (m.Answer.attempt_id == m.AttemptSlot.attempt_id),
        )
        .where(m.Attempt.assignment_id == assignment.id)
    ).all()
    questions: dict[str, tuple[int, float]] = {}
    marks: dict[int, dict[str, float]] = defaultdict(dict)
    for attempt_id, key, position, possible, earned in rows:
        seen = questions.get(key)
        questions[key] = (position, max(float(possible or 0.0), seen[1] if seen else 0.0))
        marks[attempt_id][key] = float(earned or 0.0)
    ordered = sorted(questions.items(), key=lambda kv: (kv[1][0], kv[0]))
    return [(key, position, top) for key, (position, top) in ordered], marks


def _local(value: datetime | None, zone: tzinfo) -> datetime | None:
    """A stored time in the school's zone, naive (as spreadsheets hold times)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone).replace(tzinfo=None, microsecond=0)


def gradebook(session: Session, assignment: m.Assignment, zone: ZoneInfo) -> Gradebook:
    """One row per student of the assignment's class (not started included), by name,
    as the results page lists them: the grade by the assignment's grading method,
    each skill's percent, and the marks on each question in the attempt that counts
    (for average grading: the mean over the submitted attempts that had it)."""
    students = assignment_results(session, assignment)
    questions, marks = _marks(session, assignment)
    by_student: dict[int, list[int]] = defaultdict(list)
    if assignment.grading == "average":
        for attempt_id, student_id in session.execute(
            select(m.Attempt.id, m.Attempt.student_id).where(
                m.Attempt.assignment_id == assignment.id,
                m.Attempt.status == m.ATTEMPT_SUBMITTED,
            )
        ):
            by_student[student_id].append(attempt_id)
    skills = assignment.bank.skills or {}
    keys = skill_keys(assignment)
    name = zone.key
    header = [
        "Student",
        "Student ID",
        "Status",
        "Attempts",
        f"Started ({name})",
        f"Submitted ({name})",
        "Time taken (minutes)",
        "Score",
        "Out of",
        "Percent",
        *(f"{skills.get(k, k)} (%)" for k in keys),
        *(f"Q{position} (/{_fmt_number(top)})" for _k, position, top in questions),
    ]
    rows = []
    for r in students:
        if r.chosen_attempt_id is not None:
            counted = [r.chosen_attempt_id]
        else:
            counted = by_student.get(r.student.id, []) if r.submitted_attempts else []
        cells: list[Any] = []
        for key, _position, _top in questions:
            got = [marks[a][key] for a in counted if key in marks.get(a, {})]
            cells.append(round(sum(got) / len(got), 4) if got else None)
        taken = r.time_taken.total_seconds() / 60 if r.time_taken is not None else None
        rows.append(
            [
                r.student.display_name,
                r.student.id,
                r.status,
                r.attempts,
                _local(r.started_at, zone),
                _local(r.submitted_at, zone),
                None if taken is None else round(taken, 2),
                _round(r.score, 4),
                _round(r.max_score, 4),
                _round(r.percent, 2),
                *(_round(r.skill_percent.get(k), 2) for k in keys),
                *cells,
            ]
        )
    return Gradebook(header, rows, name)


def _fmt_number(value: float) -> str:
    return f"{value:g}"


def gradebook_csv(book: Gradebook) -> Iterator[str]:
    """The grades by question as CSV (UTF-8 with BOM, CRLF), times as
    ``YYYY-MM-DD HH:MM:SS`` in the school's zone, every text cell made safe."""
    out = _Writer()
    out.row(book.header)
    yield BOM + out.take()
    for row in book.rows:
        out.row([v.strftime(LOCAL_TIME) if isinstance(v, datetime) else v for v in row])
        if out.pending >= CHUNK_ROWS:
            yield out.take()
    if out.pending:
        yield out.take()


def _xlsx_cell(sheet: Any, value: Any, bold: bool = False) -> Any:
    """A cell of a write-only sheet: text as text (never a formula, made safe as in
    the CSV and stripped of characters XML refuses), numbers as numbers, times as
    dates."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_TIME
    elif value is None or isinstance(value, int | float) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value=value)
    else:
        text = _ILLEGAL_XML.sub("", str(safe_cell(value)))
        cell = WriteOnlyCell(sheet, value=None)
        cell.value = text  # an inline string, whatever it starts with
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def gradebook_xlsx(book: Gradebook) -> Iterator[bytes]:
    """The grades by question as an Excel workbook (.xlsx), written by openpyxl's
    write-only mode into a file held in memory up to ``XLSX_MEMORY`` bytes (then
    on disk), and yielded in chunks. The header row is bold and stays in view, the
    names column too."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Grades by question")
    for n, title in enumerate(book.header, start=1):
        width = 24 if n == 1 else max(9, min(30, len(title) + 2))
        sheet.column_dimensions[get_column_letter(n)].width = width
    sheet.freeze_panes = "B2"
    sheet.append([_xlsx_cell(sheet, title, bold=True) for title in book.header])
    for row in book.rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    with tempfile.SpooledTemporaryFile(max_size=XLSX_MEMORY) as fh:
        workbook.save(fh)
        fh.seek(0)
        while chunk := fh.read(XLSX_CHUNK):
            yield chunk


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


GRADEBOOK = "grades-by-question"


@click.command("export")
@click.argument("kind", type=click.Choice([*sorted(EXPORTS), GRADEBOOK]))
@click.option("--class", "class_code", metavar="CODE", help="Only this class (its join code).")
@click.option("--assignment", "assignment_id", type=int, metavar="ID", help="Only this assignment.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file instead of standard output.",
)
@with_appcontext
@needs_database()
def export_command(
    kind: str, class_code: str | None, assignment_id: int | None, output: str | None
) -> None:
    """Export grades, responses or grades-by-question as CSV (UTF-8 with BOM, CRLF;
    see docs/csv.md).

    Without --class or --assignment, every assignment is exported. Grades by
    question are of one assignment (--assignment), as CSV, or as an Excel
    workbook when the output file's name ends in .xlsx."""
    with session_scope(current_app) as session:
        if kind == GRADEBOOK and assignment_id is None:
            click.echo("grades-by-question is of one assignment: give --assignment ID.", err=True)
            sys.exit(1)
        try:
            chosen = select_assignments(session, class_code, assignment_id)
        except LookupError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
        if kind == GRADEBOOK:
            book = gradebook(session, chosen[0], timeutil.zone())
            if output and output.lower().endswith(".xlsx"):
                with open(output, "wb") as fh:
                    for data in gradebook_xlsx(book):
                        fh.write(data)
                click.echo(f"Exported {kind} of assignment {assignment_id} to {output}.", err=True)
                return
            chunks: Iterator[str] = gradebook_csv(book)
        else:
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

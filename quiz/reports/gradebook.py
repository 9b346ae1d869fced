"""Grades by question: one row per student of an assignment's class, a column per
question, as CSV or an Excel workbook. The rows are the assignment's report
(``quiz.reports.report``): its students' table, the attempts it counts and their
cells; the columns one table of (header, value function), ``GRADEBOOK``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from quiz.domain.rendering import xml_text
from quiz.reports import csvfile
from quiz.reports.csvfile import BOM, Writer, rounded, safe_cell
from quiz.reports.report import AssignmentReport, assignment_report
from quiz.reports.results import StudentResult
from quiz.store import models as m

LOCAL_TIME = "%Y-%m-%d %H:%M:%S"  # what spreadsheets read as a date and time
XLSX_TIME = "yyyy-mm-dd hh:mm:ss"
XLSX_MEMORY = 4 * 1024 * 1024  # an .xlsx is built in memory up to this size, then on disk
XLSX_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Gradebook:
    """An assignment's grades by question: ``header`` names the columns (readable,
    documented in docs/csv.md), each row holds plain values: text, numbers, and
    times as naive datetimes in the school's time zone (``zone``)."""

    header: list[str]
    rows: list[list[Any]]
    zone: str


def _marks(
    report: AssignmentReport,
) -> tuple[list[tuple[str, int, float]], dict[int, dict[str, float]]]:
    """The questions of the assignment's attempts (any status), as (key, number in
    the bank, marks possible), by number; and per attempt, the marks earned on each
    question it had (0 when unanswered). Question keys stand for every version of a
    question. From the report's cells."""
    versions = report.versions
    questions: dict[str, tuple[int, float]] = {}
    marks: dict[int, dict[str, float]] = {}
    for attempt_id, row in report.cells.items():
        mine = marks[attempt_id] = {}
        for c in row:
            question = versions[c.version_id].question
            key = question.key
            seen = questions.get(key)
            top = max(float(c.max_points or 0.0), seen[1] if seen else 0.0)
            questions[key] = (question.position, top)
            mine[key] = float(c.points or 0.0)
    ordered = sorted(questions.items(), key=lambda kv: (kv[1][0], kv[0]))
    return [(key, position, top) for key, (position, top) in ordered], marks


def _local(value: datetime | None, zone: tzinfo) -> datetime | None:
    """A stored time in the school's zone, naive (as spreadsheets hold times)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone).replace(tzinfo=None, microsecond=0)


GRADEBOOK: tuple[tuple[str, Callable[[StudentResult, tzinfo], Any]], ...] = (
    ("Student", lambda r, _z: r.student.display_name),
    ("Student ID", lambda r, _z: r.student.id),
    ("Status", lambda r, _z: r.status),
    ("Attempts", lambda r, _z: r.attempts),
    ("Started ({zone})", lambda r, z: _local(r.started_at, z)),
    ("Submitted ({zone})", lambda r, z: _local(r.submitted_at, z)),
    ("Time taken (minutes)", lambda r, _z: _minutes(r)),
    ("Score", lambda r, _z: rounded(r.score, 4)),
    ("Out of", lambda r, _z: rounded(r.max_score, 4)),
    ("Percent", lambda r, _z: rounded(r.percent, 2)),
)
"""The fixed columns (``{zone}``: the school's time zone's name); one "<skill> (%)"
column per skill of the bank follows, then one "Q<n> (/<marks>)" per question."""


def _minutes(r: StudentResult) -> float | None:
    taken = r.time_taken.total_seconds() / 60 if r.time_taken is not None else None
    return None if taken is None else round(taken, 2)


def gradebook(session: Session, assignment: m.Assignment, zone: ZoneInfo) -> Gradebook:
    """One row per student of the assignment's class (not started included), by name,
    as the results page lists them: the grade by the assignment's grading method,
    each skill's percent, and the marks on each question in the attempts that count
    (for average grading: the mean over the submitted attempts that had it)."""
    report = assignment_report(session, assignment)
    students = report.students
    questions, marks = _marks(report)
    skills = assignment.bank.skills or {}
    keys = report.skill_keys
    header = [
        *(title.format(zone=zone.key) for title, _value in GRADEBOOK),
        *(f"{skills.get(k, k)} (%)" for k in keys),
        *(f"Q{position} (/{_fmt_number(top)})" for _k, position, top in questions),
    ]
    rows = []
    for r in students:
        cells: list[Any] = []
        for key, _position, _top in questions:
            got = [marks[a][key] for a in r.counted_attempt_ids if key in marks.get(a, {})]
            cells.append(round(sum(got) / len(got), 4) if got else None)
        rows.append(
            [
                *(value(r, zone) for _title, value in GRADEBOOK),
                *(rounded(r.skill_percent.get(k), 2) for k in keys),
                *cells,
            ]
        )
    return Gradebook(header, rows, zone.key)


def _fmt_number(value: float) -> str:
    return f"{value:g}"


def gradebook_csv(book: Gradebook) -> Iterator[str]:
    """The grades by question as CSV (UTF-8 with BOM, CRLF), times as
    ``YYYY-MM-DD HH:MM:SS`` in the school's zone, every text cell made safe."""
    out = Writer()
    out.row(book.header)
    yield BOM + out.take()
    for row in book.rows:
        out.row([v.strftime(LOCAL_TIME) if isinstance(v, datetime) else v for v in row])
        if out.pending >= csvfile.CHUNK_ROWS:
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
        text = xml_text(str(safe_cell(value)))  # what an .xlsx cell refuses, left out
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

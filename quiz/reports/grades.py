"""The grades export: one row per student of each assignment's class (not started
included), in the order the assignments are given, students by name.

Its columns are tables of (header, value function): adding a column is one line
in ``GRADES`` (or ``DISCERNMENT``) and one in docs/csv.md. The rows are the
report's (``quiz.reports.results.student_result`` on the same reads,
``quiz.reports.reads``; the students as plain rows rather than mapped objects),
read with three queries per ``GRADES_BATCH`` assignments rather than three per
assignment. A row's cells are made as its result is, and only the cells are kept
until the batch's discernment is read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from quiz.classes.assignments import targets
from quiz.domain.discernment import Counts
from quiz.domain.itemstats import SkillSums
from quiz.reports import csvfile, reads
from quiz.reports.csvfile import BOM, Writer, iso_utc, rounded, safe_cell
from quiz.reports.judgements import attempt_judgements
from quiz.reports.results import StudentResult, skill_keys, student_result
from quiz.store import models as m

GRADES_BATCH = 200  # assignments read together by grades_csv


class GradeRow(NamedTuple):
    """What a grades row is written from: text cells already made safe."""

    class_name: Any
    class_code: Any
    student_id: int
    name: Any
    assignment_id: int
    title: Any
    bank: Any
    result: StudentResult


GRADES: tuple[tuple[str, Callable[[GradeRow], Any]], ...] = (
    ("class", lambda r: r.class_name),
    ("class_code", lambda r: r.class_code),
    ("student_id", lambda r: r.student_id),
    ("student_name", lambda r: r.name),
    ("assignment_id", lambda r: r.assignment_id),
    ("assignment_title", lambda r: r.title),
    ("bank", lambda r: r.bank),
    ("status", lambda r: r.result.status),  # one of quiz.reports.results.STATUSES
    ("attempts", lambda r: r.result.attempts),
    ("score", lambda r: rounded(r.result.score, 4)),
    ("max_score", lambda r: rounded(r.result.max_score, 4)),
    ("percent", lambda r: rounded(r.result.percent, 2)),
    ("started_at", lambda r: iso_utc(r.result.started_at)),
    ("submitted_at", lambda r: iso_utc(r.result.submitted_at)),
)
"""Fixed grades columns; one ``skill_<key>_percent`` column per skill follows
(``skill_column``), then ``DISCERNMENT``."""

GRADES_COLUMNS: tuple[str, ...] = tuple(header for header, _value in GRADES)
_GRADE_VALUES = tuple(value for _header, value in GRADES)

DISCERNMENT: tuple[tuple[str, Callable[[Counts, dict[str, int]], Any]], ...] = (
    ("hits", lambda c, _shown: c.hits),
    ("misses", lambda c, _shown: c.misses),
    ("false_alarms", lambda c, _shown: c.false_alarms),
    ("correct_acceptances", lambda c, _shown: c.correct_acceptances),
    ("d_prime", lambda c, _shown: rounded(c.d_prime, 4)),
    ("bias_c", lambda c, _shown: rounded(c.c, 4)),
    ("distrust", lambda c, _shown: c.distrust),
    ("naivete", lambda c, _shown: c.naivete),
    ("misconceptions", lambda _c, shown: ";".join(sorted(shown))),
)
"""After the skill columns: the student's judgements of sound and flawed statements
(quiz.domain.discernment) over their counted attempts, and the misconceptions their
answers revealed."""

DISCERNMENT_COLUMNS: tuple[str, ...] = tuple(header for header, _value in DISCERNMENT)
_DISCERNMENT_VALUES = tuple(value for _header, value in DISCERNMENT)
_UNJUDGED: tuple[Counts, dict[str, int]] = (Counts(), {})  # read only


def skill_column(key: str) -> str:
    return f"skill_{key}_percent"


def _discernment_cells(
    judged: dict[int, tuple[Counts, dict[str, int]]], attempt_ids: Sequence[int]
) -> list[Any]:
    if not attempt_ids:
        return [None] * len(DISCERNMENT)
    if len(attempt_ids) == 1:  # one counted attempt: its own counts, nothing to add
        counts, shown = judged.get(attempt_ids[0], _UNJUDGED)
    else:
        counts, shown = Counts(), dict[str, int]()
        for i in attempt_ids:
            c, codes = judged.get(i, _UNJUDGED)
            counts = counts + c
            for code, n in codes.items():
                shown[code] = shown.get(code, 0) + n
    return [value(counts, shown) for value in _DISCERNMENT_VALUES]


class _Student(NamedTuple):
    """A student as the export needs one (``quiz.reports.results.StudentHead``)."""

    id: int
    class_id: int | None
    display_name: str


_STUDENTS = select(m.Student.id, m.Student.class_id, m.Student.display_name).where(
    m.Student.class_id.in_(reads.IDS)
)
"""``reads.STUDENTS`` as plain rows: no mapped objects for a file of rows."""


@dataclass
class _Batch:
    """One batch's reads: the classes' students by name, the attempts, the sums."""

    roster: dict[int | None, list[tuple[_Student, Any]]]
    attempts: dict[int, list[reads.AttemptRow]]
    sums: Mapping[int, SkillSums]


def _read(session: Session, batch: list[m.Assignment]) -> _Batch:
    class_ids = sorted({a.class_id for a in batch})
    roster: dict[int | None, list[tuple[_Student, Any]]] = defaultdict(list)
    for row in session.execute(_STUDENTS, {"ids": class_ids}):
        student = _Student(*row)
        roster[student.class_id].append((student, safe_cell(student.display_name)))
    for students in roster.values():  # by name, as the report orders them
        students.sort(key=lambda s: (s[0].display_name.casefold(), s[0].id))
    ids = [a.id for a in batch]
    attempts = reads.attempts(session, ids)
    sums = reads.skill_sums(session, ids) if attempts else {}
    return _Batch(roster, attempts, sums)


_NO_ATTEMPTS: tuple[int, ...] = ()


def _rows(
    batch: list[m.Assignment], got: _Batch, skills: list[str]
) -> Iterator[tuple[list[Any], Sequence[int]]]:
    """Each student's row of each assignment up to its skill cells, and the attempts
    its discernment counts. Only the row's cells outlive the step: no result object
    is kept for the batch (fewer objects for the garbage collector to go over)."""
    for assignment in batch:
        klass = assignment.klass
        cname, code = safe_cell(klass.name), safe_cell(klass.join_code)
        title, slug = safe_cell(assignment.title), safe_cell(assignment.bank.slug)
        keys = skill_keys(assignment)
        columns = [k if k in keys else None for k in skills]  # None: not in this bank
        wanted = targets(assignment)
        aid, grading, sums = assignment.id, assignment.grading, got.sums
        by_student: dict[int, list[reads.AttemptRow]] = defaultdict(list)
        for a in got.attempts.get(assignment.id, []):
            by_student[a.student_id].append(a)
        for student, name in got.roster.get(assignment.class_id, ()):
            sid = student.id
            if wanted is not None and sid not in wanted:
                continue  # a follow-up for the students who showed a misconception
            r = student_result(student, by_student.get(sid, []), grading, keys, sums)
            row = GradeRow(cname, code, sid, name, aid, title, slug, r)
            line = [value(row) for value in _GRADE_VALUES]
            get = r.skill_percent.get
            line += [None if k is None else rounded(get(k), 2) for k in columns]
            yield line, r.counted_attempt_ids or _NO_ATTEMPTS


def grades_csv(session: Session, assignments: Iterable[m.Assignment]) -> Iterator[str]:
    """The grades of these assignments as CSV chunks (see the module docstring)."""
    chosen = list(assignments)
    skills: list[str] = []
    for assignment in chosen:
        skills += [k for k in skill_keys(assignment) if k not in skills]
    out = Writer()
    out.row([*GRADES_COLUMNS, *(skill_column(k) for k in skills), *DISCERNMENT_COLUMNS])
    yield BOM + out.take()
    for start in range(0, len(chosen), GRADES_BATCH):
        batch = chosen[start : start + GRADES_BATCH]
        rows: list[list[Any]] = []
        counted: list[Sequence[int]] = []
        for line, ids in _rows(batch, _read(session, batch), skills):
            rows.append(line)
            counted.append(ids)
        judged = attempt_judgements(session, [i for ids in counted for i in ids])
        for row, ids in zip(rows, counted, strict=True):
            row += _discernment_cells(judged, ids)
        while rows:
            room = csvfile.CHUNK_ROWS - out.pending
            out.rows(rows[:room])
            del rows[:room]
            if out.pending >= csvfile.CHUNK_ROWS:
                yield out.take()
    if out.pending:
        yield out.take()

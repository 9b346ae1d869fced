"""The reads behind an assignment's report and the grades export: each statement
once, used by ``quiz.reports.report`` (one assignment) and the batched
``quiz.reports.grades`` (``ids``: a batch of assignments) alike.

Rows are plain tuples (Core, not ORM) except the students and question versions,
which the pages show by their objects.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    ARRAY,
    BigInteger,
    BindParameter,
    ColumnElement,
    Connection,
    Select,
    String,
    any_,
    bindparam,
    case,
    cast,
    column,
    func,
    select,
)
from sqlalchemy.orm import Session, aliased, joinedload

from quiz.domain.itemstats import SkillSums
from quiz.store import models as m

IDS: BindParameter[Any] = bindparam("ids", expanding=True)
AnySelect = Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class AttemptRow:
    """An attempt's head: what the students' table and the choice of attempts need."""

    id: int
    student_id: int
    number: int
    status: str
    started_at: datetime
    submitted_at: datetime | None
    score: float | None
    max_score: float

    @property
    def submitted(self) -> bool:
        return self.status == m.ATTEMPT_SUBMITTED


class Cell(NamedTuple):
    """One slot of an attempt: its question version, skill, max mark and the mark
    its answer earned (None when unanswered)."""

    attempt_id: int
    version_id: int
    skill: str
    max_points: float
    points: float | None


STUDENTS = select(m.Student).where(m.Student.class_id.in_(IDS))
"""The students of a batch of classes (``ids``: the classes)."""

ATTEMPTS = select(
    m.Attempt.assignment_id,
    m.Attempt.id,
    m.Attempt.student_id,
    m.Attempt.number,
    m.Attempt.status,
    m.Attempt.started_at,
    m.Attempt.submitted_at,
    m.Attempt.score,
    m.Attempt.max_score,
).where(m.Attempt.assignment_id.in_(IDS))
"""Every attempt (any status) at a batch of assignments; after the assignment id,
the columns of ``AttemptRow``. Ordered by ``ordered_attempts``."""


def ordered_attempts() -> AnySelect:
    """``ATTEMPTS`` by assignment, student, number: the order the grades come in."""
    a = m.Attempt
    return ATTEMPTS.order_by(a.assignment_id, a.student_id, a.number, a.id)


SKILL_SUMS = (
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
    .where(m.Attempt.assignment_id.in_(IDS), m.Attempt.status == m.ATTEMPT_SUBMITTED)
    .group_by(m.AttemptSlot.attempt_id, m.QuestionVersion.skill)
)
"""Per submitted attempt at a batch of assignments and per skill: (marks earned,
marks possible); the sums the report makes from ``cells_statement``."""


def attempts(session: Session, ids: list[int]) -> dict[int, list[AttemptRow]]:
    """Per assignment of ``ids``: its attempts, by student and number."""
    out: dict[int, list[AttemptRow]] = defaultdict(list)
    for row in session.connection().execute(ordered_attempts(), {"ids": ids}).all():
        out[row[0]].append(AttemptRow(*row[1:]))
    return out


def skill_sums(session: Session, ids: list[int]) -> Mapping[int, SkillSums]:
    """``SKILL_SUMS`` by attempt and skill."""
    return skill_sums_on(session.connection(), ids)


def skill_sums_on(
    conn: Connection, ids: list[int], attempts: Sequence[int] | None = None
) -> dict[int, SkillSums]:
    """``skill_sums`` on a connection (``quiz.reports.beside``); with ``attempts``,
    of those attempts only."""
    stmt = SKILL_SUMS if attempts is None else SKILL_SUMS.where(among(conn.dialect.name, attempts))
    sums: dict[int, dict[str, tuple[float, float]]] = defaultdict(dict)
    for attempt_id, skill, earned, possible in conn.execute(stmt, {"ids": ids}).all():
        sums[attempt_id][skill] = (float(earned or 0.0), float(possible or 0.0))
    return {attempt_id: by_skill for attempt_id, by_skill in sums.items()}


def cells_statement(assignment: m.Assignment) -> AnySelect:
    """Every slot of every attempt at the assignment: the columns of ``Cell``.
    Filtered on the assignment rather than on a list of ids, so the statement does
    not grow with the class; no JSON column and no mapped object."""
    slot, answer, attempt, version = m.AttemptSlot, m.Answer, m.Attempt, m.QuestionVersion
    return (
        select(slot.attempt_id, slot.question_version_id, version.skill, slot.points, answer.points)
        .join(attempt, attempt.id == slot.attempt_id)
        .join(version, version.id == slot.question_version_id)
        .outerjoin(answer, (answer.slot_id == slot.id) & (answer.attempt_id == slot.attempt_id))
        .where(attempt.assignment_id == assignment.id)
    )


def cells(session: Session, assignment: m.Assignment) -> dict[int, list[Cell]]:
    """``cells_statement`` by attempt."""
    out: dict[int, list[Cell]] = defaultdict(list)
    for row in session.connection().execute(cells_statement(assignment)).all():
        out[row[0]].append(Cell(*row))
    return out


def sums_of(by_attempt: dict[int, list[Cell]]) -> dict[int, SkillSums]:
    """Per attempt and skill, (marks earned, marks possible) from its cells (an
    unanswered slot earns nothing): what ``SKILL_SUMS`` gives the grades export."""
    out: dict[int, SkillSums] = {}
    for attempt_id, row in by_attempt.items():
        sums: dict[str, tuple[float, float]] = {}
        for c in row:
            got, possible = sums.get(c.skill, (0.0, 0.0))
            sums[c.skill] = (got + (c.points or 0.0), possible + c.max_points)
        out[attempt_id] = sums
    return out


# -- the item statistics' aggregates: rows per version and mark or total, not per slot --

Only = ColumnElement[bool] | None
"""``among``'s bound on the attempts a report analysed, or None (no bound)."""


def among(dialect: str, ids: Sequence[int]) -> ColumnElement[bool]:
    """``Attempt.id`` is one of ``ids``, as ONE bound parameter whatever their number
    (the SQL does not grow with the class): PostgreSQL ``= ANY(array)``, SQLite ``IN
    (SELECT value FROM json_each(json))``. What bounds the report's later statements
    to the attempts it read: each statement sees newly committed rows (PostgreSQL's
    READ COMMITTED; pysqlite begins no transaction for a SELECT), so an attempt
    handed in after the attempts' read would otherwise be counted."""
    ids = [int(i) for i in ids]
    if dialect == "postgresql":
        return m.Attempt.id == any_(bindparam("analysed", ids, type_=ARRAY(BigInteger)))
    listed: AnySelect = select(column("value")).select_from(
        func.json_each(bindparam("analysed", json.dumps(ids), type_=String))
    )
    return m.Attempt.id.in_(listed)


def of_analysed(
    stmt: AnySelect, assignment: m.Assignment, left_out: Sequence[int], only: Only = None
) -> AnySelect:
    """``stmt`` (over attempts) restricted to the assignment's analysed attempts: the
    submitted ones but ``left_out``; and, with ``only`` (``among``), those the report
    read. Every statement of a report over its analysed attempts is bounded here."""
    attempt = m.Attempt
    stmt = stmt.where(attempt.assignment_id == assignment.id, attempt.status == m.ATTEMPT_SUBMITTED)
    if only is not None:
        stmt = stmt.where(only)
    return stmt.where(attempt.id.not_in(left_out)) if left_out else stmt


def _total() -> Any:
    """An attempt's total T: its score, else the sum of its answers' marks."""
    a2 = aliased(m.Answer)
    marks_sum = select(func.sum(a2.points)).where(a2.attempt_id == m.Attempt.id).scalar_subquery()
    return func.coalesce(m.Attempt.score, marks_sum, 0.0)


def _total_keys() -> tuple[Any, Any]:
    """An attempt's total T as two group keys: its score, and its id when it has
    none (its T is then ``unscored_statement``'s, read apart). Plain columns, not
    ``_total``'s correlated sum: PostgreSQL's planner counted that sum once per row
    (a cost of 35 million for 420,000 slots) and expected a group per row."""
    attempt = m.Attempt
    return attempt.score.label("t"), case((attempt.score.is_(None), attempt.id)).label("unscored")


def answered_statement(
    assignment: m.Assignment, left_out: Sequence[int], only: Only = None, *, labels: bool = False
) -> AnySelect:
    """Per question version, mark x and total T of the attempt (``_total_keys``: its
    score, and its id when it has none), and with ``labels`` the answer's labels
    (classification, summary, misconception, fraction), over the analysed attempts'
    answers: how many. With ``held_statement`` (the sets of versions the attempts
    hold, per T), every per-question figure of the statistics: the unanswered slots
    count as x = 0. Filtered on the assignment (no list growing with the class);
    ``left_out``: submitted attempts not analysed."""
    answer, attempt = m.Answer, m.Attempt
    columns = [answer.question_version_id.label("v"), answer.points.label("x"), *_total_keys()]
    if labels:
        columns += [answer.classification, answer.summary, answer.misconception, answer.fraction]
    rows = of_analysed(
        select(*columns).join(attempt, attempt.id == answer.attempt_id),
        assignment,
        left_out,
        only,
    ).subquery()
    keys = list(rows.c)
    return select(*keys, func.count()).group_by(*keys)


def held_statement(
    assignment: m.Assignment, left_out: Sequence[int], only: Only = None
) -> AnySelect:
    """Per set of question versions an analysed attempt holds (their ids,
    comma-separated, in any order) and total T of the attempt (``_total_keys``, as
    ``answered_statement``'s): how many attempts. Gathered per attempt, then per set:
    a few rows (one per distinct set and total), and the slots' index on (attempt,
    version) is all it reads of them. With the answers' count, how many slots of
    each version went unanswered per total; with the versions' max marks, each
    attempt's max total."""
    slot, attempt = m.AttemptSlot, m.Attempt
    per_attempt = of_analysed(
        select(
            func.aggregate_strings(cast(slot.question_version_id, String), ",").label("held"),
            *_total_keys(),
        )
        .select_from(attempt)
        .join(slot, slot.attempt_id == attempt.id)
        .group_by(attempt.id),
        assignment,
        left_out,
        only,
    ).subquery()
    keys = (per_attempt.c.held, per_attempt.c.t, per_attempt.c.unscored)
    return select(*keys, func.count()).group_by(*keys)


def unscored_statement(
    assignment: m.Assignment, left_out: Sequence[int], only: Only = None
) -> AnySelect:
    """Per analysed attempt without a score: its total T as the statistics take it."""
    stmt = select(m.Attempt.id, _total()).where(m.Attempt.score.is_(None))
    return of_analysed(stmt, assignment, left_out, only)


def versions(session: Session, ids: set[int]) -> dict[int, m.QuestionVersion]:
    """The question versions of these ids (those the cells hold), with their questions."""
    if not ids:
        return {}
    found = session.scalars(
        select(m.QuestionVersion)
        .where(m.QuestionVersion.id.in_(sorted(ids)))
        .options(joinedload(m.QuestionVersion.question))
    ).all()
    return {v.id: v for v in found}

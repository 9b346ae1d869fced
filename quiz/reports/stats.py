"""An assignment's item statistics from its report's reads: the marks matrix, the
answers' labels counted by the database, Moodle's formulas
(``quiz.domain.itemstats``, pure) applied to them.

Marks are Answer.points (0 when unanswered), max marks AttemptSlot.points (their
mean if a question's max mark changed between versions), T = Attempt.score; the
attempts analysed are those ``itemstats.counted_attempts`` counts.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quiz.domain import itemstats as its
from quiz.domain.itemstats import (
    QuestionStats,
    SkillMastery,
    Tally,
    TestStats,
)
from quiz.reports.reads import AnySelect, AttemptRow, Cell
from quiz.services import question_of
from quiz.store import models as m

if TYPE_CHECKING:
    from quiz.reports.report import AssignmentReport

__all__ = [
    "AssignmentStats",
    "analyse",
    "assignment_statistics",
    "tallies_statement",
]


@dataclass(frozen=True)
class AssignmentStats:
    test: TestStats
    questions: list[QuestionStats]
    skills: list[SkillMastery]
    score_percentages: list[float]
    attempts_analysed: int
    which_attempts: str
    attempt_ids: list[int] = field(default_factory=list)


def assignment_statistics(session: Session, assignment: m.Assignment) -> AssignmentStats:
    """Item and test statistics of an assignment's analysed attempts (the report's)."""
    from quiz.reports.report import assignment_report

    return assignment_report(session, assignment).stats


def tallies_statement(assignment: m.Assignment, left_out: Sequence[int]) -> AnySelect:
    """Per question version, the analysed answers counted by (classification,
    summary, misconception, fraction), grouped by the database: the labels never
    travel once per answer. ``left_out``: submitted attempts not analysed."""
    answer, attempt = m.Answer, m.Attempt
    labels = (answer.classification, answer.summary, answer.misconception, answer.fraction)
    stmt = (
        select(answer.question_version_id, *labels, func.count())
        .join(attempt, attempt.id == answer.attempt_id)
        .where(attempt.assignment_id == assignment.id, attempt.status == m.ATTEMPT_SUBMITTED)
        .group_by(answer.question_version_id, *labels)
        .order_by(answer.question_version_id, *labels)
    )
    return stmt.where(attempt.id.not_in(left_out)) if left_out else stmt


def tallies(
    session: Session, assignment: m.Assignment, left_out: Sequence[int]
) -> dict[int, Tally]:
    out: dict[int, Tally] = defaultdict(Counter)
    rows = session.connection().execute(tallies_statement(assignment, left_out))
    for vid, classification, summary, code, fraction, n in rows:
        out[vid][(classification, summary, code, fraction)] += n
    return out


@dataclass
class _Matrix:
    """The analysed attempts' marks, one row per attempt, one column per question."""

    marks: list[list[float | None]]
    answered: list[int]
    slot_max: list[list[float]]


def _matrix(
    analysed: list[AttemptRow], by_attempt: dict[int, list[Cell]], col: dict[int, int], p: int
) -> _Matrix:
    marks: list[list[float | None]] = []
    answered = [0] * p
    slot_max: list[list[float]] = [[] for _ in range(p)]
    for a in analysed:
        row: list[float | None] = [None] * p
        for c in by_attempt.get(a.id, ()):
            j = col[c.version_id]
            slot_max[j].append(c.max_points)
            row[j] = 0.0 if c.points is None else c.points  # unanswered: 0
            answered[j] += c.points is not None
        marks.append(row)
    return _Matrix(marks, answered, slot_max)


def analyse(report: AssignmentReport) -> AssignmentStats:
    """The statistics of the report's counted attempts (every student who submitted,
    in the class or not), from its cells, versions and the labels' tallies."""
    assignment = report.assignment
    if assignment.grading not in its.WHICH_ATTEMPTS:
        raise ValueError(f"unknown grading method {assignment.grading!r}")
    analysed = report.analysed
    by_attempt = report.cells
    version_ids = {c.version_id for a in analysed for c in by_attempt.get(a.id, ())}
    versions = {vid: report.versions[vid] for vid in version_ids}
    questions: dict[str, m.Question] = {}
    latest: dict[str, m.QuestionVersion] = {}
    for version in versions.values():
        key = version.question.key
        questions[key] = version.question
        if key not in latest or version.version > latest[key].version:
            latest[key] = version
    keys = sorted(questions, key=lambda k: (questions[k].position, k))
    column = {k: j for j, k in enumerate(keys)}
    col = {vid: column[v.question.key] for vid, v in versions.items()}
    grid = _matrix(analysed, by_attempt, col, len(keys))
    maxmarks = [math.fsum(xs) / len(xs) for xs in grid.slot_max]
    totals = [
        a.score if a.score is not None else math.fsum(x for x in r if x is not None)
        for a, r in zip(analysed, grid.marks, strict=True)
    ]
    guesses = [question_of(latest[k]).random_guess_score() for k in keys]
    numbers = its.question_statistics(
        grid.marks, maxmarks, totals=totals, random_guess=guesses, keys=keys
    )
    tally_of = report.tallies
    detailed = []
    for j, q in enumerate(numbers):
        tally: Tally = Counter()
        for v in sorted(version_ids):
            if col[v] == j:
                tally.update(tally_of.get(v, {}))
        version = latest[q.key]
        detailed.append(
            replace(
                q,
                position=questions[q.key].position,
                type=version.type,
                skill=version.skill,
                versions=sorted({versions[v].version for v in version_ids if col[v] == j}),
                prompt=str(version.spec.get("prompt", "")),
                responses=its.responses(tally, len(grid.slot_max[j]) - grid.answered[j]),
                misconceptions=its.misconceptions(tally),
            )
        )
    return AssignmentStats(
        test=its.whole_test_statistics(grid.marks, maxmarks, totals=totals),
        questions=detailed,
        skills=its.skill_mastery(assignment.bank.skills, report.pooled_skills),
        score_percentages=[
            its.score_percent(t, a.max_score) for a, t in zip(analysed, totals, strict=True)
        ],
        attempts_analysed=len(analysed),
        which_attempts=its.WHICH_ATTEMPTS[assignment.grading],
        attempt_ids=[a.id for a in analysed],
    )

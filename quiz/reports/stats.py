"""An assignment's item statistics from aggregates the database computes: per
question version, its marks and totals counted with the answers' labels
(``quiz.reports.reads.answered_statement``) and its slots per total
(``held_statement``), the attempts' skill sums (the report's, ``reads.SKILL_SUMS``);
Moodle's formulas (``quiz.domain.itemmoments`` over ``quiz.domain.itemstats``'
definitions, pure) applied to them. No statement
returns a row per slot or answer: a class of 10,000 attempts × 42 questions
reads a few thousand rows, not 420,000.

Marks are Answer.points (0 when unanswered), max marks AttemptSlot.points (their
mean if a question's max mark changed between versions), T = Attempt.score (the
sum of the attempt's marks if it has none); the attempts analysed are those
``itemstats.counted_attempts`` counts. Versions of one question are one column.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from quiz.domain import itemstats as its
from quiz.domain.itemmoments import Column, overall_figures, question_figures
from quiz.domain.itemstats import (
    QuestionStats,
    SkillMastery,
    Tally,
    TestStats,
)
from quiz.reports import reads
from quiz.reports.beside import beside
from quiz.reports.reads import AnySelect, AttemptRow, Only
from quiz.services import question_of
from quiz.store import models as m

if TYPE_CHECKING:
    from quiz.reports.report import AssignmentReport

__all__ = [
    "AssignmentStats",
    "analyse",
    "assignment_statistics",
    "tallied",
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


def tallies_statement(
    assignment: m.Assignment, left_out: Sequence[int], only: Only = None
) -> AnySelect:
    """Per question version, the analysed answers counted by (classification,
    summary, misconception, fraction), grouped by the database: the labels never
    travel once per answer. ``left_out``: submitted attempts not analysed; ``only``:
    the attempts the report read (``reads.among``)."""
    answer = m.Answer
    labels = (answer.classification, answer.summary, answer.misconception, answer.fraction)
    stmt = (
        select(answer.question_version_id, *labels, func.count())
        .join(m.Attempt, m.Attempt.id == answer.attempt_id)
        .group_by(answer.question_version_id, *labels)
    )
    return reads.of_analysed(stmt, assignment, left_out, only)


def tallied(rows: Sequence[Any]) -> dict[int, Tally]:
    """The labels' counts (``tallies_statement``'s rows: version, classification,
    summary, misconception, fraction, how many; a key may come more than once) per
    version. In any order: ``itemstats.responses`` breaks its ties itself."""
    out: dict[int, Tally] = defaultdict(Counter)
    for vid, classification, summary, code, fraction, n in rows:
        out[vid][classification, summary, code, fraction] += n
    return out


@dataclass
class _Versions:
    """Per question version of the analysed attempts, the database's aggregates."""

    marks: dict[int, Counter[float]] = field(default_factory=lambda: defaultdict(Counter))
    rests: dict[int, Counter[float]] = field(default_factory=lambda: defaultdict(Counter))
    sum_xt: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    sum_t: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    held: Counter[int] = field(default_factory=Counter)  # attempts holding each version
    sets: Counter[tuple[int, ...]] = field(default_factory=Counter)  # attempts per set held
    answered: Counter[int] = field(default_factory=Counter)
    tallies: dict[int, Tally] = field(default_factory=lambda: defaultdict(Counter))


def _total(score: Any, aid: int | None, unscored: dict[int, float]) -> float:
    """T of the attempts of a count's row: their score, or, for an attempt without
    one (the row gives its id), its T read apart."""
    return float(score) if aid is None else unscored.get(aid, 0.0)


def _read(
    session: Session,
    assignment: m.Assignment,
    out: Sequence[int],
    unscored: dict[int, float],
    only: Only = None,
) -> _Versions:
    """The marks' count (``reads.answered_statement``) and the sets held
    (``reads.held_statement``, beside) as distributions (a slot without an answer is
    a mark of 0), and the labels' tallies (on SQLite ``tallies_statement``, beside;
    on PostgreSQL with the marks).
    ``unscored``: T of the analysed attempts without a score, by id (the counts give
    their id instead of a score); ``only``: the attempts the report read."""
    got = _Versions()
    conn = session.connection()
    # SQLite groups by sorting: the labels counted apart, beside, and the marks
    # without them, are two smaller sorts side by side (0.45 and 0.35 s at 10,000
    # attempts against 0.69 s for one). PostgreSQL hashes: one pass costs less.
    apart = conn.dialect.name == "sqlite"
    labels_stmt = tallies_statement(assignment, out, only)
    labels_ahead = beside(session, lambda c: _counting(c, labels_stmt)) if apart else None
    # the sets held need nothing of the answers': beside, while those are read
    held_stmt = reads.held_statement(assignment, out, only)
    held_ahead = beside(session, lambda c: _counting(c, held_stmt))
    sort = _count_planner(conn)
    joint: dict[int, Counter[tuple[float, float]]] = defaultdict(Counter)
    # answers per version and group key (score, id when unscored), as the slots'
    # rows are grouped: two unscored attempts of one T are two groups, not one
    answered: dict[int, Counter[tuple[float | None, int | None]]] = defaultdict(Counter)
    labels: list[Any] = []
    # fetched at once (iterating the result fetches row by row)
    for row in conn.execute(
        reads.answered_statement(assignment, out, only, labels=not apart)
    ).all():
        vid, x, score, aid, n = *row[:4], row[-1]
        joint[vid][float(x), _total(score, aid, unscored)] += n
        answered[vid][score, aid] += n
        if not apart:
            labels.append((vid, *row[4:]))
    got.tallies = tallied(labels_ahead.result() if labels_ahead is not None else labels)
    _unanswered(got, held_ahead.result(), answered, joint, unscored)
    if sort is not None:
        conn.execute(select(func.set_config("enable_sort", sort, True)))
    for vid, pairs in joint.items():
        got.answered[vid] = sum(answered[vid].values())
        for (x, t), n in pairs.items():
            got.marks[vid][x] += n
            got.rests[vid][t - x] += n
            got.sum_xt[vid].append(n * (x * t))
            got.sum_t[vid].append(n * t)
    return got


def _unanswered(
    got: _Versions,
    held: Sequence[Any],
    answered: dict[int, Counter[tuple[float | None, int | None]]],
    joint: dict[int, Counter[tuple[float, float]]],
    unscored: dict[int, float],
) -> None:
    """From the sets of versions the attempts hold (``reads.held_statement``'s rows):
    the attempts per set and per version, and each version's slots left unanswered
    per total T, added to ``joint`` as marks of 0."""
    slots: dict[int, Counter[tuple[float | None, int | None]]] = defaultdict(Counter)
    totals: dict[tuple[float | None, int | None], float] = {}
    for ids, score, aid, n in held:
        vids = tuple(sorted({int(v) for v in str(ids).split(",")}))
        got.sets[vids] += n
        key = (score, aid)
        totals[key] = _total(score, aid, unscored)
        for vid in vids:
            slots[vid][key] += n
            got.held[vid] += n
    for vid, per_key in slots.items():
        for key, n in per_key.items():
            unanswered = n - answered[vid][key]
            if unanswered > 0:
                joint[vid][0.0, totals[key]] += unanswered


def _count_planner(conn: Connection) -> str | None:
    """On PostgreSQL, the counts' planner settings for the rest of the transaction;
    returns ``enable_sort`` as it was. PostgreSQL's JIT compiled these aggregates for
    0.4–1.3 s each (EXPLAIN ANALYZE, 10,000 attempts), several times what they take
    to run: off. And it sorted 420,000 rows to group them where hashing them takes
    half the time: no sort."""
    if conn.dialect.name != "postgresql":
        return None
    return conn.exec_driver_sql(
        "SELECT current_setting('enable_sort'),"
        " set_config('jit', 'off', true), set_config('enable_sort', 'off', true)"
    ).scalar()


def _counting(conn: Connection, stmt: AnySelect) -> list[Any]:
    """The rows of one of the counts, on a connection of its own (``beside``): its
    transaction, the planner's settings with it, ends when the connection closes."""
    _count_planner(conn)
    return list(conn.execute(stmt).all())


def _max_totals(got: _Versions, col: dict[int, int], mm: list[float]) -> list[float]:
    """Per column, Σ of its attempts' max totals (each the sum of the max marks of the
    questions it holds), from the sets of versions the attempts hold."""
    per_column: list[list[float]] = [[] for _ in mm]
    for vids, n in got.sets.items():
        cols = sorted({col[v] for v in vids})
        row_max = math.fsum(mm[j] for j in cols)
        for j in cols:
            per_column[j].append(n * row_max)
    return [math.fsum(xs) for xs in per_column]


def _unscored(
    session: Session,
    assignment: m.Assignment,
    out: Sequence[int],
    analysed: list[AttemptRow],
    only: Only = None,
) -> dict[int, float]:
    """T of each analysed attempt without a score, by id: the sum of its marks (read
    only when there is such an attempt)."""
    if not any(a.score is None for a in analysed):
        return {}
    stmt = reads.unscored_statement(assignment, out, only)
    return {aid: float(t or 0.0) for aid, t in session.connection().execute(stmt)}


def _columns(
    report: AssignmentReport,
    got: _Versions,
    col: dict[int, int],
    versions: dict[int, m.QuestionVersion],
    p: int,
) -> list[Column]:
    """The versions' aggregates merged per question (column). A question's max mark
    is the mean over the slots that held it of their version's max mark (a slot's
    max mark is its version's: set so at the start and by a regrade that moves it
    to another version), which differs between versions if it was changed."""
    marks: list[Counter[float]] = [Counter() for _ in range(p)]
    rests: list[Counter[float]] = [Counter() for _ in range(p)]
    parts: list[tuple[list[float], list[float], list[float]]] = [([], [], []) for _ in range(p)]
    for vid, j in sorted(col.items()):
        marks[j].update(got.marks[vid])
        rests[j].update(got.rests[vid])
        parts[j][0].extend(got.sum_xt[vid])
        parts[j][1].extend(got.sum_t[vid])
        parts[j][2].append(got.held[vid] * float(versions[vid].points))
    n = [sum(c.values()) for c in marks]
    mm = [math.fsum(parts[j][2]) / n[j] if n[j] else 0.0 for j in range(p)]
    s = len(report.analysed)
    every = all(k == s for k in n)  # every attempt holds every question
    max_totals = [s * math.fsum(mm)] * p if every else _max_totals(got, col, mm)
    return [
        Column(mm[j], marks[j], rests[j], math.fsum(xt), math.fsum(t), max_totals[j])
        for j, (xt, t, _mx) in enumerate(parts)
    ]


def analyse(report: AssignmentReport) -> AssignmentStats:
    """The statistics of the report's counted attempts (every student who submitted,
    in the class or not), from the database's aggregates and the labels' tallies."""
    assignment, session = report.assignment, report.session
    if assignment.grading not in its.WHICH_ATTEMPTS:
        raise ValueError(f"unknown grading method {assignment.grading!r}")
    report.read_ahead()
    analysed = report.analysed
    out = report.left_out if analysed else []
    only = report.only if analysed else None  # the attempts the report read, no later one
    unscored = _unscored(session, assignment, out, analysed, only)
    got = _read(session, assignment, out, unscored, only) if analysed else _Versions()
    version_ids = set(got.marks)
    versions = reads.versions(session, version_ids)
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
    columns = _columns(report, got, col, versions, len(keys))
    totals = [a.score if a.score is not None else unscored.get(a.id, 0.0) for a in analysed]
    guesses = [question_of(latest[k]).random_guess_score() for k in keys]
    numbers = question_figures(columns, random_guess=guesses, keys=keys)
    tally_of = got.tallies
    detailed = []
    for j, q in enumerate(numbers):
        mine = sorted(v for v in version_ids if col[v] == j)
        tally: Tally = Counter()
        for v in mine:
            tally.update(tally_of.get(v, {}))
        version = latest[q.key]
        detailed.append(
            replace(
                q,
                position=questions[q.key].position,
                type=version.type,
                skill=version.skill,
                versions=sorted({versions[v].version for v in mine}),
                prompt=question_of(version).prompt_for_teachers(),
                responses=its.responses(tally, q.n - sum(got.answered[v] for v in mine)),
                misconceptions=its.misconceptions(tally),
            )
        )
    return AssignmentStats(
        test=overall_figures(totals, columns),
        questions=detailed,
        skills=its.skill_mastery(assignment.bank.skills, report.pooled_skills),
        score_percentages=[
            its.score_percent(t, a.max_score) for a, t in zip(analysed, totals, strict=True)
        ],
        attempts_analysed=len(analysed),
        which_attempts=its.WHICH_ATTEMPTS[assignment.grading],
        attempt_ids=[a.id for a in analysed],
    )

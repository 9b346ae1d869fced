"""Item statistics as Moodle's quiz statistics report defines them.

See ``reference/item-statistics.md``. Conventions follow Moodle's stored values:
facility, SD and random guess score are fractions of the question's max mark
(0–1, shown ×100); intended and effective weight, discrimination index,
discriminative efficiency, CIC and error ratio are percentages; means, medians,
SDs and the standard error of the whole test are in marks. A value that cannot be
computed (too few attempts, a variance of zero, ...) is ``None``.

Questions not present in every attempt (random draws, a bank changed between
attempts): each question's statistics are computed over the attempts that
contain it, with x its mark and X = T − x the rest of the test in those same
attempts; its intended weight uses the max total of those attempts. The
coefficient of internal consistency (and so error ratio and standard error) is
only defined when every attempt contains every question; otherwise it is ``None``.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import chain, repeat
from operator import mul
from typing import Any, NamedTuple

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session, joinedload

from quiz.domain import grading
from quiz.services import question_of
from quiz.store import models as m

DUBIOUS_BELOW = 15.0  # discriminative efficiency (%) under which a question is dubious
NO_ANSWER = "(no answer)"
_EPS = 1e-12

Marks = Sequence[Sequence[float | None]]  # rows: attempts; columns: questions; None: absent


class ResponseRow(NamedTuple):
    label: str
    count: int
    mean_fraction: float
    misconceptions: tuple[str, ...] = ()  # codes these answers revealed, most frequent first


@dataclass(frozen=True)
class QuestionStats:
    key: str
    n: int  # attempts that contain the question
    maxmark: float
    mean: float | None  # x̄ in marks
    facility: float | None
    sd: float | None
    random_guess: float | None
    intended_weight: float | None
    effective_weight: float | None
    effective_weight_negative: bool
    discrimination: float | None
    discriminative_efficiency: float | None
    dubious: bool
    position: int = 0
    type: str = ""
    skill: str = ""
    versions: list[int] = field(default_factory=list)
    prompt: str = ""
    responses: list[ResponseRow] = field(default_factory=list)
    misconceptions: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class TestStats:
    __test__ = False  # not a pytest class

    n: int
    max_total: float | None  # mean max total of the attempts, in marks
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    cic: float | None
    error_ratio: float | None
    standard_error: float | None


# -- pure statistics ------------------------------------------------------------------


def mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def covariance(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Sample covariance, (s − 1) denominator; None for fewer than two pairs."""
    s = len(xs)
    if s != len(ys):
        raise ValueError("covariance of sequences of different lengths")
    if s < 2:
        return None
    mx, my = math.fsum(xs) / s, math.fsum(ys) / s
    return math.fsum(map(mul, [x - mx for x in xs], [y - my for y in ys])) / (s - 1)


def variance(xs: Sequence[float]) -> float | None:
    s = len(xs)
    if s < 2:
        return None
    mx = math.fsum(xs) / s
    d = [x - mx for x in xs]
    return math.fsum(map(mul, d, d)) / (s - 1)


def discrimination_index(x: Sequence[float], rest: Sequence[float]) -> float | None:
    """100 · Pearson(x, X) with X the rest of the test; None if a variance is 0."""
    return _discrimination(covariance(x, rest), variance(x), variance(rest))


def _discrimination(cov: float | None, vx: float | None, vr: float | None) -> float | None:
    if cov is None or vx is None or vr is None or vx <= _EPS or vr <= _EPS:
        return None
    return 100.0 * cov / math.sqrt(vx * vr)


def discriminative_efficiency(x: Sequence[float], rest: Sequence[float]) -> float | None:
    """100 · Cov(x, X) / CovMax, CovMax pairing the sorted x with the sorted X."""
    return _efficiency(covariance(x, rest), x, rest)


def _efficiency(cov: float | None, x: Sequence[float], rest: Sequence[float]) -> float | None:
    cov_max = covariance(sorted(x), sorted(rest))
    if cov is None or cov_max is None or cov_max <= _EPS:
        return None
    return 100.0 * cov / cov_max


def question_statistics(
    marks: Marks,
    maxmarks: Sequence[float],
    *,
    totals: Sequence[float] | None = None,
    random_guess: Sequence[float | None] | None = None,
    keys: Sequence[str] | None = None,
) -> list[QuestionStats]:
    """Per-question statistics of a matrix of marks (see the module docstring).
    ``totals`` T default to each row's sum; ``keys`` default to "1", "2", ..."""
    rows, t, row_max = _rows(marks, maxmarks, totals)
    p = len(maxmarks)
    guesses = list(random_guess) if random_guess is not None else [None] * p
    names = list(keys) if keys is not None else [str(j + 1) for j in range(p)]
    columns = [_column(rows, j) for j in range(p)]
    covs = [covariance(x, [t[i] for i in present]) for present, x in columns]
    sum_sqrt = math.fsum(math.sqrt(c) for c in covs if c is not None and c >= 0)

    result = []
    for j, (present, x) in enumerate(columns):
        mm, cov = maxmarks[j], covs[j]
        rest = [t[i] - xi for i, xi in zip(present, x, strict=True)]
        x_mean, var, cov_rest = mean(x), variance(x), covariance(x, rest)
        max_total = mean([row_max[i] for i in present])
        negative = cov is not None and cov < 0
        effective = None
        if cov is not None and not negative and sum_sqrt > _EPS:
            effective = 100.0 * math.sqrt(cov) / sum_sqrt
        de = _efficiency(cov_rest, x, rest)
        result.append(
            QuestionStats(
                key=names[j],
                n=len(x),
                maxmark=mm,
                mean=x_mean,
                facility=x_mean / mm if x_mean is not None and mm else None,
                sd=math.sqrt(max(var, 0.0)) / mm if var is not None and mm else None,
                random_guess=guesses[j],
                intended_weight=100.0 * mm / max_total if max_total else None,
                effective_weight=effective,
                effective_weight_negative=negative,
                discrimination=_discrimination(cov_rest, var, variance(rest)),
                discriminative_efficiency=de,
                dubious=de is not None and de < DUBIOUS_BELOW,
            )
        )
    return result


def whole_test_statistics(
    marks: Marks, maxmarks: Sequence[float], *, totals: Sequence[float] | None = None
) -> TestStats:
    """Whole-test statistics on the attempt totals T (default: each row's sum)."""
    rows, t, row_max = _rows(marks, maxmarks, totals)
    s, p = len(t), len(maxmarks)
    t_mean, k2 = mean(t), variance(t)
    sd = math.sqrt(max(k2, 0.0)) if k2 is not None else None
    skew = kurt = cic = er = se = None
    if t_mean is not None and sd is not None and k2 is not None and k2 > _EPS:
        d = [v - t_mean for v in t]
        m2, m3, m4 = (math.fsum(v**k for v in d) / s for k in (2, 3, 4))
        if s > 2:
            skew = (s * s * m3 / ((s - 1) * (s - 2))) / k2**1.5
        if s > 3:
            k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
            kurt = k4 / (k2 * k2)
        columns = [_column(rows, j) for j in range(p)]
        if p > 1 and all(len(present) == s for present, _x in columns):
            item_vars = math.fsum(variance(x) or 0.0 for _present, x in columns)
            cic = 100.0 * p / (p - 1) * (1 - item_vars / k2)
            er = 100.0 * math.sqrt(max(0.0, 1 - cic / 100.0))
            se = er / 100.0 * sd
    return TestStats(
        n=s,
        max_total=mean(row_max),
        mean=t_mean,
        median=statistics.median(t) if t else None,
        sd=sd,
        skewness=skew,
        kurtosis=kurt,
        cic=cic,
        error_ratio=er,
        standard_error=se,
    )


def _rows(
    marks: Marks, maxmarks: Sequence[float], totals: Sequence[float] | None
) -> tuple[list[list[float | None]], list[float], list[float]]:
    """The rows, the totals T and each row's max total."""
    rows = [list(r) for r in marks]
    if any(len(r) != len(maxmarks) for r in rows):
        raise ValueError("every row needs one cell per question")
    t = [float(v) for v in totals] if totals is not None else [_sum(r) for r in rows]
    if len(t) != len(rows):
        raise ValueError("one total per row")
    row_max = [
        math.fsum(mm for v, mm in zip(r, maxmarks, strict=True) if v is not None) for r in rows
    ]
    return rows, t, row_max


def _column(rows: Sequence[Sequence[float | None]], j: int) -> tuple[list[int], list[float]]:
    """The attempts (row indexes) that contain question j, and its marks in them."""
    present = [i for i, r in enumerate(rows) if r[j] is not None]
    return present, [float(v) for r in rows if (v := r[j]) is not None]


def _sum(row: Sequence[float | None]) -> float:
    return math.fsum(v for v in row if v is not None)


# -- from the database ---------------------------------------------------------------

WHICH_ATTEMPTS = {
    "highest": "Each student's highest-graded attempt (the earliest if tied)",
    "first": "Each student's first attempt",
    "last": "Each student's last attempt",
    "average": "All submitted attempts, each counted on its own",
}


@dataclass(frozen=True)
class SkillMastery:
    key: str
    name: str
    mean_percent: float | None
    students: int
    per_student: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class AssignmentStats:
    test: TestStats
    questions: list[QuestionStats]
    skills: list[SkillMastery]
    score_percentages: list[float]
    attempts_analysed: int
    which_attempts: str
    attempt_ids: list[int] = field(default_factory=list)


class _AttemptHead(NamedTuple):
    id: int
    student_id: int
    number: int
    score: float | None
    max_score: float | None


def _submitted_attempts(session: Session, assignment: m.Assignment) -> list[_AttemptHead]:
    rows = session.execute(
        select(
            m.Attempt.id,
            m.Attempt.student_id,
            m.Attempt.number,
            m.Attempt.score,
            m.Attempt.max_score,
        ).where(m.Attempt.assignment_id == assignment.id, m.Attempt.status == m.ATTEMPT_SUBMITTED)
    ).all()
    return [_AttemptHead(*r) for r in rows]


def _chosen(rows: Sequence[_AttemptHead], method: str) -> list[int]:
    if method == "average":
        return sorted(r.id for r in rows)
    by_student: dict[int, dict[int, tuple[int, float]]] = defaultdict(dict)
    for r in rows:
        by_student[r.student_id][r.number] = (r.id, r.score or 0.0)
    chosen = []
    for attempts in by_student.values():
        number = grading.chosen_attempt([(n, s) for n, (_i, s) in attempts.items()], method)
        if number is not None:
            chosen.append(attempts[number][0])
    return sorted(chosen)


def analysed_attempt_ids(session: Session, assignment: m.Assignment) -> list[int]:
    """Submitted attempts chosen by the assignment's grading method, as Moodle's
    report does by default (average: all of them)."""
    return _chosen(_submitted_attempts(session, assignment), assignment.grading)


def _cells(session: Session, assignment: m.Assignment) -> dict[int, list[Row[Any]]]:
    """Every slot of the assignment's submitted attempts, by attempt: (attempt id,
    question version id, the slot's max mark, the answer's mark or None when
    unanswered). One statement of four numbers a row, no JSON column and no mapped
    object; filtered on the assignment rather than on a list of ids, so the
    statement does not grow with the class."""
    out: dict[int, list[Row[Any]]] = defaultdict(list)
    for row in session.connection().execute(cells_statement(assignment)).all():
        out[row[0]].append(row)
    return out


def cells_statement(assignment: m.Assignment) -> Select[Any]:
    """The statement of ``_cells`` (bench/stats.py times its bare fetch as a floor)."""
    slot, answer, attempt = m.AttemptSlot, m.Answer, m.Attempt
    return (
        select(
            slot.attempt_id,
            slot.question_version_id,
            slot.points,
            answer.points,
        )
        .join(attempt, attempt.id == slot.attempt_id)
        .outerjoin(answer, (answer.slot_id == slot.id) & (answer.attempt_id == slot.attempt_id))
        .where(attempt.assignment_id == assignment.id, attempt.status == m.ATTEMPT_SUBMITTED)
    )


def _tallies(
    session: Session, assignment: m.Assignment, left_out: Sequence[int]
) -> dict[int, Tally]:
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
    if left_out:
        stmt = stmt.where(attempt.id.not_in(left_out))
    out: dict[int, Tally] = defaultdict(Counter)
    for vid, classification, summary, code, fraction, n in session.connection().execute(stmt):
        out[vid][(classification, summary, code, fraction)] += n
    return out


def assignment_statistics(session: Session, assignment: m.Assignment) -> AssignmentStats:
    """Item and test statistics of an assignment's analysed attempts. Marks are
    Answer.points (0 when unanswered), max marks AttemptSlot.points (their mean
    if a question's max mark changed between versions), T = Attempt.score.

    Reads plain columns (the attempts' heads, then every slot's marks and labels
    in one statement), and only the few question versions seen as objects."""
    if assignment.grading not in WHICH_ATTEMPTS:
        raise ValueError(f"unknown grading method {assignment.grading!r}")
    heads = _submitted_attempts(session, assignment)
    chosen = set(_chosen(heads, assignment.grading))
    attempts = sorted(
        (h for h in heads if h.id in chosen), key=lambda h: (h.student_id, h.number, h.id)
    )
    by_attempt = _cells(session, assignment) if attempts else {}
    left_out = sorted(h.id for h in heads if h.id not in chosen)
    tallies = _tallies(session, assignment, left_out) if attempts else {}
    version_ids = {c[1] for a in attempts for c in by_attempt.get(a.id, ())}
    versions = {
        v.id: v
        for v in (
            session.scalars(
                select(m.QuestionVersion)
                .where(m.QuestionVersion.id.in_(sorted(version_ids)))
                .options(joinedload(m.QuestionVersion.question))
            ).all()
            if version_ids
            else ()
        )
    }
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
    skill_of = {vid: v.skill for vid, v in versions.items()}

    # One pass over the cells, in attempt order: the marks, each question's max
    # marks and answered cells, and each student's marks and max marks per skill.
    p = len(keys)
    marks: list[list[float | None]] = []
    answered = [0] * p
    slot_max: list[list[float]] = [[] for _ in keys]
    pooled: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    for a in attempts:
        row: list[float | None] = [None] * p
        sid = a.student_id
        for c in by_attempt.get(a.id, ()):
            vid, max_points, points = c[1], c[2], c[3]
            j = col[vid]
            slot_max[j].append(max_points)
            acc = pooled[skill_of[vid]][sid]
            if points is None:  # unanswered: 0
                row[j] = 0.0
            else:
                row[j] = points
                answered[j] += 1
                acc[0] += points
            acc[1] += max_points
        marks.append(row)
    maxmarks = [math.fsum(xs) / len(xs) for xs in slot_max]
    totals = [
        a.score if a.score is not None else math.fsum(x for x in r if x is not None)
        for a, r in zip(attempts, marks, strict=True)
    ]
    guesses = [question_of(latest[k]).random_guess_score() for k in keys]
    numbers = question_statistics(marks, maxmarks, totals=totals, random_guess=guesses, keys=keys)
    detailed = []
    for j, q in enumerate(numbers):
        tally: Tally = Counter()
        for v in sorted(version_ids):
            if col[v] == j:
                tally.update(tallies.get(v, {}))
        version = latest[q.key]
        detailed.append(
            replace(
                q,
                position=questions[q.key].position,
                type=version.type,
                skill=version.skill,
                versions=sorted({versions[v].version for v in version_ids if col[v] == j}),
                prompt=str(version.spec.get("prompt", "")),
                responses=_responses(tally, len(slot_max[j]) - answered[j]),
                misconceptions=_misconceptions(tally),
            )
        )
    return AssignmentStats(
        test=whole_test_statistics(marks, maxmarks, totals=totals),
        questions=detailed,
        skills=_skills(assignment.bank.skills, pooled),
        score_percentages=[
            100.0 * t / a.max_score if a.max_score else 0.0
            for a, t in zip(attempts, totals, strict=True)
        ],
        attempts_analysed=len(attempts),
        which_attempts=WHICH_ATTEMPTS[assignment.grading],
        attempt_ids=[a.id for a in attempts],
    )


def _responses(tally: Tally, missing: int) -> list[ResponseRow]:
    """Answers grouped by classification, labelled by their most frequent summary
    (the first seen if tied), from the tally of (classification, summary,
    misconception, fraction) in attempt order; ``missing`` unanswered."""
    groups: dict[str, tuple[Counter[str], Counter[str], list[tuple[float, int]]]] = {}
    for (classification, summary, code, fraction), n in tally.items():
        summaries, codes, fractions = groups.setdefault(classification, (Counter(), Counter(), []))
        summaries[summary] += n
        if code:
            codes[code] += n
        fractions.append((fraction, n))
    rows = []
    for classification, (summaries, codes, fractions) in groups.items():
        label = summaries.most_common(1)[0][0]
        count = sum(n for _f, n in fractions)
        # the exactly rounded sum of every answer's fraction, as fsum over them
        total = math.fsum(chain.from_iterable(repeat(f, n) for f, n in fractions))
        revealed = tuple(c for c, _n in sorted(codes.items(), key=lambda kv: (-kv[1], kv[0])))
        rows.append(
            ResponseRow(label or classification or "(empty)", count, total / count, revealed)
        )
    if missing:
        rows.append(ResponseRow(NO_ANSWER, missing, 0.0))
    return sorted(rows, key=lambda r: (-r.count, r.label == NO_ANSWER, r.label))


Tally = Counter[tuple[str, str, str | None, float]]


def _misconceptions(tally: Tally) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for (_c, _s, code, _f), n in tally.items():
        if code:
            counts[code] += n
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _skills(names: dict[str, str], pooled: dict[str, dict[int, list[float]]]) -> list[SkillMastery]:
    """Per student, marks over max marks on each skill's questions in their
    analysed attempts (pooled when several); the class figure is the mean."""
    order = list(names) + sorted(k for k in pooled if k not in names)
    result = []
    for key in order:
        per = pooled.get(key, {})
        percents = [100.0 * got / out for _sid, (got, out) in sorted(per.items()) if out]
        result.append(
            SkillMastery(key, names.get(key, key), mean(percents), len(percents), percents)
        )
    return result

"""The item statistics as they were computed before issue #20 moved them to the
database's aggregates: cell by cell over a matrix of marks (rows: attempts, columns:
questions, None: the attempt does not hold the question). Kept here only as the
reference the randomised tests (tests/test_stats_aggregates*.py) compare the
aggregate path with; ``quiz.domain.itemmoments`` is what the app runs."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from quiz.domain import itemstats as its
from quiz.domain.itemstats import (
    _EPS,
    DUBIOUS_BELOW,
    Marks,
    QuestionStats,
    TestStats,
    _discrimination,
    _efficiency,
    covariance,
    mean,
    variance,
)
from quiz.reports import reads


def question_statistics(
    marks: Marks,
    maxmarks: Sequence[float],
    *,
    totals: Sequence[float] | None = None,
    random_guess: Sequence[float | None] | None = None,
    keys: Sequence[str] | None = None,
) -> list[QuestionStats]:
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
    rows = [list(r) for r in marks]
    t = [float(v) for v in totals] if totals is not None else [_sum(r) for r in rows]
    row_max = [
        math.fsum(mm for v, mm in zip(r, maxmarks, strict=True) if v is not None) for r in rows
    ]
    return rows, t, row_max


def _column(rows: Sequence[Sequence[float | None]], j: int) -> tuple[list[int], list[float]]:
    present = [i for i, r in enumerate(rows) if r[j] is not None]
    return present, [float(v) for r in rows if (v := r[j]) is not None]


def _sum(row: Sequence[float | None]) -> float:
    return math.fsum(v for v in row if v is not None)


def report_statistics(report: Any) -> tuple[Any, ...]:
    """The old ``quiz.reports.stats.analyse``'s figures from the report's cells (every
    slot of every attempt, read one row each): the questions, their unanswered
    slots, the whole test, the attempts' percentages, the skills, and which questions
    have a covariance with T of 0 but for rounding."""
    analysed, by_attempt = report.analysed, report.cells
    version_ids = {c.version_id for a in analysed for c in by_attempt.get(a.id, ())}
    versions = {vid: report.versions[vid] for vid in version_ids}
    position = {v.question.key: v.question.position for v in versions.values()}
    keys = sorted(position, key=lambda k: (position[k], k))
    col = {vid: keys.index(v.question.key) for vid, v in versions.items()}
    p = len(keys)
    marks: list[list[float | None]] = []
    answered, slot_max = [0] * p, [[] for _ in range(p)]
    for a in analysed:
        row: list[float | None] = [None] * p
        for c in by_attempt.get(a.id, ()):
            j = col[c.version_id]
            slot_max[j].append(c.max_points)
            row[j] = 0.0 if c.points is None else c.points
            answered[j] += c.points is not None
        marks.append(row)
    maxmarks = [math.fsum(xs) / len(xs) for xs in slot_max]
    totals = [
        a.score if a.score is not None else math.fsum(x for x in r if x is not None)
        for a, r in zip(analysed, marks, strict=True)
    ]
    questions = question_statistics(marks, maxmarks, totals=totals, keys=keys)
    missing = [len(slot_max[j]) - answered[j] for j in range(p)]
    test = whole_test_statistics(marks, maxmarks, totals=totals)
    percents = [its.score_percent(t, a.max_score) for a, t in zip(analysed, totals, strict=True)]
    sums = reads.sums_of(by_attempt)  # each attempt's skill sums from its cells
    pooled = {
        sid: its.pooled(sums.get(a.id, {}) for a in mine) for sid, mine in report.counted.items()
    }
    skills = its.skill_mastery(report.assignment.bank.skills, pooled)
    return questions, missing, test, percents, skills, zero_covariances(marks, totals)


def assert_same(new: object, old: object, tol: float = 1e-9) -> None:
    """Two QuestionStats or TestStats (or lists of them) agree: every number to
    ``tol`` (relative or absolute), every None and flag alike."""
    if isinstance(new, list | tuple):
        assert isinstance(old, list | tuple) and len(new) == len(old), (new, old)
        for a, b in zip(new, old, strict=True):
            assert_same(a, b, tol)
        return
    if hasattr(new, "__dataclass_fields__"):
        assert type(new) is type(old)
        for name in new.__dataclass_fields__:
            a, b = getattr(new, name), getattr(old, name)
            try:
                assert_same(a, b, tol)
            except AssertionError as e:
                raise AssertionError(f"{name}: {a!r} != {b!r}") from e
        return
    if isinstance(new, float) and not isinstance(old, bool) and isinstance(old, int | float):
        assert math.isclose(new, old, rel_tol=tol, abs_tol=tol), (new, old)
        return
    assert new == old, (new, old)


def zero_covariances(marks: Marks, totals: Sequence[float] | None) -> set[int]:
    """The columns whose covariance with T is 0 but for rounding (cell by cell)."""
    rows, t, _max = _rows(marks, [0.0] * len(marks[0]) if marks else [], totals)
    out = set()
    for j in range(len(rows[0]) if rows else 0):
        present, x = _column(rows, j)
        cov = covariance(x, [t[i] for i in present])
        if cov is not None and abs(cov) < 1e-12:
            out.add(j)
    return out


def without_weight(q: QuestionStats) -> QuestionStats:
    return replace(q, effective_weight=None, effective_weight_negative=False)


def assert_questions(new: list[QuestionStats], old: list[QuestionStats], zero: set[int]) -> None:
    """``assert_same`` of the questions but for rounding noise: a covariance with T
    that is 0 exactly comes out as noise either side of 0 cell by cell (the old code
    could flag it "negative"), and the aggregates may round it to 0 or a hair either
    side too. Such a question's effective weight may be either; the others' move by
    sqrt(noise) in the sum of square roots, so they are compared to 1e-6."""
    if zero:
        new = [without_weight(q) if j in zero else q for j, q in enumerate(new)]
        old = [without_weight(q) if j in zero else q for j, q in enumerate(old)]
        assert_same([q.effective_weight for q in new], [q.effective_weight for q in old], 1e-6)
        new, old = [without_weight(q) for q in new], [without_weight(q) for q in old]
    assert_same(new, old)

"""Moodle's item statistics (``quiz.domain.itemstats``'s definitions) from small
aggregates instead of a matrix of marks, so that a class of 10,000 attempts never
travels as 420,000 marks: the database counts them (``quiz.reports.stats``).

Per question (a ``Column``), over the attempts that hold it: how many attempts
got each mark x, how many had each rest of test X = T − x, Σ x·T, Σ T and the sum
of those attempts' max totals. Means and variances come from the distributions
(two passes over the distinct values, exactly summed); Cov(x, T) from Σ x·T;
Cov(x, X) = Cov(x, T) − Var(x); the discriminative efficiency's CovMax pairs the
sorted x with the sorted X rank range by rank range. The whole test's figures come
from the attempts' totals T and the questions' variances.

``from_matrix`` makes the aggregates from a matrix of marks (rows: attempts,
columns: questions, None: the attempt does not hold the question), and
``question_statistics`` / ``whole_test_statistics`` take such a matrix, as the
formulas' tests write them.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from quiz.domain.itemstats import (
    _EPS,
    DUBIOUS_BELOW,
    Marks,
    QuestionStats,
    TestStats,
    mean,
    variance,
)

Distribution = Mapping[float, int]  # value -> how many attempts


@dataclass(frozen=True)
class Column:
    """One question's aggregates over the attempts that hold it (see the module)."""

    maxmark: float
    marks: Distribution  # x -> attempts
    rests: Distribution  # X = T − x -> attempts
    sum_xt: float  # Σ x·T
    sum_t: float  # Σ T
    max_totals: float  # Σ of these attempts' max totals (each: its questions' max marks)

    @property
    def n(self) -> int:
        return sum(self.marks.values())


class Spread(NamedTuple):
    n: int
    mean: float | None
    var: float | None  # (n − 1) denominator; None under two values


def spread(dist: Distribution) -> Spread:
    """Count, mean and sample variance of a distribution; a single distinct value has
    a variance of exactly 0."""
    n = sum(dist.values())
    if not n:
        return Spread(0, None, None)
    mu = math.fsum(v * c for v, c in dist.items()) / n
    if n < 2:
        return Spread(n, mu, None)
    if len(dist) == 1:
        return Spread(n, mu, 0.0)
    return Spread(n, mu, math.fsum(c * ((v - mu) * (v - mu)) for v, c in dist.items()) / (n - 1))


def sorted_products(xs: Distribution, ys: Distribution, mx: float, my: float) -> float:
    """Σ (x₍ₖ₎ − mx)(y₍ₖ₎ − my) pairing the k-th smallest x with the k-th smallest y
    (same counts), one term per range of ranks where both values are constant."""
    a, b = sorted(xs.items()), sorted(ys.items())
    terms: list[float] = []
    i = j = 0
    left_a, left_b = (a[0][1] if a else 0), (b[0][1] if b else 0)
    while i < len(a) and j < len(b):
        take = min(left_a, left_b)
        terms.append(take * ((a[i][0] - mx) * (b[j][0] - my)))
        left_a, left_b = left_a - take, left_b - take
        if not left_a:
            i += 1
            left_a = a[i][1] if i < len(a) else 0
        if not left_b:
            j += 1
            left_b = b[j][1] if j < len(b) else 0
    return math.fsum(terms)


class _Figures(NamedTuple):
    x: Spread
    rest: Spread
    cov_t: float | None  # Cov(x, T)
    cov_rest: float | None  # Cov(x, X)
    cov_max: float | None  # CovMax of the sorted pairing


def _figures(col: Column) -> _Figures:
    x, rest = spread(col.marks), spread(col.rests)
    if x.mean is None or x.var is None or rest.mean is None:
        return _Figures(x, rest, None, None, None)
    n = x.n
    if x.var == 0.0:  # x constant: no covariance with anything
        cov_t = cov_rest = 0.0
    else:
        cov_t = (col.sum_xt - x.mean * col.sum_t) / (n - 1)
        cov_rest = cov_t - x.var
    cov_max = sorted_products(col.marks, col.rests, x.mean, rest.mean) / (n - 1)
    return _Figures(x, rest, cov_t, cov_rest, cov_max)


def _ratio(cov: float | None, vx: float | None, vr: float | None) -> float | None:
    if cov is None or vx is None or vr is None or vx <= _EPS or vr <= _EPS:
        return None
    return 100.0 * cov / math.sqrt(vx * vr)


def question_figures(
    columns: Sequence[Column],
    *,
    random_guess: Sequence[float | None] | None = None,
    keys: Sequence[str] | None = None,
) -> list[QuestionStats]:
    """Per-question statistics (``itemstats``' module docstring) of the columns;
    ``keys`` default to "1", "2", ..."""
    p = len(columns)
    guesses = list(random_guess) if random_guess is not None else [None] * p
    names = list(keys) if keys is not None else [str(j + 1) for j in range(p)]
    figures = [_figures(c) for c in columns]
    sum_sqrt = math.fsum(
        math.sqrt(f.cov_t) for f in figures if f.cov_t is not None and f.cov_t >= 0
    )
    result = []
    for j, (col, f) in enumerate(zip(columns, figures, strict=True)):
        mm, cov, var, x_mean = col.maxmark, f.cov_t, f.x.var, f.x.mean
        max_total = col.max_totals / f.x.n if f.x.n else None
        negative = cov is not None and cov < 0
        effective = None
        if cov is not None and not negative and sum_sqrt > _EPS:
            effective = 100.0 * math.sqrt(cov) / sum_sqrt
        de = None
        if f.cov_rest is not None and f.cov_max is not None and f.cov_max > _EPS:
            de = 100.0 * f.cov_rest / f.cov_max
        result.append(
            QuestionStats(
                key=names[j],
                n=f.x.n,
                maxmark=mm,
                mean=x_mean,
                facility=x_mean / mm if x_mean is not None and mm else None,
                sd=math.sqrt(max(var, 0.0)) / mm if var is not None and mm else None,
                random_guess=guesses[j],
                intended_weight=100.0 * mm / max_total if max_total else None,
                effective_weight=effective,
                effective_weight_negative=negative,
                discrimination=_ratio(f.cov_rest, var, f.rest.var),
                discriminative_efficiency=de,
                dubious=de is not None and de < DUBIOUS_BELOW,
            )
        )
    return result


def overall_figures(totals: Sequence[float], columns: Sequence[Column]) -> TestStats:
    """Whole-test statistics on the attempts' totals T; the coefficient of internal
    consistency (and so error ratio and standard error) only when every attempt
    holds every question."""
    t = [float(v) for v in totals]
    s, p = len(t), len(columns)
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
        if p > 1 and all(c.n == s for c in columns):
            item_vars = math.fsum(spread(c.marks).var or 0.0 for c in columns)
            cic = 100.0 * p / (p - 1) * (1 - item_vars / k2)
            er = 100.0 * math.sqrt(max(0.0, 1 - cic / 100.0))
            se = er / 100.0 * sd
    return TestStats(
        n=s,
        max_total=math.fsum(c.maxmark * c.n for c in columns) / s if s else None,
        mean=t_mean,
        median=statistics.median(t) if t else None,
        sd=sd,
        skewness=skew,
        kurtosis=kurt,
        cic=cic,
        error_ratio=er,
        standard_error=se,
    )


def from_matrix(
    marks: Marks, maxmarks: Sequence[float], totals: Sequence[float] | None = None
) -> tuple[list[Column], list[float]]:
    """The columns' aggregates and the totals T (default: each row's sum) of a
    matrix of marks."""
    rows = [list(r) for r in marks]
    if any(len(r) != len(maxmarks) for r in rows):
        raise ValueError("every row needs one cell per question")
    if totals is not None:
        t = [float(v) for v in totals]
    else:
        t = [math.fsum(v for v in r if v is not None) for r in rows]
    if len(t) != len(rows):
        raise ValueError("one total per row")
    row_max = [
        math.fsum(mm for v, mm in zip(r, maxmarks, strict=True) if v is not None) for r in rows
    ]
    columns = []
    for j, mm in enumerate(maxmarks):
        held = [(float(v), t[i], row_max[i]) for i, r in enumerate(rows) if (v := r[j]) is not None]
        columns.append(
            Column(
                maxmark=mm,
                marks=Counter(x for x, _t, _m in held),
                rests=Counter(ti - x for x, ti, _m in held),
                sum_xt=math.fsum(x * ti for x, ti, _m in held),
                sum_t=math.fsum(ti for _x, ti, _m in held),
                max_totals=math.fsum(m for _x, _t, m in held),
            )
        )
    return columns, t


def question_statistics(
    marks: Marks,
    maxmarks: Sequence[float],
    *,
    totals: Sequence[float] | None = None,
    random_guess: Sequence[float | None] | None = None,
    keys: Sequence[str] | None = None,
) -> list[QuestionStats]:
    """``question_figures`` of a matrix of marks (``totals`` default to row sums)."""
    columns, _t = from_matrix(marks, maxmarks, totals)
    return question_figures(columns, random_guess=random_guess, keys=keys)


def whole_test_statistics(
    marks: Marks, maxmarks: Sequence[float], *, totals: Sequence[float] | None = None
) -> TestStats:
    """``overall_figures`` of a matrix of marks (``totals`` default to row sums)."""
    columns, t = from_matrix(marks, maxmarks, totals)
    return overall_figures(t, columns)

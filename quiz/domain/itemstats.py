"""Item statistics as Moodle's quiz statistics report defines them: pure functions
on plain data (no Flask, no SQLAlchemy, no quiz.store; the reads are in
``quiz.reports.stats``). The per-question and whole-test figures are computed from
aggregates by ``quiz.domain.itemmoments``; the definitions and results are here.

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
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import mul
from typing import NamedTuple, Protocol, TypeVar

from quiz.domain import grading

DUBIOUS_BELOW = 15.0  # discriminative efficiency (%) under which a question is dubious
NO_ANSWER = "(no answer)"
_EPS = 1e-12

Marks = Sequence[Sequence[float | None]]  # rows: attempts; columns: questions; None: absent


ANSWERS_LISTED = 10
"""At most this many of a group's distinct answers are listed with it."""


class ResponseRow(NamedTuple):
    label: str
    count: int  # type: ignore[assignment]  # the report's word; tuple.count is never called
    mean_fraction: float
    misconceptions: tuple[str, ...] = ()  # codes these answers revealed, most frequent first
    # A group of more than one distinct answer (every number that matched no listed
    # value, say): each answer and how many gave it, most frequent first, at most
    # ANSWERS_LISTED; and how many distinct answers the group holds in all.
    answers: tuple[tuple[str, int], ...] = ()
    distinct: int = 1


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


# -- the answers grouped, as the report's "what went wrong" lists them ----------------

Tally = Counter[tuple[str, str, str | None, float]]
"""Answers counted by (classification, summary, misconception code, fraction)."""


def responses(tally: Tally, missing: int) -> list[ResponseRow]:
    """Answers grouped by classification, labelled by their most frequent summary
    (the alphabetically first if tied), from the tally of (classification, summary,
    misconception, fraction); ``missing`` unanswered. A group of several distinct
    answers lists them too (``ResponseRow.answers``): the numbers that matched no
    listed value are one group, and "100" alone would hide a "150" and a "200"."""
    groups: dict[str, tuple[Counter[str], Counter[str], list[tuple[float, int]]]] = {}
    for (classification, summary, code, fraction), n in tally.items():
        summaries, codes, fractions = groups.setdefault(classification, (Counter(), Counter(), []))
        summaries[summary] += n
        if code:
            codes[code] += n
        fractions.append((fraction, n))
    rows = []
    for classification, (summaries, codes, fractions) in groups.items():
        ranked = sorted(summaries.items(), key=lambda kv: (-kv[1], kv[0]))
        label = ranked[0][0]
        listed = tuple(ranked[:ANSWERS_LISTED]) if len(ranked) > 1 else ()
        count = sum(n for _f, n in fractions)
        # the exactly rounded sum of every answer's fraction, as fsum over them
        total = math.fsum(chain.from_iterable(repeat(f, n) for f, n in fractions))
        revealed = tuple(c for c, _n in sorted(codes.items(), key=lambda kv: (-kv[1], kv[0])))
        rows.append(
            ResponseRow(
                label or classification or "(empty)",
                count,
                total / count,
                revealed,
                listed,
                len(ranked),
            )
        )
    if missing:
        rows.append(ResponseRow(NO_ANSWER, missing, 0.0))
    return sorted(rows, key=lambda r: (-r.count, r.label == NO_ANSWER, r.label))


def misconceptions(tally: Tally) -> list[tuple[str, int]]:
    """Misconception codes and how many answers revealed each, most frequent first."""
    counts: Counter[str] = Counter()
    for (_c, _s, code, _f), n in tally.items():
        if code:
            counts[code] += n
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


# -- which attempts count, and what a skill's percentage is ---------------------------

WHICH_ATTEMPTS = {
    "highest": "Each student's highest-graded attempt (the earliest if tied)",
    "first": "Each student's first attempt",
    "last": "Each student's last attempt",
    "average": "All submitted attempts, each counted on its own",
}


class Graded(Protocol):
    """A submitted attempt as the choice needs it."""

    @property
    def number(self) -> int: ...
    @property
    def score(self) -> float | None: ...


A = TypeVar("A", bound=Graded)


def counted_attempts(submitted: Sequence[A], method: str) -> list[A]:
    """The one place that chooses which of a student's submitted attempts count under
    the grading method (``quiz.domain.grading``): every one for average, else the one
    ``grading.chosen_attempt`` picks (highest: the earliest if tied; first; last).
    The students' table, the statistics, mastery by skill, discernment and both CSV
    exports all count these attempts."""
    if method == "average":
        return list(submitted)
    if len(submitted) == 1:  # what chosen_attempt picks of one, whatever the method
        return [submitted[0]]
    scores = [(a.number, float(a.score or 0.0)) for a in submitted]
    number = grading.chosen_attempt(scores, method)
    return [next(a for a in submitted if a.number == number)] if number is not None else []


SkillSums = Mapping[str, tuple[float, float]]
"""Per skill: (marks earned, marks possible) over some questions of that skill."""


def pooled(sums: Iterable[SkillSums]) -> dict[str, tuple[float, float]]:
    """Several attempts' skill sums added together, skill by skill."""
    total: dict[str, tuple[float, float]] = {}
    get = total.get
    for one in sums:
        for skill, (earned, possible) in one.items():
            got, out = get(skill, (0.0, 0.0))
            total[skill] = (got + earned, out + possible)
    return total


def skill_percent(sums: SkillSums, skill: str) -> float | None:
    """THE definition of a skill's percentage: marks earned over marks possible on
    the skill's questions, summed over the counted attempts (pooled, not a mean of
    per-attempt percentages), ×100; None when no question of the skill was had."""
    earned, possible = sums.get(skill, (0.0, 0.0))
    return 100.0 * earned / possible if possible else None


@dataclass(frozen=True)
class SkillMastery:
    key: str
    name: str
    mean_percent: float | None
    students: int
    per_student: list[float] = field(default_factory=list)


def skill_mastery(
    names: Mapping[str, str], per_student: Mapping[int, SkillSums]
) -> list[SkillMastery]:
    """Each skill (the bank's order, then any other): every student's ``skill_percent``
    over their counted attempts (students without the skill's questions left out)
    and the class figure, their mean."""
    seen = {k for sums in per_student.values() for k in sums}
    order = list(names) + sorted(k for k in seen if k not in names)
    result = []
    for key in order:
        percents = [
            p
            for _sid, sums in sorted(per_student.items())
            if (p := skill_percent(sums, key)) is not None
        ]
        result.append(
            SkillMastery(key, names.get(key, key), mean(percents), len(percents), percents)
        )
    return result


def score_percent(score: float, max_score: float | None) -> float:
    """An attempt's score as a percentage of its maximum (0 when it had none)."""
    return 100.0 * score / max_score if max_score else 0.0

"""Item statistics agree with Moodle's definitions (reference/item-statistics.md).

The pure functions are checked against values worked out by hand below, and they import
neither Flask nor the database. The statistics read from a database:
tests/test_stats_reads.py."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest

from quiz.domain import itemstats as its
from quiz.domain.itemmoments import question_statistics, whole_test_statistics
from quiz.domain.itemstats import covariance, discrimination_index

approx = pytest.approx

# A class of 5 attempts × 3 questions (max marks 1, 2, 1):
#
#   attempt   Q1  Q2  Q3 |  T
#      1       1   2   1 |  4
#      2       1   1   0 |  2
#      3       0   1   1 |  2
#      4       1   0   0 |  1
#      5       0   0   0 |  0
MARKS = [[1, 2, 1], [1, 1, 0], [0, 1, 1], [1, 0, 0], [0, 0, 0]]
MAXMARKS = [1, 2, 1]


def test_question_statistics_by_hand():
    q1, q2, q3 = question_statistics(MARKS, MAXMARKS, random_guess=[0.5, None, 0.25])
    assert [q.key for q in (q1, q2, q3)] == ["1", "2", "3"]
    assert q1.n == q2.n == q3.n == 5

    # Facility: mean(x)/maxmark. Q1 3/5 = 0.6; Q2 (4/5)/2 = 0.4; Q3 2/5 = 0.4.
    assert (q1.facility, q2.facility, q3.facility) == approx((0.6, 0.4, 0.4))
    # SD (s−1) / maxmark.
    # Q1: deviations from 0.6: .4 .4 −.6 .4 −.6 -> Σd² = 3(.16) + 2(.36) = 1.2, var = 1.2/4 = .3
    # Q2: from 0.8: 1.2 .2 .2 −.8 −.8 -> Σd² = 1.44 + .04 + .04 + .64 + .64 = 2.8, var = .7
    # Q3: from 0.4: .6 −.4 .6 −.4 −.4 -> Σd² = 2(.36) + 3(.16) = 1.2, var = .3
    assert q1.sd == approx(math.sqrt(0.3) / 1)
    assert q2.sd == approx(math.sqrt(0.7) / 2)
    assert q3.sd == approx(math.sqrt(0.3) / 1)
    assert (q1.random_guess, q2.random_guess, q3.random_guess) == (0.5, None, 0.25)
    # Intended weight: maxmark / Σ maxmarks = 1/4, 2/4, 1/4.
    assert (q1.intended_weight, q2.intended_weight, q3.intended_weight) == approx((25, 50, 25))

    # Discrimination index: 100·Cov(x, X)/sqrt(Var x · Var X), X = T − x (rest of test).
    # Q1: X = 3 1 2 0 0, mean 1.2, deviations 1.8 −.2 .8 −1.2 −1.2
    #     Σd² = 3.24 + .04 + .64 + 1.44 + 1.44 = 6.8 -> Var X = 1.7
    #     Σ dx·dX = .72 − .08 − .48 − .48 + .72 = .4 -> Cov = .1
    #     DI = 100 · .1 / sqrt(.3 · 1.7) = 10 / sqrt(.51)
    assert q1.discrimination == approx(10 / math.sqrt(0.51))
    assert q1.discrimination == approx(14.0028, abs=1e-4)
    # Q2: X = 2 1 1 1 0, mean 1, deviations 1 0 0 0 −1 -> Var X = 2/4 = .5
    #     Σ dx·dX = 1.2 + .8 = 2 -> Cov = .5; DI = 50 / sqrt(.7 · .5)
    assert q2.discrimination == approx(50 / math.sqrt(0.35))
    # Q3: X = 3 2 1 1 0, mean 1.4, deviations 1.6 .6 −.4 −.4 −1.4 -> Σd² = 5.2, Var X = 1.3
    #     Σ dx·dX = .96 − .24 − .24 + .16 + .56 = 1.2 -> Cov = .3; DI = 30 / sqrt(.3 · 1.3)
    assert q3.discrimination == approx(30 / math.sqrt(0.39))

    # Discriminative efficiency: 100·Cov(x, X)/CovMax, sorted x paired with sorted X.
    # Q1: sorted x 0 0 1 1 1 (dev −.6 −.6 .4 .4 .4), sorted X 0 0 1 2 3 (dev −1.2 −1.2 −.2 .8 1.8)
    #     Σ = .72 + .72 − .08 + .32 + .72 = 2.4 -> CovMax = .6; DE = 100 · .1/.6
    assert q1.discriminative_efficiency == approx(100 * 0.1 / 0.6)
    assert not q1.dubious  # 16.7 % ≥ 15 %
    # Q2: sorted x 0 0 1 1 2 (dev −.8 −.8 .2 .2 1.2), sorted X 0 1 1 1 2 (dev −1 0 0 0 1)
    #     Σ = .8 + 1.2 = 2 -> CovMax = .5 = Cov: DE = 100
    assert q2.discriminative_efficiency == approx(100)
    # Q3: sorted x 0 0 0 1 1 (dev −.4 −.4 −.4 .6 .6), sorted X 0 1 1 2 3 (dev −1.4 −.4 −.4 .6 1.6)
    #     Σ = .56 + .16 + .16 + .36 + .96 = 2.2 -> CovMax = .55; DE = 100 · .3/.55
    assert q3.discriminative_efficiency == approx(100 * 0.3 / 0.55)

    # Effective weight: cov_i = Cov(x_i, T); T deviations from 1.8: 2.2 .2 .2 −.8 −1.8
    # Q1: .88 + .08 − .12 − .32 + 1.08 = 1.6 -> .4;  Q2: 2.64 + .04 + .04 + .64 + 1.44 = 4.8 -> 1.2
    # Q3: 1.32 − .08 + .12 + .32 + .72 = 2.4 -> .6;  EW_i = 100 sqrt(cov_i) / Σ sqrt(cov_j)
    root = math.sqrt(0.4) + math.sqrt(1.2) + math.sqrt(0.6)
    assert q1.effective_weight == approx(100 * math.sqrt(0.4) / root)
    assert q2.effective_weight == approx(100 * math.sqrt(1.2) / root)
    assert q3.effective_weight == approx(100 * math.sqrt(0.6) / root)
    assert not any(q.effective_weight_negative for q in (q1, q2, q3))


def test_whole_test_statistics_by_hand():
    t = whole_test_statistics(MARKS, MAXMARKS)
    # T = 4 2 2 1 0: mean 1.8, median 2, deviations 2.2 .2 .2 −.8 −1.8
    assert (t.n, t.max_total, t.mean, t.median) == approx((5, 4, 1.8, 2))
    # Σd² = 4.84 + .04 + .04 + .64 + 3.24 = 8.8 -> k2 = 8.8/4 = 2.2
    assert t.sd == approx(math.sqrt(2.2))
    # m2 = 8.8/5 = 1.76
    # Σd³ = 10.648 + .008 + .008 − .512 − 5.832 = 4.32 -> m3 = .864
    # Σd⁴ = 23.4256 + .0016 + .0016 + .4096 + 10.4976 = 34.336 -> m4 = 6.8672
    # k3 = s²·m3/((s−1)(s−2)) = 25 · .864 / 12 = 1.8; skew = k3 / k2^1.5
    assert t.skewness == approx(1.8 / 2.2**1.5)
    assert t.skewness == approx(0.55161, abs=1e-5)
    # k4 = s²((s+1)m4 − 3(s−1)m2²)/((s−1)(s−2)(s−3)) = 25 (6 · 6.8672 − 12 · 3.0976) / 24
    #    = 25 · 4.032 / 24 = 4.2; kurtosis = k4 / k2² = 4.2 / 4.84
    assert t.kurtosis == approx(4.2 / 4.84)
    # CIC = 100 · P/(P−1) · (1 − Σ Var(x_j)/k2) = 100 · 3/2 · (1 − (.3 + .7 + .3)/2.2)
    cic = 100 * 1.5 * (1 - 1.3 / 2.2)
    assert t.cic == approx(cic)
    assert t.cic == approx(61.3636, abs=1e-4)
    er = 100 * math.sqrt(1 - cic / 100)
    assert t.error_ratio == approx(er)
    assert t.standard_error == approx(er / 100 * math.sqrt(2.2))


def test_moodle_fixture_cic_can_be_negative():
    # Two questions marked in opposite directions: Σ Var(x_j) > Var(T) makes CIC < 0,
    # and the error ratio above 100 % (as in Moodle's fixture: CIC −87 %, ER 137 %).
    t = whole_test_statistics([[1, 0], [0, 1], [1, 1], [0, 0]], [1, 1])
    # x1 = 1 0 1 0, x2 = 0 1 1 0: Var = 1/3 each; T = 1 1 2 0: Var = 2/3
    assert t.cic == approx(100 * 2 * (1 - (2 / 3) / (2 / 3)))
    t = whole_test_statistics([[1, 0], [0, 1], [1, 0], [0, 1], [1, 1]], [1, 1])
    # x1 = 1 0 1 0 1 (Var .3), x2 = 0 1 0 1 1 (Var .3), T = 1 1 1 1 2 (Var .2)
    assert t.cic == approx(100 * 2 * (1 - 0.6 / 0.2))
    assert t.error_ratio == approx(100 * math.sqrt(1 + 4))


def test_negative_covariance_is_flagged_not_a_number():
    # Q1 (max 2) 2 2 0 0, Q2 (max 1) 0 0 1 1: T = 2 2 1 1; Q2 falls as T rises.
    q1, q2 = question_statistics([[2, 0], [2, 0], [0, 1], [0, 1]], [2, 1])
    assert q2.effective_weight is None and q2.effective_weight_negative
    assert q1.effective_weight == approx(100) and not q1.effective_weight_negative
    # Q2 against its rest of test (2 2 0 0): perfectly negative.
    assert q2.discrimination == approx(-100)
    assert q2.dubious  # DE = −100 %


def test_none_when_not_computable():
    # One attempt: no SD, no covariance, no discrimination, no effective weight.
    (q,) = question_statistics([[1]], [1])
    assert q.facility == 1 and q.sd is None and q.discrimination is None
    assert q.discriminative_efficiency is None and q.effective_weight is None
    assert not q.dubious and not q.effective_weight_negative
    t = whole_test_statistics([[1]], [1])
    assert t.mean == 1 and t.median == 1 and t.sd is None and t.skewness is None
    assert t.kurtosis is None and t.cic is None and t.error_ratio is None
    # No attempts at all.
    (q,) = question_statistics([], [1])
    assert q.n == 0 and q.facility is None and q.intended_weight is None
    t = whole_test_statistics([], [1])
    assert t.n == 0 and t.mean is None and t.median is None and t.max_total is None
    # Everyone right on Q1: its variance is 0, so DI and DE are None.
    q1, q2 = question_statistics([[1, 1], [1, 0], [1, 1]], [1, 1])
    assert q1.sd == 0 and q1.discrimination is None and q1.discriminative_efficiency is None
    assert q2.discrimination is None  # its rest of test (Q1) is constant
    assert q1.effective_weight == 0 and q2.effective_weight == approx(100)
    # P = 1: no CIC. s = 2: no skewness; s = 3: no kurtosis.
    t = whole_test_statistics([[1], [0], [1]], [1])
    assert t.cic is None and t.skewness is not None and t.kurtosis is None
    assert whole_test_statistics([[1], [0]], [1]).skewness is None
    # Everyone the same total: no SD-based figure divides by zero.
    t = whole_test_statistics([[1, 0], [0, 1]], [1, 1])
    assert t.sd == 0 and t.skewness is None and t.cic is None
    # Max mark 0 (not stored by the app, but never divide by zero).
    (q,) = question_statistics([[0], [0]], [0])
    assert q.facility is None and q.sd is None and q.intended_weight is None


def test_floats_that_are_equal_count_as_zero_variance():
    assert discrimination_index([0.1, 0.1, 0.1], [1, 2, 3]) is None
    assert covariance([1, 2], [3, 5]) == approx(1)


def test_questions_missing_from_some_attempts():
    # Q3 was not drawn in attempts 4 and 5: its statistics use attempts 1–3 only.
    marks = [[1, 2, 1], [1, 1, 0], [0, 1, 1], [1, 0, None], [0, 0, None]]
    q1, _q2, q3 = question_statistics(marks, MAXMARKS)
    assert q1.n == 5 and q3.n == 3
    # T = 4 2 2 1 0; Q3: x = 1 0 1, X = 3 2 1
    # x̄ = 2/3, deviations 1/3 −2/3 1/3 -> Var = (1/9 + 4/9 + 1/9)/2 = 1/3
    # X̄ = 2, deviations 1 0 −1 -> Var = 1; Cov = (1/3 + 0 − 1/3)/2 = 0
    assert q3.facility == approx(2 / 3)
    assert q3.sd == approx(math.sqrt(1 / 3))
    assert q3.discrimination == approx(0, abs=1e-12)
    # Its weight counts in the attempts that had it (max total 4): 1/4.
    assert q3.intended_weight == approx(25)
    # Q1 over all five: X = T − x = 3 1 2 0 0 as before.
    assert q1.discrimination == approx(10 / math.sqrt(0.51))
    # Attempts 4 and 5 had a max total of 3: the mean max total is (4·3 + 3·2)/5.
    assert q1.intended_weight == approx(100 * 1 / ((4 * 3 + 3 * 2) / 5))
    t = whole_test_statistics(marks, MAXMARKS)
    assert t.mean == approx(1.8) and t.cic is None  # CIC needs every question in every attempt


def test_totals_given_are_used():
    # T from the attempt, not the row sum (e.g. a score stored before a regrade).
    (q,) = question_statistics([[1], [0], [1]], [1], totals=[3, 1, 2])
    # X = 2 1 1, x = 1 0 1: x̄ = 2/3, X̄ = 4/3; Cov = (1/3·2/3 + (−2/3)(−1/3) + 1/3(−1/3))/2
    assert q.discrimination is not None
    cov = (1 / 3 * 2 / 3 + 2 / 9 - 1 / 9) / 2
    assert q.discrimination == approx(100 * cov / math.sqrt(1 / 3 * 1 / 3))


def test_moodles_formulas_import_neither_flask_nor_the_database():
    """quiz.domain.itemstats and itemmoments are pure: plain data in, numbers out
    (issue #18, item 3); the queries are quiz.reports.stats's."""
    import ast

    import quiz.domain.itemmoments
    import quiz.domain.itemstats

    source = "\n".join(
        Path(pure.__file__).read_text(encoding="utf-8")
        for pure in (quiz.domain.itemstats, quiz.domain.itemmoments)
    )
    tree = ast.parse(source)
    imported = [
        name
        for node in ast.walk(tree)
        for name in (
            [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
    ]
    assert imported  # the walk found the imports
    forbidden = ("flask", "sqlalchemy", "quiz.store", "quiz.services", "quiz.reports")
    assert not [n for n in imported if n.startswith(forbidden)], imported


def test_a_group_of_different_answers_lists_them():
    """The answers that matched nothing are one group, labelled by the most frequent
    (alphabetically first if tied), with every distinct answer listed, at most
    ANSWERS_LISTED of them, and how many there are in all."""
    tally: its.Tally = Counter()
    tally["answer:60", "60", None, 1.0] += 3
    for i, n in enumerate([2, 1, 1, *[1] * 10]):
        tally["other", f"{100 + i}", None, 0.0] += n
    rows = its.responses(tally, missing=1)
    assert [r[:3] for r in rows] == [("100", 14, 0.0), ("60", 3, 1.0), (its.NO_ANSWER, 1, 0.0)]
    other, right = rows[0], rows[1]
    assert other.distinct == 13 and len(other.answers) == its.ANSWERS_LISTED
    assert other.answers[:3] == (("100", 2), ("101", 1), ("102", 1))
    assert right.answers == () and right.distinct == 1

"""The item statistics from aggregates (``quiz.domain.itemmoments``, what the app
runs since issue #20) agree with the cell-by-cell computation they replaced
(tests/stats_reference.py) to 1e-9, on random classes: random draws (a question
missing from some attempts), unanswered slots (0), fractional marks, totals given or
the rows' sums, ties, one attempt, constant columns. The same comparison over a real
database: tests/test_stats_aggregates_db.py."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.domain.itemmoments import question_statistics, whole_test_statistics
from tests import stats_reference as ref

FRACTIONS = (0.0, 0.1, 0.25, 1 / 3, 0.5, 2 / 3, 0.75, 0.9, 1.0)
MAXMARKS = (0.5, 1.0, 2.0, 3.0, 1.5)


@st.composite
def classes(draw: st.DrawFn) -> tuple[list[list[float | None]], list[float], list[float] | None]:
    p = draw(st.integers(1, 6))
    maxmarks = [draw(st.sampled_from(MAXMARKS)) for _ in range(p)]
    drawn = draw(st.lists(st.booleans(), min_size=p, max_size=p))  # random draws or not
    s = draw(st.integers(0, 30))
    rows = []
    for _ in range(s):
        row: list[float | None] = []
        for j in range(p):
            if drawn[j] and draw(st.integers(0, 3)) == 0:
                row.append(None)  # not drawn for this attempt
            else:
                row.append(maxmarks[j] * draw(st.sampled_from(FRACTIONS)))
        rows.append(row)
    totals = None
    if draw(st.booleans()):  # a stored score that is not the row's sum (a regrade)
        totals = [draw(st.sampled_from((0.0, 0.5, 1.0, 2.5, 7 / 3))) for _ in range(s)]
    return rows, maxmarks, totals


@settings(max_examples=400, deadline=None)
@given(classes())
def test_aggregates_agree_with_cell_by_cell(case) -> None:
    marks, maxmarks, totals = case
    new = question_statistics(marks, maxmarks, totals=totals)
    old = ref.question_statistics(marks, maxmarks, totals=totals)
    ref.assert_questions(new, old, ref.zero_covariances(marks, totals))
    ref.assert_same(
        whole_test_statistics(marks, maxmarks, totals=totals),
        ref.whole_test_statistics(marks, maxmarks, totals=totals),
    )


def test_large_class_agrees() -> None:
    """10,000 attempts of 12 questions, some drawn at random: what the bench's class
    looks like, and where sums over many rows would lose precision if they were going to."""
    import random

    rnd = random.Random(20)
    maxmarks = [rnd.choice(MAXMARKS) for _ in range(12)]
    marks = [
        [
            None if j % 5 == 4 and rnd.random() < 0.3 else mm * rnd.choice(FRACTIONS)
            for j, mm in enumerate(maxmarks)
        ]
        for _ in range(10_000)
    ]
    ref.assert_same(question_statistics(marks, maxmarks), ref.question_statistics(marks, maxmarks))
    ref.assert_same(
        whole_test_statistics(marks, maxmarks), ref.whole_test_statistics(marks, maxmarks)
    )

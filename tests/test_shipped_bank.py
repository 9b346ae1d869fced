"""The shipped bank as a teacher reviewed it (issue #15, part 1): right answers get
credit, wrong ones name the mistake they show, and the items give no free marks.

Pure Python: the bank is loaded and graded through the real grader, no database."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from quiz.domain.banklint import failed_checks, lint
from quiz.domain.banks import LoadedBank, check_paths
from quiz.questions.base import Question

BANK = Path(__file__).resolve().parent.parent / "question_banks" / "ice-assaults-500.yaml"


@pytest.fixture(scope="module")
def bank() -> LoadedBank:
    (loaded,), errors = check_paths([BANK])
    assert errors == []
    return loaded


def _question(bank: LoadedBank, qid: str) -> Question:
    return next(q for q in bank.questions if q.id == qid)


def _typed(bank: LoadedBank, qid: str, typed: str) -> tuple[float, tuple[str, ...]]:
    q = _question(bank, qid)
    field = "value" if q.type == "numeric" else "text"
    grade = q.grade(q.read_response({field: [typed]}), bank.article)
    return grade.fraction, grade.misconceptions


def test_strict_check_passes_every_check_and_warns_about_nothing(bank):
    ran, failures = failed_checks(bank)
    assert failures == []
    assert ran >= 70
    assert lint(bank) == []


def test_every_typed_question_carries_its_own_checks(bank):
    typed = [q for q in bank.questions if q.type in ("numeric", "text")]
    assert len(typed) >= 10
    for q in typed:
        fractions = [c.fraction for c in q.checks]
        assert 1 in fractions, q.id  # a right answer is tested
        assert any(c.misconception or c.fraction == 0 for c in q.checks), q.id  # and a wrong one


@pytest.mark.parametrize(
    ("qid", "typed", "at_least"),
    [
        *[
            ("base-period", t, 1)
            for t in ("the time period", "the period", "the comparison period", "when")
        ],
        *[("base-period", t, 1) for t in ("dates", "time span")],
        *[
            ("base-denominator", t, 1)
            for t in ("the number of ICE officers", "ICE officers", "how many officers")
        ],
        ("base-denominator", "the number of arrests", 1),
        ("pct-asymmetry", "−83.3%", 1),
        ("pct-asymmetry", "-83.3", 1),
        ("pct-points-word", "percentage-points", 1),
        ("pct-points-word", "p.p.", 1),
        ("rep-who-must", "the writer's", 1),
        ("rep-who-must", "no one", 0.5),
        ("rep-who-must", "nobody", 0.5),
    ],
)
def test_right_answers_the_review_found_rejected_now_get_credit(bank, qid, typed, at_least):
    fraction, misconceptions = _typed(bank, qid, typed)
    assert fraction >= at_least
    assert misconceptions == ()  # no "Watch out for" on a right or half-right answer


@pytest.mark.parametrize(
    ("qid", "typed", "code"),
    [
        ("pct-times", "501", "PCT_AS_NUMBER"),
        ("pct-times", "500", "PCT_AS_NUMBER"),
        ("pct-asymmetry", "100", "FALL_TO_ZERO"),
        ("pct-asymmetry", "500", "ASYMMETRY"),
        ("base-count-numbers", "500", "PCT_AS_COUNT"),
        ("base-period", "source", "GENERIC_SOURCE"),
        ("pct-change-19-275", "174", "WRONG_DENOM"),  # change ÷ the average of 19 and 275
        ("pct-change-19-275", "13.47", "DECIMAL_SLIP"),
    ],
)
def test_a_wrong_answer_names_the_mistake_it_shows(bank, qid, typed, code):
    fraction, misconceptions = _typed(bank, qid, typed)
    assert fraction == 0
    assert misconceptions == (code,)


def test_a_catalogue_entry_describes_the_mistake_it_is_used_for(bank):
    texts = bank.misconceptions
    assert "without dividing by 100" in texts["PCT_AS_NUMBER"]
    assert "50%" in texts["DECIMAL_SLIP"]  # a decimal slip: 500% read as 50%
    assert "zero" in texts["FALL_TO_ZERO"]
    assert "average" in texts["WRONG_DENOM"]
    # The p9 sentences (analysis) are no longer tagged as mistaking advocacy for reporting.
    p9 = [
        s
        for q in bank.questions
        if q.type == "classify"
        for s in q.sentences
        if s.sentence.startswith("p9-")
    ]
    assert p9, "no classify item has a p9 sentence: nothing checked"
    for s in p9:
        assert s.category == "analysis" and s.misconception == "OPINION_AS_FACT"


def test_the_rewrite_key_says_what_the_article_shows_not_what_dhs_has(bank):
    q = _question(bank, "rep-rewrite")
    (key,) = [o for o in q.options if o.credit == 1]
    assert "the article gives no counts" in key.text
    assert "did not give" not in key.text


def test_choice_items_give_no_free_marks(bank):
    singles = [q for q in bank.questions if q.type == "single"]
    choice = [q for q in bank.questions if q.type in ("single", "multiple")]
    firsts = Counter(next(i for i, o in enumerate(q.options) if o.credit == 1) for q in choice)
    # No position holds a right option in more than a third of the choice items.
    assert max(firsts.values()) <= len(choice) / 3, firsts
    longest = [
        q.id
        for q in singles
        if all(
            len(o.text) < len(k.text)
            for k in q.options
            if k.credit == 1
            for o in q.options
            if o.credit < 1
        )
    ]
    assert len(longest) <= len(singles) / 4, longest


def test_a_third_of_classify_sentences_are_plain_checkable_statements(bank):
    assert bank.plain_category == "unattributed"
    labels = Counter(
        s.category for q in bank.questions if q.type == "classify" for s in q.sentences
    )
    assert labels["unattributed"] >= sum(labels.values()) / 3, labels


def test_coverage_gaps_are_filled(bank):
    codes = {
        getattr(item, "misconception", None)
        for q in bank.questions
        for name in ("options", "wrong", "sentences", "distractors")
        for item in getattr(q, name, ()) or ()
    }
    assert {"SMALL_BASE", "TIMES_MORE", "REL_AS_ABS", "VAGUE_SOURCE", "COUNT_AS_RATE"} <= codes
    ids = {q.id for q in bank.questions}
    assert {"pct-times-more", "pct-abs-risk", "base-count-as-risk", "rep-vague-source"} <= ids
    # The article's own count-as-risk sentence (p2-s2) is the subject of an item.
    assert "clear evidence that the risk" in _question(bank, "base-count-as-risk").prompt

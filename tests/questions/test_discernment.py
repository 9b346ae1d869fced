"""quiz.domain.discernment: signal-detection counts, d' and c, MIST-style counts (issue #22).

The expected values are worked out by hand from the log-linear correction
(Hautus 1995): H = (hits + 0.5) / (flawed + 1), F = (false alarms + 0.5) / (sound + 1),
d' = z(H) - z(F), c = -(z(H) + z(F)) / 2, with z from a normal table."""

from __future__ import annotations

from typing import Any

import pytest

from quiz.domain.discernment import Counts, Judgement, counts_by_skill, judgements, plain_words
from quiz.questions.classify import Classify
from quiz.questions.highlight import Highlight
from quiz.questions.multiple import Multiple
from quiz.questions.single import Single

approx = pytest.approx


def test_counts_from_judgements():
    js = [
        Judgement(flawed=True, said_flawed=True),
        Judgement(flawed=True, said_flawed=False),
        Judgement(flawed=False, said_flawed=True),
        Judgement(flawed=False, said_flawed=False),
        Judgement(flawed=False, said_flawed=False),
    ]
    c = Counts.of(js)
    assert (c.hits, c.misses, c.false_alarms, c.correct_acceptances) == (1, 1, 1, 2)
    assert (c.flawed, c.sound, c.total) == (2, 3, 5)


def test_d_prime_and_c_by_hand():
    # 8 hits, 2 misses, 3 false alarms, 7 correct acceptances:
    # H = 8.5/11 = 0.7727 -> z = 0.7479; F = 3.5/11 = 0.3182 -> z = -0.4728
    c = Counts(8, 2, 3, 7)
    assert c.corrected_rates == approx((8.5 / 11, 3.5 / 11))
    assert c.d_prime == approx(0.7479 + 0.4728, abs=1e-3)  # 1.2206
    assert c.c == approx(-(0.7479 - 0.4728) / 2, abs=1e-3)  # -0.1375
    assert c.pr == approx(0.8 - 0.3)
    assert (c.right_on_flawed, c.right_on_sound) == (8, 7)
    assert (c.distrust, c.naivete) == (1, 0)  # 11 judged flawed of 10 flawed


def test_rates_of_0_and_1_are_corrected():
    # Perfect: 5 of 5 flawed rejected (H = 1), 0 of 5 sound (F = 0): no finite z.
    # Corrected: H = 5.5/6 = 0.9167 -> z = 1.3830; F = 0.5/6 = 0.0833 -> z = -1.3830
    perfect = Counts(5, 0, 0, 5)
    assert perfect.corrected_rates == approx((5.5 / 6, 0.5 / 6))
    assert perfect.d_prime == approx(2.766, abs=1e-3)
    assert perfect.c == approx(0.0, abs=1e-12)
    # Exactly backwards: every sound one rejected, every flawed one accepted.
    backwards = Counts(0, 5, 5, 0)
    assert backwards.d_prime == approx(-2.766, abs=1e-3)
    assert (backwards.distrust, backwards.naivete) == (0, 0)


def test_blanket_suspicion_high_distrust_zero_discernment():
    # 10 flawed and 10 sound, all called flawed: H = F = 10.5/11 -> z = 1.6906
    sceptic = Counts.of(
        [Judgement(True, True)] * 10 + [Judgement(False, True)] * 10,
    )
    assert sceptic.d_prime == 0.0
    assert sceptic.pr == 0.0
    assert sceptic.c == approx(-1.6906, abs=1e-3)  # strongly biased to "flawed"
    assert sceptic.distrust == 10 and sceptic.naivete == 0
    assert sceptic.rejects_sound_like_flawed() is True
    # Unequal numbers: d' only near 0 (the correction differs), H - F exactly 0.
    uneven = Counts(12, 0, 7, 0)
    assert uneven.pr == 0.0
    # z(12.5/13) - z(7.5/8) = 1.7688 - 1.5341 = 0.2347: small, not 0; H - F is 0
    assert uneven.d_prime == approx(1.7688 - 1.5341, abs=1e-3)
    assert uneven.distrust == 7
    assert "about as often as flawed ones" in plain_words(sceptic)


def test_blanket_credulity_high_naivete():
    credulous = Counts(0, 6, 0, 6)
    # H = F = 0.5/7 = 0.0714 -> z = -1.4652: c = +1.4652, biased to "sound"
    assert credulous.d_prime == 0.0 and credulous.c == approx(1.4652, abs=1e-3)
    assert (credulous.distrust, credulous.naivete) == (0, 6)
    assert "accepted flawed statements about as often" in plain_words(credulous)


def test_no_score_without_both_kinds():
    assert Counts(3, 1, 0, 0).d_prime is None
    assert Counts(3, 1, 0, 0).c is None
    assert plain_words(Counts()) == ""


def test_counts_by_skill_and_addition():
    js = [Judgement(True, True, "a"), Judgement(False, False, "b"), Judgement(False, True, "a")]
    by = counts_by_skill(js)
    assert by["a"] == Counts(1, 0, 1, 0) and by["b"] == Counts(0, 0, 0, 1)
    assert by["a"] + by["b"] == Counts.of(js)


# -- which answers are judgements ------------------------------------------------------


def classify_spec(**extra: Any) -> dict[str, Any]:
    return {
        "skill": "reporting",
        "sentences": [
            {"quote": "DHS recently disclosed", "category": "attributed", "feedback": "F1"},
            {"quote": "results from a confluence", "category": "analysis", "feedback": "F2"},
            {"quote": "Stakeholders must act", "category": "advocacy", "feedback": "F3"},
        ],
        **extra,
    }


def test_classify_sound_categories(parse, problems, roundtrip):
    q = parse(Classify, classify_spec(sound_categories=["attributed"]))
    assert q.sound_categories == ("attributed",)
    assert roundtrip(q).sound_categories == ("attributed",)
    response = {"labels": {"p1-s1": "advocacy", "p2-s1": "analysis"}}  # p2-s2 unlabelled
    assert [(j.flawed, j.said_flawed) for j in judgements(q, response)] == [
        (False, True),  # a sound sentence rejected: false alarm
        (True, True),  # a flawed one rejected: hit
    ]
    assert judgements(parse(Classify, classify_spec()), response) == []  # not marked
    assert problems(Classify, classify_spec(sound_categories=["nope"])) == [
        (
            ("sound_categories", 0),
            "unknown category 'nope' (this question's: attributed, analysis, advocacy)",
        )
    ]
    everything = classify_spec(sound_categories=["attributed", "analysis", "advocacy"])
    assert problems(Classify, everything) == [
        (("sound_categories",), "leaves no category that says a sentence is flawed")
    ]


def test_highlight_unselected_non_target_is_a_correct_acceptance(parse, problems):
    spec = {
        "skill": "reporting",
        "paragraphs": [2],
        "sentences": [{"quote": "Stakeholders must act now.", "feedback": "F"}],
        "judgement": "flawed",
    }
    q = parse(Highlight, spec)
    c = Counts.of(judgements(q, {"sentences": ["p2-s2"]}))
    assert c == Counts(hits=1, misses=0, false_alarms=0, correct_acceptances=1)
    c = Counts.of(judgements(q, {"sentences": ["p2-s1", "p2-s2"]}))
    assert c == Counts(hits=1, misses=0, false_alarms=1, correct_acceptances=0)
    assert problems(Highlight, {**spec, "judgement": "sound"}) == [
        (("judgement",), "must be flawed (selecting flags a sentence), not 'sound'")
    ]


def test_single_option_judgement(parse, problems, roundtrip):
    spec = {
        "options": [
            {
                "id": "ok",
                "text": "The sum is right",
                "correct": True,
                "feedback": "F",
                "judgement": "sound",
            },
            {"id": "no", "text": "It must be wrong", "feedback": "F", "judgement": "flawed"},
            {"id": "x", "text": "Something else", "feedback": "F"},
        ]
    }
    q = parse(Single, spec)
    assert roundtrip(q).options[0].judgement == "sound"
    # The thing judged is sound (the right option says so): rejecting it is a false alarm.
    assert Counts.of(judgements(q, {"choice": "no"})) == Counts(0, 0, 1, 0)
    assert Counts.of(judgements(q, {"choice": "ok"})) == Counts(0, 0, 0, 1)
    assert judgements(q, {"choice": "x"}) == []
    bad = {"options": [{**spec["options"][0], "judgement": "fine"}, spec["options"][1]]}
    assert problems(Single, bad) == [
        (("options", 0, "judgement"), "must be sound or flawed, not 'fine'")
    ]


def test_multiple_each_marked_option_is_a_judgement(parse):
    # "Which of these calculations are sound?": choosing an option accepts it.
    spec = {
        "options": [
            {
                "id": "a",
                "text": "60/10 = 6",
                "correct": True,
                "feedback": "F",
                "judgement": "sound",
            },
            {"id": "b", "text": "50/60", "correct": False, "feedback": "F", "judgement": "sound"},
            {"id": "c", "text": "unmarked", "correct": False, "feedback": "F"},
        ]
    }
    q = parse(Multiple, spec)
    # a is sound, b is flawed. Choosing b accepts a flawed one (miss); leaving a out
    # rejects a sound one (false alarm).
    assert Counts.of(judgements(q, {"choices": ["b"]})) == Counts(0, 1, 1, 0)
    assert Counts.of(judgements(q, {"choices": ["a"]})) == Counts(1, 0, 0, 1)
    assert judgements(q, None) == []

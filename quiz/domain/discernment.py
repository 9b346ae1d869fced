"""Discernment, not blanket suspicion: signal-detection scores of a student's judgements.

Pure Python (no Flask, no database). A *judgement* is a student's verdict on one
thing the bank marks as sound or flawed (question_banks/README.md, "Judgements"):
a classified sentence, a sentence of a highlight question, a choice option. The
*signal* is a flaw, so

* hit: a flawed thing judged flawed;       miss: a flawed thing judged sound;
* false alarm: a sound thing judged flawed; correct acceptance: sound judged sound.

Signal detection (Macmillan & Creelman, *Detection Theory*, 2005)::

    H = hit rate, F = false-alarm rate
    d' = z(H) - z(F)          discernment: 0 is none, higher tells flaws from sound better
    c  = -(z(H) + z(F)) / 2   response bias: negative leans to "flawed" (suspicion),
                              positive leans to "sound" (credulity)

A rate of 0 or 1 has no finite z. We use the **log-linear correction** (Hautus 1995)
on every count, not only on extreme ones: add 0.5 to the hits and to the false
alarms and 1 to each total, H = (hits + 0.5) / (flawed + 1), F = (false alarms + 0.5)
/ (sound + 1). It is less biased than Macmillan & Kaplan's 1/(2N) replacement of
0 and 1 (which changes only extreme rates), and it treats every student alike.
With equal numbers of sound and flawed things, answering everything one way gives
d' = 0 exactly; with unequal numbers it gives a d' near 0 (the correction pulls the
rates towards 0.5 by different amounts), so ``pr`` (H - F on the raw rates, the
"corrected recognition" of Snodgrass & Corwin 1988) is reported too: it is exactly 0.

MIST-style counts (Maertens et al. 2023, the Misinformation Susceptibility Test):
right on flawed things (hits), right on sound things (correct acceptances),
**distrust** = how many more things were judged flawed than are flawed (over-
rejection, never below 0) and **naïveté** = how many more were judged sound than
are sound (over-acceptance, never below 0).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from quiz.questions.base import Question

# A judgement is made by a question type (quiz.questions), scored here.
from quiz.questions.judging import Judgement as Judgement

_Z = NormalDist().inv_cdf

CORRECTION = "log-linear (Hautus 1995): +0.5 to hits and false alarms, +1 to each total"


@dataclass(frozen=True)
class Counts:
    hits: int = 0
    misses: int = 0
    false_alarms: int = 0
    correct_acceptances: int = 0

    @classmethod
    def of(cls, judgements: Iterable[Judgement]) -> Counts:
        h = m = fa = ca = 0
        for j in judgements:
            if j.flawed:
                h, m = (h + 1, m) if j.said_flawed else (h, m + 1)
            else:
                fa, ca = (fa + 1, ca) if j.said_flawed else (fa, ca + 1)
        return cls(h, m, fa, ca)

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.hits + other.hits,
            self.misses + other.misses,
            self.false_alarms + other.false_alarms,
            self.correct_acceptances + other.correct_acceptances,
        )

    @property
    def flawed(self) -> int:
        return self.hits + self.misses

    @property
    def sound(self) -> int:
        return self.false_alarms + self.correct_acceptances

    @property
    def total(self) -> int:
        return self.flawed + self.sound

    @property
    def judged_flawed(self) -> int:
        return self.hits + self.false_alarms

    @property
    def judged_sound(self) -> int:
        return self.misses + self.correct_acceptances

    # -- rates ---------------------------------------------------------------------

    @property
    def hit_rate(self) -> float | None:
        """Raw share of flawed things judged flawed; None with none."""
        return self.hits / self.flawed if self.flawed else None

    @property
    def false_alarm_rate(self) -> float | None:
        """Raw share of sound things judged flawed; None with none."""
        return self.false_alarms / self.sound if self.sound else None

    @property
    def corrected_rates(self) -> tuple[float, float]:
        """(H, F) with the log-linear correction."""
        return (
            (self.hits + 0.5) / (self.flawed + 1),
            (self.false_alarms + 0.5) / (self.sound + 1),
        )

    @property
    def scorable(self) -> bool:
        """d' and c need at least one flawed and one sound thing."""
        return self.flawed > 0 and self.sound > 0

    @property
    def d_prime(self) -> float | None:
        if not self.scorable:
            return None
        h, f = self.corrected_rates
        return _Z(h) - _Z(f)

    @property
    def c(self) -> float | None:
        if not self.scorable:
            return None
        h, f = self.corrected_rates
        return -(_Z(h) + _Z(f)) / 2

    @property
    def pr(self) -> float | None:
        """H - F on the raw rates: 0 for answering everything one way."""
        if not self.scorable:
            return None
        return (self.hit_rate or 0.0) - (self.false_alarm_rate or 0.0)

    # -- MIST-style ------------------------------------------------------------------

    @property
    def right_on_flawed(self) -> int:
        return self.hits

    @property
    def right_on_sound(self) -> int:
        return self.correct_acceptances

    @property
    def distrust(self) -> int:
        """Over-rejection: things judged flawed beyond the number that are flawed."""
        return max(0, self.judged_flawed - self.flawed)

    @property
    def naivete(self) -> int:
        """Over-acceptance: things judged sound beyond the number that are sound."""
        return max(0, self.judged_sound - self.sound)

    def rejects_sound_like_flawed(self, margin: float = 0.15) -> bool | None:
        """Whether sound things were rejected about as often as flawed ones (the
        false-alarm rate within ``margin`` of the hit rate, or above it): the pattern
        of blanket suspicion when the rates are high. None without both kinds."""
        if not self.scorable:
            return None
        return (self.false_alarm_rate or 0.0) >= (self.hit_rate or 0.0) - margin


def counts_by_skill(judgements: Iterable[Judgement]) -> dict[str, Counts]:
    groups: dict[str, list[Judgement]] = {}
    for j in judgements:
        groups.setdefault(j.skill, []).append(j)
    return {skill: Counts.of(group) for skill, group in groups.items()}


# -- judgements from a question and a response ------------------------------------------
# Each type says which judgements an answer makes (``Question.judgements``).


def is_judgement(question: Question) -> bool:
    """Whether the question's answers carry judgements (its bank marks them)."""
    return question.carries_judgements()


def judgements(question: Question, response: Mapping[str, Any] | None) -> list[Judgement]:
    """The judgements in one answer (none for an unanswered question or an
    unmarked one). The rules are those of question_banks/README.md, "Judgements"."""
    if not response or not question.carries_judgements():
        return []
    return question.judgements(response)


# -- words ------------------------------------------------------------------------------


def plain_words(counts: Counts) -> str:
    """What a student reads about their own judgements, in plain words."""
    if not counts.scorable:
        return ""
    h = round(100 * (counts.hit_rate or 0.0))
    f = round(100 * (counts.false_alarm_rate or 0.0))
    said = (
        f"You called {h}% of the flawed statements flawed, and {f}% of the sound ones flawed too."
    )
    if counts.rejects_sound_like_flawed():
        if f >= 50:
            verdict = (
                "You rejected sound statements about as often as flawed ones: that is doubting "
                "everything, not telling them apart. Look for the reason a statement is "
                "flawed before rejecting it."
            )
        else:
            verdict = (
                "You accepted flawed statements about as often as sound ones: look for the "
                "missing baseline, source or sum before accepting a statement."
            )
    elif f <= 15:
        verdict = "You rejected flawed statements far more often than sound ones: well told apart."
    else:
        verdict = (
            "You rejected flawed statements more often than sound ones, but some sound "
            "statements too: a sound statement is not suspect just for being in the news."
        )
    return f"{said} {verdict}"


def tagged_misconceptions(question: Question) -> set[str]:
    """The misconception codes the question's wrong answers carry (what it probes)."""
    return question.probed_misconceptions()

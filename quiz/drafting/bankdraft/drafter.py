"""The drafter's state and what every kind of item uses: fresh ids and starting
numbers, the misconception codes used, where a claim is in the article, and the
numeric item with its anticipated wrong values."""

from __future__ import annotations

from typing import Any

from quiz.domain.article import Article, normalise
from quiz.drafting.annotate import Annotation, ClaimNote
from quiz.drafting.bankdraft.numbers import fmt, round1

# At most this many distinct claims get items: a draft of about 60 questions at most.
MAX_DRAFTED_CLAIMS = 15
# Fresh starting values for the worked items: none of them is a round 10 or 100,
# and each item takes the next one, so no pair of numbers repeats.
_STARTS = (24, 35, 48, 15, 64, 18, 75, 28, 44, 55, 36, 82, 26, 90, 32, 66)


class Drafter:
    """A bank being drafted from an annotation: its questions so far, with the ids,
    misconception codes and fresh starting numbers they used."""

    def __init__(self, ann: Annotation, source: str) -> None:
        self.ann = ann
        self.source = source
        self.article = Article.from_text(ann.article.title, source, ann.article.body)
        self.questions: list[tuple[str, dict[str, Any]]] = []
        self.used_codes: set[str] = set()
        self.ids: set[str] = set()
        self.start_index = 0
        # my sentence id -> a quote that finds exactly that sentence in the bank's article
        # (found as the bank finds quotes: typography, case and spacing folded)
        self.quotes: dict[str, str] = {}
        joined = "\x00".join(normalise(b.text) for b in self.article.sentences)
        for note in ann.sentences:
            s = note.sentence
            wanted = normalise(s.text)
            if s.paragraph != 0 and wanted and joined.count(wanted) == 1:
                self.quotes[s.id] = s.text

    def fresh_start(self) -> int:
        value = _STARTS[self.start_index % len(_STARTS)] + 100 * (self.start_index // len(_STARTS))
        self.start_index += 1
        return value

    def new_id(self, base: str) -> str:
        qid = base
        n = 2
        while qid in self.ids:
            qid = f"{base}-{n}"
            n += 1
        self.ids.add(qid)
        return qid

    def code(self, code: str) -> str:
        self.used_codes.add(code)
        return code

    def add(self, note: str, question: dict[str, Any] | None) -> None:
        if question is not None:
            self.questions.append((note, question))

    def where(self, claim: ClaimNote) -> str:
        sid = claim.claim.sentence_id
        if sid == "p0-s1":
            return f"the headline says “{claim.claim.text_span}”"
        return f"{sid} says “{claim.claim.text_span}”"

    def numeric(
        self,
        qid: str,
        prompt: str,
        unit: str,
        answer: float,
        right: str,
        wrong: list[tuple[float, str, str]],
        otherwise: str,
        explanation: str,
    ) -> dict[str, Any] | None:
        """A numeric item, or None when no anticipated wrong value differs from the key."""
        answer = round1(answer)
        if unit == "times":  # 1.4 times must not accept 1
            tolerance = max(0.01, round(abs(answer) * 0.01, 2))
        else:
            tolerance = max(0.5, round(abs(answer) * 0.01, 1))
        suffix = "%" if unit == "percent" else ""
        wrongs: list[dict[str, Any]] = []
        seen = {answer}
        for value, feedback, code in wrong:
            value = round1(value)
            if any(abs(value - v) <= tolerance for v in seen):
                continue
            seen.add(value)
            wrongs.append(
                {
                    "value": value,
                    "tolerance": tolerance,
                    "feedback": feedback,
                    "misconception": self.code(code),
                }
            )
        if not wrongs:
            return None
        checks: list[dict[str, Any]] = [{"answer": f"{fmt(answer)}{suffix}", "fraction": 1}]
        for w in wrongs:
            checks.append(
                {
                    "answer": f"{fmt(w['value'])}{suffix}",
                    "fraction": 0,
                    "misconception": w["misconception"],
                }
            )
        return {
            "id": qid,
            "type": "numeric",
            "skill": "percent",
            "unit": unit,
            "prompt": prompt,
            "answers": [{"value": answer, "tolerance": tolerance, "feedback": right}],
            "wrong": wrongs,
            "otherwise": otherwise,
            "explanation": explanation,
            "checks": checks,
        }

"""``text``: type a word or phrase.

``answers`` lists accepted texts (``credit`` defaults to 1; at least one must
have credit 1), ``wrong`` optionally lists anticipated wrong texts with their
feedback and misconception, and ``otherwise`` is the feedback for anything else.

Matching forgives case, spacing, typography (curly quotes, dashes) and
punctuation or quotes around the answer: ``“The Baseline.”`` matches
``the baseline``. Among matching accepted texts the best credit wins.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from quiz.domain.article import Article, normalise
from quiz.questions.base import (
    BankContext,
    FeedbackItem,
    FormData,
    Grade,
    Path,
    Question,
    Unreadable,
    codes_of,
    first,
)
from quiz.questions.checkform import MAX_ANSWER_LENGTH, typed_form

OTHERWISE = "Not the answer we were looking for."
MAX_LENGTH = MAX_ANSWER_LENGTH  # a bank check may type what a student may
_EDGE = " \t\n.,;:!?\"'`()[]{}<>«»‹›¿¡*_"


def match_key(text: str) -> str:
    """What a typed answer is compared by: ``normalise`` plus punctuation trimmed at the ends."""
    return normalise(text).strip(_EDGE)


@dataclass(frozen=True)
class Phrase:
    text: str
    feedback: str
    credit: float = 0.0
    misconception: str | None = None

    @property
    def key(self) -> str:
        return match_key(self.text)

    def to_spec(self, accepted: bool) -> dict[str, Any]:
        spec: dict[str, Any] = {"text": self.text}
        if accepted and self.credit != 1:
            spec["credit"] = self.credit
        spec["feedback"] = self.feedback
        if self.misconception:
            spec["misconception"] = self.misconception
        return spec


def _phrases(data: Mapping[str, Any], key: str, ctx: BankContext) -> list[Phrase]:
    accepted = key == "answers"
    raw = ctx.items(data, key) if accepted or data.get(key) else []
    phrases: list[Phrase] = []
    seen: dict[str, int] = {}
    for n, item in enumerate(raw):
        path: Path = (key, n)
        if ctx.mapping(item, path) is None:
            continue
        text = ctx.require_text(item, "text", path)
        if text and not match_key(text):
            ctx.error((*path, "text"), "has nothing left to match once punctuation is trimmed")
        elif text and match_key(text) in seen:
            ctx.error(
                (*path, "text"), f"matches the same answers as {key}[{seen[match_key(text)]}]"
            )
        elif text:
            seen[match_key(text)] = n
        phrases.append(
            Phrase(
                text=text,
                feedback=ctx.optional_text(item, "feedback", path),
                credit=ctx.credit(item, path, 1.0) if accepted else 0.0,
                misconception=ctx.misconception(item, path),
            )
        )
    return phrases


@dataclass(frozen=True)
class Text(Question):
    type = "text"
    wrong_answer_noun = "anticipated wrong answer"

    answers: tuple[Phrase, ...] = ()
    wrong: tuple[Phrase, ...] = ()
    otherwise: str = ""

    @classmethod
    def from_spec(cls, data: Mapping[str, Any], common: dict[str, Any], ctx: BankContext) -> Text:
        answers = _phrases(data, "answers", ctx)
        if answers and not any(a.credit == 1 for a in answers):
            ctx.error(("answers",), "no accepted answer (give one with credit 1)")
        wrong = _phrases(data, "wrong", ctx)
        accepted = {a.key for a in answers}
        for n, w in enumerate(wrong):
            if w.key and w.key in accepted:
                ctx.error(("wrong", n, "text"), "is also an accepted answer")
        return cls(
            **common,
            answers=tuple(answers),
            wrong=tuple(wrong),
            otherwise=ctx.optional_text(data, "otherwise"),
        )

    def spec_fields(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"answers": [a.to_spec(accepted=True) for a in self.answers]}
        if self.wrong:
            spec["wrong"] = [w.to_spec(accepted=False) for w in self.wrong]
        if self.otherwise:
            spec["otherwise"] = self.otherwise
        return spec

    def student_view(self, state: Mapping[str, Any], article: Article) -> dict[str, Any]:
        return {"max_length": MAX_LENGTH}

    def read_response(
        self, form: FormData, state: Mapping[str, Any] | None = None
    ) -> dict[str, Any] | None:
        text = first(form, "text").strip()
        if not text:
            return None
        if len(text) > MAX_LENGTH:
            raise Unreadable(
                f"That answer is {len(text):,} characters long; please keep it under "
                f"{MAX_LENGTH:,} (a word or a short phrase is enough)."
            )
        return {"text": text}

    def grade(self, response: Mapping[str, Any], article: Article) -> Grade:
        text = str(response.get("text") or "")
        key = match_key(text)
        if not key:
            return Grade(0.0, (), summary=text)
        hits = [a for a in self.answers if a.key == key]
        if hits:
            best = max(hits, key=lambda a: a.credit)
            verdict = "right" if best.credit == 1 else "partial" if best.credit else "wrong"
            return Grade(
                fraction=best.credit,
                feedback=(FeedbackItem(best.feedback, verdict, text),),
                misconceptions=(best.misconception,) if best.misconception else (),
                classification=f"answer:{best.key[:100]}",
                summary=text,
            )
        wrong = next((w for w in self.wrong if w.key == key), None)
        if wrong is not None:
            return Grade(
                fraction=0.0,
                feedback=(FeedbackItem(wrong.feedback, "wrong", text),),
                misconceptions=(wrong.misconception,) if wrong.misconception else (),
                classification=f"wrong:{wrong.key[:100]}",
                summary=text,
            )
        return Grade(
            fraction=0.0,
            feedback=(FeedbackItem(self.otherwise or OTHERWISE, "wrong", text),),
            classification=f"other:{key[:100]}",
            summary=text,
        )

    def summarise(self, response: Mapping[str, Any], article: Article) -> str:
        return str(response.get("text") or "")

    def right_answer(self, article: Article) -> str:
        return max(self.answers, key=lambda a: a.credit).text

    def key_form(self, state: Mapping[str, Any]) -> dict[str, list[str]]:
        return {"text": [max(self.answers, key=lambda a: a.credit).text]}

    def misconception_form(
        self, state: Mapping[str, Any]
    ) -> tuple[dict[str, list[str]], str] | None:
        w = next((w for w in self.wrong if w.misconception), None)
        return ({"text": [w.text]}, w.misconception) if w and w.misconception else None

    def check_form(
        self, article: Article, answer: Any, ctx: BankContext, path: Path
    ) -> dict[str, list[str]]:
        """``answer``: the typed text (a number may be written as one)."""
        return typed_form(answer, ctx, path, "text")

    def probed_misconceptions(self) -> set[str]:
        return codes_of(self.answers, self.wrong)

    def wrong_answers(self) -> Iterator[tuple[Path, Any]]:
        for i, w in enumerate(self.wrong):
            yield ("wrong", i), w
        for i, a in enumerate(self.answers):
            if a.credit < 1:
                yield ("answers", i), a

"""``highlight``: select the sentences of the article that meet a criterion.

``paragraphs`` (optional, 1-based) limits which paragraphs are shown, all by
default. ``sentences`` quotes the sentences that meet the criterion, each with
feedback; ``distractors`` (optional) quotes tempting wrong sentences with their
own feedback and misconception; ``otherwise`` is the feedback for any other
wrong pick. Every quoted sentence must lie in a shown paragraph.

Grading: each keyed sentence selected counts +1, each other sentence selected
counts -1, divided by the number of keyed sentences, never below zero::

    fraction = max(0, (hits - wrong picks) / number of keyed sentences)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from quiz.domain.article import Article
from quiz.questions.base import (
    BankContext,
    FeedbackItem,
    FormData,
    Grade,
    Path,
    Question,
    Unreadable,
    codes_of,
)
from quiz.questions.checkform import find_sentence, text_list
from quiz.questions.classify import sentence_label, sentence_order
from quiz.questions.judging import Judgement

OTHERWISE = "This sentence is not one of those the question asks for."
MISSED = "You missed this one. {feedback}"


@dataclass(frozen=True)
class Quoted:
    sentence: str  # sentence id
    quote: str  # as written in the bank
    feedback: str
    misconception: str | None = None

    def to_spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"quote": self.quote, "feedback": self.feedback}
        if self.misconception:
            spec["misconception"] = self.misconception
        return spec


def _paragraphs(data: Mapping[str, Any], ctx: BankContext) -> tuple[int, ...]:
    if data.get("paragraphs") is None:
        return ()
    count = len(ctx.article.paragraphs)
    numbers: list[int] = []
    for n, value in enumerate(ctx.items(data, "paragraphs")):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= count:
            ctx.error(("paragraphs", n), f"{value!r} is not a paragraph number (1 to {count})")
        elif value in numbers:
            ctx.error(("paragraphs", n), f"paragraph {value} is listed twice")
        else:
            numbers.append(value)
    return tuple(numbers)


def _quoted(
    data: Mapping[str, Any],
    key: str,
    ctx: BankContext,
    shown: set[int],
    seen: dict[str, str],
) -> list[Quoted]:
    raw = ctx.items(data, key) if key == "sentences" or data.get(key) else []
    items: list[Quoted] = []
    for n, item in enumerate(raw):
        path: Path = (key, n)
        if ctx.mapping(item, path) is None:
            continue
        sid = ctx.quote(item, "quote", path)
        sentence = ctx.article.sentence(sid) if sid else None
        if sid and sid in seen:
            ctx.error((*path, "quote"), f"sentence {sid} is already quoted at {seen[sid]}")
        elif sentence is not None and sentence.paragraph not in shown:
            ctx.error(
                (*path, "quote"),
                f"sentence {sid} is in paragraph {sentence.paragraph}, "
                "which this question does not show",
            )
        if sid:
            seen.setdefault(sid, f"{key}[{n}]")
        items.append(
            Quoted(
                sentence=sid or "",
                quote=str(item["quote"]).strip() if sid else "",
                feedback=ctx.optional_text(item, "feedback", path),
                misconception=ctx.misconception(item, path) if key == "distractors" else None,
            )
        )
    return items


def _judgement(data: Mapping[str, Any], ctx: BankContext) -> str | None:
    value = data.get("judgement")
    if value is None:
        return None
    if value != "flawed":
        ctx.error(("judgement",), f"must be flawed (selecting flags a sentence), not {value!r}")
        return None
    return "flawed"


@dataclass(frozen=True)
class Highlight(Question):
    type = "highlight"
    shows_sentences = True
    single_column = True
    wrong_answer_noun = "distractor"

    paragraphs: tuple[int, ...] = ()  # as listed in the bank; () shows them all
    sentences: tuple[Quoted, ...] = ()
    distractors: tuple[Quoted, ...] = ()
    otherwise: str = ""
    selectable: tuple[str, ...] = ()  # ids of the shown sentences, worked out when parsed
    #: "flawed": selecting a sentence flags it as flawed and the keyed sentences are the
    #: flawed ones (question_banks/README.md, "Judgements"); None: no judgement
    judgement: str | None = None

    @classmethod
    def from_spec(
        cls, data: Mapping[str, Any], common: dict[str, Any], ctx: BankContext
    ) -> Highlight:
        paragraphs = _paragraphs(data, ctx)
        shown = set(paragraphs or range(1, len(ctx.article.paragraphs) + 1))
        seen: dict[str, str] = {}
        sentences = _quoted(data, "sentences", ctx, shown, seen)
        distractors = _quoted(data, "distractors", ctx, shown, seen)
        return cls(
            **common,
            paragraphs=paragraphs,
            sentences=tuple(sentences),
            distractors=tuple(distractors),
            otherwise=ctx.optional_text(data, "otherwise"),
            selectable=tuple(s.id for s in ctx.article.sentences if s.paragraph in shown),
            judgement=_judgement(data, ctx),
        )

    def spec_fields(self) -> dict[str, Any]:
        spec: dict[str, Any] = {}
        if self.paragraphs:
            spec["paragraphs"] = list(self.paragraphs)
        spec["sentences"] = [s.to_spec() for s in self.sentences]
        if self.distractors:
            spec["distractors"] = [d.to_spec() for d in self.distractors]
        if self.otherwise:
            spec["otherwise"] = self.otherwise
        if self.judgement:
            spec["judgement"] = self.judgement
        return spec

    def student_view(self, state: Mapping[str, Any], article: Article) -> dict[str, Any]:
        numbers = sorted(self.paragraphs) or range(1, len(article.paragraphs) + 1)
        return {
            "paragraphs": [
                {
                    "number": n,
                    "sentences": [{"id": s.id, "text": s.text} for s in article.paragraphs[n - 1]],
                }
                for n in numbers
                if n <= len(article.paragraphs)
            ]
        }

    def read_response(
        self, form: FormData, state: Mapping[str, Any] | None = None
    ) -> dict[str, Any] | None:
        chosen = {c.strip() for c in form.get("sentences") or () if c.strip()}
        if not chosen:
            return None
        if chosen - set(self.selectable):
            raise Unreadable(
                "One of the selected sentences is not among those shown; please select again."
            )
        return {"sentences": sorted(chosen, key=sentence_order)}

    def grade(self, response: Mapping[str, Any], article: Article) -> Grade:
        chosen = set(response.get("sentences") or ())
        keyed = {s.sentence: s for s in self.sentences}
        distractors = {d.sentence: d for d in self.distractors}
        hits = len(chosen & keyed.keys())
        wrong = len(chosen - keyed.keys())
        fraction = max(0.0, (hits - wrong) / len(keyed)) if keyed else 0.0
        feedback: list[FeedbackItem] = []
        misconceptions: list[str] = []
        for sid in sorted(chosen | keyed.keys(), key=sentence_order):
            if sid in keyed and sid in chosen:
                feedback.append(FeedbackItem(keyed[sid].feedback, "right", sid))
            elif sid in keyed:
                text = MISSED.format(feedback=keyed[sid].feedback)
                feedback.append(FeedbackItem(text, "wrong", sid))
            elif sid in distractors:
                d = distractors[sid]
                feedback.append(FeedbackItem(d.feedback, "wrong", sid))
                if d.misconception and d.misconception not in misconceptions:
                    misconceptions.append(d.misconception)
            else:
                feedback.append(FeedbackItem(self.otherwise or OTHERWISE, "wrong", sid))
        return Grade(
            fraction=min(1.0, fraction),
            feedback=tuple(feedback),
            misconceptions=tuple(misconceptions),
            classification=",".join(sorted(chosen, key=sentence_order)),
            summary=self.summarise(response, article),
        )

    def summarise(self, response: Mapping[str, Any], article: Article) -> str:
        return ", ".join(sorted(response.get("sentences") or (), key=sentence_order))

    def describe(self, response: Mapping[str, Any], article: Article) -> str:
        ids = sorted(response.get("sentences") or (), key=sentence_order)
        return "; ".join(sentence_label(article, sid) for sid in ids)

    def right_answer(self, article: Article) -> str:
        ids = sorted((s.sentence for s in self.sentences), key=sentence_order)
        return "; ".join(sentence_label(article, sid) for sid in ids)

    def key_form(self, state: Mapping[str, Any]) -> dict[str, list[str]]:
        return {"sentences": [s.sentence for s in self.sentences]}

    def misconception_form(
        self, state: Mapping[str, Any]
    ) -> tuple[dict[str, list[str]], str] | None:
        d = next((d for d in self.distractors if d.misconception), None)
        return ({"sentences": [d.sentence]}, d.misconception) if d and d.misconception else None

    def random_guess_score(self) -> float | None:
        return None

    def check_form(
        self, article: Article, answer: Any, ctx: BankContext, path: Path
    ) -> dict[str, list[str]]:
        """``answer``: a list of quotes or sentence ids, among the sentences shown."""
        texts = text_list(answer, "quotes or sentence ids", ctx, path)
        shown = set(self.selectable)
        sids = []
        for n, t in enumerate(texts):
            sid = find_sentence(article, t, ctx, (*path, n))
            if sid and sid not in shown:
                ctx.error((*path, n), f"sentence {sid} is not among those this question shows")
                sid = None
            sids.append(sid)
        if texts and all(sids):
            if len(set(sids)) < len(sids):
                ctx.error(path, "names the same sentence twice")
                return {}
            return {"sentences": [s for s in sids if s]}
        return {}

    def carries_judgements(self) -> bool:
        return self.judgement == "flawed"

    def judgements(self, response: Mapping[str, Any]) -> list[Judgement]:
        """One per shown sentence: selected, it is said to be flawed."""
        chosen = set(response.get("sentences") or ())
        keyed = {s.sentence for s in self.sentences}
        return [Judgement(sid in keyed, sid in chosen, self.skill, sid) for sid in self.selectable]

    def probed_misconceptions(self) -> set[str]:
        return codes_of(self.sentences, self.distractors)

    def wrong_answers(self) -> Iterator[tuple[Path, Any]]:
        # the distractors first, then the sentences: the order bank checks report them in
        for i, d in enumerate(self.distractors):
            yield ("distractors", i), d
        for i, s in enumerate(self.sentences):
            yield ("sentences", i), s

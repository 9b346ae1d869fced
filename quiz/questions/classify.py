"""``classify``: label each of several quoted sentences with one of the bank's categories.

``categories`` (optional) lists the keys of the bank's categories the question
offers, all of them by default. ``sentences`` quotes at least two sentences of
the article, each with its right category and feedback (and optionally a
misconception code, applied when the student labels it wrongly).

Grading: fraction = sentences labelled right / number of sentences; an
unlabelled sentence counts as wrong.
"""

from __future__ import annotations

import re
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
    first,
)
from quiz.questions.checkform import MAX_ANSWER_ITEMS, find_sentence, short
from quiz.questions.judging import Judgement

_SENTENCE_ID = re.compile(r"p(\d+)-s(\d+)")


def sentence_order(sentence_id: str) -> tuple[int, int, str]:
    """Sort key putting sentence ids in reading order (``p2-s1`` before ``p10-s1``)."""
    m = _SENTENCE_ID.fullmatch(sentence_id)
    return (int(m[1]), int(m[2]), "") if m else (0, 0, sentence_id)


def sentence_label(article: Article, sentence_id: str, words: int = 8) -> str:
    """A sentence as a reader can find it: ``¶3 “The first few words of it…”``."""
    s = article.sentence(sentence_id)
    if s is None:
        return sentence_id
    parts = s.text.split()
    return f"¶{s.paragraph} “{' '.join(parts[:words])}{'…' if len(parts) > words else ''}”"


def _shorten(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


@dataclass(frozen=True)
class Labelled:
    sentence: str  # sentence id
    quote: str  # as written in the bank
    category: str
    feedback: str
    misconception: str | None = None

    def to_spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "quote": self.quote,
            "category": self.category,
            "feedback": self.feedback,
        }
        if self.misconception:
            spec["misconception"] = self.misconception
        return spec


def _categories(
    data: Mapping[str, Any], ctx: BankContext
) -> tuple[tuple[tuple[str, str], ...], bool]:
    """The offered categories as (key, label) pairs, and whether the spec listed them."""
    raw = data.get("categories")
    if raw is None:
        if len(ctx.categories) < 2:
            ctx.error(("categories",), "the bank needs at least two categories to classify by")
        return tuple(ctx.categories.items()), False
    keys: list[str] = []
    for n, key in enumerate(ctx.items(data, "categories")):
        if not isinstance(key, str) or key not in ctx.categories:
            known = ", ".join(ctx.categories) or "none"
            ctx.error(("categories", n), f"unknown category {key!r} (the bank's: {known})")
        elif key in keys:
            ctx.error(("categories", n), f"category {key!r} is listed twice")
        else:
            keys.append(key)
    if isinstance(raw, list) and raw and len(raw) < 2:
        ctx.error(("categories",), "needs at least two categories")
    return tuple((k, ctx.categories[k]) for k in keys), True


def _sound_categories(
    data: Mapping[str, Any], keys: list[str], ctx: BankContext
) -> tuple[str, ...]:
    """``sound_categories:`` (optional): the offered categories that say "sound"; at least
    one of the offered categories must be left out (it says "flawed")."""
    if data.get("sound_categories") is None:
        return ()
    found: list[str] = []
    for n, key in enumerate(ctx.items(data, "sound_categories")):
        if not isinstance(key, str) or key not in keys:
            ctx.error(
                ("sound_categories", n),
                f"unknown category {key!r} (this question's: {', '.join(keys)})",
            )
        elif key not in found:
            found.append(key)
    if found and len(found) >= len(keys):
        ctx.error(("sound_categories",), "leaves no category that says a sentence is flawed")
    return tuple(found)


@dataclass(frozen=True)
class Classify(Question):
    type = "classify"
    shows_sentences = True
    wrong_answer_noun = "sentence"

    categories: tuple[tuple[str, str], ...] = ()  # (key, label), in the order offered
    categories_listed: bool = False  # written back only when the bank listed them
    sentences: tuple[Labelled, ...] = ()
    #: the categories that say a sentence is sound (question_banks/README.md, "Judgements");
    #: empty: labelling is no judgement
    sound_categories: tuple[str, ...] = ()

    @classmethod
    def from_spec(
        cls, data: Mapping[str, Any], common: dict[str, Any], ctx: BankContext
    ) -> Classify:
        categories, listed = _categories(data, ctx)
        keys = [k for k, _ in categories]
        raw = ctx.items(data, "sentences")
        if raw and len(raw) < 2:
            ctx.error(("sentences",), "needs at least two sentences")
        items: list[Labelled] = []
        seen: dict[str, int] = {}
        for n, item in enumerate(raw):
            path: Path = ("sentences", n)
            if ctx.mapping(item, path) is None:
                continue
            sid = ctx.quote(item, "quote", path)
            if sid is not None and sid in seen:
                ctx.error(
                    (*path, "quote"), f"sentence {sid} is already quoted at sentences[{seen[sid]}]"
                )
            elif sid is not None:
                seen[sid] = n
            category = ctx.require_text(item, "category", path)
            if category and category not in keys:
                ctx.error(
                    (*path, "category"),
                    f"unknown category {category!r} (this question's: {', '.join(keys)})",
                )
            items.append(
                Labelled(
                    sentence=sid or "",
                    quote=str(item["quote"]).strip() if sid else "",
                    category=category,
                    feedback=ctx.optional_text(item, "feedback", path),
                    misconception=ctx.misconception(item, path),
                )
            )
        return cls(
            **common,
            categories=categories,
            categories_listed=listed,
            sentences=tuple(items),
            sound_categories=_sound_categories(data, keys, ctx),
        )

    def spec_fields(self) -> dict[str, Any]:
        spec: dict[str, Any] = {}
        if self.categories_listed:
            spec["categories"] = [k for k, _ in self.categories]
        spec["sentences"] = [s.to_spec() for s in self.sentences]
        if self.sound_categories:
            spec["sound_categories"] = list(self.sound_categories)
        return spec

    def _label(self, key: str | None) -> str:
        return dict(self.categories).get(key or "", key or "")

    def student_view(self, state: Mapping[str, Any], article: Article) -> dict[str, Any]:
        sentences = []
        for s in self.sentences:
            found = article.sentence(s.sentence)
            sentences.append(
                {
                    "id": s.sentence,
                    "text": found.text if found else s.quote,
                    "paragraph": found.paragraph if found else None,
                }
            )
        return {
            "categories": [{"key": k, "label": label} for k, label in self.categories],
            "sentences": sentences,
        }

    def read_response(
        self, form: FormData, state: Mapping[str, Any] | None = None
    ) -> dict[str, Any] | None:
        keys = {k for k, _ in self.categories}
        labels: dict[str, str] = {}
        for s in self.sentences:
            value = first(form, f"label-{s.sentence}").strip()
            if not value:
                continue
            if value not in keys:
                raise Unreadable(
                    f"The label for the sentence “{_shorten(s.quote)}” is not one of the "
                    "categories; please choose again."
                )
            labels[s.sentence] = value
        return {"labels": labels} if labels else None

    def incomplete(self, response: Mapping[str, Any] | None) -> str | None:
        """Some sentences left unlabelled: "2 of 4 labelled"."""
        if not response:
            return None
        labels = response.get("labels") or {}
        done = sum(1 for s in self.sentences if labels.get(s.sentence))
        return None if done >= len(self.sentences) else f"{done} of {len(self.sentences)} labelled"

    def grade(self, response: Mapping[str, Any], article: Article) -> Grade:
        labels: Mapping[str, str] = response.get("labels") or {}
        feedback: list[FeedbackItem] = []
        misconceptions: list[str] = []
        right = 0
        for s in self.sentences:
            chosen = labels.get(s.sentence)
            should = self._label(s.category)
            if chosen == s.category:
                right += 1
                feedback.append(FeedbackItem(s.feedback, "right", s.sentence))
                continue
            if chosen:
                said = f"This sentence is “{should}”, not “{self._label(chosen)}”."
                if s.misconception and s.misconception not in misconceptions:
                    misconceptions.append(s.misconception)
            else:
                said = f"You left this sentence unlabelled; it is “{should}”."
            feedback.append(FeedbackItem(f"{said} {s.feedback}", "wrong", s.sentence))
        fraction = right / len(self.sentences) if self.sentences else 0.0
        return Grade(
            fraction=min(1.0, fraction),
            feedback=tuple(feedback),
            misconceptions=tuple(misconceptions),
            classification=";".join(
                f"{sid}={labels[sid]}" for sid in sorted(labels, key=sentence_order)
            ),
            summary=self.summarise(response, article),
        )

    def summarise(self, response: Mapping[str, Any], article: Article) -> str:
        labels: Mapping[str, str] = response.get("labels") or {}
        return "; ".join(
            f"{sid}: {self._label(labels[sid])}" for sid in sorted(labels, key=sentence_order)
        )

    def describe(self, response: Mapping[str, Any], article: Article) -> str:
        labels: Mapping[str, str] = response.get("labels") or {}
        return "; ".join(
            f"{sentence_label(article, sid)}: {self._label(labels[sid])}"
            for sid in sorted(labels, key=sentence_order)
        )

    def right_answer(self, article: Article) -> str:
        ordered = sorted(self.sentences, key=lambda s: sentence_order(s.sentence))
        return "; ".join(
            f"{sentence_label(article, s.sentence)}: {self._label(s.category)}" for s in ordered
        )

    def key_form(self, state: Mapping[str, Any]) -> dict[str, list[str]]:
        return {f"label-{s.sentence}": [s.category] for s in self.sentences}

    def misconception_form(
        self, state: Mapping[str, Any]
    ) -> tuple[dict[str, list[str]], str] | None:
        """Every sentence labelled right but the first one that carries a misconception."""
        for s in self.sentences:
            other = next((k for k, _ in self.categories if k != s.category), None)
            if s.misconception and other:
                form = self.key_form(state)
                form[f"label-{s.sentence}"] = [other]
                return form, s.misconception
        return None

    def random_guess_score(self) -> float | None:
        return 1 / len(self.categories) if self.categories else 0.0

    def check_form(
        self, article: Article, answer: Any, ctx: BankContext, path: Path
    ) -> dict[str, list[str]]:
        """``answer``: a mapping of quote or sentence id to category key."""
        if not isinstance(answer, Mapping):
            ctx.error(path, f"must map quotes or sentence ids to categories, not {short(answer)}")
            return {}
        if not answer:
            ctx.error(path, "must label at least one sentence")
            return {}
        if len(answer) > MAX_ANSWER_ITEMS:
            ctx.error(path, f"labels {len(answer)} sentences; at most {MAX_ANSWER_ITEMS}")
            return {}
        form: dict[str, list[str]] = {}
        ok = True
        for quote, category in answer.items():
            sid = self._check_label(article, quote, category, form, ctx, (*path, str(quote)))
            if sid is None:
                ok = False
                continue
            form[f"label-{sid}"] = [str(category)]
        return form if ok else {}

    def _check_label(
        self,
        article: Article,
        quote: Any,
        category: Any,
        form: Mapping[str, Any],
        ctx: BankContext,
        where: Path,
    ) -> str | None:
        """The sentence one label of a check's answer is for (None after a problem)."""
        sid = find_sentence(article, str(quote), ctx, where) if isinstance(quote, str) else None
        if not isinstance(quote, str):
            ctx.error(where, "must be a quote or a sentence id")
        if sid and sid not in {s.sentence for s in self.sentences}:
            ctx.error(where, f"sentence {sid} is not one this question asks about")
            sid = None
        keys = [k for k, _ in self.categories]
        if not isinstance(category, str) or category not in keys:
            ctx.error(
                where, f"unknown category {short(category)} (this question's: {', '.join(keys)})"
            )
            sid = None
        if sid and f"label-{sid}" in form:
            ctx.error(where, f"sentence {sid} is labelled twice")
            sid = None
        return sid

    def carries_judgements(self) -> bool:
        return bool(self.sound_categories)

    def judgements(self, response: Mapping[str, Any]) -> list[Judgement]:
        """One per labelled sentence: flawed when its category is not a sound one."""
        sound = set(self.sound_categories)
        labels = response.get("labels") or {}
        out = []
        for s in self.sentences:
            label = labels.get(s.sentence)
            if label:  # left unlabelled: no verdict
                out.append(
                    Judgement(s.category not in sound, label not in sound, self.skill, s.sentence)
                )
        return out

    def probed_misconceptions(self) -> set[str]:
        return codes_of(self.sentences)

    def wrong_answers(self) -> Iterator[tuple[Path, Any]]:
        for i, s in enumerate(self.sentences):
            yield ("sentences", i), s

"""``single``: pick one option. Each option carries its own credit and feedback."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from quiz.article import Article
from quiz.questions.base import (
    ID_RE,
    BankContext,
    FeedbackItem,
    FormData,
    Grade,
    Path,
    Question,
    Unreadable,
    first,
    letters,
)


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    credit: float
    feedback: str
    misconception: str | None = None

    def to_spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"id": self.id, "text": self.text}
        if self.credit == 1:
            spec["correct"] = True
        elif self.credit:
            spec["credit"] = self.credit
        spec["feedback"] = self.feedback
        if self.misconception:
            spec["misconception"] = self.misconception
        return spec


def parse_options(data: Mapping[str, Any], ctx: BankContext) -> list[Option]:
    """Options as ``single`` and ``multiple`` share them."""
    raw = ctx.items(data, "options")
    if raw and len(raw) < 2:
        ctx.error(("options",), "needs at least two options")
    default_ids = letters(len(raw))
    options: list[Option] = []
    seen: set[str] = set()
    for n, item in enumerate(raw):
        path: Path = ("options", n)
        if ctx.mapping(item, path) is None:
            continue
        oid = str(item.get("id", default_ids[n])).strip()
        if not ID_RE.match(oid):
            ctx.error((*path, "id"), f"{oid!r} is not a valid id (letters, digits, - _ .)")
        elif oid in seen:
            ctx.error((*path, "id"), f"duplicate option id {oid!r}")
        seen.add(oid)
        options.append(
            Option(
                id=oid,
                text=ctx.require_text(item, "text", path),
                credit=ctx.credit(item, path),
                feedback=ctx.require_text(item, "feedback", path),
                misconception=ctx.misconception(item, path),
            )
        )
    return options


def option_order(options: list[Option], shuffle: bool, rng: random.Random) -> list[str]:
    order = [o.id for o in options]
    if shuffle:
        rng.shuffle(order)
    return order


def ordered(options: list[Option], state: Mapping[str, Any]) -> list[Option]:
    """Options in the attempt's stored order (any option missing from it goes last)."""
    by_id = {o.id: o for o in options}
    order = [i for i in state.get("order", ()) if i in by_id]
    order += [o.id for o in options if o.id not in order]
    return [by_id[i] for i in order]


@dataclass(frozen=True)
class Single(Question):
    type = "single"
    shuffles = True

    options: tuple[Option, ...] = ()

    @classmethod
    def from_spec(cls, data: Mapping[str, Any], common: dict[str, Any], ctx: BankContext) -> Single:
        options = parse_options(data, ctx)
        if options and not any(o.credit == 1 for o in options):
            ctx.error(("options",), "no option is correct (give one `correct: true`)")
        return cls(**common, options=tuple(options))

    def spec_fields(self) -> dict[str, Any]:
        return {"options": [o.to_spec() for o in self.options]}

    def new_state(self, rng: random.Random) -> dict[str, Any]:
        return {"order": option_order(list(self.options), self.shuffle, rng)}

    def student_view(self, state: Mapping[str, Any], article: Article) -> dict[str, Any]:
        return {
            "options": [{"id": o.id, "text": o.text} for o in ordered(list(self.options), state)]
        }

    def read_response(self, form: FormData) -> dict[str, Any] | None:
        choice = first(form, "choice").strip()
        if not choice:
            return None
        if choice not in {o.id for o in self.options}:
            raise Unreadable("That choice is not one of the options; please choose again.")
        return {"choice": choice}

    def _option(self, response: Mapping[str, Any]) -> Option | None:
        return next((o for o in self.options if o.id == response.get("choice")), None)

    def grade(self, response: Mapping[str, Any], article: Article) -> Grade:
        option = self._option(response)
        if option is None:
            return Grade(0.0, (), classification="", summary="")
        verdict = "right" if option.credit == 1 else "partial" if option.credit else "wrong"
        return Grade(
            fraction=option.credit,
            feedback=(FeedbackItem(option.feedback, verdict, option.text),),
            misconceptions=(option.misconception,) if option.misconception else (),
            classification=option.id,
            summary=option.text,
        )

    def summarise(self, response: Mapping[str, Any], article: Article) -> str:
        option = self._option(response)
        return option.text if option else ""

    def right_answer(self, article: Article) -> str:
        best = max(self.options, key=lambda o: o.credit)
        return best.text

    def key_form(self, state: Mapping[str, Any]) -> dict[str, list[str]]:
        return {"choice": [max(self.options, key=lambda o: o.credit).id]}

    def misconception_form(
        self, state: Mapping[str, Any]
    ) -> tuple[dict[str, list[str]], str] | None:
        for o in self.options:
            if o.credit < 1 and o.misconception:
                return {"choice": [o.id]}, o.misconception
        return None

    def random_guess_score(self) -> float | None:
        return sum(o.credit for o in self.options) / len(self.options) if self.options else 0.0

"""``multiple``: pick every option that applies.

Options are written as for ``single`` but are simply right or wrong
(``correct: true`` / ``correct: false``); ``credit`` is not allowed.

Grading rule: each correct option chosen counts +1, each wrong option chosen
counts -1, and the total is divided by the number of correct options, never
going below zero::

    fraction = max(0, (correct chosen - wrong chosen) / number of correct options)

So choosing everything scores no better than the share of options that are
right allows, and a lone wrong pick costs as much as a right one earns.
"""

from __future__ import annotations

import random
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
from quiz.questions.checkform import find_option, text_list
from quiz.questions.judging import Judgement, option_flawed
from quiz.questions.single import (
    Option,
    decode_choices,
    option_ids,
    option_state,
    option_values,
    option_view,
    parse_options,
)

MISSED = "You missed this one. {feedback}"


@dataclass(frozen=True)
class Multiple(Question):
    type = "multiple"
    shuffles = True
    wrong_answer_noun = "wrong option"

    options: tuple[Option, ...] = ()

    @classmethod
    def from_spec(
        cls, data: Mapping[str, Any], common: dict[str, Any], ctx: BankContext
    ) -> Multiple:
        raw = data.get("options")
        if isinstance(raw, list):
            for n, item in enumerate(raw):
                if isinstance(item, Mapping) and "credit" in item:
                    ctx.error(
                        ("options", n, "credit"),
                        "a multiple-select option is right or wrong: "
                        "use `correct: true` or `correct: false`, not credit",
                    )
        options = parse_options(data, ctx)
        if options and not any(o.credit == 1 for o in options):
            ctx.error(("options",), "no option is correct (mark at least one `correct: true`)")
        return cls(**common, options=tuple(options))

    def spec_fields(self) -> dict[str, Any]:
        return {"options": [o.to_spec() for o in self.options]}

    @property
    def correct_ids(self) -> set[str]:
        return {o.id for o in self.options if o.credit == 1}

    def new_state(self, rng: random.Random) -> dict[str, Any]:
        return option_state(list(self.options), self.shuffle, rng)

    def student_view(self, state: Mapping[str, Any], article: Article) -> dict[str, Any]:
        return option_view(list(self.options), state)

    def read_response(
        self, form: FormData, state: Mapping[str, Any] | None = None
    ) -> dict[str, Any] | None:
        sent = {c.strip() for c in form.get("choices") or () if c.strip()}
        if not sent:
            return None
        ids = option_ids(list(self.options), state)
        if sent - ids.keys():
            raise Unreadable("One of those choices is not among the options; please choose again.")
        chosen = {ids[v] for v in sent}
        return {"choices": [o.id for o in self.options if o.id in chosen]}

    def decode_form(self, form: FormData, state: Mapping[str, Any]) -> FormData:
        return decode_choices(list(self.options), form, "choices", state)

    def _chosen(self, response: Mapping[str, Any]) -> list[Option]:
        picked = set(response.get("choices") or ())
        return [o for o in self.options if o.id in picked]

    def grade(self, response: Mapping[str, Any], article: Article) -> Grade:
        chosen = self._chosen(response)
        picked = {o.id for o in chosen}
        right = sum(1 for o in chosen if o.credit == 1)
        wrong = len(chosen) - right
        n_correct = len(self.correct_ids)
        fraction = max(0.0, (right - wrong) / n_correct) if n_correct else 0.0
        feedback: list[FeedbackItem] = []
        for o in self.options:
            if o.id in picked:
                verdict = "right" if o.credit == 1 else "wrong"
                feedback.append(FeedbackItem(o.feedback, verdict, o.text))
            elif o.credit == 1:
                feedback.append(FeedbackItem(MISSED.format(feedback=o.feedback), "wrong", o.text))
        misconceptions = dict.fromkeys(
            o.misconception for o in chosen if o.credit != 1 and o.misconception
        )
        return Grade(
            fraction=min(1.0, fraction),
            feedback=tuple(feedback),
            misconceptions=tuple(m for m in misconceptions if m),
            classification=",".join(sorted(picked)),
            summary=self.summarise(response, article),
        )

    def summarise(self, response: Mapping[str, Any], article: Article) -> str:
        return "; ".join(o.text for o in self._chosen(response))

    def right_answer(self, article: Article) -> str:
        return "; ".join(o.text for o in self.options if o.credit == 1)

    def key_form(self, state: Mapping[str, Any]) -> dict[str, list[str]]:
        values = option_values(list(self.options), state)
        return {"choices": [values[o.id] for o in self.options if o.credit == 1]}

    def misconception_form(
        self, state: Mapping[str, Any]
    ) -> tuple[dict[str, list[str]], str] | None:
        values = option_values(list(self.options), state)
        for o in self.options:
            if o.credit != 1 and o.misconception:
                return {"choices": [values[o.id]]}, o.misconception
        return None

    def random_guess_score(self) -> float | None:
        return None

    def check_form(
        self, article: Article, answer: Any, ctx: BankContext, path: Path
    ) -> dict[str, list[str]]:
        """``answer``: a list of option texts."""
        texts = text_list(answer, "option texts", ctx, path)
        ids = [find_option(self.options, t, ctx, (*path, n)) for n, t in enumerate(texts)]
        if texts and all(ids):
            if len(set(ids)) < len(ids):
                ctx.error(path, "names the same option twice")
                return {}
            return {"choices": [i for i in ids if i]}
        return {}

    def carries_judgements(self) -> bool:
        return any(o.judgement for o in self.options)

    def judgements(self, response: Mapping[str, Any]) -> list[Judgement]:
        """One per option that says sound or flawed: ticked, it says so; left, the opposite."""
        chosen = set(response.get("choices") or ())
        out = []
        for o in self.options:
            if not o.judgement:
                continue
            says_flawed = o.judgement == "flawed"
            said = says_flawed if o.id in chosen else not says_flawed
            out.append(Judgement(option_flawed(o), said, self.skill, o.id))
        return out

    def probed_misconceptions(self) -> set[str]:
        return codes_of(self.options)

    def wrong_answers(self) -> Iterator[tuple[Path, Any]]:
        for i, o in enumerate(self.options):
            if o.credit < 1:
                yield ("options", i), o

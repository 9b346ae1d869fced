"""``single``: pick one option. Each option carries its own credit and feedback."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from quiz.domain.article import Article
from quiz.questions.base import (
    ID_RE,
    BankContext,
    FeedbackItem,
    FormData,
    Grade,
    Path,
    Question,
    Unreadable,
    codes_of,
    first,
    letters,
)
from quiz.questions.checkform import find_option, short
from quiz.questions.judging import Judgement, option_flawed


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    credit: float
    feedback: str
    misconception: str | None = None
    #: what choosing this option says about the thing it is about: "sound" or "flawed"
    #: (question_banks/README.md, "Judgements"); None: choosing it is no judgement
    judgement: str | None = None

    def to_spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"id": self.id, "text": self.text}
        if self.credit == 1:
            spec["correct"] = True
        elif self.credit:
            spec["credit"] = self.credit
        spec["feedback"] = self.feedback
        if self.misconception:
            spec["misconception"] = self.misconception
        if self.judgement:
            spec["judgement"] = self.judgement
        return spec


JUDGEMENTS = ("sound", "flawed")


def parse_judgement(ctx: BankContext, data: Mapping[str, Any], path: Path) -> str | None:
    """``judgement: sound | flawed`` (optional): see question_banks/README.md."""
    value = data.get("judgement")
    if value is None:
        return None
    if value not in JUDGEMENTS:
        ctx.error((*path, "judgement"), f"must be sound or flawed, not {value!r}")
        return None
    return str(value)


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
                feedback=ctx.optional_text(item, "feedback", path),
                misconception=ctx.misconception(item, path),
                judgement=parse_judgement(ctx, item, path),
            )
        )
    return options


def option_order(options: list[Option], shuffle: bool, rng: random.Random) -> list[str]:
    order = [o.id for o in options]
    if shuffle:
        rng.shuffle(order)
    return order


TOKEN_BITS = 40  # ten hexadecimal digits: nothing to guess from, short in the page


def option_tokens(options: list[Option], rng: random.Random) -> dict[str, str]:
    """A random value per option for one attempt's page (option id -> token), drawn
    from the attempt's random source, distinct within the question."""
    tokens: dict[str, str] = {}
    for o in options:
        token = f"{rng.getrandbits(TOKEN_BITS):010x}"
        while token in tokens.values():
            token = f"{rng.getrandbits(TOKEN_BITS):010x}"
        tokens[o.id] = token
    return tokens


def option_state(options: list[Option], shuffle: bool, rng: random.Random) -> dict[str, Any]:
    """What ``single`` and ``multiple`` keep per attempt: the order and the tokens."""
    return {"order": option_order(options, shuffle, rng), "tokens": option_tokens(options, rng)}


def option_values(options: list[Option], state: Mapping[str, Any] | None) -> dict[str, str]:
    """Each option's value on the attempt's page (option id -> value): its token, or,
    in an attempt started before tokens (none stored), its id."""
    tokens = (state or {}).get("tokens") or {}
    return {o.id: str(tokens.get(o.id, o.id)) for o in options}


def option_ids(options: list[Option], state: Mapping[str, Any] | None) -> dict[str, str]:
    """The reverse of ``option_values``: value on the page -> option id."""
    return {value: oid for oid, value in option_values(options, state).items()}


def option_view(options: list[Option], state: Mapping[str, Any]) -> dict[str, Any]:
    """The options as the page lists them: in the attempt's order, each with its value
    (what the input sends), its text, and its bank id, which the templates use only to
    match a stored response and never write into the page."""
    values = option_values(options, state)
    return {
        "options": [
            {"id": o.id, "value": values[o.id], "text": o.text} for o in ordered(options, state)
        ]
    }


def decode_choices(
    options: list[Option], form: FormData, key: str, state: Mapping[str, Any]
) -> FormData:
    """``form`` with the values of ``key`` mapped to option ids, unknown ones left out."""
    ids = option_ids(options, state)
    decoded = {k: list(v) for k, v in form.items()}
    decoded[key] = [ids[v.strip()] for v in form.get(key) or () if v.strip() in ids]
    return decoded


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
    wrong_answer_noun = "wrong option"

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
        return option_state(list(self.options), self.shuffle, rng)

    def student_view(self, state: Mapping[str, Any], article: Article) -> dict[str, Any]:
        return option_view(list(self.options), state)

    def read_response(
        self, form: FormData, state: Mapping[str, Any] | None = None
    ) -> dict[str, Any] | None:
        choice = first(form, "choice").strip()
        if not choice:
            return None
        option = option_ids(list(self.options), state).get(choice)
        if option is None:
            raise Unreadable("That choice is not one of the options; please choose again.")
        return {"choice": option}

    def decode_form(self, form: FormData, state: Mapping[str, Any]) -> FormData:
        return decode_choices(list(self.options), form, "choice", state)

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
        best = max(self.options, key=lambda o: o.credit)
        return {"choice": [option_values(list(self.options), state)[best.id]]}

    def misconception_form(
        self, state: Mapping[str, Any]
    ) -> tuple[dict[str, list[str]], str] | None:
        values = option_values(list(self.options), state)
        for o in self.options:
            if o.credit < 1 and o.misconception:
                return {"choice": [values[o.id]]}, o.misconception
        return None

    def random_guess_score(self) -> float | None:
        return sum(o.credit for o in self.options) / len(self.options) if self.options else 0.0

    def check_form(
        self, article: Article, answer: Any, ctx: BankContext, path: Path
    ) -> dict[str, list[str]]:
        """``answer``: one option's text."""
        if not isinstance(answer, str):
            ctx.error(path, f"must be one option's text, not {short(answer)}")
            return {}
        oid = find_option(self.options, answer, ctx, path)
        return {"choice": [oid]} if oid else {}

    def carries_judgements(self) -> bool:
        return any(o.judgement for o in self.options)

    def judgements(self, response: Mapping[str, Any]) -> list[Judgement]:
        """The chosen option's, if it says sound or flawed."""
        choice = response.get("choice")
        return [
            Judgement(option_flawed(o), o.judgement == "flawed", self.skill, o.id)
            for o in self.options
            if o.id == choice and o.judgement
        ]

    def probed_misconceptions(self) -> set[str]:
        return codes_of(self.options)

    def wrong_answers(self) -> Iterator[tuple[Path, Any]]:
        for i, o in enumerate(self.options):
            if o.credit < 1:
                yield ("options", i), o

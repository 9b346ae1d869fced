"""``numeric``: type a number, read as a person means it.

``unit`` says what kind of number the question asks for: ``percent`` (``500%``,
``500 percent``, or just ``500``), ``times`` (``6x``, ``6×``, ``6 times``, ``×6``,
or just ``6``) or ``number`` (a bare number such as ``1,200``). ``read_number``
does the reading and explains, in a message that asks again, anything it cannot
read or any form that does not fit the unit (``6x`` where a percentage is asked).

An entry matches a listed value when it lies within ``tolerance`` (absolute) or
``relative`` (a fraction of the value) of it. Grading takes the best-credit
accepted value that matches, else the first listed wrong value that matches
(with its feedback and misconception), else ``otherwise``.

A question may declare ``variables`` (``{start: 5..40, rise: 100..500 step 50}``):
the prompt, feedback and explanation use ``{start}`` placeholders, and an
accepted or wrong value may be a ``formula`` (``start * (1 + rise/100)``) instead
of a fixed ``value`` (``quiz.questions.formula``). Each attempt draws its values
when its slot is made (``new_state``: ``{"seed": n, "vars": {...}}``), and a
response keeps the values it was given (``{"text", "value", "vars"}``), so that
grading, statistics and CSV need no slot state. Where no attempt's values exist
(the teacher's preview without a slot, checks without ``vars``) the first value
of each range is used.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from quiz.domain.article import Article
from quiz.questions.base import (
    BankContext,
    FeedbackItem,
    FormData,
    Grade,
    Path,
    Question,
    codes_of,
    first,
)
from quiz.questions.checkform import typed_form
from quiz.questions.formula import FormulaError, Range, fill, fill_text, placeholders, plain
from quiz.questions.numbers import ASKS, format_number, read_number
from quiz.questions.numeric_values import (
    Value,
    check_formulas,
    fixed,
    read_values,
    read_variables,
)

__all__ = ["ASKS", "Numeric", "Value", "format_number", "read_number"]

OTHERWISE = "Not the value we were looking for."


@dataclass(frozen=True)
class Numeric(Question):
    type = "numeric"
    wrong_answer_noun = "anticipated wrong answer"

    unit: str = "number"
    answers: tuple[Value, ...] = ()
    wrong: tuple[Value, ...] = ()
    otherwise: str = ""
    variables: tuple[tuple[str, Range], ...] = ()

    @classmethod
    def from_spec(
        cls, data: Mapping[str, Any], common: dict[str, Any], ctx: BankContext
    ) -> Numeric:
        unit = data.get("unit", "number")
        if unit not in ASKS:
            ctx.error(("unit",), f"must be one of {', '.join(ASKS)}, not {unit!r}")
            unit = "number"
        ranges = read_variables(data, ctx)
        answers = read_values(data, "answers", ctx)
        if answers and not any(a.credit == 1 for a in answers):
            ctx.error(("answers",), "no accepted value (give one with credit 1)")
        wrong = read_values(data, "wrong", ctx)
        check_formulas(ranges, answers, "answers", ctx)
        check_formulas(ranges, wrong, "wrong", ctx)
        otherwise = ctx.optional_text(data, "otherwise")
        for key in ("prompt", "explanation"):
            unknown = sorted(placeholders(common.get(key, "")) - set(ranges))
            if unknown and ranges:
                ctx.error((key,), f"uses {{{unknown[0]}}}, which is not a variable")
        if ranges and not any(a.formula for a in answers):
            ctx.error(("answers",), "has variables but no formula for the answer")
        return cls(
            **common,
            unit=unit,
            answers=tuple(answers),
            wrong=tuple(wrong),
            otherwise=otherwise,
            variables=tuple(ranges.items()),
        )

    # -- variables ----------------------------------------------------------------

    def default_values(self) -> dict[str, float]:
        """The first value of each range: previews and checks without ``vars``."""
        return {name: r.value(0) for name, r in self.variables}

    def values_of(self, state: Mapping[str, Any] | None) -> dict[str, float]:
        """The attempt's values (from its slot state, or a response), else the defaults."""
        if not self.variables:
            return {}
        got = (state or {}).get("vars")
        values = self.default_values()
        if isinstance(got, Mapping):
            for name in values:
                x = got.get(name)
                if isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x):
                    values[name] = float(x)
        return values

    def check_values(self, given: Any) -> tuple[dict[str, float] | None, str]:
        """A check's ``vars`` read against the ranges: (values, "") or (None, why)."""
        if not self.variables:
            return None, "this question has no variables"
        if not isinstance(given, Mapping):
            return None, "must map each variable to a number, as in {start: 10}"
        names = dict(self.variables)
        values = self.default_values()
        for name, x in given.items():
            if name not in names:
                return None, f"{name!r} is not a variable (variables: {', '.join(names)})"
            if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
                return None, f"{name} must be a number, not {x!r}"
            values[str(name)] = float(x)
        for v in (*self.answers, *self.wrong):
            if v.formula:
                try:
                    v.formula.evaluate(values)
                except FormulaError as exc:
                    return None, f"a formula {exc} with these values"
        return values, ""

    def new_state(self, rng: random.Random) -> dict[str, Any]:
        if not self.variables:
            return {}
        seed = rng.randrange(2**31)
        draw = random.Random(seed)
        return {"seed": seed, "vars": {name: plain(r.draw(draw)) for name, r in self.variables}}

    def for_state(self, state: Mapping[str, Any] | None) -> Numeric:
        """The question as one attempt sees it: prompt, explanation, feedback and values
        with the attempt's numbers put in (itself when it has no variables)."""
        if not self.variables:
            return self
        values = self.values_of(state)
        return replace(
            self,
            prompt=fill(self.prompt, values),
            explanation=fill(self.explanation, values),
            otherwise=fill(self.otherwise, values),
            answers=tuple(fixed(a.at(values)) for a in self.answers),
            wrong=tuple(fixed(w.at(values)) for w in self.wrong),
            variables=(),
        )

    def prompt_for_teachers(self) -> str:
        """``Suppose a count of [20–80] rose by [100–600 step 50]%``: each variable's
        range in place of its placeholder (the numbers differed per student)."""
        if not self.variables:
            return self.prompt
        # brackets escaped: the prompt is Markdown, and "[5–40](...)" would be a link
        return fill_text(self.prompt, {name: f"\\[{r.shown()}\\]" for name, r in self.variables})

    def spec_fields(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"unit": self.unit}
        if self.variables:
            spec["variables"] = {name: r.text for name, r in self.variables}
        spec |= {
            "answers": [a.to_spec(accepted=True) for a in self.answers],
        }
        if self.wrong:
            spec["wrong"] = [w.to_spec(accepted=False) for w in self.wrong]
        if self.otherwise:
            spec["otherwise"] = self.otherwise
        return spec

    def student_view(self, state: Mapping[str, Any], article: Article) -> dict[str, Any]:
        asks, example = ASKS[self.unit]
        return {"unit": self.unit, "hint": f"Type {asks}, for example {example}."}

    def read_response(
        self, form: FormData, state: Mapping[str, Any] | None = None
    ) -> dict[str, Any] | None:
        text = first(form, "value").strip()
        if not text:
            return None
        response: dict[str, Any] = {"text": text, "value": read_number(text, self.unit)}
        if self.variables:
            response["vars"] = {k: plain(v) for k, v in self.values_of(state).items()}
        return response

    def _hit(self, value: float) -> tuple[Value | None, str]:
        """The listed value ``value`` matches (best accepted, else first wrong), and the
        classification for item statistics."""
        accepted = [a for a in self.answers if a.matches(value)]
        if accepted:
            best = max(accepted, key=lambda a: a.credit)
            return best, f"answer:{format_number(best.value, exact=True)}"
        wrong = next((w for w in self.wrong if w.matches(value)), None)
        return wrong, f"wrong:{format_number(wrong.value, exact=True)}" if wrong else "other"

    def grade(self, response: Mapping[str, Any], article: Article) -> Grade:
        value = response.get("value")
        if not isinstance(value, int | float) or isinstance(value, bool):
            return Grade(0.0, ())
        if self.variables:
            # Graded with the values the response was given; classified by formula so
            # that item statistics count one item whatever the numbers.
            fixed = self.for_state(response)
            hit, _ = fixed._hit(value)
            classification = self._formula_class(fixed, hit)
            grade = fixed.grade(response, article)
            return replace(
                grade, classification=classification, summary=self.summarise(response, article)
            )
        hit, classification = self._hit(value)
        credit = hit.credit if hit else 0.0  # wrong values carry credit 0
        verdict = "right" if credit == 1 else "partial" if credit else "wrong"
        about = str(response.get("text", "")) or format_number(value, self.unit)
        return Grade(
            fraction=credit,
            feedback=(
                FeedbackItem(hit.feedback if hit else self.otherwise or OTHERWISE, verdict, about),
            ),
            misconceptions=(hit.misconception,) if hit and hit.misconception else (),
            classification=classification,
            summary=self.summarise(response, article),
        )

    def _formula_class(self, fixed: Numeric, hit: Value | None) -> str:
        for mine, theirs, kind in (
            (self.answers, fixed.answers, "answer"),
            (self.wrong, fixed.wrong, "wrong"),
        ):
            for original, concrete in zip(mine, theirs, strict=True):
                if concrete is hit:
                    label = (
                        original.formula.text
                        if original.formula
                        else format_number(original.value, exact=True)
                    )
                    return f"{kind}:{label}"
        return "other"

    def summarise(self, response: Mapping[str, Any], article: Article) -> str:
        text = str(response.get("text", ""))
        if self.variables:
            values = self.values_of(response)
            shown = ", ".join(f"{k}={format_number(v)}" for k, v in values.items())
            return f"{text} ({shown})"
        return text

    def describe(self, response: Mapping[str, Any], article: Article) -> str:
        return str(response.get("text", ""))

    def right_answer(self, article: Article) -> str:
        if self.variables:
            return self.for_state(None).right_answer(article)
        best = max(self.answers, key=lambda a: a.credit)
        return format_number(best.value, self.unit)

    def key_form(self, state: Mapping[str, Any]) -> dict[str, list[str]]:
        if self.variables:
            return self.for_state(state).key_form(state)
        best = max(self.answers, key=lambda a: a.credit)
        return {"value": [format_number(best.value, self.unit, exact=True)]}

    def misconception_form(
        self, state: Mapping[str, Any]
    ) -> tuple[dict[str, list[str]], str] | None:
        if self.variables:
            return self.for_state(state).misconception_form(state)
        for w in self.wrong:
            if w.misconception and not any(a.matches(w.value) for a in self.answers):
                return {"value": [format_number(w.value, self.unit, exact=True)]}, w.misconception
        return None

    def check_form(
        self, article: Article, answer: Any, ctx: BankContext, path: Path
    ) -> dict[str, list[str]]:
        """``answer``: the typed text (a number may be written as one)."""
        return typed_form(answer, ctx, path, "value")

    def probed_misconceptions(self) -> set[str]:
        return codes_of(self.answers, self.wrong)

    def wrong_answers(self) -> Iterator[tuple[Path, Any]]:
        for i, w in enumerate(self.wrong):
            yield ("wrong", i), w
        for i, a in enumerate(self.answers):
            if a.credit < 1:
                yield ("answers", i), a

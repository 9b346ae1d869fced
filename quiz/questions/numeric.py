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
import re
import unicodedata
from collections.abc import Mapping
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
    Unreadable,
    first,
)
from quiz.questions.formula import (
    NAME_RE,
    Formula,
    FormulaError,
    Range,
    corner_values,
    fill,
    placeholders,
    plain,
)

#: unit -> (what the question asks for, an example that gives nothing away)
ASKS = {
    "percent": ("a percentage", "25%"),
    "times": ("a multiplier (how many times as many)", "3×"),
    "number": ("a plain number", "120"),
}
OTHERWISE = "Not the value we were looking for."

_DASHES = str.maketrans({c: "-" for c in "\u2212\u2010\u2011\u2012\u2013\u2014\ufe63\uff0d"})
_FORM = re.compile(
    r"(?P<sign>[+-])?\s*(?P<pre>[x×])?\s*"
    r"(?P<num>\d[\d,]*(?:\.\d*)?|\.\d+)\s*"
    r"(?P<suf>%|per\s?-?cent|pct|x|×|times(?: as (?:many|much|large|big|high))?|-?\s?fold)?"
)
_GROUPED = re.compile(r"(?!0)\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_PERCENT = re.compile(r"%|per\s?-?cent|pct")
_SUFFIX = {"percent": "%", "times": "×"}
#: what a near miss looks like (once folded), and what to tell the student about it
_NEAR_MISSES = [
    (r"\do|o\d", "seems to have a letter O where a zero belongs. Please type digits only."),
    (r"(%|per\s?-?cent|pct).*(%|per\s?-?cent|pct)", "has more than one percent sign."),
    (r"([x×]|times).*([x×]|times)", "has more than one times sign."),
    (r"[+-]\s*[+-]", "has more than one plus or minus sign. Please type just one, as in -20."),
    (r"\.\d*\.", "has more than one decimal point."),
    (r"\d\s+[\d.,]|[\d.,]\s+\d", "has a space inside the number."),
]


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).casefold()
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > 1 and text.endswith(".") and not text[-2].isdigit():
        text = text[:-1].rstrip()  # a full stop after "500%." or "6 times."
    return text


def format_number(value: float, unit: str = "number", *, exact: bool = False) -> str:
    """``500%``, ``6×``, ``1,200``, ``83.3``: a value as a person writes it. ``exact``
    keeps 12 decimals and drops the grouping commas (``83.333333333333%``)."""
    text = (f"{value:.12f}" if exact else f"{value:,.6f}").rstrip("0").rstrip(".")
    return ("0" if text in ("-0", "") else text) + _SUFFIX.get(unit, "")


def _diagnose(s: str, shown: str, unit: str) -> str:
    asks, example = ASKS[unit]
    if not re.search(r"\d", s):
        if re.search(r"[a-z]", s):
            return f"Please type the number in digits, for example {example}, not in words."
        return f"Please type {asks}, for example {example}."
    for pattern, problem in _NEAR_MISSES:
        if re.search(pattern, s):
            again = "" if "Please" in problem else " Please type the number again."
            return f"“{shown}” {problem}{again}"
    return f"We could not read “{shown}” as a number. Please type {asks}, for example {example}."


def read_number(text: str, unit: str) -> float:
    """Read ``text`` as a person means it, for a question that asks for ``unit``.

    Raises ``Unreadable`` with a message that says what went wrong and asks again.
    """
    if unit not in ASKS:
        raise ValueError(f"unknown unit {unit!r}")
    shown = " ".join(text.split())
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    s = _fold(text)
    if not s:
        raise Unreadable("Please type a number.")
    m = _FORM.fullmatch(s)
    if m is None:
        raise Unreadable(_diagnose(s, shown, unit))
    num, pre, suf = m["num"], m["pre"], m["suf"] or ""
    if "," in num and not _GROUPED.fullmatch(num):
        raise Unreadable(
            f"We could not read “{shown}”: commas go between groups of three digits, "
            "as in 1,200, and decimals take a point, as in 1.5. Please type the number again."
        )
    if pre and suf:  # "×6×", "×6%"
        raise Unreadable(_diagnose(s, shown, unit))
    value = float(num.replace(",", ""))
    if not math.isfinite(value):  # 400 nines: no database's JSON holds Infinity
        raise Unreadable(f"“{shown}” is too large a number. Please type the number again.")
    if m["sign"] == "-":
        value = -value
    form = "percent" if _PERCENT.fullmatch(suf) else "times" if pre or suf else "number"
    if form != "number" and form != unit:
        typed = "a percentage" if form == "percent" else "a multiplier"
        asks, example = ASKS[unit]
        raise Unreadable(
            f"You typed {typed} ({format_number(value, form)}), but this question asks "
            f"for {asks} — for example {example}."
        )
    return value


@dataclass(frozen=True)
class Value:
    """A listed value: accepted (``answers``, with credit) or wrong (with a misconception)."""

    value: float
    feedback: str
    tolerance: float = 0.0
    relative: float = 0.0
    credit: float = 0.0
    misconception: str | None = None
    formula: Formula | None = None

    def at(self, values: Mapping[str, float]) -> Value:
        """This value with the attempt's variable values put in (itself when fixed)."""
        if self.formula is None:
            return self
        return replace(
            self, value=self.formula.evaluate(values), feedback=fill(self.feedback, values)
        )

    def matches(self, x: float) -> bool:
        slack = max(self.tolerance, self.relative * abs(self.value))
        return abs(x - self.value) <= slack + 1e-9 * max(1.0, abs(self.value))

    def to_spec(self, accepted: bool) -> dict[str, Any]:
        spec: dict[str, Any] = (
            {"formula": self.formula.text} if self.formula else {"value": _plain(self.value)}
        )
        if self.tolerance:
            spec["tolerance"] = _plain(self.tolerance)
        if self.relative:
            spec["relative"] = _plain(self.relative)
        if accepted and self.credit != 1:
            spec["credit"] = self.credit
        spec["feedback"] = self.feedback
        if self.misconception:
            spec["misconception"] = self.misconception
        return spec


def _fixed(v: Value) -> Value:
    return replace(v, formula=None)


def _plain(x: float) -> int | float:
    return int(x) if x.is_integer() else x


def _values(data: Mapping[str, Any], key: str, ctx: BankContext) -> list[Value]:
    accepted = key == "answers"
    raw = ctx.items(data, key) if accepted or data.get(key) else []
    values: list[Value] = []
    for n, item in enumerate(raw):
        path: Path = (key, n)
        if ctx.mapping(item, path) is None:
            continue
        limits = {}
        for name in ("tolerance", "relative"):
            limit = ctx.number(item, name, path, 0.0) or 0.0
            if limit < 0:
                ctx.error((*path, name), "must not be negative")
            limits[name] = limit
        formula = None
        if item.get("formula") is not None:
            try:
                formula = Formula.parse(item["formula"])
            except FormulaError as exc:
                ctx.error((*path, "formula"), str(exc))
            value: float | None = 0.0
        else:
            value = ctx.number(item, "value", path)
        values.append(
            Value(
                formula=formula,
                value=value if value is not None else 0.0,
                feedback=ctx.optional_text(item, "feedback", path),
                credit=ctx.credit(item, path, 1.0) if accepted else 0.0,
                misconception=ctx.misconception(item, path),
                **limits,
            )
        )
    return values


def _variables(data: Mapping[str, Any], ctx: BankContext) -> dict[str, Range]:
    raw = data.get("variables")
    if raw is None:
        return {}
    if not isinstance(raw, Mapping) or not raw:
        ctx.error(("variables",), "must map names to ranges, as in {start: 5..40}")
        return {}
    if len(raw) > 6:
        ctx.error(("variables",), "has more than six variables")
        return {}
    ranges: dict[str, Range] = {}
    for name, text in raw.items():
        if not isinstance(name, str) or not NAME_RE.match(name):
            ctx.error(("variables", str(name)), "is not a name such as start (a-z, 0-9, _)")
            continue
        try:
            ranges[name] = Range.parse(text)
        except FormulaError as exc:
            ctx.error(("variables", name), str(exc))
    return ranges


def _check_formulas(
    ranges: Mapping[str, Range], values: list[Value], key: str, ctx: BankContext
) -> None:
    """Each formula names only variables and gives a number at every corner of the ranges."""
    corners = corner_values(ranges) if ranges else [{}]
    for n, v in enumerate(values):
        if v.formula is None:
            continue
        unknown = sorted(v.formula.names - set(ranges))
        if unknown:
            known = ", ".join(ranges) or "none: declare variables"
            ctx.error(
                (key, n, "formula"),
                f"uses {', '.join(unknown)}, not a variable (variables: {known})",
            )
            continue
        for values_at in corners:
            try:
                v.formula.evaluate(values_at)
            except FormulaError as exc:
                where = ", ".join(f"{k}={format_number(x)}" for k, x in values_at.items())
                ctx.error((key, n, "formula"), f"{exc} when {where}")
                break


@dataclass(frozen=True)
class Numeric(Question):
    type = "numeric"

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
        ranges = _variables(data, ctx)
        answers = _values(data, "answers", ctx)
        if answers and not any(a.credit == 1 for a in answers):
            ctx.error(("answers",), "no accepted value (give one with credit 1)")
        wrong = _values(data, "wrong", ctx)
        _check_formulas(ranges, answers, "answers", ctx)
        _check_formulas(ranges, wrong, "wrong", ctx)
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
            answers=tuple(_fixed(a.at(values)) for a in self.answers),
            wrong=tuple(_fixed(w.at(values)) for w in self.wrong),
            variables=(),
        )

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

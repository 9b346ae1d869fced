"""A ``numeric`` question's listed values (accepted and wrong, fixed or a formula)
and its variables, as read from a bank file and written back. Pure Python."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from quiz.questions.base import BankContext, Path
from quiz.questions.formula import (
    NAME_RE,
    Formula,
    FormulaError,
    Range,
    corner_values,
    fill,
    plain,
)
from quiz.questions.numbers import format_number


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
            {"formula": self.formula.text} if self.formula else {"value": plain(self.value)}
        )
        if self.tolerance:
            spec["tolerance"] = plain(self.tolerance)
        if self.relative:
            spec["relative"] = plain(self.relative)
        if accepted and self.credit != 1:
            spec["credit"] = self.credit
        spec["feedback"] = self.feedback
        if self.misconception:
            spec["misconception"] = self.misconception
        return spec


def fixed(v: Value) -> Value:
    return replace(v, formula=None)


def read_values(data: Mapping[str, Any], key: str, ctx: BankContext) -> list[Value]:
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


def read_variables(data: Mapping[str, Any], ctx: BankContext) -> dict[str, Range]:
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


def check_formulas(
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

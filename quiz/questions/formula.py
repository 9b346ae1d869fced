"""Safe arithmetic formulas and variable ranges for ``numeric`` questions.

A formula (``start * (1 + rise/100)``) is parsed with :mod:`ast` and walked by
hand: only numbers, variable names, ``+ - * / **``, unary minus and plus,
parentheses and the functions ``round``, ``abs``, ``min`` and ``max`` are
allowed. Nothing is ever passed to ``eval``. A formula is at most 200
characters and 12 levels deep; an exponent larger than 100 in size, or a
result beyond 1e15, is refused, so ``9**9**9`` cannot tie up the server.

A range is ``5..40`` (integers), ``100..500 step 50`` or ``0.5..2.5 step 0.5``
(decimals: the precision is the step's number of decimal places).
"""

from __future__ import annotations

import ast
import itertools
import math
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from quiz.questions.numbers import format_number

MAX_LENGTH = 200
MAX_DEPTH = 12
MAX_EXPONENT = 100
MAX_MAGNITUDE = 1e15
MAX_VALUES = 100_000
FUNCTIONS: dict[str, Callable[..., Any]] = {"round": round, "abs": abs, "min": min, "max": max}
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
_RANGE = re.compile(
    r"^\s*(?P<lo>-?\d+(?:\.\d+)?)\s*\.\.\s*(?P<hi>-?\d+(?:\.\d+)?)"
    r"(?:\s+step\s+(?P<step>\d+(?:\.\d+)?))?\s*$"
)
_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]{0,30})\}")


class FormulaError(ValueError):
    """A formula or range that cannot be used; the message says why."""


_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}


@dataclass(frozen=True)
class Formula:
    """A parsed formula: ``evaluate(values)`` gives a float or raises ``FormulaError``."""

    text: str
    tree: ast.expr = field(compare=False)  # ast nodes compare by identity: the text does
    names: frozenset[str] = field(compare=False)

    @classmethod
    def parse(cls, text: str) -> Formula:
        if not isinstance(text, str | int | float) or isinstance(text, bool):
            raise FormulaError("must be a formula such as start * 6")
        text = str(text).strip()
        if not text:
            raise FormulaError("must not be empty")
        if len(text) > MAX_LENGTH:
            raise FormulaError(f"is longer than {MAX_LENGTH} characters")
        try:
            tree = ast.parse(text, mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            raise FormulaError(
                f"{text!r} is not a formula (numbers, names, + - * / ** and ())"
            ) from None
        names: set[str] = set()
        _check(tree, names, 0)
        return cls(text, tree, frozenset(names))

    def evaluate(self, values: Mapping[str, float]) -> float:
        result = _eval(self.tree, values)
        return float(result)


def _check(node: ast.AST, names: set[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise FormulaError(f"is nested more than {MAX_DEPTH} levels deep")
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise FormulaError(f"{node.value!r} is not a number")
    elif isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            raise FormulaError(f"{node.id} is a function: write {node.id}(...)")
        names.add(node.id)
    elif isinstance(node, ast.Call):
        _check_call(node, names, depth)
    else:
        for child in _operands(node):
            _check(child, names, depth + 1)


def _operands(node: ast.AST) -> tuple[ast.expr, ...]:
    """The operands of an arithmetic operation; anything else is refused."""
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return (node.left, node.right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        return (node.operand,)
    raise FormulaError(
        "only numbers, variable names, + - * / **, parentheses and round, abs, min, max are allowed"
    )


def _check_call(node: ast.Call, names: set[str], depth: int) -> None:
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
        raise FormulaError("only round, abs, min and max may be called")
    if node.keywords or not 1 <= len(node.args) <= 4:
        raise FormulaError(f"{node.func.id}() takes one to four plain arguments")
    for arg in node.args:
        _check(arg, names, depth + 1)


def _bounded(x: float | int) -> float:
    x = float(x)
    if not math.isfinite(x) or abs(x) > MAX_MAGNITUDE:
        raise FormulaError("gives a number too large")
    return x


def _eval(node: ast.AST, values: Mapping[str, float]) -> float:
    if isinstance(node, ast.Constant):
        if not isinstance(node.value, int | float):  # refused by _check already
            raise FormulaError("uses something that is not a number")
        return _bounded(node.value)
    if isinstance(node, ast.Name):
        if node.id not in values:
            raise FormulaError(f"uses {node.id!r}, which is not a variable")
        return _bounded(values[node.id])
    if isinstance(node, ast.UnaryOp):
        x = _eval(node.operand, values)
        return -x if isinstance(node.op, ast.USub) else x
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)  # _check refuses any other callee
        return _call(node.func.id, [_eval(a, values) for a in node.args])
    assert isinstance(node, ast.BinOp)
    return _binary(type(node.op), _eval(node.left, values), _eval(node.right, values))


def _call(name: str, args: list[float]) -> float:
    if name == "abs":
        if len(args) != 1:
            raise FormulaError("abs() takes one argument")
        return abs(args[0])
    if name == "round":
        if len(args) > 2 or (len(args) == 2 and not 0 <= args[1] <= 12):
            raise FormulaError("round() takes a number and 0 to 12 decimal places")
        return _bounded(round(args[0], int(args[1])) if len(args) == 2 else round(args[0]))
    return _bounded(FUNCTIONS[name](args))


def _binary(op: type[ast.operator], left: float, right: float) -> float:
    if op is ast.Div and right == 0:
        raise FormulaError("divides by zero")
    if op is ast.Pow:
        if abs(right) > MAX_EXPONENT:
            raise FormulaError(f"raises to a power larger than {MAX_EXPONENT}")
        if left == 0 and right < 0:
            raise FormulaError("divides by zero")
        if left < 0 and not float(right).is_integer():
            raise FormulaError("takes a root of a negative number")
    try:
        result = {
            ast.Add: lambda: left + right,
            ast.Sub: lambda: left - right,
            ast.Mult: lambda: left * right,
            ast.Div: lambda: left / right,
            ast.Pow: lambda: left**right,
        }[op]()
    except (OverflowError, ZeroDivisionError):
        raise FormulaError("gives a number too large") from None
    return _bounded(result)


@dataclass(frozen=True)
class Range:
    """``lo..hi step s``: the values lo, lo+s, ... up to hi, with ``places`` decimals."""

    text: str
    lo: Decimal
    hi: Decimal
    step: Decimal
    places: int

    @classmethod
    def parse(cls, text: Any) -> Range:
        if isinstance(text, bool) or not isinstance(text, str | int | float):
            raise FormulaError("must be a range such as 5..40 or 100..500 step 50")
        if isinstance(text, int | float):
            text = f"{text}..{text}"
        m = _RANGE.match(text)
        if m is None:
            raise FormulaError(f"{text!r} is not a range such as 5..40 or 100..500 step 50")
        try:
            lo, hi = Decimal(m["lo"]), Decimal(m["hi"])
            step = Decimal(m["step"]) if m["step"] else Decimal(1)
        except InvalidOperation:  # pragma: no cover - the pattern allows only numbers
            raise FormulaError(f"{text!r} is not a range") from None
        if step <= 0:
            raise FormulaError("has a step that is not positive")
        if hi < lo:
            raise FormulaError(f"{text!r} is empty: {lo} is larger than {hi}")
        places = max(0, -step.as_tuple().exponent, -lo.as_tuple().exponent)  # type: ignore[operator]
        if places > 6:
            raise FormulaError("has more than six decimal places")
        if (hi - lo) / step >= MAX_VALUES:
            raise FormulaError(f"has more than {MAX_VALUES:,} values; give a larger step")
        if abs(lo) > Decimal(MAX_MAGNITUDE) or abs(hi) > Decimal(MAX_MAGNITUDE):
            raise FormulaError("has a number too large")
        return cls(text.strip(), lo, hi, step, places)

    @property
    def count(self) -> int:
        return int((self.hi - self.lo) / self.step) + 1

    def shown(self) -> str:
        """``20–80``, ``100–500 step 50``, ``0.5–2.5 step 1``, or ``5`` for a single
        value: the values it draws from, for a reader (the top is the last one a step
        reaches: ``5..40 step 10`` is ``5–35 step 10``)."""
        lo, top = format_number(self.value(0)), format_number(self.value(self.count - 1))
        if self.count == 1:
            return lo
        whole = self.step == 1 and self.lo == self.lo.to_integral_value()
        step = "" if whole else f" step {format_number(float(self.step))}"
        return f"{lo}–{top}{step}"

    def value(self, i: int) -> float:
        return round(float(self.lo + self.step * i), self.places)

    def draw(self, rng: random.Random) -> float:
        return self.value(rng.randrange(self.count))

    def corners(self) -> list[float]:
        return sorted({self.value(0), self.value(self.count - 1), self.value(self.count // 2)})


def corner_values(ranges: Mapping[str, Range], limit: int = 729) -> list[dict[str, float]]:
    """Every combination of each range's first, middle and last value (at most ``limit``)."""
    names = list(ranges)
    combos = itertools.product(*(ranges[n].corners() for n in names))
    return [dict(zip(names, c, strict=True)) for c in itertools.islice(combos, limit)]


def plain(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def fill(text: str, values: Mapping[str, float]) -> str:
    """``text`` with each ``{name}`` of a variable replaced by its value (``1,200``);
    other braces are left alone."""

    return fill_text(text, {name: format_number(v) for name, v in values.items()})


def fill_text(text: str, texts: Mapping[str, str]) -> str:
    """``text`` with each ``{name}`` of ``texts`` replaced by its text; other braces
    are left alone."""
    return _PLACEHOLDER.sub(lambda m: texts.get(m[1], m[0]), text) if texts else text


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text or ""))

"""A bank question's own tests (``checks:``), read from the bank and run through the real grader.

A check is a response as a student gives it and what it must score::

    checks:
      - answer: "the time period"   # a response as a student gives it
        fraction: 1                 # expected fraction, exact within 1e-6
      - answer: "5"
        misconception: MULT_OFFBYONE   # the grade must name this code
      - answer: "about 6"
        at_least: 0.5               # and/or at_most: 0.9

``answer`` by type: ``numeric`` and ``text``: the typed string; ``single``: the
option's text; ``multiple``: a list of option texts; ``highlight``: a list of
quotes or sentence ids; ``classify``: a mapping of quote or sentence id to
category key. The answer is turned into the form fields a student's browser
would send, read by the type's ``read_response`` and graded by its ``grade``:
the same path a student's answer takes (the answer's form fields: the type's
``Question.check_form``). Pure Python: no
Flask, no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from quiz.domain.article import Article
from quiz.questions.base import CODE_RE, BankContext, Path, Question, Unreadable
from quiz.questions.checkform import describe, plain, short

EXPECTATIONS = ("fraction", "at_least", "at_most", "misconception")
CHECK_FIELDS = ("answer", "vars", *EXPECTATIONS)
MAX_CHECKS = 100  # per question
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Check:
    """One check: the answer as written in the bank, the form fields it stands for, and
    what its grade must be. ``line`` is where the bank file writes it (0: no file)."""

    answer: Any  # str | list[str] | dict[str, str], as written (plain data)
    form: Mapping[str, Sequence[str]] = field(compare=False, default_factory=dict)
    fraction: float | None = None
    at_least: float | None = None
    at_most: float | None = None
    misconception: str | None = None
    line: int = field(default=0, compare=False)
    # A numeric question's variable values for this check (``vars: {start: 10}``);
    # None: the first value of each range.
    values: Mapping[str, float] | None = None

    def to_spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"answer": self.answer}
        if self.values is not None:
            spec["vars"] = {
                k: int(v) if float(v).is_integer() else v for k, v in self.values.items()
            }
        for name in ("fraction", "at_least", "at_most"):
            value = getattr(self, name)
            if value is not None:
                spec[name] = int(value) if float(value).is_integer() else value
        if self.misconception:
            spec["misconception"] = self.misconception
        return spec

    def expected(self) -> str:
        """What the check expects, in words: ``fraction 1, misconception MULT_OFFBYONE``."""
        parts = []
        if self.fraction is not None:
            parts.append(f"fraction {number(self.fraction)}")
        if self.at_least is not None:
            parts.append(f"at least {number(self.at_least)}")
        if self.at_most is not None:
            parts.append(f"at most {number(self.at_most)}")
        if self.misconception:
            parts.append(f"misconception {self.misconception}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Outcome:
    """A check run: whether it passed, what the grader gave, and a one-line message."""

    check: Check
    passed: bool
    fraction: float | None  # None: the response could not be read
    misconceptions: tuple[str, ...]
    message: str  # "" when passed

    @property
    def answer(self) -> str:
        """The check's answer in one line."""
        return describe(self.check.answer)


def number(x: float) -> str:
    """``1``, ``0``, ``0.5``, ``0.333``: a fraction as the messages show it."""
    return f"{x:.3g}"


# -- reading checks ---------------------------------------------------------------------


def parse_checks(data: Mapping[str, Any], question: Question, ctx: BankContext) -> list[Check]:
    """The question's ``checks``, each answer resolved against the question; problems go
    to ``ctx.error`` with paths like ``checks[2].answer``."""
    raw = data.get("checks")
    if raw is None:
        return []
    if not isinstance(raw, list):
        ctx.error(("checks",), "must be a list of checks (each with answer and fraction)")
        return []
    if len(raw) > MAX_CHECKS:
        ctx.error(("checks",), f"has {len(raw)} checks; at most {MAX_CHECKS} per question")
        return []
    parsed = (_parse_check(item, ("checks", n), question, ctx) for n, item in enumerate(raw))
    return [c for c in parsed if c is not None]


def _parse_check(item: Any, path: Path, question: Question, ctx: BankContext) -> Check | None:
    """One check (None if it has a problem: reported to ``ctx``)."""
    if not isinstance(item, Mapping):
        ctx.error(path, "each check must be a mapping with answer and fraction")
        return None
    before = len(ctx.problems)
    for name in CHECK_FIELDS:  # read them all, so that any other field is reported
        item.get(name)
    if "answer" not in item or item.get("answer") is None:
        ctx.error((*path, "answer"), "is required: a response as a student gives it")
        form: dict[str, list[str]] = {}
    else:
        form = question.check_form(ctx.article, item["answer"], ctx, (*path, "answer"))
    fraction, low, high = (
        _fraction(item, k, ctx, path) for k in ("fraction", "at_least", "at_most")
    )
    code = _misconception(item, ctx, path)
    values = _check_values(item, question, ctx, path)
    expects = (fraction, low, high, code) != (None, None, None, None)
    if not expects and len(ctx.problems) == before:
        ctx.error(path, "needs at least one of fraction, at_least, at_most, misconception")
    if low is not None and high is not None and low > high:
        ctx.error((*path, "at_least"), f"is more than at_most ({number(high)})")
    if len(ctx.problems) != before:
        return None
    return Check(
        answer=plain(item["answer"]),
        form=form,
        misconception=code,
        values=values,
        fraction=fraction,
        at_least=low,
        at_most=high,
    )


def _check_values(
    item: Mapping[str, Any], question: Question, ctx: BankContext, path: Path
) -> Mapping[str, float] | None:
    """A check's ``vars`` (a numeric question with variables only)."""
    if item.get("vars") is None:
        return None
    check_values = getattr(question, "check_values", None)
    if check_values is None:
        ctx.error((*path, "vars"), "only a numeric question with variables takes vars")
        return None
    values, why = check_values(item["vars"])
    if values is None:
        ctx.error((*path, "vars"), why)
    return values


def touch_checks(data: Mapping[str, Any]) -> None:
    """Mark a question's checks as read without judging them (the question itself has
    problems, so its options or sentences cannot be relied on)."""
    raw = data.get("checks")
    if isinstance(raw, list):
        for item in raw:
            if isinstance(item, Mapping):
                list(item)


def _fraction(item: Mapping[str, Any], name: str, ctx: BankContext, path: Path) -> float | None:
    value = item.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        ctx.error((*path, name), f"must be a number from 0 to 1, not {short(value)}")
        return None
    return float(value)


def _misconception(item: Mapping[str, Any], ctx: BankContext, path: Path) -> str | None:
    code = item.get("misconception")
    if code is None:
        return None
    if not isinstance(code, str) or not CODE_RE.match(code):
        ctx.error((*path, "misconception"), f"{short(code)} is not a code like MULT_OFFBYONE")
        return None
    if ctx.misconceptions is not None and code not in ctx.misconceptions:
        known = ", ".join(sorted(ctx.misconceptions)) or "none"
        ctx.error(
            (*path, "misconception"),
            f"unknown misconception {code!r} (the bank's catalogue has: {known})",
        )
        return None
    return code


# -- running checks ---------------------------------------------------------------------


def run_check(question: Question, article: Article, check: Check) -> Outcome:
    """Grade the check's answer as a student's would be, and compare with what it expects."""
    shown = f'("{describe(check.answer)}")'
    try:
        state = {"vars": dict(check.values)} if check.values is not None else None
        response = question.read_response(check.form, state)
    except Unreadable as exc:
        return Outcome(
            check, False, None, (), f"expected {check.expected()}, got unreadable: {exc} {shown}"
        )
    if response is None:
        return Outcome(check, False, None, (), f"expected {check.expected()}, got no answer")
    grade = question.grade(response, article)
    got = grade.fraction
    failures = []
    if check.fraction is not None and abs(got - check.fraction) > TOLERANCE:
        failures.append(f"expected fraction {number(check.fraction)}, got {number(got)}")
    if check.at_least is not None and got < check.at_least - TOLERANCE:
        failures.append(f"expected at least {number(check.at_least)}, got {number(got)}")
    if check.at_most is not None and got > check.at_most + TOLERANCE:
        failures.append(f"expected at most {number(check.at_most)}, got {number(got)}")
    if check.misconception and check.misconception not in grade.misconceptions:
        named = ", ".join(grade.misconceptions) or "none"
        failures.append(f"expected misconception {check.misconception}, got {named}")
    message = "; ".join(failures) + f" {shown}" if failures else ""
    return Outcome(check, not failures, got, grade.misconceptions, message)


def run_checks(question: Question, article: Article) -> list[Outcome]:
    return [run_check(question, article, c) for c in getattr(question, "checks", ())]

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
the same path a student's answer takes. Pure Python: no Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from quiz.domain.article import Article
from quiz.questions.base import CODE_RE, BankContext, Path, Question, Unreadable

EXPECTATIONS = ("fraction", "at_least", "at_most", "misconception")
CHECK_FIELDS = ("answer", "vars", *EXPECTATIONS)
MAX_CHECKS = 100  # per question
MAX_ANSWER_ITEMS = 200  # options, sentences or labels in one answer
MAX_ANSWER_LENGTH = 1000  # characters of a typed answer (as the text type allows)
TOLERANCE = 1e-6
_SENTENCE_ID = re.compile(r"p\d+-s\d+")


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


def plain(value: Any) -> Any:
    """Plain data (dicts, lists, scalars) of a value that may hold tracked mappings."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def describe(answer: Any) -> str:
    """An answer in one line, as a failure message quotes it."""
    if isinstance(answer, Mapping):
        text = "; ".join(f"{k}: {v}" for k, v in answer.items())
    elif isinstance(answer, list | tuple):
        text = "; ".join(str(a) for a in answer)
    else:
        text = str(answer)
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:79] + "…"


def _squash(text: str) -> str:
    return " ".join(text.split())


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
    checks: list[Check] = []
    for n, item in enumerate(raw):
        path: Path = ("checks", n)
        if not isinstance(item, Mapping):
            ctx.error(path, "each check must be a mapping with answer and fraction")
            continue
        before = len(ctx.problems)
        for name in CHECK_FIELDS:  # read them all, so that any other field is reported
            item.get(name)
        if "answer" not in item or item.get("answer") is None:
            ctx.error((*path, "answer"), "is required: a response as a student gives it")
            form: dict[str, list[str]] = {}
        else:
            form = answer_form(question, ctx.article, item["answer"], ctx, (*path, "answer"))
        limits = {}
        for name in ("fraction", "at_least", "at_most"):
            limits[name] = _fraction(item, name, ctx, path)
        code = _misconception(item, ctx, path)
        values = None
        if item.get("vars") is not None:
            check_values = getattr(question, "check_values", None)
            if check_values is None:
                ctx.error((*path, "vars"), "only a numeric question with variables takes vars")
            else:
                values, why = check_values(item["vars"])
                if values is None:
                    ctx.error((*path, "vars"), why)
        if all(limits[k] is None for k in limits) and code is None and len(ctx.problems) == before:
            ctx.error(path, "needs at least one of fraction, at_least, at_most, misconception")
        low, high = limits["at_least"], limits["at_most"]
        if low is not None and high is not None and low > high:
            ctx.error((*path, "at_least"), f"is more than at_most ({number(high)})")
        if len(ctx.problems) == before:
            checks.append(
                Check(
                    answer=plain(item["answer"]),
                    form=form,
                    misconception=code,
                    values=values,
                    **limits,
                )
            )
    return checks


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
        ctx.error((*path, name), f"must be a number from 0 to 1, not {_short(value)}")
        return None
    return float(value)


def _misconception(item: Mapping[str, Any], ctx: BankContext, path: Path) -> str | None:
    code = item.get("misconception")
    if code is None:
        return None
    if not isinstance(code, str) or not CODE_RE.match(code):
        ctx.error((*path, "misconception"), f"{_short(code)} is not a code like MULT_OFFBYONE")
        return None
    if ctx.misconceptions is not None and code not in ctx.misconceptions:
        known = ", ".join(sorted(ctx.misconceptions)) or "none"
        ctx.error(
            (*path, "misconception"),
            f"unknown misconception {code!r} (the bank's catalogue has: {known})",
        )
        return None
    return code


def _short(value: Any) -> str:
    text = repr(plain(value))
    return text if len(text) <= 60 else text[:59] + "…"


def answer_form(
    question: Question, article: Article, answer: Any, ctx: BankContext, path: Path
) -> dict[str, list[str]]:
    """The form fields a student's browser would send for ``answer`` ({} on a problem)."""
    qtype = question.type
    if qtype in ("numeric", "text"):
        if isinstance(answer, bool) or not isinstance(answer, str | int | float):
            ctx.error(path, f"must be the typed text, not {_short(answer)}")
            return {}
        typed = str(answer)
        if not typed.strip():
            ctx.error(path, "must not be empty (a blank answer is not graded)")
            return {}
        if len(typed) > MAX_ANSWER_LENGTH:
            ctx.error(path, f"is {len(typed):,} characters; at most {MAX_ANSWER_LENGTH:,}")
            return {}
        return {"value" if qtype == "numeric" else "text": [typed]}
    if qtype == "single":
        if not isinstance(answer, str):
            ctx.error(path, f"must be one option's text, not {_short(answer)}")
            return {}
        oid = _option_id(question, answer, ctx, path)
        return {"choice": [oid]} if oid else {}
    if qtype == "multiple":
        texts = _text_list(answer, "option texts", ctx, path)
        ids = [_option_id(question, t, ctx, (*path, n)) for n, t in enumerate(texts)]
        if texts and all(ids):
            if len(set(ids)) < len(ids):
                ctx.error(path, "names the same option twice")
                return {}
            return {"choices": [i for i in ids if i]}
        return {}
    if qtype == "highlight":
        texts = _text_list(answer, "quotes or sentence ids", ctx, path)
        shown = set(getattr(question, "selectable", ()))
        sids = []
        for n, t in enumerate(texts):
            sid = _sentence_id(article, t, ctx, (*path, n))
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
    if qtype == "classify":
        return _classify_form(question, article, answer, ctx, path)
    ctx.error(path, f"checks are not supported for {qtype} questions")
    return {}


def _text_list(answer: Any, what: str, ctx: BankContext, path: Path) -> list[str]:
    if not isinstance(answer, list):
        ctx.error(path, f"must be a list of {what}, not {_short(answer)}")
        return []
    if not answer:
        ctx.error(path, f"must list at least one of the {what}")
        return []
    if len(answer) > MAX_ANSWER_ITEMS:
        ctx.error(path, f"lists {len(answer)} items; at most {MAX_ANSWER_ITEMS}")
        return []
    bad = [n for n, a in enumerate(answer) if not isinstance(a, str) or not a.strip()]
    for n in bad:
        ctx.error((*path, n), f"must be text, not {_short(answer[n])}")
    return [] if bad else [str(a) for a in answer]


def _option_id(question: Question, text: str, ctx: BankContext, path: Path) -> str | None:
    options = getattr(question, "options", ())
    wanted = _squash(text)
    hit = next((o.id for o in options if _squash(o.text) == wanted), None)
    if hit is None:
        shown = ", ".join(f"“{describe(o.text)[:40]}”" for o in options)
        ctx.error(path, f"“{describe(text)[:60]}” is not the text of an option (options: {shown})")
    return hit


def _sentence_id(article: Article, text: str, ctx: BankContext, path: Path) -> str | None:
    text = text.strip()
    if _SENTENCE_ID.fullmatch(text):
        if article.sentence(text) is None:
            ctx.error(path, f"no sentence {text} in the article")
            return None
        return text
    found = article.find(text)
    if not found:
        ctx.error(path, f"quote not found in the article: {text[:80]!r}")
        return None
    if len(found) > 1:
        ids = ", ".join(s.id for s in found)
        ctx.error(path, f"quote matches several sentences ({ids}); quote more")
        return None
    return found[0].id


def _classify_form(
    question: Question, article: Article, answer: Any, ctx: BankContext, path: Path
) -> dict[str, list[str]]:
    if not isinstance(answer, Mapping):
        ctx.error(path, f"must map quotes or sentence ids to categories, not {_short(answer)}")
        return {}
    if not answer:
        ctx.error(path, "must label at least one sentence")
        return {}
    if len(answer) > MAX_ANSWER_ITEMS:
        ctx.error(path, f"labels {len(answer)} sentences; at most {MAX_ANSWER_ITEMS}")
        return {}
    asked = {s.sentence for s in getattr(question, "sentences", ())}
    keys = [k for k, _ in getattr(question, "categories", ())]
    form: dict[str, list[str]] = {}
    ok = True
    for quote, category in answer.items():
        where = (*path, str(quote))
        sid = _sentence_id(article, str(quote), ctx, where) if isinstance(quote, str) else None
        if not isinstance(quote, str):
            ctx.error(where, "must be a quote or a sentence id")
        if sid and sid not in asked:
            ctx.error(where, f"sentence {sid} is not one this question asks about")
            sid = None
        if not isinstance(category, str) or category not in keys:
            ctx.error(
                where, f"unknown category {_short(category)} (this question's: {', '.join(keys)})"
            )
            sid = None
        if sid and f"label-{sid}" in form:
            ctx.error(where, f"sentence {sid} is labelled twice")
            sid = None
        if sid is None:
            ok = False
            continue
        form[f"label-{sid}"] = [str(category)]
    return form if ok else {}


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

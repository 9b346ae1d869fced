"""The answer block ``{...}`` of one GIFT question: its kind chosen exactly as
Moodle chooses it, then each kind's answers read (weights snapped to Moodle's
grades, ``#feedback``, numeric ranges and tolerances)."""

from __future__ import annotations

import math
import re
from typing import Protocol

from quiz.interchange.gift.syntax import (
    GRADES,
    TF,
    WEIGHT,
    GiftAnswer,
    GiftError,
    GiftQuestion,
    restore_escapes,
    trim,
    with_format,
)

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_TAG = re.compile(r"<[A-Za-z/!][^<>]*>")
_TOO_FEW = "There is an error in the question. There are not enough answers for this question type"


class Complaint(Protocol):
    """A problem at an offset into the answer block, as the error to raise."""

    def __call__(self, message: str, offset: int = 0) -> GiftError: ...


def read_answers(question: GiftQuestion, answertext: str, bad: Complaint, fmt: str) -> None:
    """The question's ``qtype`` and answers from its (non-empty) answer block."""
    check_tags(answertext, bad)
    if answertext == "":
        question.qtype = "essay"
    elif answertext[0] == "#":
        question.qtype = "numerical"
        _numerical(question, answertext, bad, fmt)
    elif "~" in answertext:
        question.qtype = "multichoice"
        _multichoice(question, answertext, bad, fmt)
    elif "=" in answertext and "->" in answertext:
        question.qtype = "matching"
        _matching(question, answertext, bad, fmt)
    else:
        check = answertext
        if answertext.find("#") > 0:
            check = trim(answertext[: answertext.find("#")])
        if check in TF:
            question.qtype = "truefalse"
            _truefalse(question, answertext, check, bad, fmt)
        else:
            question.qtype = "shortanswer"
            _shortanswer(question, answertext, bad, fmt)


def check_tags(answertext: str, bad: Complaint) -> None:
    """An HTML tag with ``=`` or ``#`` among the answers is an error (Moodle splits it)."""
    for tag in _TAG.finditer(answertext):
        if "=" in tag.group() or "#" in tag.group():
            raise bad(
                f"an HTML tag with = or # among the answers ({restore_escapes(tag.group())[:60]}): "
                "write them as \\= and \\# (Moodle would split the answer there)",
                tag.start(),
            )


def _split(answertext: str, sep: str) -> list[tuple[int, str]]:
    """``explode(sep, ...)`` with each piece's offset; an empty first piece dropped."""
    pieces: list[tuple[int, str]] = []
    pos = 0
    for piece in answertext.split(sep):
        pieces.append((pos, piece))
        pos += len(piece) + len(sep)
    if pieces and not trim(pieces[0][1]):
        pieces.pop(0)
    return pieces


def _weight(answer: str, default: float, bad: Complaint, offset: int) -> tuple[float, str]:
    """Moodle's weight ``%50%`` at the start of an answer, snapped to its grade list."""
    if not answer.startswith("%"):
        return default, answer
    if not WEIGHT.match(answer):
        end = answer.find("%", 1)
        shown = answer[: end + 1] if end > 0 else answer[:12]
        raise bad(
            f"answer weight {restore_escapes(shown)} is not a percentage such as %50% or "
            "%-33.33333% (Moodle would keep it as part of the answer's text)",
            offset,
        )
    end = answer.find("%", 1)
    raw = answer[1:end]
    try:
        value = float(raw) / 100
    except ValueError:
        raise bad(f"answer weight %{raw}% is not a number", offset) from None
    for grade in GRADES:
        if abs(value - grade) < 1e-5:
            return grade, answer[end + 1 :]
    raise bad(f"Grades ({value:g}) do not match grade options - question skipped.", offset)


def _comment(answer: str, fmt: str, bad: Complaint, offset: int, parts: int = 2) -> list[str]:
    bits = answer.split("#")
    if len(bits) > parts:
        where = len("#".join(bits[:parts]))
        raise bad(
            "an unescaped # in an answer's text or feedback: write \\# for a literal #"
            " (Moodle would cut the feedback there)",
            offset + where,
        )
    return [with_format(trim(b), fmt)[1] for b in bits]


def _multichoice(question: GiftQuestion, answertext: str, bad: Complaint, fmt: str) -> None:
    question.single = "=" in answertext
    # explode("~", str_replace("=", "~=", ...)): cut before each ~ (dropped) and = (kept)
    cuts = sorted({0, *(m.start() for m in re.finditer(r"[~=]", answertext))})
    pieces: list[tuple[int, str]] = []
    for n, cut in enumerate(cuts):
        end = cuts[n + 1] if n + 1 < len(cuts) else len(answertext)
        skip = 1 if answertext[cut : cut + 1] == "~" else 0
        pieces.append((cut, answertext[cut + skip : end]))
    if pieces and not trim(pieces[0][1]):
        pieces.pop(0)
    if len(pieces) < 2:
        raise bad(_TOO_FEW)
    for off, raw in pieces:
        answer = trim(raw)
        if answer.startswith("=") and WEIGHT.match(answer[1:]):
            raise bad("=%50% is not read as a weight: write ~%50% for partial credit", off)
        if answer.startswith("="):
            weight, answer = 1.0, answer[1:]
        else:
            weight, answer = _weight(answer, 0.0, bad, off)
        text, feedback = (_comment(answer, fmt, bad, off) + [""])[:2]
        if not text:
            raise bad("an empty answer (a stray ~ or =?)", off)
        question.answers.append(GiftAnswer(text, weight, feedback))


def _matching(question: GiftQuestion, answertext: str, bad: Complaint, fmt: str) -> None:
    pieces = _split(answertext, "=")
    if len(pieces) < 2:
        raise bad(_TOO_FEW)
    for off, raw in pieces:
        answer = trim(raw)
        if "->" not in answer:
            raise bad("Matching question answers are improperly formatted", off)
        left, right = answer.split("->", 1)
        if "#" in answer:
            raise bad("a # in a matching pair: matching answers have no feedback", off)
        question.subquestions.append(
            {"text": with_format(trim(left), fmt)[1], "answer": trim(restore_escapes(right))}
        )


def _truefalse(
    question: GiftQuestion, answertext: str, check: str, bad: Complaint, fmt: str
) -> None:
    _, wrong, right = (_comment(answertext, fmt, bad, 0, parts=3) + ["", ""])[:3]
    true = check in ("T", "TRUE")
    question.answers = [
        GiftAnswer("true", 1.0 if true else 0.0, right if true else wrong),
        GiftAnswer("false", 0.0 if true else 1.0, wrong if true else right),
    ]


def _shortanswer(question: GiftQuestion, answertext: str, bad: Complaint, fmt: str) -> None:
    pieces = _split(answertext, "=")
    if not pieces:
        raise bad(_TOO_FEW)
    for off, raw in pieces:
        weight, answer = _weight(trim(raw), 1.0, bad, off)
        text, feedback = (_comment(answer, fmt, bad, off) + [""])[:2]
        if not text:
            raise bad("an empty answer (a stray =?)", off)
        question.answers.append(GiftAnswer(text, weight, feedback))


def _number(text: str, bad: Complaint, off: int) -> float:
    if not _NUMBER.match(text):
        raise bad(f"Error - answers must be numeric ({text!r} is not a number)", off)
    value = float(text)
    if not math.isfinite(value):
        raise bad(f"Error - answers must be numeric ({text!r} is too large)", off)
    return value


def _value_and_tolerance(value_text: str, bad: Complaint, off: int) -> tuple[float, float]:
    """``low..high``, ``value:tolerance`` or ``value``."""
    if value_text.find("..") > 0:
        low, high = (trim(x) for x in value_text.split("..", 1))
        lo, hi = _number(low, bad, off), _number(high, bad, off)
        return float(f"{(lo + hi) / 2:.12g}"), float(f"{hi - (lo + hi) / 2:.12g}")
    if value_text.find(":") > 0:
        given, tol = (trim(x) for x in value_text.split(":", 1))
        return _number(given, bad, off), _number(tol, bad, off)
    return _number(trim(value_text), bad, off), 0.0


def _numerical(question: GiftQuestion, answertext: str, bad: Complaint, fmt: str) -> None:
    body = answertext[1:]
    wrong = ""
    tilde = body.find("~")
    if tilde >= 0:
        body, wrong = body[:tilde], body[tilde:]
    pieces = [(off + 1, piece) for off, piece in _split(body, "=")]
    if not pieces:
        raise bad("No answers found for numerical question")
    for off, raw in pieces:
        weight, answer = _weight(trim(raw), 1.0, bad, off)
        value_text, feedback = (_comment(answer, fmt, bad, off) + [""])[:2]
        if value_text == "*":
            question.answers.append(GiftAnswer("*", weight, feedback, None))
            continue
        value, tolerance = _value_and_tolerance(value_text, bad, off)
        question.answers.append(GiftAnswer(_format_number(value), weight, feedback, tolerance))
    if wrong:
        feedback = (_comment(trim(wrong[1:]), fmt, bad, len(body) + 2) + [""])[:2][-1]
        if trim(wrong[1:]) and not trim(wrong[1:]).startswith("#"):
            raise bad("after ~ in a numerical question only #feedback may follow", len(body) + 1)
        question.answers.append(GiftAnswer("*", 0.0, feedback, None))


def _format_number(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)

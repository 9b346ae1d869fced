"""Reading a typed number as a person means it (``500%``, ``6×``, ``1,200``) for a
question that asks for a ``unit``, and writing one the same way. Pure Python."""

from __future__ import annotations

import math
import re
import unicodedata

from quiz.questions.base import Unreadable

#: unit -> (what the question asks for, an example that gives nothing away)
ASKS = {
    "percent": ("a percentage", "25%"),
    "times": ("a multiplier (how many times as many)", "3×"),
    "number": ("a plain number", "120"),
}

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

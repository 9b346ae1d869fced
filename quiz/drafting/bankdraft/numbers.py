"""Reading the numbers in a claim's figure (digits, number words, fractions,
multipliers, words of a fall) and writing them as a person does."""

from __future__ import annotations

import re

FRACTIONS = {
    "half": 0.5,
    "a third": 1 / 3,
    "third": 1 / 3,
    "a quarter": 0.25,
    "quarter": 0.25,
    "a fifth": 0.2,
    "fifth": 0.2,
    "a tenth": 0.1,
    "tenth": 0.1,
    "two-thirds": 2 / 3,
    "two thirds": 2 / 3,
    "three-quarters": 0.75,
    "three quarters": 0.75,
}
WORD_NUMBERS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
} | {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "a hundred": 100, "one hundred": 100}
MULTIPLIER_WORDS = {
    "doubled": 2.0,
    "doubling": 2.0,
    "doubles": 2.0,
    "twice": 2.0,
    "tripled": 3.0,
    "trebled": 3.0,
    "tripling": 3.0,
    "triples": 3.0,
    "thrice": 3.0,
    "quadrupled": 4.0,
    "quadrupling": 4.0,
    "halved": 0.5,
    "halving": 0.5,
    "halves": 0.5,
}
FALL = re.compile(
    r"\b(?:fell|fall|falls|falling|drop|drops|dropped|declin\w*|decreas\w*|lower|less|fewer|"
    r"down|cut|cuts|reduc\w*|plung\w*|plummet\w*|slump\w*|shr[ai]nk\w*|lost|dip\w*|slid|"
    r"tumbl\w*|sank|smaller|cheaper)\b",
    re.I,
)


def number_in(text: str) -> float | None:
    """The first number in a figure's text (digits with million/billion/thousand, or
    a number word), or None."""
    t = text.lower().replace(",", "").strip()
    m = re.search(r"[-+]?\d+(?:\.\d+)?", t)
    if m:
        value = float(m.group(0))
        if re.search(r"\bmillion\b|\bm\b|mn\b", t):
            value *= 1e6
        elif re.search(r"\bbillion\b|\bbn\b", t):
            value *= 1e9
        elif re.search(r"\bthousand\b|\bk\b", t):
            value *= 1e3
        return value
    for word, value in sorted(WORD_NUMBERS.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"\b{word}\b", t):
            return float(value)
    return None


def fmt(value: float) -> str:
    """A number as a person writes it: 1,347 or 83.3."""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.1f}"


def round1(value: float) -> float:
    """To one decimal place, as the items show and key their values."""
    return round(value, 1)

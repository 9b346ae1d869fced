"""Numeric claims: percentages, shares, rates, multipliers and changes in a count.

A claim is found by patterns tried in a fixed order over one sentence; a later
pattern never takes text an earlier one took. Its ``kind`` follows the
issue's ordered rules (first that fits): ``percentage_points`` (the word
"points"), ``percent_change`` (a relative change as a percent or a fraction),
``multiplier``, ``percentage_points`` (from one percentage to another),
``rate``, ``share``, ``count_change``. Static counts and amounts, counts per
time ("56 a year"), thresholds and rules ("the 0.08% limit"), ranks, route
numbers, ages and dates are not claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quiz.drafting.claim_patterns import (
    AGE,
    CHANGE,
    CLAUSE_END,
    CLOCK,
    MONTH_BEFORE,
    NUM,
    PATTERNS,
    RANK_BEFORE,
    THRESHOLD_AFTER,
    THRESHOLD_BEFORE,
    TIME,
    UP_FROM_WHOLE,
    VALN,
    YEAR,
)

__all__ = ["MAX_PER_SENTENCE", "NUM", "Claim", "find_claims"]

MAX_PER_SENTENCE = 40


@dataclass(frozen=True)
class Claim:
    sentence_id: str
    text_span: str
    kind: str
    stated_value: str
    start: int  # offsets in the sentence
    end: int


def _is_year(value: str) -> bool:
    return bool(YEAR.match(value.strip()))


_BETWEEN = ("from_to", "to_from", "up_from")


def _excluded(name: str, m: re.Match[str], sentence: str) -> bool:
    """Whether a match is not a claim (a year, threshold, age, clock time, rank...)."""
    before = sentence[max(0, m.start() - 40) : m.start()]
    after = sentence[m.end() : m.end() + 40]
    v = m.group("v") if "v" in m.re.groupindex and m.group("v") else m.group(0)
    if name in _BETWEEN:
        return _between_excluded(m, sentence, after)
    if name in ("pct", "pct_rate"):
        return bool(THRESHOLD_BEFORE.search(before)) or (
            name == "pct" and bool(THRESHOLD_AFTER.match(after))
        )
    if name == "count_change":
        return _count_change_excluded(v, before, after)
    if name == "count_added":
        return _is_year(v)
    if name in ("rate_per", "per_capita"):
        return _rate_excluded(v, m)
    if name == "n_in_m":
        return _n_in_m_excluded(v, after)
    return False


def _between_excluded(m: re.Match[str], sentence: str, after: str) -> bool:
    """From one value to another: not between years, clock times or ages; a change of
    a count needs a word of change in the sentence."""
    a, b = m.group("a"), m.group("b")
    if _is_year(a) or _is_year(b):
        return True
    if CLOCK.match(after) or CLOCK.match(sentence[m.start("a") + len(a) :][:6]):
        return True
    if AGE.search(sentence[max(0, m.start() - 30) : m.end() + 20]):
        return True
    pct_a, pct_b = "%" in a or "per" in a.lower(), "%" in b or "per" in b.lower()
    return not (pct_a or pct_b) and not re.search(
        rf"\b(?:{CHANGE}|went|change[sd]?|compared)\b", sentence, re.I
    )


def _count_change_excluded(v: str, before: str, after: str) -> bool:
    """Not a year, a clock time, a date, a count per time or a rank."""
    if _is_year(v) or CLOCK.match(after) or MONTH_BEFORE.search(before + " "):
        return True
    if re.match(r"^\s*(?:a\.?m|p\.?m)", after, re.I):
        return True
    if re.match(r"^\s*(?:" + TIME + r")\b", after, re.I):
        return True
    return bool(RANK_BEFORE.search(before))


def _rate_excluded(v: str, m: re.Match[str]) -> bool:
    """Not a year, an age, or a count per time ("56 a year" is not a rate)."""
    if _is_year(v.split()[0]) or AGE.search(m.group(0)):
        return True
    return bool(re.search(r"\b(?:per|every)\s+(?:" + TIME + r")\b", m.group(0), re.I))


def _n_in_m_excluded(v: str, after: str) -> bool:
    """Not a clock time, not "N in <year>", not "a in M"."""
    if (
        re.match(r"^\s*(?:a\.?m|p\.?m)", after, re.I)
        or re.search(rf"\bin\s+(?:{NUM})$", v)
        and _is_year(v.split()[-1])
    ):
        return True
    return bool(re.match(r"^a\s", v, re.I))


_KIND_OF = {
    "points": "percentage_points",
    "pct_change_after": "percent_change",
    "pct_change_before": "percent_change",
    "frac_change": "percent_change",
    "pct_of_base": "percent_change",
    "multiplier": "multiplier",
    "times": "multiplier",
    "rate_per": "rate",
    "per_capita": "rate",
    "pct_rate": "rate",
    "n_in_m": "share",
    "frac_of": "share",
}


def _kind(name: str, m: re.Match[str], sentence: str) -> str:
    if name in _BETWEEN:
        a, b = m.group("a"), m.group("b")
        pa = bool(re.search(r"%|percent|per cent", a, re.I))
        pb = bool(re.search(r"%|percent|per cent", b, re.I))
        if pa and pb:
            return "percentage_points"
        window = sentence[max(0, m.start() - 60) : m.end() + 40]
        if re.search(r"\bper\b(?!\s+cent)|\bfor every\b|\brates?\b", window, re.I):
            return "rate"
        return "count_change"
    if name == "pct":
        window = sentence[max(0, m.start() - 30) : m.end() + 30]
        if re.search(r"\brates?\b", window, re.I):
            return "rate"
        return "share"
    return _KIND_OF.get(name, "count_change")


def _value(name: str, m: re.Match[str]) -> str:
    if name in _BETWEEN:
        return f"from {m.group('a')} to {m.group('b')}"
    for g in ("v", "w"):
        if g in m.re.groupindex and m.group(g):
            if name == "points":
                return m.group(0)[m.start("v") - m.start() :].split(" to ")[0].split(" from ")[0]
            return m.group(g)
    return m.group(0)


def _up_from(m: re.Match[str], sentence: str) -> re.Match[str] | None:
    """The whole of "X ..., up from Y": X is the first value (not a year) of the clause
    that ends at ", up from" (34 goals in 15 games, up from 17: 34, not 15)."""
    offset = max(0, m.start() - 200)  # a clause is shorter than that
    head = sentence[offset : m.start()]
    start = offset
    for c in CLAUSE_END.finditer(head):
        start = offset + c.end()
    first = re.compile(VALN, re.I).search(sentence, start, m.start())
    if first is None:
        return None
    return UP_FROM_WHOLE.fullmatch(sentence, first.start(), m.end())


def find_claims(sentence_id: str, sentence: str) -> list[Claim]:
    """The numeric claims of one sentence, in order of position."""
    taken: list[tuple[int, int]] = []
    found: list[Claim] = []
    for name, pattern in PATTERNS:
        for raw in pattern.finditer(sentence):
            m = _up_from(raw, sentence) if name == "up_from" else raw
            if m is None:
                continue
            start, end = m.span()
            if any(start < e and s < end for s, e in taken):
                continue
            if name == "points" and not re.search(
                r"percentage|percent|per cent|%|\brates?\b|\bshare\b|\bpoll", sentence, re.I
            ):
                continue
            if _excluded(name, m, sentence):
                continue
            taken.append((start, end))
            if len(taken) > MAX_PER_SENTENCE:  # not a sentence a person wrote
                break
            kind = _kind(name, m, sentence)
            found.append(
                Claim(sentence_id, m.group(0).strip(" ,"), kind, _value(name, m), start, end)
            )
    found.sort(key=lambda c: c.start)
    return _merge_levels(found, sentence)


def _merge_levels(claims: list[Claim], sentence: str) -> list[Claim]:
    """A level stated right after a change ("rose 5% to 1,200", "up 3 points at 45%")
    belongs to that change: one claim, not two."""
    out: list[Claim] = []
    for c in claims:
        if out:
            prev = out[-1]
            gap = sentence[prev.end : c.start]
            if (
                prev.kind in ("percent_change", "percentage_points", "multiplier")
                and c.kind in ("share", "rate", "count_change")
                and (
                    re.fullmatch(
                        r"(?:\s+(?:in|on|during|over|for|last|this)\s+[\w ]{1,24}?)?"
                        r"\s*,?\s*(?:to|at|from|reaching|hitting)\s+(?:about\s+|a record\s+)?",
                        gap,
                        re.I,
                    )
                    or (re.fullmatch(r"\s*,?\s*", gap) and c.text_span.lower().startswith("from"))
                )
            ):
                out[-1] = Claim(
                    prev.sentence_id,
                    sentence[prev.start : c.end],
                    prev.kind,
                    prev.stated_value,
                    prev.start,
                    c.end,
                )
                continue
        out.append(c)
    return out

"""Worked percent items for a claim, one drafter per kind of claim: a rise or
fall of X%, an X-fold change, percentage points, a rate or share, a count that
changes. Each item is numeric, with fresh numbers and the wrong values that
common misconceptions give."""

from __future__ import annotations

import re
from collections.abc import Callable

from quiz.drafting.annotate import ClaimNote
from quiz.drafting.bankdraft.drafter import Drafter
from quiz.drafting.bankdraft.numbers import (
    FALL,
    FRACTIONS,
    MULTIPLIER_WORDS,
    fmt,
    number_in,
    round1,
)


def percent_items(d: Drafter, c: ClaimNote, n: int) -> None:
    """The worked items for one claim (none when its figure cannot be worked)."""
    draft = _BY_KIND.get(c.claim.kind)
    if draft is not None:
        draft(d, c, n)


def _falls(d: Drafter, c: ClaimNote) -> bool:
    """Whether the claim's figure is a fall (a word of falling in it or next to it)."""
    text = next(s.text for s in d.ann.article.sentences if s.id == c.claim.sentence_id)
    return bool(FALL.search(c.claim.text_span)) or bool(
        FALL.search(text[max(0, c.claim.start - 25) : c.claim.end + 15])
    )


def _percent_change(d: Drafter, c: ClaimNote, n: int) -> None:
    """A rise or fall of X%: the new count, the multiplier, the way back."""
    value, where, fall = c.claim.stated_value, d.where(c), _falls(d, c)
    p = number_in(value)
    if p is None:
        frac = next((f for w, f in FRACTIONS.items() if w in value.lower()), None)
        if frac is None:
            return
        p = frac * 100
    if p <= 0:
        return
    if fall and p >= 100:
        return
    s = d.fresh_start()
    sign = -1 if fall else 1
    new = s * (1 + sign * p / 100)
    word = "fall" if fall else "rise"
    d.add(
        f"percent item for {c.claim.sentence_id}",
        d.numeric(
            d.new_id(f"pct-new-{n}"),
            f"The article reports a {word} of {fmt(p)}% ({where}). Suppose the starting "
            f"count was {s}. What is the count after a {word} of {fmt(p)}%?",
            "number",
            new,
            f"{s} × (1 {'−' if fall else '+'} {fmt(p)}/100) = {fmt(round1(new))}.",
            [
                (
                    s * p / 100,
                    f"That is {fmt(p)}% *of* {s}, not {s} changed by {fmt(p)}%.",
                    "OF_VS_INCREASE" if fall or p < 100 else "MULT_OFFBYONE",
                ),
                (
                    s + sign * p,
                    f"You {'subtracted' if fall else 'added'} {fmt(p)} as if it were "
                    "a count; a percentage is a share of the start.",
                    "ADD_AS_COUNT",
                ),
            ],
            f"Multiply the start by (1 {'−' if fall else '+'} {fmt(p)}/100).",
            f"A {word} of {fmt(p)}% changes the start by {fmt(p)} hundredths of "
            f"itself: new = old × (1 {'−' if fall else '+'} {fmt(p)}/100). The "
            f"article's own figure gives no starting count, which is why a made-up "
            f"one is used here.",
        ),
    )
    times = 1 + sign * p / 100
    d.add(
        f"multiplier item for {c.claim.sentence_id}",
        d.numeric(
            d.new_id(f"pct-multiplier-{n}"),
            f"The article reports a {word} of {fmt(p)}% ({where}). How many times the "
            "starting value is the new value?",
            "times",
            times,
            f"1 {'−' if fall else '+'} {fmt(p)}/100 = {fmt(round1(times))} times.",
            [
                (
                    p / 100,
                    f"{fmt(p / 100)} times is {fmt(p)}% *of* the start; the "
                    f"{word} {'takes it from' if fall else 'adds it to'} the start.",
                    "OF_VS_INCREASE" if fall else "MULT_OFFBYONE",
                ),
                (p, f"{fmt(p)} is the percentage, not a multiplier.", "PCT_AS_NUMBER"),
            ],
            "The new value is the start times (1 ± the percentage ÷ 100).",
            f"A {word} of {fmt(p)}% makes the new value {fmt(round1(times))} times the start.",
        ),
    )
    back = p / (100 + p) * 100 if not fall else p / (100 - p) * 100
    back_word = "fall" if not fall else "rise"
    d.add(
        f"reverse-change item for {c.claim.sentence_id}",
        d.numeric(
            d.new_id(f"pct-reverse-{n}"),
            f"After a {word} of {fmt(p)}% ({where}), what percent {back_word} would "
            "bring the count back to where it started?",
            "percent",
            back,
            f"{fmt(p)} ÷ {fmt(100 + p if not fall else 100 - p)} × 100 = "
            f"{fmt(round1(back))}%: the way back is measured from the new, "
            f"{'larger' if not fall else 'smaller'} value.",
            [
                (
                    p,
                    f"A {back_word} of {fmt(p)}% is measured from the new value, so "
                    "it does not undo the first change.",
                    "ASYMMETRY",
                )
            ],
            "Work from the new value: how much must it change to get back to the start?",
            f"Take a start of 100: after the {word} it is {fmt(100 + sign * p)}; "
            f"getting back to 100 changes it by {fmt(p)} out of "
            f"{fmt(100 + sign * p)}, that is {fmt(round1(back))}%.",
        ),
    )


def _multiplier(d: Drafter, c: ClaimNote, n: int) -> None:
    """An X-fold change as a percent change."""
    value, where = c.claim.stated_value, d.where(c)
    k = next((f for w, f in MULTIPLIER_WORDS.items() if w in value.lower()), None)
    if k is None:
        k = number_in(value)
    if k is None or k <= 0 or k == 1:
        return
    change = (k - 1) * 100
    d.add(
        f"multiplier item for {c.claim.sentence_id}",
        d.numeric(
            d.new_id(f"pct-times-{n}"),
            f"The article says the figure changed {fmt(k)}-fold ({where}). As a "
            "percent change from the start, what is that?",
            "percent",
            change,
            f"({fmt(k)} − 1) × 100 = {fmt(round1(change))}%.",
            [
                (
                    k * 100,
                    f"{fmt(k * 100)}% is the new value as a percent of the old; the "
                    "change is that minus 100%.",
                    "RATIO_AS_PCT",
                ),
                (k, "That is the multiplier, not a percent change.", "DIFF_AS_PCT"),
            ],
            "Subtract 1 from the multiplier, then multiply by 100.",
            f"{fmt(k)} times the start is a change of {fmt(round1(change))}%: "
            "“doubled” is +100%, not +200%.",
        ),
    )


def _points(d: Drafter, c: ClaimNote, n: int) -> None:
    """A change in percentage points: from a% to b%, or by x points."""
    value = c.claim.stated_value
    values = re.findall(r"\d+(?:\.\d+)?", value.replace(",", ""))
    if value.startswith("from") and len(values) >= 2:
        _points_from_to(d, c, n)
    else:
        _points_change(d, c, n)


def _points_from_to(d: Drafter, c: ClaimNote, n: int) -> None:
    """From a% to b%: the percent change, not the points."""
    where = d.where(c)
    values = re.findall(r"\d+(?:\.\d+)?", c.claim.stated_value.replace(",", ""))
    a, b = float(values[0]), float(values[1])
    if a <= 0 or a == b:
        return
    points = b - a
    pct = points / a * 100
    d.add(
        f"points item for {c.claim.sentence_id}",
        d.numeric(
            d.new_id(f"pct-points-{n}"),
            f"The article's figure moves from {fmt(a)}% to {fmt(b)}% ({where}). "
            "By what percent did it change (not how many points)?",
            "percent",
            pct,
            f"({fmt(b)} − {fmt(a)}) ÷ {fmt(a)} × 100 = {fmt(round1(pct))}%.",
            [
                (
                    points,
                    f"{fmt(points)} is the change in percentage points, not the percent change.",
                    "PP_VS_PCT",
                ),
                (
                    b / a * 100,
                    "That is the new value as a percent of the old.",
                    "RATIO_AS_PCT",
                ),
            ],
            "Divide the change by the starting percentage.",
            f"From {fmt(a)}% to {fmt(b)}% is {fmt(abs(points))} percentage "
            f"points, and a {fmt(abs(round1(pct)))}% change: both describe one "
            "move.",
        ),
    )


def _points_change(d: Drafter, c: ClaimNote, n: int) -> None:
    """A change of x points applied to a made-up share."""
    value, where, fall = c.claim.stated_value, d.where(c), _falls(d, c)
    x = number_in(value)
    if x is None or x <= 0:
        return
    s = d.fresh_start() % 60 + 11
    sign = -1 if fall else 1
    d.add(
        f"points item for {c.claim.sentence_id}",
        d.numeric(
            d.new_id(f"pct-points-{n}"),
            f"The article reports a change of {fmt(x)} percentage points "
            f"({where}). Suppose the share was {s}% before. What is it after?",
            "percent",
            s + sign * x,
            f"{s}% {'−' if fall else '+'} {fmt(x)} points = {fmt(s + sign * x)}%.",
            [
                (
                    s * (1 + sign * x / 100),
                    f"That treats {fmt(x)} points as {fmt(x)}%.",
                    "PP_VS_PCT",
                )
            ],
            "Points are added to or taken from the percentage itself.",
            "A change in percentage points is the difference between two "
            "percentages; a percent change is that difference divided by the start.",
        ),
    )


def _fraction(value: str) -> float | None:
    """A rate or share's figure as a fraction: X%, "N in M", or a fraction word."""
    pct = re.search(r"(\d+(?:\.\d+)?)\s?(?:%|percent|per cent)", value)
    frac = None
    if pct:
        frac = float(pct.group(1)) / 100
    else:
        nm = re.search(r"(\w+)\s+(?:in|out of)\s+(?:every\s+)?([\d,]+|\w+)", value)
        if nm:
            top, bottom = number_in(nm.group(1)), number_in(nm.group(2))
            if top and bottom:
                frac = top / bottom
        else:
            frac = next((f for w, f in FRACTIONS.items() if w in value.lower()), None)
    return frac


def _rate(d: Drafter, c: ClaimNote, n: int) -> None:
    """A rate or share as a count in a made-up group."""
    kind, where = c.claim.kind, d.where(c)
    frac = _fraction(c.claim.stated_value)
    if not frac or frac >= 1:
        return
    group = d.fresh_start() * 25
    count = group * frac
    d.add(
        f"rate-against-count item for {c.claim.sentence_id}",
        d.numeric(
            d.new_id(f"pct-count-{n}"),
            f"The article gives a {'rate' if kind == 'rate' else 'share'} ({where}). "
            f"In a group of {group:,}, how many is that?",
            "number",
            count,
            f"{group:,} × {fmt(round1(frac * 100))}% = {fmt(round1(count))}.",
            [
                (
                    frac * 100,
                    "That is the percentage itself, not a count of people or cases.",
                    "PCT_AS_COUNT",
                )
            ],
            "Multiply the size of the group by the share.",
            "A rate or share becomes a count only once you know the size of the "
            "group it applies to: the denominator.",
        ),
    )


def _count_change(d: Drafter, c: ClaimNote, n: int) -> None:
    """A count from a to b as a percent change."""
    value, where = c.claim.stated_value, d.where(c)
    nums = re.findall(r"[\d,]+(?:\.\d+)?(?:\s?(?:million|billion|thousand))?", value)
    if not value.startswith("from") or len(nums) < 2:
        return
    a, b = number_in(nums[0]), number_in(nums[1])
    if not a or not b or a == b:
        return
    pct = (b - a) / a * 100
    d.add(
        f"percent-change item for {c.claim.sentence_id}",
        d.numeric(
            d.new_id(f"pct-change-{n}"),
            f"The article's count goes from {fmt(a)} to {fmt(b)} ({where}). What "
            "is the percent change?",
            "percent",
            pct,
            f"({fmt(b)} − {fmt(a)}) ÷ {fmt(a)} × 100 = {fmt(round1(pct))}%.",
            [
                (b / a * 100, "That is new ÷ old × 100: subtract 100%.", "RATIO_AS_PCT"),
                (
                    (b - a) / b * 100,
                    "You divided by the new value; divide by the old one.",
                    "WRONG_DENOM",
                ),
                (
                    b - a,
                    "That is the difference in the count, not a percentage.",
                    "DIFF_AS_PCT",
                ),
            ],
            "Subtract the old value from the new, then divide by the old.",
            "Percent change = (new − old) ÷ old × 100.",
        ),
    )


_BY_KIND: dict[str, Callable[[Drafter, ClaimNote, int], None]] = {
    "percent_change": _percent_change,
    "multiplier": _multiplier,
    "percentage_points": _points,
    "rate": _rate,
    "share": _rate,
    "count_change": _count_change,
}

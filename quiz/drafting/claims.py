# ruff: noqa: E501  (regular expressions read better unwrapped)
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

from quiz.drafting.lexicon import CHANGE_VERBS, TIME_UNITS, word_regex

_NUMW = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred|one hundred|a thousand)(?![-\w])"
)
NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_SCALE = r"(?:\s?(?:million|billion|trillion|thousand|bn|mn|m|k)\b)?"
_MONEY = rf"(?:[$£€¥]\s?{NUM}{_SCALE}|{NUM}{_SCALE}\s?(?:dollars|pounds|euros|yen)\b)"
PCT = rf"{NUM}\s?(?:%|percent\b|per cent\b|pc\b)"
_VAL = rf"(?:{PCT}|{_MONEY}|{NUM}{_SCALE}|{_NUMW})"
_VALN = (
    rf"(?:(?<![\w.,])(?!(?:1[89]|20)\d\d(?![\d%]|[,.]\d))(?:{_VAL}))"  # a value that is not a year
)
_CHANGE = word_regex(CHANGE_VERBS)
_FRACTION = (
    r"(?:a|one|two|three)[- ](?:half|third|thirds|quarter|quarters|fifth|fifths|tenth|tenths)|half"
)
_TIME = "|".join(TIME_UNITS)

_CHANGE_NOUNS = (
    r"increase|increases|rise|rises|jump|jumps|surge|surges|growth|gain|gains|drop|drops|"
    r"decline|declines|fall|falls|decrease|decreases|reduction|reductions|cut|cuts|spike|"
    r"boost|hike|hikes|climb|uptick|downturn|slump|leap|improvement|change|"
    r"higher|lower|more|less|fewer|greater|larger|smaller|bigger|cheaper|dearer|faster|"
    r"slower|longer|shorter|up|down|above|below|over|under"
)
_THRESHOLD_NOUNS = (
    r"limit|threshold|cap|ceiling|target|goal|cutoff|cut-off|minimum|maximum|requirement|"
    r"rule|standard|tax|tariff|levy|fee|surcharge|discount|commission|quota|deposit|"
    r"down payment|royalty|stake|bonus|tip|majority needed|margin of error"
)


MAX_PER_SENTENCE = 40


@dataclass(frozen=True)
class Claim:
    sentence_id: str
    text_span: str
    kind: str
    stated_value: str
    start: int  # offsets in the sentence
    end: int


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 1. the words "points": 5 percentage points, 3 points (with a percent nearby)
    (
        "points",
        re.compile(
            rf"(?:(?:{_CHANGE})\s+(?:by\s+)?(?:about\s+|nearly\s+|almost\s+|more than\s+|over\s+)?)?"
            rf"(?P<v>{NUM}|{_NUMW})\s+(?:percentage|percent|per cent)?[- ]?points?\b"
            rf"(?:\s+(?:to|from)\s+(?:about\s+)?{PCT})?",
            re.I,
        ),
    ),
    # 2. from one value to another (kind decided by the values)
    (
        "from_to",
        re.compile(
            rf"\bfrom\s+(?:about\s+|around\s+|roughly\s+|just\s+)?(?P<a>{_VAL})"
            rf"(?:(?:\s+(?:in|a|per|on|during|for|last|the|this)\b[\w ,.-]{{0,24}}?)|(?:\s+[A-Za-z][\w'-]*){{1,4}}?)?\s+to\s+"
            rf"(?:about\s+|around\s+|roughly\s+|nearly\s+|almost\s+|just\s+)?(?P<b>{_VAL})",
            re.I,
        ),
    ),
    (
        "to_from",
        re.compile(
            rf"\bto\s+(?:about\s+|around\s+|nearly\s+|almost\s+)?(?P<b>{_VAL})"
            rf"(?:\s+(?:in|last|this)\b[\w ,.-]{{0,20}}?)?,?\s+(?:up |down )?from\s+"
            rf"(?:about\s+|around\s+)?(?P<a>{_VAL})",
            re.I,
        ),
    ),
    # "X ..., up from Y": X is the first value of the clause (see _up_from)
    (
        "up_from",
        re.compile(
            rf",?\s+(?:up|down)\s+(?:sharply\s+|slightly\s+|markedly\s+)?from\s+"
            rf"(?:about\s+|around\s+|roughly\s+|nearly\s+|almost\s+|just\s+)?(?P<a>{_VAL})",
            re.I,
        ),
    ),
    # 3. a relative change as a percent: rose 40%, a 40% increase, 40% higher
    (
        "pct_of_base",
        re.compile(
            r"(?P<v>" + PCT + r")\s+of\s+(?:the|its|their)\s+(?:earlier|previous|original|starting|"
            r"old|base|baseline|prior|former|initial)\b",
            re.I,
        ),
    ),
    (
        "pct_change_after",
        re.compile(
            rf"\b(?:{_CHANGE})\s+(?:by\s+)?(?:about\s+|around\s+|roughly\s+|nearly\s+|almost\s+|"
            rf"more than\s+|over\s+|some\s+|just\s+|an estimated\s+)?(?P<v>{PCT})",
            re.I,
        ),
    ),
    (
        "pct_change_before",
        re.compile(
            rf"(?P<v>{PCT})(?:\s+(?:a|per)\s+year)?\s+(?:(?:year-on-year|year-over-year|annual|"
            rf"overall|net|real|sharp|steep|staggering|stunning|massive|dramatic|"
            rf"\w+ly)\s+)?(?:{_CHANGE_NOUNS})\b",
            re.I,
        ),
    ),
    # a relative change as a fraction: cut by a third, rose by half
    (
        "frac_change",
        re.compile(
            rf"\b(?:{_CHANGE})\s+(?:by\s+)?(?:about\s+|nearly\s+|almost\s+|more than\s+)?(?P<v>{_FRACTION})\b(?!\s+of\b)",
            re.I,
        ),
    ),
    # 4. multipliers
    (
        "multiplier",
        re.compile(
            r"\b(?:more than\s+|almost\s+|nearly\s+)?(?P<v>doubled|tripled|trebled|quadrupled|halved|"
            r"doubling|tripling|quadrupling|halving|doubles|triples|halves)\b",
            re.I,
        ),
    ),
    (
        "times",
        re.compile(
            rf"\b(?P<v>(?:{NUM}|{_NUMW}|twice|thrice)(?:\s+times|-fold|\s+fold)|twice|thrice)"
            rf"(?=\s+(?:as\b|more\b|higher\b|greater\b|larger\b|bigger\b|less\b|lower\b|"
            rf"smaller\b|fewer\b|faster\b|slower\b|the\b|that\b|what\b|over\b|increase|rise|"
            rf"jump|likelier|likely))",
            re.I,
        ),
    ),
    # 5. rates: per 100,000, per capita, for every 1,000, a 3.5% late rate
    (
        "rate_per",
        re.compile(
            rf"(?P<v>{NUM}{_SCALE})(?:\s+[\w-]+){{0,4}}?\s+(?:per|for every|in every|every)\s+"
            rf"(?:{NUM}{_SCALE}\s+)?(?!cent\b)(?!(?:{_TIME})\b)[\w-]+",
            re.I,
        ),
    ),
    ("per_capita", re.compile(rf"(?P<v>{_VAL})(?:\s+[\w-]+){{0,3}}?\s+per (?:capita|head)", re.I)),
    (
        "pct_rate",
        re.compile(
            rf"(?:(?P<v>{PCT})\s+(?:[\w-]+\s+){{0,2}}rates?\b|\brates?\s+(?:of|was|is|stood at|"
            rf"reached|hit|at|to)\s+(?:about\s+|around\s+|nearly\s+)?(?P<w>{PCT}))",
            re.I,
        ),
    ),
    # 6. shares
    (
        "n_in_m",
        re.compile(
            rf"\b(?P<v>(?:{NUM}|{_NUMW}|a)\s+(?:in|out of)\s+(?:every\s+)?(?:{NUM}|{_NUMW}))\b(?!\s*(?:%|percent))",
            re.I,
        ),
    ),
    (
        "frac_of",
        re.compile(
            rf"\b(?:nearly\s+|almost\s+|about\s+|roughly\s+|more than\s+|over\s+|under\s+|"
            rf"less than\s+|just over\s+|just under\s+)?(?P<v>(?:{_FRACTION}))(?:\s+of\b|\s+(?:all|the)\b)",
            re.I,
        ),
    ),
    ("pct", re.compile(rf"(?P<v>{PCT})", re.I)),
    # 7. changes in a count or amount: rose to 275, fell by 300, added 4,800 jobs
    (
        "count_added",
        re.compile(
            rf"\b(?:added|adds|shed|sheds|created|creates|eliminated|cut|cuts|lost|loses|gained|gains)\s+"
            rf"(?:about\s+|nearly\s+|almost\s+|more than\s+|some\s+|an estimated\s+)?"
            rf"(?P<v>{_MONEY}|{NUM}{_SCALE})(?![-–]\d)(?!\s?(?:%|percent|per cent))",
            re.I,
        ),
    ),
    (
        "count_change",
        re.compile(
            rf"\b(?:{_CHANGE})\s+(?:by\s+|to\s+|by\s+about\s+|to\s+about\s+|to\s+a\s+record\s+|"
            rf"to\s+nearly\s+|to\s+more than\s+|by\s+more than\s+|by\s+nearly\s+|by\s+almost\s+)"
            rf"(?P<v>{_MONEY}|{NUM}{_SCALE})",
            re.I,
        ),
    ),
]

_YEAR = re.compile(r"^(?:1[89]|20|21)\d\d$")
_THRESHOLD_BEFORE = re.compile(
    rf"(?:\b(?:{_THRESHOLD_NOUNS})\s+(?:of|at|is|was|set at|to)\s+(?:about\s+|around\s+)?|"
    r"\b(?:within|above|below|exceed(?:s|ed|ing)?|under|over|beyond|at least|at most|no more than|"
    r"up to|more than|less than)\s+(?:the\s+|a\s+)?)$",
    re.I,
)
_THRESHOLD_AFTER = re.compile(rf"^\s*(?:[\w-]+\s+)?(?:{_THRESHOLD_NOUNS})\b", re.I)
_AGE = re.compile(r"\b(?:aged?|ages|year-olds?|years? old|age group)\b", re.I)
_CLOCK = re.compile(r"^\s*(?:a\.?m\.?|p\.?m\.?|o'clock|GMT|UTC|ET|EST|BST)\b", re.I)
_RANK_BEFORE = re.compile(
    r"(?:\b(?:No\.|number|rank(?:ed)?|route|highway|interstate|flight|bus|line|room|"
    r"page|chapter|article|section|clause|grade|level|class|year|season|gate|platform|"
    r"exit|junction|ward|district|zone|lot|unit|channel|version|model|top|the top|"
    r"episode|pier|bay|rule|item|question|table|figure)\s+|#|I-|M|A)$",
    re.I,
)
_MONTH_BEFORE = re.compile(
    r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s*$"
)


def _is_year(value: str) -> bool:
    return bool(_YEAR.match(value.strip()))


def _excluded(name: str, m: re.Match[str], sentence: str) -> bool:
    before = sentence[max(0, m.start() - 40) : m.start()]
    after = sentence[m.end() : m.end() + 40]
    v = m.group("v") if "v" in m.re.groupindex and m.group("v") else m.group(0)
    if name in ("from_to", "to_from", "up_from"):
        a, b = m.group("a"), m.group("b")
        if _is_year(a) or _is_year(b):
            return True
        if _CLOCK.match(after) or _CLOCK.match(sentence[m.start("a") + len(a) :][:6]):
            return True
        if _AGE.search(sentence[max(0, m.start() - 30) : m.end() + 20]):
            return True
        pct_a, pct_b = "%" in a or "per" in a.lower(), "%" in b or "per" in b.lower()
        # a change of a count needs a word of change in the sentence
        return not (pct_a or pct_b) and not re.search(
            rf"\b(?:{_CHANGE}|went|change[sd]?|compared)\b", sentence, re.I
        )
    if name in ("pct", "pct_change_before", "pct_rate", "pct_change_after", "points"):
        if _THRESHOLD_BEFORE.search(before) and name in ("pct", "pct_rate"):
            return True
        if name == "pct" and _THRESHOLD_AFTER.match(after):
            return True
    if name == "count_change":
        if _is_year(v) or _CLOCK.match(after) or _MONTH_BEFORE.search(before + " "):
            return True
        if re.match(r"^\s*(?:a\.?m|p\.?m)", after, re.I):
            return True
    if name in ("rate_per", "per_capita"):
        if _is_year(v.split()[0]) or _AGE.search(m.group(0)):
            return True
        if re.search(r"\b(?:per|every)\s+(?:" + _TIME + r")\b", m.group(0), re.I):
            return True
    if name == "n_in_m":
        if (
            re.match(r"^\s*(?:a\.?m|p\.?m)", after, re.I)
            or re.search(rf"\bin\s+(?:{NUM})$", v)
            and _is_year(v.split()[-1])
        ):
            return True
        if re.match(r"^a\s", v, re.I):
            return True
    if name in ("count_change", "count_added") and _is_year(v):
        return True
    if name == "count_change" and re.match(r"^\s*(?:" + _TIME + r")\b", after, re.I):
        return True
    return bool(_RANK_BEFORE.search(before) and name in ("count_change",))


def _kind(name: str, m: re.Match[str], sentence: str) -> str:
    if name == "points":
        return "percentage_points"
    if name in ("from_to", "to_from", "up_from"):
        a, b = m.group("a"), m.group("b")
        pa = bool(re.search(r"%|percent|per cent", a, re.I))
        pb = bool(re.search(r"%|percent|per cent", b, re.I))
        if pa and pb:
            return "percentage_points"
        window = sentence[max(0, m.start() - 60) : m.end() + 40]
        if re.search(r"\bper\b(?!\s+cent)|\bfor every\b|\brates?\b", window, re.I):
            return "rate"
        return "count_change"
    if name in ("pct_change_after", "pct_change_before", "frac_change", "pct_of_base"):
        return "percent_change"
    if name in ("multiplier", "times"):
        return "multiplier"
    if name in ("rate_per", "per_capita", "pct_rate"):
        return "rate"
    if name in ("n_in_m", "frac_of"):
        return "share"
    if name == "pct":
        window = sentence[max(0, m.start() - 30) : m.end() + 30]
        if re.search(r"\brates?\b", window, re.I):
            return "rate"
        return "share"
    return "count_change"


def _value(name: str, m: re.Match[str]) -> str:
    if name in ("from_to", "to_from", "up_from"):
        return f"from {m.group('a')} to {m.group('b')}"
    for g in ("v", "w"):
        if g in m.re.groupindex and m.group(g):
            if name == "points":
                return m.group(0)[m.start("v") - m.start() :].split(" to ")[0].split(" from ")[0]
            return m.group(g)
    return m.group(0)


_UP_FROM_WHOLE = re.compile(
    rf"(?P<b>{_VALN}).*?,?\s+(?:up|down)\s+(?:sharply\s+|slightly\s+|markedly\s+)?from\s+"
    rf"(?:about\s+|around\s+|roughly\s+|nearly\s+|almost\s+|just\s+)?(?P<a>{_VAL})",
    re.I | re.S,
)
_CLAUSE_END = re.compile(r"[,;:—–]\s|\(")


def _up_from(m: re.Match[str], sentence: str) -> re.Match[str] | None:
    """The whole of "X ..., up from Y": X is the first value (not a year) of the clause
    that ends at ", up from" (34 goals in 15 games, up from 17: 34, not 15)."""
    offset = max(0, m.start() - 200)  # a clause is shorter than that
    head = sentence[offset : m.start()]
    start = offset
    for c in _CLAUSE_END.finditer(head):
        start = offset + c.end()
    first = re.compile(_VALN, re.I).search(sentence, start, m.start())
    if first is None:
        return None
    return _UP_FROM_WHOLE.fullmatch(sentence, first.start(), m.end())


def find_claims(sentence_id: str, sentence: str) -> list[Claim]:
    """The numeric claims of one sentence, in order of position."""
    taken: list[tuple[int, int]] = []
    found: list[Claim] = []
    for name, pattern in _PATTERNS:
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

# ruff: noqa: E501  (regular expressions read better unwrapped)
"""The patterns that find numeric claims in a sentence, in the order they are
tried (``PATTERNS``: a later pattern never takes text an earlier one took), the
building blocks they share (numbers, money, percentages, words of change), and
the patterns of what is not a claim (years, thresholds, ages, clock times,
ranks, dates). Only regular expressions: the rules that use them are in
``claims``."""

from __future__ import annotations

import re

from quiz.drafting.lexicon import CHANGE_VERBS, TIME_UNITS, word_regex

_NUMW = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred|one hundred|a thousand)(?![-\w])"
)
NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_SCALE = r"(?:\s?(?:million|billion|trillion|thousand|bn|mn|m|k)\b)?"
_MONEY = rf"(?:[$£€¥]\s?{NUM}{_SCALE}|{NUM}{_SCALE}\s?(?:dollars|pounds|euros|yen)\b)"
PCT = rf"{NUM}\s?(?:%|percent\b|per cent\b|pc\b)"
VAL = rf"(?:{PCT}|{_MONEY}|{NUM}{_SCALE}|{_NUMW})"
VALN = (
    rf"(?:(?<![\w.,])(?!(?:1[89]|20)\d\d(?![\d%]|[,.]\d))(?:{VAL}))"  # a value that is not a year
)
CHANGE = word_regex(CHANGE_VERBS)
_FRACTION = (
    r"(?:a|one|two|three)[- ](?:half|third|thirds|quarter|quarters|fifth|fifths|tenth|tenths)|half"
)
TIME = "|".join(TIME_UNITS)

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


PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 1. the words "points": 5 percentage points, 3 points (with a percent nearby)
    (
        "points",
        re.compile(
            rf"(?:(?:{CHANGE})\s+(?:by\s+)?(?:about\s+|nearly\s+|almost\s+|more than\s+|over\s+)?)?"
            rf"(?P<v>{NUM}|{_NUMW})\s+(?:percentage|percent|per cent)?[- ]?points?\b"
            rf"(?:\s+(?:to|from)\s+(?:about\s+)?{PCT})?",
            re.I,
        ),
    ),
    # 2. from one value to another (kind decided by the values)
    (
        "from_to",
        re.compile(
            rf"\bfrom\s+(?:about\s+|around\s+|roughly\s+|just\s+)?(?P<a>{VAL})"
            rf"(?:(?:\s+(?:in|a|per|on|during|for|last|the|this)\b[\w ,.-]{{0,24}}?)|(?:\s+[A-Za-z][\w'-]*){{1,4}}?)?\s+to\s+"
            rf"(?:about\s+|around\s+|roughly\s+|nearly\s+|almost\s+|just\s+)?(?P<b>{VAL})",
            re.I,
        ),
    ),
    (
        "to_from",
        re.compile(
            rf"\bto\s+(?:about\s+|around\s+|nearly\s+|almost\s+)?(?P<b>{VAL})"
            rf"(?:\s+(?:in|last|this)\b[\w ,.-]{{0,20}}?)?,?\s+(?:up |down )?from\s+"
            rf"(?:about\s+|around\s+)?(?P<a>{VAL})",
            re.I,
        ),
    ),
    # "X ..., up from Y": X is the first value of the clause (see _up_from)
    (
        "up_from",
        re.compile(
            rf",?\s+(?:up|down)\s+(?:sharply\s+|slightly\s+|markedly\s+)?from\s+"
            rf"(?:about\s+|around\s+|roughly\s+|nearly\s+|almost\s+|just\s+)?(?P<a>{VAL})",
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
            rf"\b(?:{CHANGE})\s+(?:by\s+)?(?:about\s+|around\s+|roughly\s+|nearly\s+|almost\s+|"
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
            rf"\b(?:{CHANGE})\s+(?:by\s+)?(?:about\s+|nearly\s+|almost\s+|more than\s+)?(?P<v>{_FRACTION})\b(?!\s+of\b)",
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
            rf"(?:{NUM}{_SCALE}\s+)?(?!cent\b)(?!(?:{TIME})\b)[\w-]+",
            re.I,
        ),
    ),
    ("per_capita", re.compile(rf"(?P<v>{VAL})(?:\s+[\w-]+){{0,3}}?\s+per (?:capita|head)", re.I)),
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
            rf"\b(?:{CHANGE})\s+(?:by\s+|to\s+|by\s+about\s+|to\s+about\s+|to\s+a\s+record\s+|"
            rf"to\s+nearly\s+|to\s+more than\s+|by\s+more than\s+|by\s+nearly\s+|by\s+almost\s+)"
            rf"(?P<v>{_MONEY}|{NUM}{_SCALE})",
            re.I,
        ),
    ),
]

YEAR = re.compile(r"^(?:1[89]|20|21)\d\d$")
THRESHOLD_BEFORE = re.compile(
    rf"(?:\b(?:{_THRESHOLD_NOUNS})\s+(?:of|at|is|was|set at|to)\s+(?:about\s+|around\s+)?|"
    r"\b(?:within|above|below|exceed(?:s|ed|ing)?|under|over|beyond|at least|at most|no more than|"
    r"up to|more than|less than)\s+(?:the\s+|a\s+)?)$",
    re.I,
)
THRESHOLD_AFTER = re.compile(rf"^\s*(?:[\w-]+\s+)?(?:{_THRESHOLD_NOUNS})\b", re.I)
AGE = re.compile(r"\b(?:aged?|ages|year-olds?|years? old|age group)\b", re.I)
CLOCK = re.compile(r"^\s*(?:a\.?m\.?|p\.?m\.?|o'clock|GMT|UTC|ET|EST|BST)\b", re.I)
RANK_BEFORE = re.compile(
    r"(?:\b(?:No\.|number|rank(?:ed)?|route|highway|interstate|flight|bus|line|room|"
    r"page|chapter|article|section|clause|grade|level|class|year|season|gate|platform|"
    r"exit|junction|ward|district|zone|lot|unit|channel|version|model|top|the top|"
    r"episode|pier|bay|rule|item|question|table|figure)\s+|#|I-|M|A)$",
    re.I,
)
MONTH_BEFORE = re.compile(
    r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s*$"
)


UP_FROM_WHOLE = re.compile(
    rf"(?P<b>{VALN}).*?,?\s+(?:up|down)\s+(?:sharply\s+|slightly\s+|markedly\s+)?from\s+"
    rf"(?:about\s+|around\s+|roughly\s+|nearly\s+|almost\s+|just\s+)?(?P<a>{VAL})",
    re.I | re.S,
)
CLAUSE_END = re.compile(r"[,;:—–]\s|\(")

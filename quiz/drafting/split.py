"""Sentence splitting: the bank's splitter (``quiz.domain.article.split_sentences``) and
a repair pass for the abbreviations it still cuts after.

The repair only ever joins two neighbouring pieces with the single space that
was between them, so ``" ".join(sentences) == paragraph`` still holds and a
sentence the bank's splitter keeps whole is never cut.
"""

from __future__ import annotations

import re

from quiz.domain.article import split_sentences as _bank_split
from quiz.drafting.lexicon import MONTH_ABBREVIATIONS

# An abbreviation that never ends a sentence: what follows belongs to it.
_TITLES = [
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Prof",
    "Sen",
    "Rep",
    "Gov",
    "Gen",
    "Lt",
    "Col",
    "Capt",
    "Sgt",
    "Maj",
    "Adm",
    "Cmdr",
    "Det",
    "Insp",
    "Supt",
    "Rev",
    "Fr",
    "Hon",
    "Pres",
    "St",
    "Mt",
    "Ft",
    "No",
    "Nos",
    "Vol",
    "Vols",
    "Fig",
    "Figs",
    "Art",
    "Sec",
    "Ch",
    "Pt",
    "Pp",
    "pp",
    "vs",
    "v",
    "approx",
    "est",
    "dept",
    "ca",
    "cf",
    "al",
]
# An abbreviation that may end a sentence: joined only when the next piece
# starts with a digit, a lower-case letter or punctuation (Jan.–Dec. 2023).
_SOFT = [
    *MONTH_ABBREVIATIONS,
    "Mon",
    "Tue",
    "Tues",
    "Wed",
    "Thu",
    "Thur",
    "Thurs",
    "Fri",
    "Sat",
    "Sun",
    "Inc",
    "Ltd",
    "Co",
    "Corp",
    "Bros",
    "Jr",
    "Sr",
    "etc",
    "a.m",
    "p.m",
    "U.S",
    "U.K",
    "U.N",
    "E.U",
]
_LAST_WORD = re.compile(r"(?:^|[\s(\[\"'“‘–—-])([A-Za-z][A-Za-z.]*)\.$")


def _ends_with(piece: str, words: list[str]) -> bool:
    m = _LAST_WORD.search(piece)
    return m is not None and m.group(1) in words


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of one paragraph (whitespace folded to single spaces);
    joining them with single spaces gives the paragraph back."""
    pieces = _bank_split(paragraph)
    out: list[str] = []
    for piece in pieces:
        if out:
            prev = out[-1]
            nxt = piece[:1]
            if _ends_with(prev, _TITLES) or (
                _ends_with(prev, _SOFT) and (nxt.isdigit() or nxt.islower() or nxt in "–—-(,;:")
            ):
                out[-1] = f"{prev} {piece}"
                continue
            if nxt.islower() and not prev.endswith(("?", "!", '?"', '!"', "?”", "!”")):
                out[-1] = f"{prev} {piece}"
                continue
        out.append(piece)
    return out if " ".join(out) == paragraph else pieces

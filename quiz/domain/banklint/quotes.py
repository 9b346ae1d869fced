"""The misquote rule: a passage in quotation marks that reads as the article's words
must be verbatim in the article."""

from __future__ import annotations

import re
from collections.abc import Iterator

from quiz.domain.article import normalise
from quiz.domain.banklint.common import (
    MAX_QUOTE_WORDS,
    MIN_QUOTE_WORDS,
    QUOTE_RUN_SHARE,
    QUOTE_RUN_WORDS,
    BankWarning,
    at,
    prose_fields,
)
from quiz.domain.bankyaml import format_path
from quiz.domain.loadedbank import LoadedBank

_QUOTED = re.compile(r"\"([^\"\n]+)\"|“([^”\n]+)”")
_ELLIPSIS = re.compile(r"…|\.\.\.|\[\s*(?:…|\.\.\.)\s*\]")
_WORD = re.compile(r"[\w%]+(?:['’][\w]+)*")
_EDGES = " \t.,;:!?'\"()[]*_-"
#: words that do not make a shared run of words a quote ("to a", "of the")
_FUNCTION_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
    }
)


def _words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def _own_words(bank: LoadedBank) -> set[str]:
    """The bank's labels and the students' answers: quoting them is not quoting the article."""
    own = {*bank.skills.values(), *bank.categories.values(), *bank.categories}
    for q in bank.questions:
        for name in ("options", "answers", "wrong"):
            own.update(getattr(item, "text", "") for item in getattr(q, name, ()) or ())
        own.update(c.answer for c in q.checks if isinstance(c.answer, str))
    return {normalise(t).strip(_EDGES) for t in own if isinstance(t, str) and t}


def _purports(fragment: str, source_words: list[str]) -> bool:
    """Whether a fragment not found verbatim still reads as a quote of the article: a run
    of its words is in the article and covers much of it."""
    words = _words(fragment)[:MAX_QUOTE_WORDS]
    joined = " " + " ".join(source_words) + " "
    best = 0
    for i in range(len(words)):
        for j in range(len(words), i + best, -1):
            run = words[i:j]
            if set(run) - _FUNCTION_WORDS and " " + " ".join(run) + " " in joined:
                best = j - i
                break
    return best >= QUOTE_RUN_WORDS and best >= QUOTE_RUN_SHARE * len(words)


def misquote(bank: LoadedBank) -> Iterator[BankWarning]:
    """A passage in quotation marks that reads as the article's words must be verbatim."""
    source = normalise(f"{bank.article.title}\n{bank.article.text}")
    source_words = _words(source)
    own = _own_words(bank)
    for n, q in enumerate(bank.questions):
        for path, text in prose_fields(q):
            for m in _QUOTED.finditer(text):
                passage = (m[1] or m[2]).replace("*", "").replace("_", " ")
                if len(_words(passage)) < MIN_QUOTE_WORDS:
                    continue
                if normalise(passage).strip(_EDGES) in own:
                    continue
                fragments = [f for f in _ELLIPSIS.split(passage) if _words(f)]
                missing = _not_found(fragments, source)
                if not missing or not any(_purports(f, source_words) for f in missing):
                    continue
                shown = " ".join(passage.split())
                shown = shown if len(shown) <= 60 else shown[:59] + "…"
                yield at(
                    bank,
                    n,
                    q,
                    "misquote",
                    f"{format_path(path)} quotes “{shown}”, which is not verbatim in the article: "
                    "students check quotes against the text; quote it exactly or drop the marks",
                    *path,
                )


def _not_found(fragments: list[str], source: str) -> list[str]:
    """The fragments (of a quote cut by ellipses) not in ``source`` in their order."""
    missing, at = [], 0
    for fragment in fragments:
        wanted = normalise(fragment).strip(_EDGES)
        found = source.find(wanted, at)
        if found < 0:
            missing.append(fragment)
        else:
            at = found + len(wanted)
    return missing

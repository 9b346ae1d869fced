"""What the types' ``check_form`` share: a bank check's ``answer:`` turned into the form
fields a student's browser would send (the typed text, an option's text, a list of
option texts, quotes or sentence ids). Problems go to ``ctx.error``; a helper returns
nothing usable ({}, [] or None) after reporting one.

Here, not in ``quiz.domain``, so that a type can import it (the domain imports
``quiz.questions``); ``quiz.domain.bankcheck`` uses it too. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from quiz.domain.article import Article
from quiz.questions.spec import BankContext, Path

MAX_ANSWER_ITEMS = 200  # options, sentences or labels in one answer
MAX_ANSWER_LENGTH = 1000  # characters of a typed answer (as the text type allows)
_SENTENCE_ID = re.compile(r"p\d+-s\d+")


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


def short(value: Any) -> str:
    """A value in a problem's message, cut at 60 characters."""
    text = repr(plain(value))
    return text if len(text) <= 60 else text[:59] + "…"


def typed_form(answer: Any, ctx: BankContext, path: Path, name: str) -> dict[str, list[str]]:
    """A typed answer (a string or a number) as the one field ``name``."""
    if isinstance(answer, bool) or not isinstance(answer, str | int | float):
        ctx.error(path, f"must be the typed text, not {short(answer)}")
        return {}
    typed = str(answer)
    if not typed.strip():
        ctx.error(path, "must not be empty (a blank answer is not graded)")
        return {}
    if len(typed) > MAX_ANSWER_LENGTH:
        ctx.error(path, f"is {len(typed):,} characters; at most {MAX_ANSWER_LENGTH:,}")
        return {}
    return {name: [typed]}


def text_list(answer: Any, what: str, ctx: BankContext, path: Path) -> list[str]:
    """A list of texts (option texts, quotes), at least one, at most MAX_ANSWER_ITEMS."""
    if not isinstance(answer, list):
        ctx.error(path, f"must be a list of {what}, not {short(answer)}")
        return []
    if not answer:
        ctx.error(path, f"must list at least one of the {what}")
        return []
    if len(answer) > MAX_ANSWER_ITEMS:
        ctx.error(path, f"lists {len(answer)} items; at most {MAX_ANSWER_ITEMS}")
        return []
    bad = [n for n, a in enumerate(answer) if not isinstance(a, str) or not a.strip()]
    for n in bad:
        ctx.error((*path, n), f"must be text, not {short(answer[n])}")
    return [] if bad else [str(a) for a in answer]


def find_option(options: Iterable[Any], text: str, ctx: BankContext, path: Path) -> str | None:
    """The id of the option (``.id``, ``.text``) whose text is ``text``, spacing aside."""
    options = list(options)
    wanted = _squash(text)
    hit = next((o.id for o in options if _squash(o.text) == wanted), None)
    if hit is None:
        shown = ", ".join(f"“{describe(o.text)[:40]}”" for o in options)
        ctx.error(path, f"“{describe(text)[:60]}” is not the text of an option (options: {shown})")
    return hit


def find_sentence(article: Article, text: str, ctx: BankContext, path: Path) -> str | None:
    """The sentence a quote or a sentence id (``p1-s2``) names, found exactly once."""
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

"""A check's answer as the form fields a student's browser would send for it
(``answer_form``), by question type: the typed text, an option's text, a list of
option texts, quotes or sentence ids, a mapping of quote to category. Problems go to
``ctx.error``. Pure."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from quiz.domain.article import Article
from quiz.questions.base import BankContext, Path, Question

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
    text = repr(plain(value))
    return text if len(text) <= 60 else text[:59] + "…"


def answer_form(
    question: Question, article: Article, answer: Any, ctx: BankContext, path: Path
) -> dict[str, list[str]]:
    """The form fields a student's browser would send for ``answer`` ({} on a problem)."""
    build = _FORMS.get(question.type)
    if build is None:
        ctx.error(path, f"checks are not supported for {question.type} questions")
        return {}
    return build(question, article, answer, ctx, path)


def _typed_form(
    question: Question, _article: Article, answer: Any, ctx: BankContext, path: Path
) -> dict[str, list[str]]:
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
    return {"value" if question.type == "numeric" else "text": [typed]}


def _single_form(
    question: Question, _article: Article, answer: Any, ctx: BankContext, path: Path
) -> dict[str, list[str]]:
    if not isinstance(answer, str):
        ctx.error(path, f"must be one option's text, not {short(answer)}")
        return {}
    oid = _option_id(question, answer, ctx, path)
    return {"choice": [oid]} if oid else {}


def _multiple_form(
    question: Question, _article: Article, answer: Any, ctx: BankContext, path: Path
) -> dict[str, list[str]]:
    texts = _text_list(answer, "option texts", ctx, path)
    ids = [_option_id(question, t, ctx, (*path, n)) for n, t in enumerate(texts)]
    if texts and all(ids):
        if len(set(ids)) < len(ids):
            ctx.error(path, "names the same option twice")
            return {}
        return {"choices": [i for i in ids if i]}
    return {}


def _highlight_form(
    question: Question, article: Article, answer: Any, ctx: BankContext, path: Path
) -> dict[str, list[str]]:
    texts = _text_list(answer, "quotes or sentence ids", ctx, path)
    shown = set(getattr(question, "selectable", ()))
    sids = []
    for n, t in enumerate(texts):
        sid = _sentence_id(article, t, ctx, (*path, n))
        if sid and sid not in shown:
            ctx.error((*path, n), f"sentence {sid} is not among those this question shows")
            sid = None
        sids.append(sid)
    if texts and all(sids):
        if len(set(sids)) < len(sids):
            ctx.error(path, "names the same sentence twice")
            return {}
        return {"sentences": [s for s in sids if s]}
    return {}


def _text_list(answer: Any, what: str, ctx: BankContext, path: Path) -> list[str]:
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


def _option_id(question: Question, text: str, ctx: BankContext, path: Path) -> str | None:
    options = getattr(question, "options", ())
    wanted = _squash(text)
    hit = next((o.id for o in options if _squash(o.text) == wanted), None)
    if hit is None:
        shown = ", ".join(f"“{describe(o.text)[:40]}”" for o in options)
        ctx.error(path, f"“{describe(text)[:60]}” is not the text of an option (options: {shown})")
    return hit


def _sentence_id(article: Article, text: str, ctx: BankContext, path: Path) -> str | None:
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


def _classify_form(
    question: Question, article: Article, answer: Any, ctx: BankContext, path: Path
) -> dict[str, list[str]]:
    if not isinstance(answer, Mapping):
        ctx.error(path, f"must map quotes or sentence ids to categories, not {short(answer)}")
        return {}
    if not answer:
        ctx.error(path, "must label at least one sentence")
        return {}
    if len(answer) > MAX_ANSWER_ITEMS:
        ctx.error(path, f"labels {len(answer)} sentences; at most {MAX_ANSWER_ITEMS}")
        return {}
    asked = {s.sentence for s in getattr(question, "sentences", ())}
    keys = [k for k, _ in getattr(question, "categories", ())]
    form: dict[str, list[str]] = {}
    ok = True
    for quote, category in answer.items():
        where = (*path, str(quote))
        sid = _sentence_id(article, str(quote), ctx, where) if isinstance(quote, str) else None
        if not isinstance(quote, str):
            ctx.error(where, "must be a quote or a sentence id")
        if sid and sid not in asked:
            ctx.error(where, f"sentence {sid} is not one this question asks about")
            sid = None
        if not isinstance(category, str) or category not in keys:
            ctx.error(
                where, f"unknown category {short(category)} (this question's: {', '.join(keys)})"
            )
            sid = None
        if sid and f"label-{sid}" in form:
            ctx.error(where, f"sentence {sid} is labelled twice")
            sid = None
        if sid is None:
            ok = False
            continue
        form[f"label-{sid}"] = [str(category)]
    return form if ok else {}


FormBuilder = Callable[[Question, Article, Any, BankContext, Path], dict[str, list[str]]]
_FORMS: dict[str, FormBuilder] = {
    "numeric": _typed_form,
    "text": _typed_form,
    "single": _single_form,
    "multiple": _multiple_form,
    "highlight": _highlight_form,
    "classify": _classify_form,
}

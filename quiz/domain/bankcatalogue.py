"""A bank's catalogues (skills, categories, misconceptions: ``key: label``) and its
article, as the bank file gives them; every problem goes to the ``Reporter``. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from quiz.domain.article import Article
from quiz.domain.bankyaml import Reporter
from quiz.questions.base import CODE_RE, Path

ARTICLE_FIELDS = ("title", "source", "text")
KEY_RE = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_.-]{0,49}\Z")  # skill keys: question_version.skill


def labels(value: Any, key: str, rep: Reporter, code_keys: bool = False) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        rep.add((key,), "must be a mapping of key: label")
        return {}
    out: dict[str, str] = {}
    for k, label in value.items():
        k = str(k)
        pattern = CODE_RE if code_keys else KEY_RE
        if not pattern.match(k):
            kind = (
                "a code like MULT_OFFBYONE (at most 60 characters)"
                if code_keys
                else "a key (letters, digits, - _ .; at most 50 characters)"
            )
            rep.add((key, k), f"{k!r} is not {kind}")
        if not isinstance(label, str) or not label.strip():
            rep.add((key, k), "needs a label (text)")
            continue
        out[k] = label.strip()
    return out


def catalogue(
    value: Any, skills: Mapping[str, str], rep: Reporter
) -> tuple[dict[str, str], dict[str, str]]:
    """The misconception catalogue: ``CODE: text`` or ``CODE: {text: ..., skill: ...}``.
    Returns the texts and the skills of the codes that name one."""
    if not isinstance(value, Mapping):
        rep.add(("misconceptions",), "must be a mapping of CODE: text")
        return {}, {}
    texts: dict[Any, Any] = {}
    found: dict[str, str] = {}
    for code, entry in value.items():
        if not isinstance(entry, Mapping):
            texts[code] = entry
            continue
        path: Path = ("misconceptions", str(code))
        report_unknown(entry, ("text", "skill"), rep, path)
        texts[code] = entry.get("text")
        skill = entry.get("skill")
        if skill is None:
            continue
        if skill not in skills:
            rep.add((*path, "skill"), f"unknown skill {skill!r} (the bank's: {', '.join(skills)})")
        else:
            found[str(code)] = str(skill)
    return labels(texts, "misconceptions", rep, code_keys=True), found


def report_unknown(
    data: Mapping[Any, Any], known: Iterable[str], rep: Reporter, path: Path = ()
) -> None:
    """Each key of ``data`` that is not one of ``known`` (a misspelling, mostly)."""
    names = list(known)
    for key in data:
        if key not in names:
            rep.add((*path, str(key)), f"unknown field (expected one of: {', '.join(names)})")


def parse_article(value: Any, rep: Reporter) -> Article | None:
    if not isinstance(value, Mapping):
        rep.add(("article",), "is required: a mapping with title, source and text")
        return None
    report_unknown(value, ARTICLE_FIELDS, rep, ("article",))
    ok = True
    for key in ("title", "text"):
        if not isinstance(value.get(key), str) or not value[key].strip():
            rep.add(("article", key), "is required")
            ok = False
    source = value.get("source") or ""
    if not isinstance(source, str):
        rep.add(("article", "source"), "must be text")
        ok = False
    if not ok:
        return None
    article = Article.from_text(value["title"], source, value["text"])
    if not article.sentences:
        rep.add(("article", "text"), "has no sentences")
        return None
    return article

"""Banks back into the bank file format: a document (plain data) and its YAML text.

``document`` turns a validated ``LoadedBank`` into the mapping a bank file holds,
with each question written by its own ``to_spec()``; ``stored_document`` does the
same for a bank in the database (its live questions' current versions).
``dump_yaml`` writes a document as YAML that ``flask --app quiz bank check``
accepts: keys in the documented order, block scalars for long text, Unicode
as it is.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import yaml
from sqlalchemy.orm import Session

from quiz import services
from quiz.domain.article import Article
from quiz.domain.banks import LoadedBank
from quiz.store import models as m

LONG = 72  # text longer than this is written as a folded block
WIDTH = 88
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")


def wrap_article(text: str) -> str:
    """Article text as a bank file writes it: paragraphs a blank line apart, each
    wrapped at spaces only (the splitter folds spacing within a paragraph, so the
    wrapping changes no sentence)."""
    blocks = (" ".join(b.split()) for b in _PARAGRAPH_BREAK.split(text.replace("\r\n", "\n")))
    return "\n\n".join(
        textwrap.fill(b, width=WIDTH, break_long_words=False, break_on_hyphens=False)
        for b in blocks
        if b
    )


def _head(
    slug: str,
    title: str,
    description: str,
    article: Article,
    skills: dict[str, str],
    categories: dict[str, str],
    misconceptions: dict[str, str],
) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": slug, "title": title}
    if description:
        doc["description"] = description
    doc["article"] = {"title": article.title, "source": article.source, "text": article.text}
    doc["skills"] = dict(skills)
    doc["categories"] = dict(categories)
    if misconceptions:
        doc["misconceptions"] = dict(misconceptions)
    return doc


def document(bank: LoadedBank) -> dict[str, Any]:
    """A validated bank as the mapping its file would hold."""
    doc = _head(
        bank.id,
        bank.title,
        bank.description,
        bank.article,
        bank.skills,
        bank.categories,
        bank.misconceptions,
    )
    if bank.plain_category or bank.misconception_skills:
        doc = _with_bank_notes(doc, bank)
    doc["questions"] = [q.to_spec() for q in bank.questions]
    return doc


def _with_bank_notes(doc: dict[str, Any], bank: LoadedBank) -> dict[str, Any]:
    """``plain_category`` after the categories, and each misconception with a skill in
    its ``CODE: {text, skill}`` form (bank-file fields the database does not keep)."""
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if key == "misconceptions":
            skills = bank.misconception_skills
            value = {
                code: {"text": text, "skill": skills[code]} if code in skills else text
                for code, text in value.items()
            }
        out[key] = value
        if key == "categories" and bank.plain_category:
            out["plain_category"] = bank.plain_category
    return out


def stored_document(session: Session, bank: m.Bank) -> dict[str, Any]:
    """A stored bank (its live questions, in order) as the mapping its file would hold."""
    doc = _head(
        bank.slug,
        bank.title,
        bank.description,
        services.article_of(bank.article),
        bank.skills,
        bank.categories,
        bank.misconceptions,
    )
    doc["questions"] = [
        dict(row.current_version.spec)
        for row in services.live_questions(session, bank, drafts=True)
        if row.current_version is not None
    ]
    return doc


class _Dumper(yaml.SafeDumper):
    """Safe YAML, block scalars for long or multi-line text."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # list items indented under their key


def _scalar_style(text: str) -> str | None:
    if "\n" in text:
        style = "|"
    elif len(text) > LONG:
        style = ">"
    else:
        return None
    # A block scalar cannot hold every string (trailing spaces, control characters):
    # keep the style only if the text reads back unchanged.
    probe = yaml.dump(text, Dumper=_Plain, default_style=style, allow_unicode=True, width=WIDTH)
    return style if yaml.safe_load(probe) == text else None


class _Plain(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=_scalar_style(text))


_Dumper.add_representer(str, _represent_str)


def dump_yaml(doc: dict[str, Any]) -> str:
    """The document as bank-file YAML (UTF-8 text, keys in the documented order)."""
    doc = dict(doc)
    article = doc.get("article")
    if isinstance(article, dict) and isinstance(article.get("text"), str):
        doc["article"] = {**article, "text": wrap_article(article["text"]) + "\n"}
    body = yaml.dump(
        doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=WIDTH, indent=2
    )
    return body

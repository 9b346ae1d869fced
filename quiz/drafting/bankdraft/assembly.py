"""The assembly of a draft bank: which claims get items (at most
``MAX_DRAFTED_CLAIMS`` distinct ones, the headline's last), the order of the items,
the bank around them, and its YAML with a ``# Draft:`` comment over each question."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import yaml

from quiz.drafting.annotate import Annotation
from quiz.drafting.bankdraft.baseline import missing_item
from quiz.drafting.bankdraft.drafter import MAX_DRAFTED_CLAIMS, Drafter
from quiz.drafting.bankdraft.percent import percent_items
from quiz.drafting.bankdraft.reporting import classify_item, highlight_item
from quiz.drafting.bankdraft.terms import CATEGORIES, MISCONCEPTIONS, SKILLS


def _assemble(d: Drafter) -> dict[str, Any]:
    """Every item drafted, in order, and the bank around them."""
    seen: set[tuple[str, str]] = set()
    n = 0
    ordered = sorted(d.ann.claims, key=lambda c: c.claim.sentence_id == "p0-s1")
    for c in ordered:
        key = (c.claim.kind, c.claim.stated_value.lower())
        if key in seen or len(seen) >= MAX_DRAFTED_CLAIMS:
            continue
        seen.add(key)
        n += 1
        percent_items(d, c, n)
        missing_item(d, c, n)
    classify_item(d)
    highlight_item(d, "loaded")
    highlight_item(d, "advocacy")
    if not d.questions:
        raise NothingToDraft(
            "The article gives nothing to draft a question from: no percentage, share, "
            "rate or change, and fewer than two sentences to label."
        )
    return _bank(d)


def _bank(d: Drafter) -> dict[str, Any]:
    title = d.ann.article.title
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-") or "article"
    digest = hashlib.sha256(d.ann.article.body.encode()).hexdigest()[:6]
    return {
        "id": f"draft-{slug}-{digest}",
        "title": f"Draft: {title}"[:200],
        "description": "Drafted by the quiz from the article: every question "
        "is a draft (never given to students); review it, then publish.",
        "article": {"title": title, "source": d.source, "text": d.ann.article.body},
        "skills": SKILLS,
        "categories": CATEGORIES,
        "plain_category": "plain",
        "misconceptions": {k: v for k, v in MISCONCEPTIONS.items() if k in d.used_codes},
        "questions": [{"id": q["id"], "draft": True, **q} for _, q in d.questions],
    }


class NothingToDraft(ValueError):
    """The article gives no claim and too few sentences for any question."""


def draft_bank(ann: Annotation, source: str = "") -> dict[str, Any]:
    """The draft bank as data (what the YAML holds, without the comments)."""
    drafter = Drafter(ann, source or "Pasted article")
    return _assemble(drafter)


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str)


def _dump(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )


def draft_bank_yaml(ann: Annotation, source: str = "") -> str:
    """The draft bank as YAML, each question under a ``# Draft:`` comment."""
    drafter = Drafter(ann, source or "Pasted article")
    bank = _assemble(drafter)
    questions = bank.pop("questions")
    out = [
        "# Draft bank made by `flask --app quiz draft` from the article below. Every question",
        "# is a draft: check the article's labels and each question before you publish it.",
        _dump(bank).rstrip("\n"),
        "questions:",
    ]
    for (note, _), question in zip(drafter.questions, questions, strict=True):
        out.append(f"  # Draft: {note}; review before publishing.")
        out.append(
            "\n".join("  " + line if line else line for line in _dump([question]).splitlines())
        )
    return "\n".join(out) + "\n"

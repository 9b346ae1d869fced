"""What changes a teacher's banks. Every save validates the whole bank document
through ``quiz.domain.banks.parse_bank_data`` (or ``parse_bank`` for a file) and stores
it with ``quiz.services.import_bank``: a changed question gets a new version, a
question gone from the bank is retired. Nothing is written when a bank has any
problem; committing is the caller's.

A *document* is a bank as plain data, exactly as a bank file holds it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quiz import services
from quiz.authoring.dump import stored_document
from quiz.authoring.util import unique_slug
from quiz.domain.article import Article
from quiz.domain.banks import BankError, LoadedBank, parse_bank, parse_bank_data
from quiz.questions.editors import EDITORS
from quiz.store import models as m

MAX_UPLOAD = 512 * 1024
FORM = "form"  # the "file" name of a bank that comes from the web editor

SHIPPED_SKILLS = {
    "percent": "Evaluate percentage claims",
    "baseline": "Spot missing baselines",
    "reporting": "Separate reporting from advocacy",
}
SHIPPED_CATEGORIES = {
    "attributed": "Attributed reporting",
    "unattributed": "Unattributed assertion",
    "analysis": "Analysis or opinion",
    "advocacy": "Advocacy (what should be done)",
    "loaded": "Loaded language",
}
ITEM_LISTS = ("options", "answers", "wrong", "sentences", "distractors")


class Refused(Exception):
    """The change would touch a bank that is not the teacher's own."""


# -- storing -------------------------------------------------------------------------


def store(
    session: Session, teacher: m.Teacher, loaded: LoadedBank, bank: m.Bank | None = None
) -> m.Bank:
    """Store a validated bank as the teacher's: a new bank (``bank`` None, with a
    fresh slug) or a new state of their own ``bank``. Whatever id the document
    carried, it never reaches another teacher's bank or a shipped one."""
    if bank is not None and bank.owner_id != teacher.id:
        raise Refused("not your bank")
    loaded.id = bank.slug if bank is not None else unique_slug(session, teacher, loaded.title)
    existing = session.scalar(select(m.Bank).where(m.Bank.slug == loaded.id))
    if existing is not None and (bank is None or existing.id != bank.id):
        raise Refused(f"the bank id {loaded.id!r} is taken")
    row = services.import_bank(session, loaded, origin="web")
    row.owner_id = teacher.id
    row.origin = "web"
    session.flush()
    return row


def save_document(
    session: Session, teacher: m.Teacher, doc: Mapping[str, Any], bank: m.Bank | None = None
) -> tuple[m.Bank | None, list[BankError]]:
    """Validate a whole document and store it; on any problem store nothing."""
    loaded, errors = parse_bank_data(dict(doc), FORM, allow_empty=True)
    if loaded is None:
        return None, errors
    return store(session, teacher, loaded, bank), []


def document(session: Session, bank: m.Bank) -> dict[str, Any]:
    """The bank as a document, deep-copied so that it may be changed freely."""
    return copy.deepcopy(stored_document(session, bank))


def default_categories(session: Session) -> dict[str, str]:
    """The shipped bank's categories (the first shipped bank that has some)."""
    for cats in session.scalars(
        select(m.Bank.categories).where(m.Bank.owner_id.is_(None)).order_by(m.Bank.id)
    ):
        if cats:
            return dict(cats)
    return dict(SHIPPED_CATEGORIES)


def default_misconceptions(session: Session) -> dict[str, str]:
    """The shipped bank's misconception catalogue, so that a new bank's misconceptions
    are picked from a list, never typed free."""
    for texts in session.scalars(
        select(m.Bank.misconceptions).where(m.Bank.owner_id.is_(None)).order_by(m.Bank.id)
    ):
        if texts:
            return dict(texts)
    return {}


def new_bank(
    session: Session, teacher: m.Teacher, fields: Mapping[str, str]
) -> tuple[m.Bank | None, list[BankError]]:
    """A bank started from a pasted article, with the shipped skills, categories and
    misconceptions."""
    doc = {
        "id": "draft",
        "title": fields.get("title", ""),
        "description": fields.get("description", ""),
        "article": {
            "title": fields.get("article_title", ""),
            "source": fields.get("source", ""),
            "text": fields.get("text", ""),
        },
        "skills": dict(SHIPPED_SKILLS),
        "categories": default_categories(session),
        "questions": [],
    }
    misconceptions = default_misconceptions(session)
    if misconceptions:
        doc["misconceptions"] = misconceptions
    return save_document(session, teacher, doc)


def copy_bank(session: Session, teacher: m.Teacher, bank: m.Bank) -> m.Bank:
    """An editable copy of a visible bank, owned by the teacher."""
    doc = document(session, bank)
    doc["title"] = f"{bank.title} (my copy)"
    copied, errors = save_document(session, teacher, doc)
    if copied is None:  # a stored bank was valid when stored
        raise ValueError("; ".join(map(str, errors)))
    return copied


def read_upload(raw: bytes, filename: str) -> tuple[str | None, list[BankError]]:
    """The uploaded bytes as text, or the reason they cannot be read."""
    if len(raw) > MAX_UPLOAD:
        return None, [
            BankError(filename, 0, None, "-", "the file is larger than 512 KiB; nothing was read")
        ]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return None, [BankError(filename, 0, None, "-", "the file is not UTF-8 text")]


def upload(
    session: Session, teacher: m.Teacher, raw: bytes, filename: str, bank: m.Bank | None = None
) -> tuple[m.Bank | None, list[BankError]]:
    """A bank file as a new bank, or replacing the teacher's ``bank``: checked by
    ``parse_bank`` (safe YAML, the messages of ``bank check``); all or nothing."""
    text, errors = read_upload(raw, filename)
    if text is None:
        return None, errors
    loaded, errors = parse_bank(text, filename)
    if loaded is None:
        return None, errors
    return store(session, teacher, loaded, bank), []


# -- questions inside a document -------------------------------------------------------


def index_of(doc: Mapping[str, Any], key: str) -> int:
    for n, spec in enumerate(doc["questions"]):
        if spec.get("id") == key:
            return n
    raise KeyError(key)


def fresh_key(used: set[str], stem: str) -> str:
    n = 1
    while f"{stem}-{n}" in used:
        n += 1
    return f"{stem}-{n}"


def put_question(doc: dict[str, Any], spec: dict[str, Any], key: str | None) -> dict[str, Any]:
    """A copy of the document with ``spec`` in place of question ``key`` (or added)."""
    new = copy.deepcopy(doc)
    if key is None:
        new["questions"].append(spec)
    else:
        new["questions"][index_of(new, key)] = spec
    return new


def move_question(doc: dict[str, Any], key: str, delta: int) -> bool:
    n = index_of(doc, key)
    to = n + delta
    if not 0 <= to < len(doc["questions"]):
        return False
    qs = doc["questions"]
    qs[n], qs[to] = qs[to], qs[n]
    return True


def duplicate_question(doc: dict[str, Any], key: str, used: set[str]) -> str:
    n = index_of(doc, key)
    spec = copy.deepcopy(doc["questions"][n])
    spec["id"] = fresh_key(used | {q["id"] for q in doc["questions"]}, key)
    doc["questions"].insert(n + 1, spec)
    return spec["id"]


def publish(doc: dict[str, Any], key: str | None = None) -> int:
    """Clear the ``draft`` mark of question ``key`` (or of every question); how many
    were drafts. Saving the document gives each a new version without the mark."""
    count = 0
    for spec in doc["questions"]:
        if (key is None or spec.get("id") == key) and spec.pop("draft", None) is not None:
            count += 1
    return count


def remove_question(doc: dict[str, Any], key: str) -> None:
    del doc["questions"][index_of(doc, key)]


# -- skills, categories, misconceptions -----------------------------------------------


def label_usage(doc: Mapping[str, Any], kind: str, key: str) -> list[str]:
    """Ids of the questions that use a skill, category or misconception code."""
    used: list[str] = []
    for spec in doc["questions"]:
        if kind == "skills":
            hit = spec.get("skill") == key
        elif kind == "categories":
            hit = key in (spec.get("categories") or []) or any(
                s.get("category") == key for s in spec.get("sentences") or []
            )
        else:
            hit = any(
                item.get("misconception") == key
                for name in ITEM_LISTS
                for item in spec.get(name) or []
                if isinstance(item, Mapping)
            )
        if hit:
            used.append(str(spec.get("id")))
    return used


# -- changing the article ------------------------------------------------------------


@dataclass
class Affected:
    """A question the new article text breaks, and what confirming would do to it."""

    id: str
    prompt: str
    problems: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # quotes dropped
    removed: bool = False  # too little left: the question leaves the bank (retired)


@dataclass
class ArticlePlan:
    doc: dict[str, Any]  # the document once confirmed (affected questions repaired)
    affected: list[Affected]
    errors: list[BankError]  # problems with the article itself: nothing can be saved


def _refit(spec: dict[str, Any], article: Article) -> tuple[dict[str, Any], list[str]]:
    """The question fitted to the new article by its type's editor, and the quotes lost."""
    editor = EDITORS.get(str(spec.get("type")))
    return editor.refit(spec, article) if editor else (copy.deepcopy(spec), [])


def plan_article_change(doc: Mapping[str, Any], article: Mapping[str, str]) -> ArticlePlan:
    """What saving a new article text would do to the bank's questions."""
    new = copy.deepcopy(dict(doc))
    new["article"] = dict(article)
    _loaded, errors = parse_bank_data(new, FORM, allow_empty=True)
    if not errors:
        return ArticlePlan(new, [], [])
    if any(e.question is None for e in errors):
        return ArticlePlan(new, [], [e for e in errors if e.question is None])
    parsed = Article.from_text(article["title"], article.get("source", ""), article["text"])
    affected: dict[str, Affected] = {}
    for e in errors:
        spec = next(s for s in new["questions"] if str(s.get("id")) == e.question)
        a = affected.setdefault(e.question or "", Affected(e.question or "", spec["prompt"]))
        a.problems.append(f"{e.field}: {e.message}")
    for n, spec in enumerate(new["questions"]):
        if str(spec.get("id")) in affected:
            new["questions"][n], lost = _refit(spec, parsed)
            affected[str(spec.get("id"))].lost = lost
    _loaded, errors = parse_bank_data(new, FORM, allow_empty=True)
    gone = {e.question for e in errors}
    new["questions"] = [s for s in new["questions"] if str(s.get("id")) not in gone]
    for key in gone:
        if key in affected:
            affected[key].removed = True
    _loaded, errors = parse_bank_data(new, FORM, allow_empty=True)
    return ArticlePlan(new, list(affected.values()), errors)

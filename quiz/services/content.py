"""Banks in the database, and the content caches: the article, question and bank
header that a stored row's sha256 stands for, built once per process."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import URL, ColumnElement, bindparam, func, select
from sqlalchemy.orm import Session, selectinload

from quiz.domain.article import Article
from quiz.domain.banks import LoadedBank, digest, question_from_spec
from quiz.questions import Question
from quiz.store import models as m
from quiz.store.db import utcnow


def _article_row(session: Session, article: Article) -> m.Article:
    content = article.to_dict()
    sha = digest(content)
    row = session.scalar(select(m.Article).where(m.Article.sha256 == sha))
    if row is None:
        row = m.Article(sha256=sha, title=article.title, content=content)
        session.add(row)
        session.flush()
    return row


def import_bank(session: Session, loaded: LoadedBank, origin: str = "file") -> m.Bank:
    """Store a validated bank. Unchanged questions keep their version; a changed one
    gets a new version; a question gone from the file is retired (history stays)."""
    article = _article_row(session, loaded.article)
    bank = session.scalar(select(m.Bank).where(m.Bank.slug == loaded.id))
    sha = loaded.sha256()
    if bank is None:
        bank = m.Bank(slug=loaded.id, origin=origin)
        session.add(bank)
    elif bank.sha256 == sha and bank.article_id == article.id:
        return bank
    bank.title = loaded.title
    bank.description = loaded.description
    bank.source_path = loaded.file
    bank.skills = loaded.skills
    bank.categories = loaded.categories
    bank.misconceptions = loaded.misconceptions
    bank.article = article
    bank.sha256 = sha
    bank.updated_at = utcnow()
    session.flush()

    existing = {
        q.key: q
        for q in session.scalars(
            select(m.Question)
            .where(m.Question.bank_id == bank.id)
            .options(selectinload(m.Question.versions))
        )
    }
    context = {"categories": loaded.categories}
    for position, question in enumerate(loaded.questions, start=1):
        spec = question.to_spec()
        v_sha = digest({"spec": spec, "article": article.sha256, "context": context})
        row = existing.pop(question.id, None)
        if row is None:
            row = m.Question(bank=bank, key=question.id, position=position)
            session.add(row)
            session.flush()
        row.position = position
        row.retired = False
        version = next((v for v in row.versions if v.sha256 == v_sha), None)
        if version is None:
            version = m.QuestionVersion(
                question=row,
                version=max((v.version for v in row.versions), default=0) + 1,
                type=question.type,
                skill=question.skill,
                points=question.points,
                spec=spec,
                article_id=article.id,
                context=context,
                sha256=v_sha,
            )
            session.add(version)
            session.flush()
        row.current_version = version
    for gone in existing.values():
        gone.retired = True
    session.flush()
    return bank


def list_banks(session: Session, teacher: m.Teacher | None = None) -> list[tuple[m.Bank, int]]:
    """Banks with their number of live questions: the shipped ones (no owner), and
    with a teacher, that teacher's own banks too. Never another teacher's."""
    visible: ColumnElement[bool] = m.Bank.owner_id.is_(None)
    if teacher is not None:
        visible = visible | (m.Bank.owner_id == teacher.id)
    rows = session.execute(
        select(m.Bank, func.count(m.Question.id))
        .join(m.Question, (m.Question.bank_id == m.Bank.id) & ~m.Question.retired, isouter=True)
        .where(visible)
        .group_by(m.Bank.id)
        .order_by(m.Bank.title)
    )
    return [(bank, n) for bank, n in rows]


# The content caches are keyed by hash (an article's sha256 is the hash of its
# content; a version's covers its spec, context and article; a bank's covers its
# title, skills and misconceptions, which change only with it in import_bank), so an
# entry is right for any database and never goes stale: rows with that hash hold
# that content.
_article_cache: dict[str, Article] = {}
_question_cache: dict[str, Question] = {}
_bank_header_cache: dict[str, BankHeader] = {}
_CACHE_MAX = 4096


def cached_article(sha256: str) -> Article | None:
    """The article of that hash if this process holds it (no database)."""
    return _article_cache.get(sha256)


def cached_question(sha256: str) -> Question | None:
    """The question of that version hash if this process holds it (no database)."""
    return _question_cache.get(sha256)


def cached_bank_header(sha256: str) -> BankHeader | None:
    """The bank header of that hash if this process holds it (no database)."""
    return _bank_header_cache.get(sha256)


def _keep(cache: dict[str, Any], sha256: str, value: Any) -> None:
    """Store in a content cache, emptied when full (a process rarely meets more
    than a few hundred entries)."""
    if len(cache) >= _CACHE_MAX:
        cache.clear()
    cache[sha256] = value


def article_of(row: m.Article) -> Article:
    """The stored article. Reads ``row.content`` only on a cache miss, so callers
    may load the row with that column deferred."""
    article = _article_cache.get(row.sha256)
    if article is None:
        article = Article.from_dict(row.content)
        _keep(_article_cache, row.sha256, article)
    return article


def question_of(version: m.QuestionVersion) -> Question:
    """The question object of a stored version. Reads the spec, context and article
    only on a cache miss, so callers may load versions with just their sha256."""
    q = _question_cache.get(version.sha256)
    if q is None:
        q = question_from_spec(version.spec, article_of(version.article), version.context)
        _keep(_question_cache, version.sha256, q)
    return q


@dataclass(frozen=True, slots=True)
class BankHeader:
    """What an attempt's pages show of its bank."""

    title: str
    skills: dict[str, str]
    misconceptions: dict[str, str]


_BANK_HEADER = select(m.Bank.title, m.Bank.skills, m.Bank.misconceptions).where(
    m.Bank.id == bindparam("bank_id")
)


def load_bank_header(session: Session, bank_id: int, sha256: str) -> BankHeader:
    """The bank's header, read and kept by its hash."""
    header = BankHeader(*session.connection().execute(_BANK_HEADER, {"bank_id": bank_id}).one())
    _keep(_bank_header_cache, sha256, header)
    return header


def load_article(session: Session, article_id: int) -> Article:
    """The stored article by id (LookupError if gone), kept by its hash."""
    row = session.get(m.Article, article_id)
    if row is None:
        raise LookupError(f"article {article_id} is gone")
    return article_of(row)


# -- a bank's live questions, built once per bank version ----------------------------


@dataclass(frozen=True, slots=True)
class LiveQuestion:
    """One live (not retired) question of a bank with its current version, as plain
    values and the built question: what a start needs, no mapped object."""

    question_id: int
    key: str
    position: int
    version_id: int
    skill: str
    points: float
    draft: bool  # marked ``draft: true``: never given to students
    question: Question


# Keyed by the database, the bank and what import_bank (the one writer of a bank's
# questions: every edit, re-import, retirement and publication of a draft goes
# through it) changes whenever a question, its order or its version changes: the
# bank's sha256 and updated_at. Unlike the content caches, the entries hold row ids,
# so the key names the database and the time of the bank's last change too.
_LiveKey = tuple[URL, int, str, Any]
_live_cache: dict[_LiveKey, tuple[LiveQuestion, ...]] = {}
_LIVE_MAX = 256

_LIVE = (
    select(
        m.Question.id,
        m.Question.key,
        m.Question.position,
        m.QuestionVersion.id,
        m.QuestionVersion.skill,
        m.QuestionVersion.points,
        m.QuestionVersion.sha256,
        m.QuestionVersion.spec,
        m.QuestionVersion.context,
        m.QuestionVersion.article_id,
        m.Bank.sha256,
        m.Bank.updated_at,
    )
    .join(m.QuestionVersion, m.QuestionVersion.id == m.Question.current_version_id)
    .join(m.Bank, m.Bank.id == m.Question.bank_id)
    .where(m.Question.bank_id == bindparam("bank_id"), ~m.Question.retired)
    .order_by(m.Question.position)
)


def bank_questions(session: Session, bank: m.Bank) -> tuple[LiveQuestion, ...]:
    """The bank's live questions in order, each with its current version (drafts
    included, marked; a question without a version left out), read and built once
    per bank version in this process."""
    database = session.get_bind().engine.url
    found = _live_cache.get((database, bank.id, bank.sha256, bank.updated_at))
    if found is not None:
        return found
    rows = session.execute(_LIVE, {"bank_id": bank.id}).all()
    built = tuple(
        LiveQuestion(
            question_id=row[0],
            key=row[1],
            position=row[2],
            version_id=row[3],
            skill=row[4],
            points=row[5],
            draft=(row[7] or {}).get("draft") is True,
            question=_question(session, row[6], row[7], row[8], row[9]),
        )
        for row in rows
    )
    if rows:  # stored under the bank's state that the same statement read
        if len(_live_cache) >= _LIVE_MAX:
            _live_cache.clear()
        _live_cache[(database, bank.id, rows[0][10], rows[0][11])] = built
    return built


def _question(
    session: Session, sha256: str, spec: Mapping[str, Any], context: Any, article_id: int
) -> Question:
    q = _question_cache.get(sha256)
    if q is None:
        q = question_from_spec(spec, load_article(session, article_id), context)
        _keep(_question_cache, sha256, q)
    return q

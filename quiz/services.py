"""Use cases: import banks, start an attempt, save an answer, submit.

Each function takes a SQLAlchemy session and leaves committing to its caller's
unit of work (``commit`` at the end of a request or CLI command), except where
a use case must commit to be safe under concurrency (said in its docstring).
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import String, and_, bindparam, cast, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, defer, joinedload, selectinload

from quiz import models as m
from quiz.article import Article
from quiz.banks import LoadedBank, digest, question_from_spec
from quiz.db import DriverStatement, utcnow
from quiz.questions import Grade, Question, Unreadable


class NotAllowed(Exception):
    """The action is not possible in the attempt's current state."""


# -- banks ------------------------------------------------------------------------


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
    visible = m.Bank.owner_id.is_(None)
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


# -- questions from stored versions --------------------------------------------------


# The content caches are keyed by hash (an article's sha256 is the hash of its
# content; a version's covers its spec, context and article; a bank's covers its
# title, skills and misconceptions, which change only with it in import_bank), so an
# entry is right for any database and never goes stale: rows with that hash hold
# that content.
_article_cache: dict[str, Article] = {}
_question_cache: dict[str, Question] = {}
_bank_header_cache: dict[str, BankHeader] = {}
_CACHE_MAX = 4096


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


# -- students and attempts ---------------------------------------------------------


def create_student(session: Session, display_name: str) -> m.Student:
    student = m.Student(display_name=display_name.strip())
    session.add(student)
    session.flush()
    return student


def open_attempt(session: Session, student_id: int, bank_id: int) -> m.Attempt | None:
    return session.scalar(
        select(m.Attempt)
        .where(
            m.Attempt.student_id == student_id,
            m.Attempt.bank_id == bank_id,
            m.Attempt.assignment_id.is_(None),
            m.Attempt.status == m.ATTEMPT_IN_PROGRESS,
        )
        .order_by(m.Attempt.id.desc())
        .limit(1)
    )


class _NoShuffle(random.Random):
    """A random source that leaves options in the bank's order."""

    def shuffle(self, x: Any) -> None:  # type: ignore[override]
        return None


def live_questions(session: Session, bank: m.Bank) -> list[m.Question]:
    return list(
        session.scalars(
            select(m.Question)
            .where(m.Question.bank_id == bank.id, ~m.Question.retired)
            .order_by(m.Question.position)
            .options(selectinload(m.Question.current_version))
        )
    )


def start_attempt(
    session: Session,
    student: m.Student,
    bank: m.Bank,
    feedback: str = m.FEEDBACK_IMMEDIATE,
    rng: random.Random | None = None,
    *,
    questions: Sequence[m.Question] | None = None,
    shuffle_options: bool = True,
    assignment: m.Assignment | None = None,
    number: int = 1,
    deadline_at: datetime | None = None,
) -> m.Attempt:
    """A new attempt on the bank's current questions (or the ``questions`` given, in
    that order), with per-question state such as the option order chosen now and
    stored, so that a resumed attempt looks the same."""
    rng = rng or random.Random()
    option_rng = rng if shuffle_options else _NoShuffle()
    attempt = m.Attempt(
        bank=bank,
        article_id=bank.article_id,
        student=student,
        feedback=feedback,
        started_at=utcnow(),
        assignment=assignment,
        mode="assignment" if assignment is not None else "practice",
        number=number,
        deadline_at=deadline_at,
    )
    session.add(attempt)
    total = 0.0
    rows = live_questions(session, bank) if questions is None else list(questions)
    position = 0
    for row in rows:
        version = row.current_version
        if version is None:
            continue
        position += 1
        question = question_of(version)
        slot = m.AttemptSlot(
            attempt=attempt,
            position=position,
            question_version=version,
            state=question.new_state(option_rng),
            points=version.points,
        )
        session.add(slot)
        total += version.points
    attempt.max_score = total
    session.flush()
    return attempt


# The question page and the answer save run these on every request: built once,
# with bound parameters, so a request spends no time constructing them.
_answer_of_slot = and_(
    m.Answer.attempt_id == m.AttemptSlot.attempt_id, m.Answer.slot_id == m.AttemptSlot.id
)
_ATTEMPT = (
    select(m.Attempt)
    .where(m.Attempt.id == bindparam("attempt_id"))
    .options(
        joinedload(m.Attempt.assignment),
        joinedload(m.Attempt.bank),
        joinedload(m.Attempt.article).load_only(m.Article.sha256),
    )
)
# A version's spec and context are read only when its question is not cached yet.
_VERSION_HEADER = (defer(m.QuestionVersion.spec), defer(m.QuestionVersion.context))
_ATTEMPT_WITH_SLOTS = _ATTEMPT.options(
    selectinload(m.Attempt.slots)
    .joinedload(m.AttemptSlot.question_version)
    .options(*_VERSION_HEADER),
    selectinload(m.Attempt.answers),
)
# Plain columns, no ORM entities: a question page and an answer save read one row,
# and building four mapped objects for it cost more than the query (measured:
# 0.9 ms against 0.3 ms on PostgreSQL, most of it in the ORM's row processing and
# in the driver describing 55 columns).
_ATTEMPT_AT = (
    select(
        m.Attempt.id,
        m.Attempt.student_id,
        m.Attempt.status,
        m.Attempt.feedback,
        m.Attempt.deadline_at,
        m.Assignment.closes_at,
        m.AttemptSlot.id,
        m.AttemptSlot.position,
        m.AttemptSlot.state,
        m.AttemptSlot.points,
        m.AttemptSlot.question_version_id,
        m.Answer.id,
        m.Answer.response,
        m.Answer.grade,
        m.QuestionVersion.sha256,
        m.Article.id,
        m.Article.sha256,
        m.Bank.id,
        m.Bank.sha256,
    )
    .join(m.AttemptSlot, m.AttemptSlot.attempt_id == m.Attempt.id)
    .join(m.QuestionVersion, m.QuestionVersion.id == m.AttemptSlot.question_version_id)
    .join(m.Article, m.Article.id == m.QuestionVersion.article_id)
    .join(m.Bank, m.Bank.id == m.Attempt.bank_id)
    .outerjoin(m.Assignment, m.Assignment.id == m.Attempt.assignment_id)
    .outerjoin(m.Answer, _answer_of_slot)
    .where(
        m.Attempt.id == bindparam("attempt_id"),
        m.AttemptSlot.position == bindparam("position"),
    )
)
_NAVIGATION = (
    select(m.AttemptSlot.position, m.Answer.id)
    .outerjoin(m.Answer, _answer_of_slot)
    .where(m.AttemptSlot.attempt_id == bindparam("attempt_id"))
    .order_by(m.AttemptSlot.position)
)
_SLOT_COUNT = (
    select(func.count())
    .select_from(m.AttemptSlot)
    .where(m.AttemptSlot.attempt_id == bindparam("attempt_id"))
)
# A question page also lists every question, answered or not: two scalar subqueries
# in the same statement (slots are numbered 1..count), not a second round trip.
_other_slot = aliased(m.AttemptSlot)
_other_answer = aliased(m.Answer)
_QUESTION_PAGE = _ATTEMPT_AT.add_columns(
    select(func.count())
    .select_from(_other_slot)
    .where(_other_slot.attempt_id == m.Attempt.id)
    .scalar_subquery(),
    select(func.aggregate_strings(cast(_other_slot.position, String), ","))
    .select_from(_other_slot)
    .join(
        _other_answer,
        and_(
            _other_answer.attempt_id == _other_slot.attempt_id,
            _other_answer.slot_id == _other_slot.id,
        ),
    )
    .where(_other_slot.attempt_id == m.Attempt.id)
    .scalar_subquery(),
)

_ATTEMPT_AT_READ = DriverStatement(_ATTEMPT_AT)
_QUESTION_PAGE_READ = DriverStatement(_QUESTION_PAGE)


def load_attempt(
    session: Session,
    attempt_id: int,
    student_ids: Collection[int] | int | None,
    *,
    with_slots: bool = True,
) -> m.Attempt:
    """The attempt if it belongs to one of this browser's students; LookupError
    otherwise (a 404: no hint that it exists).

    One query for the attempt with its assignment, bank and article hash (the
    article's text comes from the cache). ``with_slots`` also loads every slot, with
    its version's header (no spec), and every answer: what review and results pages need.
    A question page needs far less: see ``attempt_at`` and ``navigation``."""
    if isinstance(student_ids, int):
        student_ids = {student_ids}
    statement = _ATTEMPT_WITH_SLOTS if with_slots else _ATTEMPT
    attempt = session.scalar(statement, {"attempt_id": attempt_id})
    if attempt is None or not student_ids or attempt.student_id not in student_ids:
        raise LookupError("no such attempt")
    return attempt


attempt_for_student = load_attempt


class NavItem(NamedTuple):
    """One question in a page's navigation (a tuple: 36 of them are made per page)."""

    position: int
    answered: bool


@dataclass(frozen=True, slots=True)
class BankHeader:
    """What an attempt's pages show of its bank."""

    title: str
    skills: dict[str, str]
    misconceptions: dict[str, str]


@dataclass(frozen=True, slots=True)
class AttemptHead:
    """What a question page and an answer save read of an attempt (a plain row, not
    the mapped ``Attempt``: see ``attempt_at``)."""

    id: int
    student_id: int
    status: str
    feedback: str
    deadline_at: datetime | None
    closes_at: datetime | None  # the assignment's close, if any

    @property
    def submitted(self) -> bool:
        return self.status == m.ATTEMPT_SUBMITTED


@dataclass(frozen=True, slots=True)
class SlotHead:
    """One slot of an attempt, as a question page and an answer save read it."""

    id: int
    position: int
    state: dict[str, Any]
    points: float
    question_version_id: int


@dataclass(frozen=True, slots=True)
class AnswerHead:
    """A stored answer, as a question page shows it."""

    id: int
    response: dict[str, Any]
    grade: dict[str, Any]


@dataclass(frozen=True, slots=True)
class QuestionAt:
    """One question of an attempt, with what its page and its answer save need."""

    attempt: AttemptHead
    slot: SlotHead
    answer: AnswerHead | None
    question: Question
    article: Article
    bank: BankHeader
    navigation: list[NavItem] | None = None  # with ``with_navigation`` only


def attempt_at(
    db: Session | Connection,
    attempt_id: int,
    position: int,
    student_ids: Collection[int] | int | None,
    *,
    with_navigation: bool = False,
) -> QuestionAt:
    """The attempt's question at ``position`` (1-based), in one query of plain
    columns: the attempt's state and deadline, the slot and its answer if any; the
    question, the article and the bank's header come from the content caches (keyed
    by sha256, read in the same row; a miss loads them). LookupError if the attempt
    is not this browser's or has no such position.

    ``with_navigation`` adds, in the same query, every question's position and
    whether it is answered. What comes back are frozen rows, not mapped objects:
    a change goes through ``save_answer`` or a use case that loads the ``Attempt``.
    ``db`` may be a plain ``Connection`` (the question page has no session at all;
    a cache miss opens one on it)."""
    if isinstance(student_ids, int):
        student_ids = {student_ids}
    params = {"attempt_id": attempt_id, "position": position}
    statement = _QUESTION_PAGE_READ if with_navigation else _ATTEMPT_AT_READ
    row = statement.first(db.connection() if isinstance(db, Session) else db, params)
    if row is None or not student_ids or row[1] not in student_ids:
        raise LookupError("no such attempt or question")
    nav = None
    if with_navigation:
        *row, count, answered = row
        done = {int(p) for p in (answered or "").split(",") if p}
        nav = [NavItem(p, p in done) for p in range(1, count + 1)]
    attempt = AttemptHead(*row[0:6])
    slot = SlotHead(*row[6:11])
    answer = AnswerHead(*row[11:14]) if row[11] is not None else None
    # The question's version, the article it was written against (the attempt's, in
    # practice) and the bank, by their sha256; then their ids where a miss needs them.
    version_sha, article_id, article_sha, bank_id, bank_sha = row[14:19]
    article = _article_cache.get(article_sha)
    question = _question_cache.get(version_sha)
    bank = _bank_header_cache.get(bank_sha)
    if article is None or question is None or bank is None:
        with _orm(db) as session:
            if article is None:
                article = _load_article(session, article_id)
            if question is None:
                question = question_of(_version_of(session, slot))
            if bank is None:
                bank = _bank_header(session, bank_id, bank_sha)
    return QuestionAt(attempt, slot, answer, question, article, bank, nav)


@contextmanager
def _orm(db: Session | Connection) -> Iterator[Session]:
    """``db`` if it is a session, else a session on that connection for the block."""
    if isinstance(db, Session):
        yield db
        return
    session = Session(bind=db)
    try:
        yield session
    finally:
        session.close()


_BANK_HEADER = select(m.Bank.title, m.Bank.skills, m.Bank.misconceptions).where(
    m.Bank.id == bindparam("bank_id")
)


def _bank_header(session: Session, bank_id: int, sha256: str) -> BankHeader:
    header = BankHeader(*session.connection().execute(_BANK_HEADER, {"bank_id": bank_id}).one())
    _keep(_bank_header_cache, sha256, header)
    return header


def _load_article(session: Session, article_id: int) -> Article:
    row = session.get(m.Article, article_id)
    if row is None:
        raise LookupError(f"article {article_id} is gone")
    return article_of(row)


def navigation(session: Session, attempt: m.Attempt) -> list[NavItem]:
    """Every slot's position and whether it is answered, in one light query (plain
    rows, straight from the connection: no ORM objects to build)."""
    rows = session.connection().execute(_NAVIGATION, {"attempt_id": attempt.id})
    return [NavItem(position, answer is not None) for position, answer in rows]


def slot_count(session: Session, attempt: m.Attempt) -> int:
    return session.scalar(_SLOT_COUNT, {"attempt_id": attempt.id}) or 0


def answers_by_slot(attempt: m.Attempt) -> dict[int, m.Answer]:
    return {a.slot_id: a for a in attempt.answers}


# An attempt, slot or answer as a mapped object or as the plain row a question page
# reads (``attempt_at``); the rules below read only what both have.
AnyAttempt = m.Attempt | AttemptHead
AnySlot = m.AttemptSlot | SlotHead
AnyAnswer = m.Answer | AnswerHead


def feedback_due(
    attempt: AnyAttempt, answer: AnyAnswer | None, now: datetime | None = None
) -> bool:
    """Whether this answer's feedback (and so the key) may be shown now."""
    if attempt.feedback == m.FEEDBACK_IMMEDIATE:
        return answer is not None or attempt.submitted
    if attempt.feedback == m.FEEDBACK_AFTER_SUBMIT:
        return attempt.submitted
    if attempt.feedback == m.FEEDBACK_AFTER_CLOSE:
        if not attempt.submitted:
            return False
        closes = attempt.closes_at
        return closes is None or (now or utcnow()) >= closes
    return False  # never


def answers_locked(attempt: AnyAttempt, answer: AnyAnswer | None) -> bool:
    """Whether the student can no longer change this answer."""
    if attempt.submitted:
        return True
    return attempt.feedback == m.FEEDBACK_IMMEDIATE and answer is not None


def time_is_up(attempt: AnyAttempt, now: datetime | None = None) -> bool:
    """Past the attempt's deadline (time limit or close), with 30 s of grace for
    an answer sent just as the clock ran out."""
    if attempt.deadline_at is None:
        return False
    return (now or utcnow()) > attempt.deadline_at + timedelta(seconds=30)


@dataclass
class SaveResult:
    answer: AnyAnswer | None
    error: str | None = None
    response: dict[str, Any] | None = None  # what was typed, to show again with the error


_LOOK_UP: Any = object()


def save_answer(
    session: Session,
    attempt: AnyAttempt,
    slot: AnySlot,
    form: Mapping[str, Sequence[str]],
    *,
    stored: AnyAnswer | None = _LOOK_UP,
    question: Question | None = None,
    article: Article | None = None,
) -> SaveResult:
    """Read, grade and store the answer to one slot. With immediate feedback an
    answer is final once given; otherwise it may be changed until submission.

    Commits. The unique (attempt, slot) constraint arbitrates double clicks and
    second tabs; the attempt row, locked by the write (a new answer is inserted only
    while its attempt is in progress) or after it (a changed answer), arbitrates a
    race with submission, so that no answer lands in an attempt already marked.

    ``stored``, ``question``, ``article``: the slot's answer, question and article as
    the caller just read them (``attempt_at``), to save queries; a race with another
    request is still caught by the constraint.

    A session outside a transaction (``db.autocommit_session``) will do for immediate
    feedback only: its one write is the guarded INSERT, atomic on its own. Changing
    an answer needs a transaction (NotInTransaction otherwise)."""
    if attempt.submitted:
        raise NotAllowed("This attempt has been submitted; answers can no longer change.")
    if time_is_up(attempt):
        raise NotAllowed("Time is up for this attempt; answers can no longer change.")
    if question is None:
        question = question_of(_version_of(session, slot))
    try:
        response = question.read_response(form)
    except Unreadable as exc:
        return SaveResult(None, str(exc), _echo(form))
    if response is None:
        return SaveResult(None, "Please answer the question before saving.")
    existing = _stored(session, attempt.id, slot.id) if stored is _LOOK_UP else stored
    if existing is not None and attempt.feedback == m.FEEDBACK_IMMEDIATE:
        return SaveResult(existing)  # already answered and shown feedback: final
    if article is None:
        article = article_of(_version_of(session, slot).article)
    grade = question.grade(response, article)
    now = utcnow()
    values = _answer_values(grade, slot, response)
    if existing is None:
        row = {
            "attempt_id": attempt.id,
            "slot_id": slot.id,
            "question_version_id": slot.question_version_id,
            "answered_at": now,
            "updated_at": now,
            **values,
        }
        try:
            inserted = _insert_answer(session, row)
        except IntegrityError:
            # Another request (double click, second tab) stored it first.
            session.rollback()
            answer = _stored(session, attempt.id, slot.id)
            if answer is None:
                raise
            if attempt.feedback == m.FEEDBACK_IMMEDIATE:
                return SaveResult(answer)
            answer = _update_answer(session, answer, values, now)
            _ensure_open(session, attempt.id)
        else:
            if inserted is None:  # submitted meanwhile
                session.rollback()
                raise NotAllowed("This attempt has been submitted; answers can no longer change.")
            answer = inserted
    else:
        answer = _update_answer(session, existing, values, now)
        _ensure_open(session, attempt.id)
    session.commit()
    return SaveResult(answer)


_ANSWER_TABLE = m.Answer.__table__
_ANSWER_FIELDS = tuple(c.name for c in _ANSWER_TABLE.c if c.name != "id")  # save_answer's row
# The new answer, only if its attempt is still in progress, in one statement:
# INSERT ... SELECT <the values> FROM attempt WHERE id = ... AND status = 'in_progress'
# FOR NO KEY UPDATE. On PostgreSQL the lock waits for a submission in progress (and
# re-reads the status once it commits); a plain FOR UPDATE would wait for any other
# answer's insert too (its foreign key holds KEY SHARE on the row) and deadlock two
# saves of one attempt. SQLite writes one transaction at a time and has no FOR.
_INSERT_ANSWER_IF_OPEN = (
    insert(_ANSWER_TABLE)
    .from_select(
        _ANSWER_FIELDS,
        select(*(bindparam(f, type_=_ANSWER_TABLE.c[f].type) for f in _ANSWER_FIELDS))
        .select_from(m.Attempt)
        .where(
            m.Attempt.id == bindparam("attempt_id"),
            m.Attempt.status == m.ATTEMPT_IN_PROGRESS,
        )
        .with_for_update(key_share=True),
    )
    .returning(_ANSWER_TABLE.c.id)
)
_INSERT_ANSWER_IF_OPEN_RUN = DriverStatement(_INSERT_ANSWER_IF_OPEN)
_ATTEMPT_STATUS_LOCKED = (
    select(m.Attempt.status)
    .where(m.Attempt.id == bindparam("attempt_id"))
    .with_for_update(key_share=True)
)


def _insert_answer(session: Session, row: dict[str, Any]) -> AnswerHead | None:
    """INSERT the answer with a plain statement, if its attempt is still in progress
    (``_INSERT_ANSWER_IF_OPEN``); None if it is not. The unit of work's flush, and
    even building a mapped ``Answer`` to hand the session, cost more than the insert
    itself. IntegrityError if the slot already has an answer."""
    returned = _INSERT_ANSWER_IF_OPEN_RUN.first(session.connection(), row)
    if returned is None:
        return None
    new_id = returned[0]
    return AnswerHead(new_id, row["response"], row["grade"])


class NotInTransaction(RuntimeError):
    """A change that must be atomic was asked of a session outside a transaction."""


def _update_answer(
    session: Session, answer: AnyAnswer, values: dict[str, Any], now: datetime
) -> AnyAnswer:
    """A changed answer (before submission, when feedback is not immediate): through
    the unit of work for a mapped answer, with one UPDATE for a plain row."""
    if session.info.get("autocommit"):
        raise NotInTransaction("changing an answer needs a transaction (see save_answer)")
    if isinstance(answer, m.Answer):
        _assign(answer, values, now)
        session.flush()
        return answer
    session.connection().execute(
        update(m.Answer).where(m.Answer.id == answer.id).values(**values, updated_at=now)
    )
    return AnswerHead(answer.id, values["response"], values["grade"])


def _version_of(session: Session, slot: AnySlot) -> m.QuestionVersion:
    if isinstance(slot, m.AttemptSlot):
        return slot.question_version
    return session.get_one(m.QuestionVersion, slot.question_version_id)


def _ensure_open(session: Session, attempt_id: int) -> None:
    """Inside the writing transaction: fail (and roll back) if the attempt was
    submitted meanwhile. ``FOR NO KEY UPDATE`` (key_share) waits for a submission in
    progress but not for another answer's insert, whose foreign key holds a KEY SHARE
    lock on the same row (a plain FOR UPDATE deadlocks two simultaneous saves)."""
    status = (
        session.connection().execute(_ATTEMPT_STATUS_LOCKED, {"attempt_id": attempt_id}).scalar()
    )
    if status != m.ATTEMPT_IN_PROGRESS:
        session.rollback()
        raise NotAllowed("This attempt has been submitted; answers can no longer change.")


def _stored(session: Session, attempt_id: int, slot_id: int) -> m.Answer | None:
    return session.scalar(
        select(m.Answer).where(m.Answer.attempt_id == attempt_id, m.Answer.slot_id == slot_id)
    )


def _answer_values(grade: Grade, slot: AnySlot, response: dict[str, Any]) -> dict[str, Any]:
    return {
        "response": response,
        "summary": grade.summary,
        "fraction": grade.fraction,
        "points": grade.fraction * slot.points,
        "max_points": slot.points,
        "grade": grade.to_dict(),
        "misconception": grade.misconception,
        "classification": grade.classification,
    }


def _assign(answer: m.Answer, values: dict[str, Any], now: Any) -> None:
    for key, value in values.items():
        setattr(answer, key, value)
    answer.updated_at = now


def _echo(form: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The typed entry, shaped like a response, so the page can show it again."""
    echo: dict[str, Any] = {}
    for key, values in form.items():
        if key == "csrf_token" or not values:
            continue
        if key in ("choices", "sentences"):
            echo[key] = list(values)
        elif key.startswith("label-"):
            echo.setdefault("labels", {})[key[6:]] = values[0]
        elif key == "value":
            echo["text"] = values[0]
        else:
            echo[key] = values[0]
    return echo


def submit_attempt(session: Session, attempt: m.Attempt) -> bool:
    """Close the attempt and total its score. Safe to call twice or concurrently:
    only the first call changes anything (returns True), later ones return False.

    The status changes first, in its own statement, so that the score is summed
    after every answer saved before it (see ``_ensure_open``)."""
    closed = session.execute(
        update(m.Attempt)
        .where(m.Attempt.id == attempt.id, m.Attempt.status == m.ATTEMPT_IN_PROGRESS)
        .values(status=m.ATTEMPT_SUBMITTED, submitted_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:
        session.rollback()
        session.refresh(attempt)
        return False
    score = session.scalar(
        select(func.coalesce(func.sum(m.Answer.points), 0.0)).where(
            m.Answer.attempt_id == attempt.id
        )
    )
    session.execute(
        update(m.Attempt)
        .where(m.Attempt.id == attempt.id)
        .values(score=score)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    session.refresh(attempt)
    return True


@dataclass
class SkillScore:
    key: str
    name: str
    points: float
    max_points: float
    answered: int
    questions: int

    @property
    def percent(self) -> float:
        return 100.0 * self.points / self.max_points if self.max_points else 0.0


def skill_scores(attempt: m.Attempt) -> list[SkillScore]:
    answers = answers_by_slot(attempt)
    names = attempt.bank.skills
    scores: dict[str, SkillScore] = {}
    for slot in attempt.slots:
        skill = slot.question_version.skill
        s = scores.setdefault(skill, SkillScore(skill, names.get(skill, skill), 0, 0, 0, 0))
        s.max_points += slot.points
        s.questions += 1
        answer = answers.get(slot.id)
        if answer is not None:
            s.points += answer.points
            s.answered += 1
    order = list(names)
    return sorted(scores.values(), key=lambda s: order.index(s.key) if s.key in order else 99)


def regrade_assignment(session: Session, assignment: m.Assignment) -> int:
    """Grade every stored response again, against the current version of its
    question where the bank changed (same type only), and total the attempts
    again. Commits. Returns how many answers changed their mark."""
    attempts = session.scalars(
        select(m.Attempt)
        .where(m.Attempt.assignment_id == assignment.id)
        .options(
            selectinload(m.Attempt.answers)
            .selectinload(m.Answer.slot)
            .selectinload(m.AttemptSlot.question_version)
            .selectinload(m.QuestionVersion.question)
            .selectinload(m.Question.current_version)
        )
    ).all()
    changed = 0
    for attempt in attempts:
        for answer in attempt.answers:
            slot = answer.slot
            version = slot.question_version
            current = version.question.current_version
            if current is not None and current.id != version.id and current.type == version.type:
                slot.question_version = current
                slot.points = current.points
                answer.question_version_id = current.id
                version = current
            question = question_of(version)
            try:
                grade = question.grade(answer.response, article_of(version.article))
            except (KeyError, TypeError, ValueError):
                continue  # a response the new version cannot read keeps its mark
            values = _answer_values(grade, slot, answer.response)
            if abs(values["points"] - answer.points) > 1e-9:
                changed += 1
            for key, value in values.items():
                setattr(answer, key, value)
        session.flush()
        attempt.max_score = sum(s.points for s in attempt.slots)
        if attempt.submitted:
            attempt.score = sum(a.points for a in attempt.answers)
    session.commit()
    return changed

"""What the student's pages read of an attempt: the whole attempt for review and
results, and, for the busiest requests (a question page, an answer save), one row
of plain columns (``attempt_at``)."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import String, and_, bindparam, case, cast, func, literal, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, aliased, defer, joinedload, selectinload

from quiz.domain.article import Article
from quiz.questions import Grade, Question
from quiz.services.content import (
    BankHeader,
    article_of,
    cached_article,
    cached_bank_header,
    cached_question,
    load_article,
    load_bank_header,
    question_of,
)
from quiz.store import models as m
from quiz.store.db import DriverStatement

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
        # What the deadline is judged from when the request arrives (deadline_of).
        m.Attempt.assignment_id,
        m.Attempt.started_at,
        m.Assignment.time_limit_minutes,
        m.ExtraTime.minutes,
    )
    .join(m.AttemptSlot, m.AttemptSlot.attempt_id == m.Attempt.id)
    .join(m.QuestionVersion, m.QuestionVersion.id == m.AttemptSlot.question_version_id)
    .join(m.Article, m.Article.id == m.QuestionVersion.article_id)
    .join(m.Bank, m.Bank.id == m.Attempt.bank_id)
    .outerjoin(m.Assignment, m.Assignment.id == m.Attempt.assignment_id)
    .outerjoin(m.ExtraTime, m.ExtraTime.student_id == m.Attempt.student_id)
    .outerjoin(m.Answer, _answer_of_slot)
    .where(
        m.Attempt.id == bindparam("attempt_id"),
        m.AttemptSlot.position == bindparam("position"),
    )
)
# An answer whose question type found it incomplete ("2 of 4 labelled") is marked so
# (``Answer.incomplete``, set by ``answers.answer_values``): the question list shows it.
_NAVIGATION = (
    select(m.AttemptSlot.position, m.Answer.id, m.Answer.incomplete)
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
# in the same statement (slots are numbered 1..count), not a second round trip: the
# count, and the answered positions, each marked "i" if incomplete ("3,5i,7").
_other_slot = aliased(m.AttemptSlot)
_other_answer = aliased(m.Answer)
_QUESTION_PAGE = _ATTEMPT_AT.add_columns(
    select(func.count())
    .select_from(_other_slot)
    .where(_other_slot.attempt_id == m.Attempt.id)
    .scalar_subquery(),
    select(
        func.aggregate_strings(
            cast(_other_slot.position, String)
            + case((_other_answer.incomplete, literal("i")), else_=literal("")),
            ",",
        )
    )
    .select_from(_other_answer)
    .join(
        _other_slot,
        and_(
            _other_slot.id == _other_answer.slot_id,
            _other_slot.attempt_id == _other_answer.attempt_id,
        ),
    )
    .where(_other_answer.attempt_id == m.Attempt.id)
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
    incomplete: bool = False  # answered, but not completely ("2 of 4 labelled")


@dataclass(frozen=True, slots=True)
class AttemptHead:
    """What a question page and an answer save read of an attempt (a plain row, not
    the mapped ``Attempt``: see ``attempt_at``)."""

    id: int
    student_id: int
    status: str
    feedback: str
    deadline_at: datetime | None  # as stored at the start; see answers.deadline_of
    closes_at: datetime | None  # the assignment's close, if any, as it is now
    assignment_id: int | None
    started_at: datetime
    time_limit_minutes: int | None  # the assignment's, as it is now
    extra_minutes: int | None  # the student's extra time, as it is now

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
        *columns, count, answered = row
        row = tuple(columns)
        marked = [p for p in (answered or "").split(",") if p]
        done = {int(p.rstrip("i")) for p in marked}
        part = {int(p[:-1]) for p in marked if p.endswith("i")}
        nav = [NavItem(p, p in done, p in part) for p in range(1, count + 1)]
    attempt = AttemptHead(*row[0:6], *row[19:23])
    slot = SlotHead(*row[6:11])
    answer = AnswerHead(*row[11:14]) if row[11] is not None else None
    # The question's version, the article it was written against (the attempt's, in
    # practice) and the bank, by their sha256; then their ids where a miss needs them.
    version_sha, article_id, article_sha, bank_id, bank_sha = row[14:19]
    article = cached_article(article_sha)
    question = cached_question(version_sha)
    bank = cached_bank_header(bank_sha)
    if article is None or question is None or bank is None:
        with orm_session(db) as session:
            if article is None:
                article = load_article(session, article_id)
            if question is None:
                question = question_of(_version_of(session, slot))
            if bank is None:
                bank = load_bank_header(session, bank_id, bank_sha)
    return QuestionAt(attempt, slot, answer, question, article, bank, nav)


@contextmanager
def orm_session(db: Session | Connection) -> Iterator[Session]:
    """``db`` if it is a session, else a session on that connection for the block."""
    if isinstance(db, Session):
        yield db
        return
    session = Session(bind=db)
    try:
        yield session
    finally:
        session.close()


def navigation(db: Session | Connection, attempt: AnyAttempt) -> list[NavItem]:
    """Every slot's position and whether it is answered, in one light query (plain
    rows, straight from the connection: no ORM objects to build)."""
    connection = db.connection() if isinstance(db, Session) else db
    rows = connection.execute(_NAVIGATION, {"attempt_id": attempt.id})
    return [
        NavItem(position, answer is not None, bool(incomplete))
        for position, answer, incomplete in rows
    ]


def slot_count(db: Session | Connection, attempt: AnyAttempt) -> int:
    """How many questions the attempt has (on a session, or a plain connection)."""
    return db.scalar(_SLOT_COUNT, {"attempt_id": attempt.id}) or 0


def answers_by_slot(attempt: m.Attempt) -> dict[int, m.Answer]:
    return {a.slot_id: a for a in attempt.answers}


# An attempt, slot or answer as a mapped object or as the plain row a question page
# reads (``attempt_at``); the rules in ``answers`` read only what both have.
AnyAttempt = m.Attempt | AttemptHead
AnySlot = m.AttemptSlot | SlotHead
AnyAnswer = m.Answer | AnswerHead


def _version_of(session: Session, slot: AnySlot) -> m.QuestionVersion:
    if isinstance(slot, m.AttemptSlot):
        return slot.question_version
    return session.get_one(m.QuestionVersion, slot.question_version_id)


@dataclass(frozen=True, slots=True)
class QuestionRow:
    """One question of an attempt as the results pages show it (the student's own,
    and the teacher's view of an attempt): the slot, its answer and its grade."""

    slot: m.AttemptSlot
    question: Question
    answer: m.Answer | None
    article: Article

    @property
    def response(self) -> dict[str, Any] | None:
        return self.answer.response if self.answer else None

    @property
    def grade(self) -> Grade | None:
        return Grade.from_dict(self.answer.grade) if self.answer else None

    @property
    def right_answer(self) -> str:
        return self.question.right_answer(self.article)

    @property
    def described(self) -> str:
        """The answer as the student reads it: sentences by their words, not ids."""
        if self.answer is None:
            return ""
        return self.question.describe(self.answer.response, self.article) or self.answer.summary

    @property
    def incomplete(self) -> str | None:
        """How the answer falls short of a whole one ("2 of 4 labelled"), if it does."""
        return self.question.incomplete(self.answer.response) if self.answer else None

    @property
    def view(self) -> Any:
        """The question's inputs as the student saw them (their state: the order)."""
        return self.question.student_view(self.slot.state, self.article)


def question_rows(attempt: m.Attempt) -> list[QuestionRow]:
    """Every question of an attempt loaded with its slots and answers
    (``load_attempt``), in order."""
    article = article_of(attempt.article)
    answers = answers_by_slot(attempt)
    return [
        QuestionRow(
            slot,
            question_of(slot.question_version).for_state(slot.state),
            answers.get(slot.id),
            article,
        )
        for slot in attempt.slots
    ]

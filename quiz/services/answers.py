"""The rules of answering (when feedback is due, when answers lock, when time is
up) and saving an answer: graded, stored once, never into a submitted attempt."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Insert, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from quiz.domain.article import Article
from quiz.questions import Grade, Question, Unreadable
from quiz.services.content import article_of, question_of
from quiz.services.reads import (
    AnswerHead,
    AnyAnswer,
    AnyAttempt,
    AnySlot,
    AttemptHead,
    _version_of,
)
from quiz.store import models as m
from quiz.store.db import DriverStatement, rowcount, utcnow


class NotAllowed(Exception):
    """The action is not possible in the attempt's current state."""


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


# An answer sent just as the clock ran out still counts: the one grace period, used
# by every page, save and hand-in through ``time_is_up``.
GRACE = timedelta(seconds=30)


def effective_deadline(
    closes_at: datetime | None,
    started_at: datetime,
    time_limit_minutes: int | None,
    extra_minutes: int,
) -> datetime | None:
    """When an assignment's attempt must be handed in: the assignment's close, or
    the start plus the time limit and the student's extra time, whichever is first
    (None: no close and no limit). The one definition of an attempt's deadline."""
    ends = [closes_at] if closes_at is not None else []
    if time_limit_minutes:
        ends.append(started_at + timedelta(minutes=time_limit_minutes + extra_minutes))
    return min(ends) if ends else None


def deadline_of(attempt: AnyAttempt, extra_minutes: int | None = None) -> datetime | None:
    """The attempt's deadline judged now, from the assignment's close and time limit
    and the student's extra time as they stand when the request arrives (a teacher
    may move them while the attempt runs); a practice attempt keeps the deadline
    stored at its start (none, as practice is started). ``extra_minutes``: the
    student's extra time if the caller has read it (else a mapped attempt's session
    reads it, when the assignment has a time limit)."""
    if isinstance(attempt, AttemptHead):
        if attempt.assignment_id is None:
            return attempt.deadline_at
        return effective_deadline(
            attempt.closes_at,
            attempt.started_at,
            attempt.time_limit_minutes,
            attempt.extra_minutes or 0,
        )
    assignment = attempt.assignment
    if assignment is None:
        return attempt.deadline_at
    extra = extra_minutes or 0
    if assignment.time_limit_minutes and extra_minutes is None:
        session = object_session(attempt)
        row = session.get(m.ExtraTime, attempt.student_id) if session is not None else None
        extra = row.minutes if row is not None else 0
    return effective_deadline(
        assignment.closes_at, attempt.started_at, assignment.time_limit_minutes, extra
    )


def time_is_up(
    attempt: AnyAttempt, now: datetime | None = None, extra_minutes: int | None = None
) -> bool:
    """Past the attempt's deadline (``deadline_of``, judged now), with ``GRACE``."""
    deadline = deadline_of(attempt, extra_minutes)
    if deadline is None:
        return False
    return (now or utcnow()) > deadline + GRACE


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
    refuse_if_closed(attempt)
    if question is None:
        question = question_of(_version_of(session, slot))
    try:
        # The attempt's option tokens become the bank's ids here: what is stored,
        # graded, counted and exported never sees a token.
        response = question.read_response(form, slot.state)
    except Unreadable as exc:
        return SaveResult(None, str(exc), question.echo(form, slot.state))
    if response is None:
        return SaveResult(None, "Please answer the question before saving.")
    existing = _stored(session, attempt.id, slot.id) if stored is _LOOK_UP else stored
    if existing is not None and attempt.feedback == m.FEEDBACK_IMMEDIATE:
        return SaveResult(existing)  # already answered and shown feedback: final
    if article is None:
        article = article_of(_version_of(session, slot).article)
    now = utcnow()
    values = answer_values(question.grade(response, article), slot, response, question)
    if existing is None:
        try:
            return SaveResult(_insert_if_open(session, attempt, slot, values, now))
        except IntegrityError:
            # Another request (double click, second tab) stored it first.
            session.rollback()
            existing = _stored(session, attempt.id, slot.id)
            if existing is None:
                raise
            if attempt.feedback == m.FEEDBACK_IMMEDIATE:
                return SaveResult(existing)
    answer = _update_answer(session, existing, values, now)
    _ensure_open(session, attempt.id)
    session.commit()
    return SaveResult(answer)


def refuse_if_closed(attempt: AnyAttempt) -> None:
    """NotAllowed if the attempt's answers can no longer change (submitted, or its
    time is up)."""
    if attempt.submitted:
        raise NotAllowed("This attempt has been submitted; answers can no longer change.")
    if time_is_up(attempt):
        raise NotAllowed("Time is up for this attempt; answers can no longer change.")


def _insert_if_open(
    session: Session, attempt: AnyAttempt, slot: AnySlot, values: dict[str, Any], now: datetime
) -> AnswerHead:
    """A first answer, inserted only while its attempt is in progress, and committed
    (NotAllowed if it was submitted meanwhile; IntegrityError if the slot already has
    an answer)."""
    row = {
        "attempt_id": attempt.id,
        "slot_id": slot.id,
        "question_version_id": slot.question_version_id,
        "answered_at": now,
        "updated_at": now,
        **values,
    }
    inserted = _insert_answer(session, row)
    if inserted is None:  # submitted meanwhile
        session.rollback()
        raise NotAllowed("This attempt has been submitted; answers can no longer change.")
    session.commit()
    return inserted


DRAFT = "draft"  # the key of an unchecked answer in its slot's state (see save_draft)


def draft_of(slot: AnySlot) -> dict[str, Any] | None:
    """The answer kept unchecked on this slot (``save_draft``), if any."""
    draft = (slot.state or {}).get(DRAFT)
    return draft if isinstance(draft, dict) and draft else None


def save_draft(
    session: Session, attempt: AnyAttempt, slot: AnySlot, response: dict[str, Any] | None
) -> bool:
    """Keep what the student gave on a question they leave without checking it, in
    practice with immediate feedback (where a checked answer is final and shown its
    feedback): not graded, stored in the slot's state beside the option tokens, shown
    again on their return, and marked if the attempt is submitted before they check
    it (``submit_attempt``). ``None`` forgets the draft. Only while the attempt is in
    progress (the UPDATE says so), so a draft never lands in a marked attempt.
    Commits. Returns whether anything changed."""
    if draft_of(slot) == (response or None):
        return False
    state = {k: v for k, v in (slot.state or {}).items() if k != DRAFT}
    if response:
        state[DRAFT] = response
    done = session.execute(
        update(m.AttemptSlot)
        .where(
            m.AttemptSlot.id == slot.id,
            m.AttemptSlot.attempt_id.in_(
                select(m.Attempt.id).where(
                    m.Attempt.id == attempt.id, m.Attempt.status == m.ATTEMPT_IN_PROGRESS
                )
            ),
        )
        .values(state=state)
        .execution_options(synchronize_session=False)
    )
    if rowcount(done) != 1:
        session.rollback()
        raise NotAllowed("This attempt has been submitted; answers can no longer change.")
    session.commit()
    return True


_ANSWER_TABLE = m.Answer.metadata.tables[m.Answer.__tablename__]  # a Table, typed as one
_ANSWER_FIELDS = tuple(c.name for c in _ANSWER_TABLE.c if c.name != "id")  # save_answer's row
# The new answer, only if its attempt is still in progress, in one statement:
# INSERT ... SELECT <the values> FROM attempt WHERE id = ... AND status = 'in_progress'
# FOR NO KEY UPDATE. On PostgreSQL the lock waits for a submission in progress (and
# re-reads the status once it commits); a plain FOR UPDATE would wait for any other
# answer's insert too (its foreign key holds KEY SHARE on the row) and deadlock two
# saves of one attempt. SQLite writes one transaction at a time and has no FOR.


def guarded_answer_insert(
    *guards: ColumnElement[bool], outer: Sequence[tuple[Any, ColumnElement[bool]]] = ()
) -> Insert:
    """``INSERT INTO answer (...) SELECT <the values> FROM attempt [LEFT JOIN each of
    ``outer``] WHERE id = :attempt_id AND status = 'in_progress' [AND each of ``guards``]
    FOR NO KEY UPDATE [OF attempt] RETURNING id``: the one shape of a guarded answer
    insert (this module's, and ``firstanswer``'s, whose guards judge the deadline)."""
    values = select(*(bindparam(f, type_=_ANSWER_TABLE.c[f].type) for f in _ANSWER_FIELDS))
    values = values.select_from(m.Attempt)
    for table, on in outer:
        values = values.outerjoin(table, on)
    values = values.where(
        m.Attempt.id == bindparam("attempt_id"),
        m.Attempt.status == m.ATTEMPT_IN_PROGRESS,
        *guards,
    ).with_for_update(key_share=True, of=m.Attempt if outer else None)
    return insert(_ANSWER_TABLE).from_select(_ANSWER_FIELDS, values).returning(_ANSWER_TABLE.c.id)


_INSERT_ANSWER_IF_OPEN = guarded_answer_insert()
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


def answer_values(
    grade: Grade, slot: AnySlot, response: dict[str, Any], question: Question | None = None
) -> dict[str, Any]:
    """An answer's columns. ``question``: to keep in the grade, for the question
    list, how the response falls short of a whole answer (``Question.incomplete``)."""
    graded = grade.to_dict()
    incomplete = question.incomplete(response) if question is not None else None
    if incomplete:
        graded["incomplete"] = incomplete
    return {
        "response": response,
        "summary": grade.summary,
        "fraction": grade.fraction,
        "points": grade.fraction * slot.points,
        "max_points": slot.points,
        "grade": graded,
        "incomplete": bool(incomplete),
        "misconception": grade.misconception,
        "classification": grade.classification,
    }


def _assign(answer: m.Answer, values: dict[str, Any], now: Any) -> None:
    for key, value in values.items():
        setattr(answer, key, value)
    answer.updated_at = now

"""The first answer to a question with immediate feedback in ONE statement: the
guarded INSERT, with no read before it.

What a save reads of an attempt that never changes while it runs (its student, its
feedback mode, when it started, and each slot: its id, per-attempt state such as the
option order, marks, question version and that version's article; versions and
articles are content-addressed rows) is read once per attempt per process, all
slots at once, and kept (``_known``, the most recent ``KNOWN_ATTEMPTS``). What may
change is judged by the INSERT itself when the answer arrives: the attempt still in
progress, and its deadline exactly as ``answers.deadline_of`` and ``time_is_up``
judge it (the assignment's close and time limit and the student's extra time as
they stand, with ``GRACE``; a practice attempt's stored deadline). Anything it
refuses (handed in, time up, already answered) goes the usual way, which reads the
slot and says why, or hands the attempt in, exactly as before. Four gunicorn
workers so read an attempt at most four times for its 36 answers.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import BigInteger, String, bindparam, cast, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from quiz.domain.article import Article
from quiz.questions import Question, Unreadable
from quiz.services.answers import GRACE, SaveResult, answer_values, guarded_answer_insert
from quiz.services.content import cached_article, cached_question, load_article, question_of
from quiz.services.reads import AnswerHead, SlotHead, orm_session
from quiz.store import models as m
from quiz.store.db import DriverStatement, autocommit_connection, commit_driver, utcnow

# Attempts kept per process, the most recently used: about 13.5 kB each (36 slots,
# each state kept as its JSON text), so about 14 MB at most.
KNOWN_ATTEMPTS = 1_000


class _Slot(NamedTuple):
    id: int
    position: int
    state: str  # JSON, decoded when an answer comes (a dict weighed 4 times more)
    points: float
    question_version_id: int
    question: Question
    article: Article


@dataclass(frozen=True, slots=True)
class _Known:
    student_id: int
    feedback: str
    started_at: datetime
    slots: dict[int, _Slot]  # by position


# By (the engine's id, the attempt's id): a test's fresh database reuses ids.
_known: dict[tuple[int, int], _Known] = {}
# Every change of ``_known`` holds this lock: under threads (``flask run``, gthread
# workers) two misses could pick the same oldest key (KeyError), or one look for
# the oldest while another changes the dict's size (RuntimeError).
_known_lock = threading.Lock()

_SLOTS = (
    select(
        m.Attempt.student_id,
        m.Attempt.feedback,
        m.Attempt.started_at,
        m.AttemptSlot.id,
        m.AttemptSlot.position,
        cast(m.AttemptSlot.state, String),
        m.AttemptSlot.points,
        m.AttemptSlot.question_version_id,
        m.QuestionVersion.sha256,
        m.QuestionVersion.article_id,
        m.Article.sha256,
    )
    .join(m.AttemptSlot, m.AttemptSlot.attempt_id == m.Attempt.id)
    .join(m.QuestionVersion, m.QuestionVersion.id == m.AttemptSlot.question_version_id)
    .join(m.Article, m.Article.id == m.QuestionVersion.article_id)
    .where(m.Attempt.id == bindparam("attempt_id"))
)

_INSERT_IN_TIME = guarded_answer_insert(
    m.Attempt.student_id == bindparam("student_id"),
    # elapsed_us is counted from this start (a start moved: the usual path).
    m.Attempt.started_at == bindparam("started_at"),
    # Not time_is_up: deadline + GRACE >= now for each part of the deadline.
    or_(
        m.Attempt.assignment_id.is_not(None),
        m.Attempt.deadline_at.is_(None),
        m.Attempt.deadline_at >= bindparam("earliest"),
    ),
    or_(m.Assignment.closes_at.is_(None), m.Assignment.closes_at >= bindparam("earliest")),
    # started + (limit + extra) minutes >= now - GRACE, in whole microseconds.
    or_(
        func.coalesce(m.Assignment.time_limit_minutes, 0) == 0,
        cast(
            m.Assignment.time_limit_minutes + func.coalesce(m.ExtraTime.minutes, 0),
            BigInteger,
        )
        * 60_000_000
        >= bindparam("elapsed_us", type_=BigInteger),
    ),
    outer=(
        (m.Assignment, m.Assignment.id == m.Attempt.assignment_id),
        (m.ExtraTime, m.ExtraTime.student_id == m.Attempt.student_id),
    ),
)
_INSERT_IN_TIME_RUN = DriverStatement(_INSERT_IN_TIME)


def forget_known() -> None:
    """Drop every kept attempt (tests)."""
    with _known_lock:
        _known.clear()


def _forget(connection: Connection, attempt_id: int) -> None:
    """Drop one kept attempt: it is read afresh next time."""
    with _known_lock:
        _known.pop((id(connection.engine), attempt_id), None)


def _known_attempt(connection: Connection, attempt_id: int) -> _Known | None:
    """The attempt's unchanging part, kept; read (all slots at once) on a miss."""
    key = (id(connection.engine), attempt_id)
    with _known_lock:
        known = _known.pop(key, None)
        if known is not None:
            _known[key] = known  # the most recently used: last to go
            return known
    rows = connection.execute(_SLOTS, {"attempt_id": attempt_id}).all()
    if not rows:
        return None
    student_id, feedback, started_at = rows[0][0:3]
    slots: dict[int, _Slot] = {}
    if feedback == m.FEEDBACK_IMMEDIATE:  # otherwise only the header is needed
        with orm_session(connection) as session:
            for row in rows:
                question = cached_question(row[8]) or question_of(
                    session.get_one(m.QuestionVersion, row[7])
                )
                article = cached_article(row[10]) or load_article(session, row[9])
                slots[row[4]] = _Slot(*row[3:8], question, article)
    if connection.in_transaction():  # the read's own (no round trip in autocommit)
        connection.commit()
    known = _Known(student_id, feedback, started_at, slots)
    with _known_lock:
        while len(_known) >= KNOWN_ATTEMPTS:
            del _known[next(iter(_known))]  # the oldest
        _known[key] = known
    return known


def save_first(
    attempt_id: int,
    position: int,
    student_ids: Collection[int],
    form: Mapping[str, Sequence[str]],
) -> SaveResult | None:
    """Store the answer to the attempt's question at ``position`` in one guarded
    INSERT, outside a transaction (``db.autocommit_connection``). None when this
    cannot decide, and nothing was stored: not an attempt of this browser's
    students, not immediate feedback, an answer the question cannot read (the page
    says why), or the INSERT refused (handed in, time up, already answered). The
    caller then takes the usual path (``attempt_at``, ``record_answer``)."""
    connection = autocommit_connection()
    known = _known_attempt(connection, attempt_id)
    if known is None:
        return None
    if known.student_id not in student_ids:  # not this browser's: not kept for it
        _forget(connection, attempt_id)
        return None
    if known.feedback != m.FEEDBACK_IMMEDIATE or position not in known.slots:
        return None
    kept = known.slots[position]
    state = json.loads(kept.state)
    slot = SlotHead(kept.id, position, state, kept.points, kept.question_version_id)
    question, article = kept.question, kept.article
    try:
        response = question.read_response(form, slot.state)
    except Unreadable:
        return None
    if response is None:
        return None
    values = answer_values(question.grade(response, article), slot, response, question)
    now = utcnow()
    params = {
        "attempt_id": attempt_id,
        "student_id": known.student_id,
        "started_at": known.started_at,
        "earliest": now - GRACE,
        "elapsed_us": (now - GRACE - known.started_at) // timedelta(microseconds=1),
        "slot_id": slot.id,
        "question_version_id": slot.question_version_id,
        "answered_at": now,
        "updated_at": now,
        **values,
    }
    try:
        row = _INSERT_IN_TIME_RUN.first(connection, params)
    except IntegrityError:  # answered already (a double click, a second tab)
        return None
    commit_driver(connection)  # SQLite's implicit transaction (none on PostgreSQL)
    if row is None:  # refused (closed, or a start moved): read afresh next time
        _forget(connection, attempt_id)
        return None
    return SaveResult(AnswerHead(row[0], values["response"], values["grade"]))

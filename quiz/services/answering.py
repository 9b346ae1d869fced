"""The student's answer as a question page sends it: each write in the transaction
style it needs, chosen here so that the answer view only calls these.

- With immediate feedback a first answer is final once given, and its one write is
  a guarded INSERT, atomic on its own: it runs outside a transaction, on the
  request's autocommit session (``store.db.autocommit_session``: no BEGIN, COMMIT or
  ROLLBACK round trips on PostgreSQL).
- A changed answer is an UPDATE and a check that the attempt is still open, and a
  draft an UPDATE guarded by the attempt's status: each in a transaction of its own
  (``store.db.request_transaction``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from quiz.services.answers import SaveResult, save_answer, save_draft
from quiz.services.reads import QuestionAt
from quiz.store import models as m
from quiz.store.db import autocommit_session, request_transaction


def record_answer(at: QuestionAt, form: Mapping[str, Sequence[str]]) -> SaveResult:
    """Save the answer sent on the question page ``at`` (``save_answer``, given the
    slot's answer, question and article as the page's one-row read found them).
    NotAllowed if the attempt was submitted or its time is up. With immediate
    feedback, call before anything opens the request's session."""
    attempt, slot = at.attempt, at.slot
    if attempt.feedback == m.FEEDBACK_IMMEDIATE:
        return save_answer(
            autocommit_session(),
            attempt,
            slot,
            form,
            stored=at.answer,
            question=at.question,
            article=at.article,
        )
    with request_transaction() as tx:
        return save_answer(
            tx, attempt, slot, form, stored=at.answer, question=at.question, article=at.article
        )


def record_draft(at: QuestionAt, response: dict[str, Any] | None) -> bool:
    """Keep an unchecked answer on the question page ``at`` (``save_draft``), in a
    transaction of its own. Returns whether anything changed."""
    with request_transaction() as tx:
        return save_draft(tx, at.attempt, at.slot, response)

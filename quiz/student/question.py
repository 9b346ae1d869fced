"""A question page: one question of an attempt, the article beside it and the list
of every question, read in one query outside a transaction."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, url_for
from flask.typing import ResponseReturnValue

from quiz import services
from quiz.classes import assignments as assign
from quiz.domain.rendering import question_links
from quiz.questions import Grade
from quiz.store import models as m
from quiz.store.db import autocommit_connection, request_transaction
from quiz.student.blueprint import bp, student_ids
from quiz.student.rendering import article_html, question_inputs, quoted_sentences

TIME_UP = (
    "Time is up for this attempt (the assignment has closed, or its time limit has "
    "passed), so this answer was not saved. The answers you saved before were handed in."
)
HANDED_IN = "This attempt has been handed in; answers can no longer change. This one was not saved."


def question_at(attempt_id: int, n: int, *, page: bool = False) -> services.QuestionAt:
    """The attempt's n-th question and what its page needs (one query, outside a
    transaction: ``db.autocommit_connection``), or 404."""
    try:
        return services.attempt_at(
            autocommit_connection(), attempt_id, n, student_ids(), with_navigation=page
        )
    except LookupError:
        abort(404)


def overdue(at: services.QuestionAt) -> bool:
    """The attempt is still open but its time is up (it is to be handed in)."""
    return not at.attempt.submitted and services.time_is_up(at.attempt)


def hand_in_overdue(attempt_id: int) -> None:
    """Submit an attempt whose time is up, in a transaction of its own. Nothing to
    refresh after it: the pages read plain rows on their own connection, never
    mapped objects of the request's session."""
    with request_transaction() as tx:
        assign.finish_if_overdue(tx, tx.get_one(m.Attempt, attempt_id))


def question_url(attempt_id: int, n: int) -> str:
    """A question page, opened at the question itself (its form, ``#question``)."""
    return url_for("student.question", attempt_id=attempt_id, n=n, _anchor="question")


def question_page(
    at: services.QuestionAt, error: str | None = None, echo: dict[str, Any] | None = None
) -> str:
    """One question, the article beside it, and the list of every question.

    Reads only what the page shows: the slot and its answer, the other slots'
    answered-or-not, and the question and article from the content caches."""
    attempt, answer, question, article = at.attempt, at.answer, at.question, at.article
    shown = question.for_state(at.slot.state)  # a numeric question's numbers put in
    due = services.feedback_due(attempt, answer)
    stored_grade = answer.grade if (answer and due) else None
    grade = Grade.from_dict(stored_grade) if stored_grade is not None else None
    nav = at.navigation
    if nav is None:  # a page shown again after an answer it could not read
        nav = services.navigation(autocommit_connection(), attempt)
    locked = services.answers_locked(attempt, answer)
    draft = None if answer is not None else services.draft_of(at.slot)
    response = echo if echo is not None else (answer.response if answer else draft)
    return render_template(
        "student/question.html",
        attempt=attempt,
        deadline=services.deadline_of(attempt),
        bank=at.bank,
        slot=at.slot,
        slot_count=len(nav),
        question=shown,
        inputs=question_inputs(
            question,
            at.slot.state,
            article,
            response=response,
            locked=locked,
            grade=stored_grade,
        ),
        answer=answer,
        draft=draft is not None and echo is None,
        grade=grade,
        right_answer=shown.right_answer(article) if grade else None,
        locked=locked,
        error=error,
        article=article,
        quoted=quoted_sentences(question, article),
        article_html=article_html(article),
        question_links=question_links(
            ((i.position, i.answered, i.incomplete) for i in nav),
            at.slot.position,
            form=None if attempt.submitted else "question",
        ),
    )


@bp.get("/attempts/<int:attempt_id>/q/<int:n>")
def question(attempt_id: int, n: int) -> ResponseReturnValue:
    at = question_at(attempt_id, n, page=True)
    if overdue(at):
        # The one write this page may make: hand in an attempt whose time is up,
        # then show the question as it now stands.
        hand_in_overdue(attempt_id)
        at = question_at(attempt_id, n, page=True)
    return question_page(at)

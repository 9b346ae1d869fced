"""Saving what is on a question page: "Save answer" and "Check my answer", every way
off the page (which saves first, then goes), and the page script's background save.
The transaction style of each write is the use case's choice
(``services.record_answer``, ``services.record_draft``), not the view's."""

from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue

from quiz import services
from quiz.questions import Unreadable
from quiz.services.firstanswer import save_first
from quiz.store import models as m
from quiz.store.db import autocommit_connection
from quiz.student.blueprint import bp, student_ids
from quiz.student.question import (
    HANDED_IN,
    TIME_UP,
    hand_in_overdue,
    overdue,
    question_at,
    question_page,
    question_url,
)


@bp.post("/attempts/<int:attempt_id>/q/<int:n>")
def answer(attempt_id: int, n: int) -> ResponseReturnValue:
    """Save the answer on a question page. "Save answer" or "Check my answer" saves
    it (with immediate feedback, grades it: final); every way off the page (previous,
    next, a question of the list, review: submit buttons of the same form, ``go``)
    saves what is on it first, then goes there; the page's script saves in the
    background (``autosave``) and is answered in JSON."""
    # CSRF is checked before any view (CSRFProtect); the question reads its own fields.
    form = request.form.to_dict(flat=False)
    go = (form.pop("go", None) or [""])[0]
    background = bool(form.pop("autosave", None))
    if not go and not background and save_first(attempt_id, n, student_ids(), form):
        # Answered in one statement (immediate feedback): its feedback is next.
        shown = url_for("student.question", attempt_id=attempt_id, n=n, _anchor=f"feedback-{n}")
        return redirect(shown, code=303)
    at = question_at(attempt_id, n)
    attempt = at.attempt
    results_url = url_for("student.results", attempt_id=attempt.id)
    if overdue(at):  # time is up: hand in the answers saved so far
        hand_in_overdue(attempt_id)
        return _left(background, TIME_UP, results_url)
    if attempt.submitted:
        return _left(background, HANDED_IN, results_url)
    target = _destination(attempt, go) if go else None
    if target is not None or background:
        return _save_and_go(at, form, target, background)
    try:
        result = services.record_answer(at, form)
    except services.NotAllowed as exc:
        flash(f"{exc} This answer was not saved.")
        return redirect(results_url)
    if result.error:
        return question_page(at, error=result.error, echo=result.response), 422
    if attempt.feedback == m.FEEDBACK_IMMEDIATE:
        target = url_for("student.question", attempt_id=attempt.id, n=n, _anchor=f"feedback-{n}")
        return redirect(target, code=303)
    # The student moves on: say on the next page that this answer is kept.
    flash(f"Question {n}: answer saved. You can change it until you submit.")
    if n < services.slot_count(autocommit_connection(), attempt):
        target = question_url(attempt.id, n + 1)
    else:
        target = url_for("student.review", attempt_id=attempt.id)
    return redirect(target, code=303)


def _destination(attempt: services.AttemptHead, go: str) -> str | None:
    """Where a way off a question page leads: ``review`` or a question's position
    (1 to the number of questions); None for anything else (then the button is a
    plain save)."""
    if go == "review":
        return url_for("student.review", attempt_id=attempt.id)
    number = int(go) if go.isascii() and go.isdigit() and len(go) <= 4 else 0
    if 1 <= number <= services.slot_count(autocommit_connection(), attempt):
        return question_url(attempt.id, number)
    return None


def _left(background: bool, message: str, url: str) -> ResponseReturnValue:
    """The attempt is closed: say so (a background save hears it in JSON)."""
    if background:
        return jsonify(status="closed", message=message, redirect=url), 409
    flash(message)
    return redirect(url)


class _NotSaved(Exception):
    """What was on the page could not be kept: shown again with this message."""

    def __init__(self, message: str, echo: dict[str, Any] | None) -> None:
        super().__init__(message)
        self.echo = echo


def _save_and_go(
    at: services.QuestionAt, form: dict[str, list[str]], target: str | None, background: bool
) -> ResponseReturnValue:
    """Leaving a question (``target``) or the script's background save: keep what is
    on the page first, never dropping it silently.

    An entry the question cannot read is not left behind: the page comes back with
    the message (a background save answers it in JSON). Nothing given, or the answer
    already stored: nothing to save. With immediate feedback an unchecked answer is
    kept as a draft (``services.record_draft``), not graded unseen; otherwise it is
    saved as "Save answer" would."""
    attempt, n = at.attempt, at.slot.position
    try:
        status = _keep(at, form)
    except _NotSaved as exc:
        if background:
            return jsonify(status="error", message=f"Not saved: {exc}"), 422
        return question_page(at, error=str(exc), echo=exc.echo), 422
    except services.NotAllowed as exc:
        results_url = url_for("student.results", attempt_id=attempt.id)
        return _left(background, f"{exc} This answer was not saved.", results_url)
    if background:
        return jsonify(status=status, message=_BACKGROUND_SAID[status])
    said = _LEAVING_SAID.get(status)
    if said:
        flash(said.format(n=n))
    return redirect(target or question_url(attempt.id, n), code=303)


def _keep(at: services.QuestionAt, form: dict[str, list[str]]) -> str:
    """Keep what is on the page; what became of it (a key of ``_BACKGROUND_SAID``).
    _NotSaved if the question cannot read it; NotAllowed if the attempt closed."""
    attempt, question = at.attempt, at.question
    try:
        response = question.read_response(form, at.slot.state)
    except Unreadable as exc:
        raise _NotSaved(str(exc), question.echo(form, at.slot.state)) from exc
    immediate = attempt.feedback == m.FEEDBACK_IMMEDIATE
    if at.answer is not None and (immediate or response in (None, at.answer.response)):
        return "unchanged"  # checked and final, or nothing new: the answer stands
    if immediate:
        services.record_draft(at, response)
        return "empty" if response is None else "draft"
    if response is None:
        return "empty"
    result = services.record_answer(at, form)
    if result.error:  # not expected after read_response, but never dropped
        raise _NotSaved(result.error, result.response)
    return "saved"


_BACKGROUND_SAID = {
    "saved": "Answer saved.",
    "draft": "Kept (not checked yet): check it to see its feedback.",
    "empty": "Nothing chosen yet.",
    "unchanged": "Saved.",
}
# What the next page says when the student leaves a question (nothing for the rest).
_LEAVING_SAID = {
    "saved": "Question {n}: answer saved. You can change it until you submit.",
    "draft": (
        "Question {n}: your answer is kept, not checked yet. Check it to see "
        "its feedback; if you submit first, it is marked as it stands."
    ),
}

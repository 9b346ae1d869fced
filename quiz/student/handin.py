"""Before and after handing in: the review page, the submit, and the results."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from quiz import services
from quiz.domain import discernment
from quiz.store.db import get_session
from quiz.student.blueprint import bp, own_attempt
from quiz.web.forms import AnswerForm, ConfirmSubmitForm


@bp.get("/attempts/<int:attempt_id>/review")
def review(attempt_id: int) -> ResponseReturnValue:
    attempt = own_attempt(attempt_id)
    if attempt.submitted:
        return redirect(url_for("student.results", attempt_id=attempt.id))
    answers = services.answers_by_slot(attempt)
    questions = {
        s.id: services.question_of(s.question_version).for_state(s.state) for s in attempt.slots
    }
    drafts = {s.id: d for s in attempt.slots if s.id not in answers and (d := services.draft_of(s))}
    unanswered = [s for s in attempt.slots if s.id not in answers and s.id not in drafts]
    # Incomplete is not answered: "2 of 4 labelled" (the question type says what
    # complete means: Question.incomplete, Moodle's is_complete_response).
    incomplete = [
        (s, why)
        for s in attempt.slots
        if (given := answers[s.id].response if s.id in answers else drafts.get(s.id))
        and (why := questions[s.id].incomplete(given))
    ]
    return render_template(
        "student/review.html",
        attempt=attempt,
        answers=answers,
        unanswered=unanswered,
        drafts=[s for s in attempt.slots if s.id in drafts],
        incomplete=incomplete,
        questions=questions,
        form=ConfirmSubmitForm(),
    )


@bp.post("/attempts/<int:attempt_id>/submit")
def submit(attempt_id: int) -> ResponseReturnValue:
    attempt = own_attempt(attempt_id, with_slots=False)
    if not ConfirmSubmitForm().validate_on_submit():
        abort(400)
    services.submit_attempt(get_session(), attempt)  # a second submit changes nothing
    return redirect(url_for("student.results", attempt_id=attempt.id), code=303)


@bp.get("/attempts/<int:attempt_id>/results")
def results(attempt_id: int) -> ResponseReturnValue:
    attempt = own_attempt(attempt_id)
    if not attempt.submitted:
        return redirect(url_for("student.review", attempt_id=attempt.id))
    article = services.article_of(attempt.article)
    due = services.feedback_due(attempt, None)
    rows = services.question_rows(attempt) if due else []
    return render_template(
        "student/results.html",
        attempt=attempt,
        rows=rows,
        article=article,
        feedback_due=due,
        skills=services.skill_scores(attempt),
        follow_up=due and (attempt.score or 0.0) < attempt.max_score,
        follow_form=AnswerForm(),
        judged_words=discernment.plain_words(
            discernment.Counts.of(
                j
                for row in rows
                if row.answer is not None
                for j in discernment.judgements(row.question, row.answer.response)
            )
        ),
    )

"""The student's pages: pick a quiz, answer, review, submit, see results."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from quiz import models as m
from quiz import services
from quiz.db import get_session
from quiz.forms import AnswerForm, ConfirmSubmitForm, StartForm

bp = Blueprint("student", __name__)


def _student_id() -> int | None:
    value = session.get("student_id")
    return value if isinstance(value, int) else None


def _current_student() -> m.Student | None:
    sid = _student_id()
    return get_session().get(m.Student, sid) if sid else None


def _attempt(attempt_id: int) -> m.Attempt:
    try:
        return services.attempt_for_student(get_session(), attempt_id, _student_id())
    except LookupError:
        abort(404)


@bp.get("/")
def index() -> str:
    db = get_session()
    student = _current_student()
    open_attempts: dict[int, m.Attempt] = {}
    if student is not None:
        for bank, _n in services.list_banks(db):
            attempt = services.open_attempt(db, student.id, bank.id)
            if attempt is not None:
                open_attempts[bank.id] = attempt
    return render_template(
        "student/index.html",
        banks=services.list_banks(db),
        student=student,
        open_attempts=open_attempts,
        form=StartForm(),
        form_bank=None,
    )


@bp.post("/practice/<slug>")
def start(slug: str) -> Response | tuple[str, int]:
    db = get_session()
    bank = db.scalar(select(m.Bank).where(m.Bank.slug == slug))
    if bank is None:
        abort(404)
    student = _current_student()
    form = StartForm()
    if student is None:
        if not form.validate_on_submit():
            banks = services.list_banks(db)
            page = render_template(
                "student/index.html",
                banks=banks,
                student=None,
                open_attempts={},
                form=form,
                form_bank=bank.id,
            )
            return page, 422
        student = services.create_student(db, form.display_name.data or "")
        db.commit()
        session.permanent = True
        session["student_id"] = student.id
    elif not AnswerForm().validate_on_submit():
        abort(400)
    attempt = services.open_attempt(db, student.id, bank.id)
    if attempt is None:
        attempt = services.start_attempt(db, student, bank)
        db.commit()
    return redirect(url_for("student.resume", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>")
def resume(attempt_id: int) -> Response:
    attempt = _attempt(attempt_id)
    if attempt.submitted:
        return redirect(url_for("student.results", attempt_id=attempt.id))
    answered = services.answers_by_slot(attempt)
    for slot in attempt.slots:
        if slot.id not in answered:
            return redirect(url_for("student.question", attempt_id=attempt.id, n=slot.position))
    return redirect(url_for("student.review", attempt_id=attempt.id))


def _slot(attempt: m.Attempt, n: int) -> m.AttemptSlot:
    if not 1 <= n <= len(attempt.slots):
        abort(404)
    return attempt.slots[n - 1]


def _question_page(
    attempt: m.Attempt,
    slot: m.AttemptSlot,
    error: str | None = None,
    echo: dict[str, Any] | None = None,
) -> str:
    answers = services.answers_by_slot(attempt)
    answer = answers.get(slot.id)
    question = services.question_of(slot.question_version)
    article = services.article_of(attempt.article)
    due = services.feedback_due(attempt, answer)
    grade = services.Grade.from_dict(answer.grade) if (answer and due) else None
    return render_template(
        "student/question.html",
        attempt=attempt,
        slot=slot,
        question=question,
        view=question.student_view(slot.state, article),
        response=echo if echo is not None else (answer.response if answer else None),
        answer=answer,
        grade=grade,
        right_answer=question.right_answer(article) if grade else None,
        locked=attempt.submitted or (answer is not None and due),
        error=error,
        article=article,
        answered=answers,
        form=AnswerForm(),
    )


@bp.get("/attempts/<int:attempt_id>/q/<int:n>")
def question(attempt_id: int, n: int) -> str:
    attempt = _attempt(attempt_id)
    return _question_page(attempt, _slot(attempt, n))


@bp.post("/attempts/<int:attempt_id>/q/<int:n>")
def answer(attempt_id: int, n: int) -> Response | tuple[str, int]:
    attempt = _attempt(attempt_id)
    slot = _slot(attempt, n)
    if not AnswerForm().validate_on_submit():
        abort(400)
    if attempt.submitted:
        return redirect(url_for("student.results", attempt_id=attempt.id))
    form = request.form.to_dict(flat=False)
    try:
        result = services.save_answer(get_session(), attempt, slot, form)
    except services.NotAllowed:
        return redirect(url_for("student.results", attempt_id=attempt.id))
    if result.error:
        return _question_page(attempt, slot, error=result.error, echo=result.response), 422
    if attempt.feedback == m.FEEDBACK_IMMEDIATE:
        target = url_for("student.question", attempt_id=attempt.id, n=n, _anchor=f"feedback-{n}")
    elif n < len(attempt.slots):
        target = url_for("student.question", attempt_id=attempt.id, n=n + 1)
    else:
        target = url_for("student.review", attempt_id=attempt.id)
    return redirect(target, code=303)


@bp.get("/attempts/<int:attempt_id>/review")
def review(attempt_id: int) -> str | Response:
    attempt = _attempt(attempt_id)
    if attempt.submitted:
        return redirect(url_for("student.results", attempt_id=attempt.id))
    answers = services.answers_by_slot(attempt)
    unanswered = [s for s in attempt.slots if s.id not in answers]
    return render_template(
        "student/review.html",
        attempt=attempt,
        answers=answers,
        unanswered=unanswered,
        questions={s.id: services.question_of(s.question_version) for s in attempt.slots},
        form=ConfirmSubmitForm(),
    )


@bp.post("/attempts/<int:attempt_id>/submit")
def submit(attempt_id: int) -> Response:
    attempt = _attempt(attempt_id)
    if not ConfirmSubmitForm().validate_on_submit():
        abort(400)
    services.submit_attempt(get_session(), attempt)  # a second submit changes nothing
    return redirect(url_for("student.results", attempt_id=attempt.id), code=303)


@bp.get("/attempts/<int:attempt_id>/results")
def results(attempt_id: int) -> str | Response:
    attempt = _attempt(attempt_id)
    if not attempt.submitted:
        return redirect(url_for("student.review", attempt_id=attempt.id))
    article = services.article_of(attempt.article)
    answers = services.answers_by_slot(attempt)
    rows = []
    for slot in attempt.slots:
        question = services.question_of(slot.question_version)
        answer = answers.get(slot.id)
        rows.append(
            {
                "slot": slot,
                "question": question,
                "answer": answer,
                "grade": services.Grade.from_dict(answer.grade) if answer else None,
                "right_answer": question.right_answer(article),
            }
        )
    return render_template(
        "student/results.html",
        attempt=attempt,
        rows=rows,
        article=article,
        skills=services.skill_scores(attempt),
    )

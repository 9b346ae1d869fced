"""Practice: the list of shipped banks, starting or resuming a practice attempt, and
practising what a handed-in attempt got wrong."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from quiz import services
from quiz.services import followup
from quiz.store import models as m
from quiz.store.db import get_session
from quiz.student.blueprint import bp, current_student, own_attempt
from quiz.web.forms import AnswerForm, StartForm


@bp.get("/")
def index() -> ResponseReturnValue:
    db = get_session()
    student = current_student()
    banks = services.list_banks(db)
    open_attempts: dict[int, m.Attempt] = {}
    if student is not None:
        for bank, _n in banks:
            attempt = services.open_attempt(db, student.id, bank.id)
            if attempt is not None:
                open_attempts[bank.id] = attempt
    return render_template(
        "student/index.html",
        banks=banks,
        student=student,
        open_attempts=open_attempts,
        form=StartForm(),
        form_bank=None,
    )


@bp.post("/practice/<slug>")
def start(slug: str) -> ResponseReturnValue:
    db = get_session()
    bank = db.scalar(select(m.Bank).where(m.Bank.slug == slug))
    if bank is None or bank.owner_id is not None:  # practice is on shipped banks only
        abort(404)
    student = current_student()
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
    services.one_start_at_a_time(db, student.id)  # a double click: one attempt
    attempt = services.open_attempt(db, student.id, bank.id)
    if attempt is None:
        attempt = services.start_attempt(db, student, bank)
    db.commit()
    return redirect(url_for("student.resume", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>")
def resume(attempt_id: int) -> ResponseReturnValue:
    attempt = own_attempt(attempt_id, with_slots=False)
    if attempt.submitted:
        return redirect(url_for("student.results", attempt_id=attempt.id))
    for item in services.navigation(get_session(), attempt):
        if not item.answered:
            return redirect(url_for("student.question", attempt_id=attempt.id, n=item.position))
    return redirect(url_for("student.review", attempt_id=attempt.id))


@bp.post("/attempts/<int:attempt_id>/practise-missed")
def practise_missed(attempt_id: int) -> ResponseReturnValue:
    """Start a practice attempt aimed at what this attempt got wrong (quiz.services.followup)."""
    attempt = own_attempt(attempt_id)
    if not AnswerForm().validate_on_submit():
        abort(400)
    if not attempt.submitted or not services.feedback_due(attempt, None):
        abort(404)  # what was wrong is not shown before feedback is due
    db = get_session()
    questions = followup.for_attempt(db, attempt)
    if not questions:
        flash("Nothing to practise: every answer was right.")
        return redirect(url_for("student.results", attempt_id=attempt.id), code=303)
    services.one_start_at_a_time(db, attempt.student_id)
    practice = services.start_attempt(db, attempt.student, attempt.bank, questions=questions)
    db.commit()
    return redirect(url_for("student.resume", attempt_id=practice.id), code=303)

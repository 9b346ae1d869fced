"""Previews: a bank's question exactly as a student's page shows it; an answer is
graded in memory only, storing nothing."""

from __future__ import annotations

import random

from flask import abort, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from quiz import services
from quiz.authoring.blueprint import bp, seen_bank
from quiz.domain.bankcheck import run_checks
from quiz.questions import Unreadable
from quiz.store.db import get_session
from quiz.web.forms import PlainForm


@bp.route("/<int:bank_id>/preview", methods=["GET"])
def preview_bank(bank_id: int) -> ResponseReturnValue:
    bank = seen_bank(bank_id)
    return redirect(url_for("authoring.preview", bank_id=bank.id, n=1))


@bp.route("/<int:bank_id>/preview/<int:n>", methods=["GET", "POST"])
def preview(bank_id: int, n: int) -> ResponseReturnValue:
    """Question ``n`` as a student sees it; an answer is graded in memory only."""
    bank = seen_bank(bank_id)
    rows = [
        q for q in services.live_questions(get_session(), bank, drafts=True) if q.current_version
    ]
    if not 1 <= n <= len(rows):
        abort(404)
    version = rows[n - 1].current_version
    assert version is not None
    question = services.question_of(version)
    article = services.article_of(version.article)
    state = question.new_state(random.Random(version.sha256))
    form = PlainForm()
    response = grade = error = None
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        typed = request.form.to_dict(flat=False)
        try:
            response = question.read_response(typed, state)
            if response is None:
                error = "Please answer the question before checking."
        except Unreadable as exc:
            error = str(exc)
            response = question.echo(typed, state)
        if error:
            status = 422
        elif response is not None:
            grade = question.grade(response, article)
    page = render_template(
        "authoring/preview.html",
        bank=bank,
        own=bank.owner_id == g.teacher.id,
        n=n,
        total=len(rows),
        key=rows[n - 1].key,
        question=question.for_state(state),  # a numeric question's numbers put in
        view=question.student_view(state, article),
        article=article,
        response=response,
        grade=grade,
        error=error,
        right_answer=question.for_state(state).right_answer(article) if grade else None,
        checks=run_checks(question, article),
        locked=False,
        form=form,
        slot={"position": n, "points": question.points},
        attempt={"bank": bank},
    )
    return page, status

"""The teacher's pages for assignments: set one, edit it, watch its results come
in, look at one attempt, regrade, and download the grades and responses as CSV.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from quiz import services
from quiz.classes import assignments as assign
from quiz.classes.pages import forms as f
from quiz.classes.pages.blueprint import bp, own_assignment, own_class
from quiz.domain.rendering import markdown_inline, plural
from quiz.reports import charts, exports, judgements, results
from quiz.reports.report import assignment_report
from quiz.services import followup
from quiz.store import models as m
from quiz.store.db import get_session, utcnow
from quiz.web.timeutil import from_local, to_local, zone

# -- assignments -----------------------------------------------------------------------------


def _assignment_form(formdata: bool = True, obj: m.Assignment | None = None) -> f.AssignmentForm:
    db = get_session()
    banks = [bank for bank, _n in services.list_banks(db, g.teacher)]
    form = f.AssignmentForm() if formdata else f.AssignmentForm(formdata=None)
    form.bank.choices = f.options((b.id, b.title) for b in banks)
    bank_id = form.bank.data if formdata and form.bank.data else (obj.bank_id if obj else None)
    if bank_id is None and not formdata:  # "Assign this bank" on a bank's page
        bank_id = request.args.get("bank", type=int)
    # default: the newest own bank that has a question to give (a drafted bank has none yet)
    ready = [b for b in banks if services.live_questions(db, b)]
    own = [b for b in ready if b.owner_id == g.teacher.id]
    newest = max(own, key=lambda b: b.id) if own else next(iter(ready or banks), None)
    bank = next((b for b in banks if b.id == bank_id), newest)  # default: the newest own bank
    skills: dict[str, str] = {}
    questions: list[tuple[str, str]] = []
    for b in banks:
        skills.update(b.skills)
    if bank is not None:
        for q in services.live_questions(db, bank):
            v = q.current_version
            if v is not None:
                questions.append(
                    (
                        q.key,
                        f"{q.position}. [{bank.skills.get(v.skill, v.skill)}] "
                        f"{markdown_inline(v.spec['prompt']).striptags()[:90]}",
                    )
                )
    form.skills.choices = f.options(skills)
    form.questions.choices = f.options(questions)
    if not formdata and obj is not None:
        form.title.data = obj.title
        form.bank.data = obj.bank_id
        form.selection.data = obj.selection
        form.skills.data = obj.selection_config.get("skills", [])
        form.questions.data = obj.selection_config.get("questions", [])
        form.per_skill.data = obj.selection_config.get("per_skill", 3)
        form.opens_at.data = (to_local(obj.opens_at) or utcnow()).replace(tzinfo=None)
        closes = to_local(obj.closes_at)
        form.closes_at.data = closes.replace(tzinfo=None) if closes is not None else None
        form.time_limit_minutes.data = obj.time_limit_minutes
        form.attempts_allowed.data = obj.attempts_allowed
        form.grading.data = obj.grading
        form.feedback.data = obj.feedback
        form.shuffle_questions.data = obj.shuffle_questions
        form.shuffle_options.data = obj.shuffle_options
        form.fresh_numbers.data = obj.selection_config.get("fresh_numbers", True) is not False
    elif not formdata:
        form.bank.data = bank.id if bank is not None else None
        form.opens_at.data = (to_local(utcnow()) or utcnow()).replace(
            tzinfo=None, second=0, microsecond=0
        )
        form.closes_at.data = form.opens_at.data + timedelta(days=7)
    return form


def _bank_has_questions(form: f.AssignmentForm) -> bool:
    """A bank whose questions are all drafts would give students an empty quiz."""
    db = get_session()
    bank = db.get(m.Bank, form.bank.data) if form.bank.data else None
    if bank is None or services.live_questions(db, bank):
        return True
    form.bank.errors = [
        *form.bank.errors,
        "Every question of this bank is a draft: publish them on the bank's page first.",
    ]
    return False


def _apply(form: f.AssignmentForm, a: m.Assignment) -> None:
    a.bank_id = form.bank.data
    titles = {value: label for value, label, *_rest in form.bank.iter_choices()}
    a.title = form.title.data or titles.get(a.bank_id) or "Quiz"  # default: the bank's title
    a.selection = form.selection.data or "all"
    students = (a.selection_config or {}).get("students")  # a follow-up's, kept on edit
    a.selection_config = {
        "skills": form.skills.data or [],
        "questions": form.questions.data or [],
        "per_skill": form.per_skill.data or 1,
        **({"students": students} if students else {}),
        **({} if form.fresh_numbers.data else {"fresh_numbers": False}),
    }
    a.opens_at = from_local(form.opens_at.data) or utcnow()
    a.closes_at = from_local(form.closes_at.data)
    a.time_limit_minutes = form.time_limit_minutes.data
    a.attempts_allowed = form.attempts_allowed.data or 0
    a.grading = form.grading.data or "highest"
    a.feedback = form.feedback.data or m.FEEDBACK_AFTER_SUBMIT
    a.shuffle_questions = bool(form.shuffle_questions.data)
    a.shuffle_options = bool(form.shuffle_options.data)


@bp.route("/classes/<int:class_id>/assignments/new", methods=["GET", "POST"])
def new_assignment(class_id: int) -> ResponseReturnValue:
    klass = own_class(class_id)
    form = _assignment_form(formdata=request.method == "POST")
    if request.method == "POST":
        if form.validate_on_submit() and _bank_has_questions(form):
            a = m.Assignment(klass=klass)
            _apply(form, a)
            get_session().add(a)
            get_session().commit()
            flash("Assignment created. Students of the class see it when it opens.")
            return redirect(url_for("teacher.assignment_page", assignment_id=a.id), code=303)
        return render_template(
            "teacher/assignment_form.html", klass=klass, form=form, assignment=None
        ), 422
    return render_template("teacher/assignment_form.html", klass=klass, form=form, assignment=None)


@bp.route("/assignments/<int:assignment_id>/edit", methods=["GET", "POST"])
def edit_assignment(assignment_id: int) -> ResponseReturnValue:
    a = own_assignment(assignment_id)
    form = _assignment_form(formdata=request.method == "POST", obj=a)
    if request.method == "POST":
        if form.validate_on_submit() and _bank_has_questions(form):
            _apply(form, a)
            get_session().commit()
            flash("Assignment saved.")
            return redirect(url_for("teacher.assignment_page", assignment_id=a.id), code=303)
        return render_template(
            "teacher/assignment_form.html", klass=a.klass, form=form, assignment=a
        ), 422
    return render_template("teacher/assignment_form.html", klass=a.klass, form=form, assignment=a)


@bp.post("/assignments/<int:assignment_id>/delete")
def delete_assignment(assignment_id: int) -> ResponseReturnValue:
    a = own_assignment(assignment_id)
    if not f.PlainForm().validate_on_submit():
        abort(400)
    class_id = a.class_id
    db = get_session()
    db.delete(a)
    db.commit()
    flash("The assignment and its attempts were deleted.")
    return redirect(url_for("teacher.class_page", class_id=class_id), code=303)


# -- results -------------------------------------------------------------------------------


@bp.get("/assignments/<int:assignment_id>")
def assignment_page(assignment_id: int) -> ResponseReturnValue:
    a = own_assignment(assignment_id)
    db = get_session()
    assign.finish_overdue(db, a)  # a close moved into the past: hand in what is due
    report = assignment_report(db, a)
    fragment = request.args.get("part") == "students"
    if not fragment:  # the skill sums, beside the other reads (a large class's page)
        report.read_ahead()
    table = {"assignment": a, "rows": report.students, "skill_keys": report.skill_keys}
    if fragment:  # quiz.js, refreshing the table
        return render_template("teacher/_students.html", **table)  # no-store, as every page
    analysis, judged = report.stats, report.judged
    heat_sort = "most" if request.args.get("heat") == "most" else "name"
    return render_template(
        "teacher/assignment.html",
        **table,
        judged=judged,
        heat_sort=heat_sort,
        heat_rows=judgements.heat_rows(judged, heat_sort),
        discernment_svg=judgements.discernment_chart(judged),
        stats=analysis,
        distribution=report.distribution,
        distribution_svg=charts.histogram_of_counts(
            [count for _label, count in report.distribution],
            title="Score distribution",
            id_prefix="dist",
        ),
        mastery_svg=charts.bar_chart(
            [(s.name, s.mean_percent) for s in analysis.skills],
            title="Mastery by skill",
            id_prefix="mastery",
        ),
        state=assign.state(a),
        plain=f.PlainForm(),
        wrong=results.what_went_wrong(analysis, a.bank),
        min_sample=results.MIN_SAMPLE,
        misconception_text=results.misconception_text,
    )


@bp.post("/assignments/<int:assignment_id>/follow-up")
def follow_up(assignment_id: int) -> ResponseReturnValue:
    """A follow-up assignment on one misconception the answers revealed (issue #22):
    the bank's questions that probe it, for the whole class or (``who=showed``) for
    the students who showed it; open now, feedback after each answer."""
    a = own_assignment(assignment_id)
    if not f.PlainForm().validate_on_submit():
        abort(400)
    back = redirect(url_for("teacher.assignment_page", assignment_id=a.id) + "#heatmap-title", 303)
    db = get_session()
    text = request.form.get("misconception", "")  # its text: pages never show the code
    who = request.form.get("who", "")
    judged = assignment_report(db, a).judged
    row = next((r for r in judged.misconceptions if r.text == text), None)
    if row is None or who not in ("class", "showed"):
        flash("That follow-up could not be made: choose a misconception from the table.")
        return back
    code = row.code
    keys = followup.probing(db, a, code)
    if not keys:
        flash(f"No question of the bank probes “{row.text}”: there is nothing to assign.")
        return back
    showed = [s.student.id for s in judged.students if code in s.misconceptions]
    title = f"Follow-up: {row.text}"
    chosen = showed if who == "showed" else None
    follow = followup.class_follow_up(db, a, title, keys, chosen, utcnow())
    db.commit()
    whom = plural(len(showed), "student") + " who showed it" if who == "showed" else "the class"
    flash(f"Follow-up assigned to {whom}: {plural(len(keys), 'question')}, open now.")
    return redirect(url_for("teacher.assignment_page", assignment_id=follow.id), code=303)


@bp.get("/attempts/<int:attempt_id>")
def attempt_page(attempt_id: int) -> str:
    db = get_session()
    attempt = db.get(m.Attempt, attempt_id)
    if (
        attempt is None
        or attempt.student.klass is None
        or attempt.student.klass.teacher_id != g.teacher.id
    ):
        abort(404)
    rows = services.question_rows(attempt)
    return render_template(
        "teacher/attempt.html",
        attempt=attempt,
        rows=rows,
        article=services.article_of(attempt.article),
        skills=services.skill_scores(attempt),
    )


@bp.post("/assignments/<int:assignment_id>/regrade")
def regrade(assignment_id: int) -> ResponseReturnValue:
    a = own_assignment(assignment_id)
    if not f.PlainForm().validate_on_submit():
        abort(400)
    changed = services.regrade_assignment(get_session(), a)
    flash(f"Regraded: {plural(changed, 'answer')} got a new mark.")
    return redirect(url_for("teacher.assignment_page", assignment_id=a.id), code=303)


def _csv(kind: str, assignment_ids: list[int], filename: str) -> Response:
    """Stream a CSV export. The rows are read in a session of the stream's own,
    which outlives the request's (Flask closes that one before streaming)."""
    make = current_app.extensions["quiz_sessionmaker"]
    write = exports.EXPORTS[kind]

    def encoded() -> Iterator[bytes]:
        with make() as db:
            chosen = list(
                db.scalars(
                    select(m.Assignment)
                    .where(m.Assignment.id.in_(assignment_ids))
                    .order_by(m.Assignment.opens_at, m.Assignment.id)
                )
            )
            for chunk in write(db, chosen):
                yield chunk.encode("utf-8")

    return Response(
        encoded(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/assignments/<int:assignment_id>/grades.csv")
def grades_csv(assignment_id: int) -> Response:
    a = own_assignment(assignment_id)
    return _csv("grades", [a.id], f"grades-assignment-{a.id}.csv")


@bp.get("/assignments/<int:assignment_id>/responses.csv")
def responses_csv(assignment_id: int) -> Response:
    a = own_assignment(assignment_id)
    return _csv("responses", [a.id], f"responses-assignment-{a.id}.csv")


def _gradebook(a: m.Assignment, kind: str) -> Response:
    """The grades by question of one assignment (a class's worth of rows: read at
    once, then streamed), as CSV or .xlsx."""
    book = exports.gradebook(get_session(), a, zone())
    name = f"grades-by-question-assignment-{a.id}"
    if kind == "xlsx":
        body: Iterator[bytes] = exports.gradebook_xlsx(book)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = (chunk.encode("utf-8") for chunk in exports.gradebook_csv(book))
        mimetype = "text/csv"
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{name}.{kind}"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/assignments/<int:assignment_id>/grades-by-question.csv")
def gradebook_csv(assignment_id: int) -> Response:
    return _gradebook(own_assignment(assignment_id), "csv")


@bp.get("/assignments/<int:assignment_id>/grades-by-question.xlsx")
def gradebook_xlsx(assignment_id: int) -> Response:
    return _gradebook(own_assignment(assignment_id), "xlsx")


@bp.get("/classes/<int:class_id>/grades.csv")
def class_grades_csv(class_id: int) -> Response:
    klass = own_class(class_id)
    ids = [a.id for a in klass.assignments]
    return _csv("grades", ids, f"grades-{klass.join_code}.csv")


@bp.get("/classes/<int:class_id>/responses.csv")
def class_responses_csv(class_id: int) -> Response:
    klass = own_class(class_id)
    ids = [a.id for a in klass.assignments]
    return _csv("responses", ids, f"responses-{klass.join_code}.csv")

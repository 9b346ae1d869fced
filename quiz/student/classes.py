"""Classes from the student's side: joining with a class code, re-entering with a
personal code, the student's own page of assignments, and starting one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from quiz import services
from quiz.classes import assignments as assign
from quiz.classes import roster
from quiz.classes import students as mine
from quiz.store.db import get_session, utcnow
from quiz.student.blueprint import bp, browser_id, class_student_ids, remember
from quiz.web.forms import AnswerForm, JoinForm, ReentryForm


def _join_page(form: JoinForm, reentry: ReentryForm, status: int = 200) -> tuple[str, int]:
    return render_template("student/join.html", form=form, reentry=reentry), status


@bp.route("/join", methods=["GET", "POST"])
@bp.route("/join/<code>", methods=["GET"])
def join(code: str | None = None) -> ResponseReturnValue:
    form = JoinForm(code=code) if request.method == "GET" else JoinForm()
    reentry = ReentryForm(formdata=None)
    if request.method == "GET":
        return _join_page(form, reentry)
    if not form.validate_on_submit():
        return _join_page(form, reentry, 422)
    db = get_session()
    try:
        student = roster.join(db, form.code.data or "", form.display_name.data or "", browser_id())
    except roster.JoinRefused as exc:
        form.code.errors = [str(exc)]
        return _join_page(form, reentry, 429 if exc.retry_after else 422)
    remember(student)
    return redirect(url_for("student.me", welcome=1), code=303)


@bp.post("/reenter")
def reenter() -> ResponseReturnValue:
    reentry = ReentryForm()
    form = JoinForm(formdata=None)
    if not reentry.validate_on_submit():
        return _join_page(form, reentry, 422)
    try:
        student = roster.reenter(get_session(), reentry.reentry_code.data or "", browser_id())
    except roster.JoinRefused as exc:
        reentry.reentry_code.errors = [str(exc)]
        return _join_page(form, reentry, 429 if exc.retry_after else 422)
    remember(student)
    return redirect(url_for("student.me"), code=303)


@bp.get("/me")
def me() -> ResponseReturnValue:
    db = get_session()
    # The browser's students with their classes' names, their assignments and every
    # attempt at them: three statements however many classes and assignments (a
    # fourth, an UPDATE, only for a student not seen for mine.SEEN_EVERY).
    students = mine.browser_students(db, class_student_ids())
    if not students:
        return redirect(url_for("student.join"))
    now = utcnow()
    mine.seen(db, students, now)
    views = assign.for_students(db, [(s.id, s.class_id) for s in students], now)
    db.commit()
    return render_template(
        "student/me.html",
        students=students,
        views=views,
        pretty=roster.pretty_code,
        welcome=request.args.get("welcome"),
        form=AnswerForm(),
    )


@bp.post("/assignments/<int:assignment_id>/start")
def start_assignment(assignment_id: int) -> ResponseReturnValue:
    db = get_session()
    found = assign.with_student(db, assignment_id, class_student_ids())
    if found is None:  # no such assignment, or not for a class of this browser
        abort(404)
    assignment, student = found
    try:
        started = assign.begin(db, student, assignment)
    except services.NotAllowed as exc:
        flash(str(exc))
        return redirect(url_for("student.me"), code=303)
    if started.new and started.questions:
        # Nothing answered yet: straight to the first question (the attempt's own
        # address would only redirect there, one request more for every student).
        url = url_for("student.question", attempt_id=started.attempt.id, n=1)
    else:  # the attempt in progress: where resume sends it (first unanswered, review)
        url = url_for("student.resume", attempt_id=started.attempt.id)
    return redirect(url, code=303)

"""The student's pages: pick a quiz, answer, review, submit, see results."""

from __future__ import annotations

import secrets
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from quiz import services
from quiz.classes import assignments as assign
from quiz.classes import roster as classes
from quiz.domain import discernment
from quiz.domain.rendering import article_html, question_inputs, question_links
from quiz.questions import Grade, Unreadable
from quiz.reports.results import misconception_text
from quiz.services import followup
from quiz.store import models as m
from quiz.store.db import (
    autocommit_connection,
    autocommit_session,
    get_session,
    session_scope,
    utcnow,
)
from quiz.web.forms import AnswerForm, ConfirmSubmitForm, JoinForm, ReentryForm, StartForm

bp = Blueprint("student", __name__)
# A misconception in the bank's words wherever feedback is shown (the student's pages,
# the teacher's view of an attempt, the editor's preview): one helper, the results page's.
bp.add_app_template_global(misconception_text, "misconception_text")


def _student_id() -> int | None:
    """This browser's practice identity (no class)."""
    value = session.get("student_id")
    return value if isinstance(value, int) else None


def _class_student_ids() -> list[int]:
    """This browser's identities in classes (one per class joined)."""
    return [i for i in session.get("class_students", []) if isinstance(i, int)]


def _student_ids() -> set[int]:
    ids = set(_class_student_ids())
    if _student_id() is not None:
        ids.add(_student_id())  # type: ignore[arg-type]
    return ids


def _current_student() -> m.Student | None:
    sid = _student_id()
    return get_session().get(m.Student, sid) if sid else None


def _attempt(attempt_id: int, *, with_slots: bool = True) -> m.Attempt:
    try:
        attempt = services.load_attempt(
            get_session(), attempt_id, _student_ids(), with_slots=with_slots
        )
    except LookupError:
        abort(404)
    assign.finish_if_overdue(get_session(), attempt)
    return attempt


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
    if bank is None or bank.owner_id is not None:  # practice is on shipped banks only
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
    services.one_start_at_a_time(db, student.id)  # a double click: one attempt
    attempt = services.open_attempt(db, student.id, bank.id)
    if attempt is None:
        attempt = services.start_attempt(db, student, bank)
    db.commit()
    return redirect(url_for("student.resume", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>")
def resume(attempt_id: int) -> Response:
    attempt = _attempt(attempt_id, with_slots=False)
    if attempt.submitted:
        return redirect(url_for("student.results", attempt_id=attempt.id))
    for item in services.navigation(get_session(), attempt):
        if not item.answered:
            return redirect(url_for("student.question", attempt_id=attempt.id, n=item.position))
    return redirect(url_for("student.review", attempt_id=attempt.id))


def _question_at(attempt_id: int, n: int, *, page: bool = False) -> services.QuestionAt:
    """The attempt's n-th question and what its page needs (one query, outside a
    transaction: ``db.autocommit_connection``), or 404."""
    try:
        return services.attempt_at(
            autocommit_connection(), attempt_id, n, _student_ids(), with_navigation=page
        )
    except LookupError:
        abort(404)


TIME_UP = (
    "Time is up for this attempt (the assignment has closed, or its time limit has "
    "passed), so this answer was not saved. The answers you saved before were handed in."
)
HANDED_IN = "This attempt has been handed in; answers can no longer change. This one was not saved."


def _overdue(at: services.QuestionAt) -> bool:
    return not at.attempt.submitted and services.time_is_up(at.attempt)


_quoted: dict[tuple[int, int], tuple[Any, Any, tuple[Any, ...]]] = {}


def _quoted_sentences(question: Any, article: Any) -> tuple[Any, ...]:
    """``Question.refers_to``, kept per (question, article) object: both are immutable
    and come from the content caches, and every student opens the same questions."""
    key = (id(question), id(article))
    entry = _quoted.get(key)
    if entry is None or entry[0] is not question or entry[1] is not article:
        if len(_quoted) >= 4096:
            _quoted.clear()
        entry = _quoted[key] = (question, article, question.refers_to(article))
    return entry[2]


def _question_page(
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
        nav = services.navigation(get_session(), attempt)
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
        quoted=_quoted_sentences(question, article),
        article_html=article_html(article),
        question_links=question_links(
            ((i.position, i.answered, i.incomplete) for i in nav),
            at.slot.position,
            form=None if attempt.submitted else "question",
        ),
    )


@bp.get("/attempts/<int:attempt_id>/q/<int:n>")
def question(attempt_id: int, n: int) -> str:
    at = _question_at(attempt_id, n, page=True)
    if _overdue(at):
        # The one write this page may make: hand in an attempt whose time is up,
        # then show the question as it now stands.
        _hand_in_overdue(attempt_id)
        at = _question_at(attempt_id, n, page=True)
    return _question_page(at)


def _hand_in_overdue(attempt_id: int) -> None:
    """Submit an attempt whose time is up, in a transaction of its own. Nothing to
    refresh after it: the pages read plain rows on their own connection, never
    mapped objects of the request's session."""
    with session_scope(current_app) as tx:
        assign.finish_if_overdue(tx, tx.get_one(m.Attempt, attempt_id))


@bp.post("/attempts/<int:attempt_id>/q/<int:n>")
def answer(attempt_id: int, n: int) -> Response | tuple[str, int] | tuple[Response, int]:
    """Save the answer on a question page. "Save answer" or "Check my answer" saves
    it (with immediate feedback, grades it: final); every way off the page (previous,
    next, a question of the list, review: submit buttons of the same form, ``go``)
    saves what is on it first, then goes there; the page's script saves in the
    background (``autosave``) and is answered in JSON."""
    # CSRF is checked before any view (CSRFProtect); the question reads its own fields.
    db = autocommit_session()
    at = _question_at(attempt_id, n)
    attempt = at.attempt
    form = request.form.to_dict(flat=False)
    go = (form.pop("go", None) or [""])[0]
    background = bool(form.pop("autosave", None))
    results_url = url_for("student.results", attempt_id=attempt.id)
    if _overdue(at):  # time is up: hand in the answers saved so far
        _hand_in_overdue(attempt_id)
        return _left(background, TIME_UP, results_url)
    if attempt.submitted:
        return _left(background, HANDED_IN, results_url)
    target = _destination(db, attempt, go) if go else None
    if target is not None or background:
        return _save_and_go(at, form, target, background)
    saved = dict(stored=at.answer, question=at.question, article=at.article)
    try:
        if attempt.feedback == m.FEEDBACK_IMMEDIATE:
            # The answer is final once given: the one write is a guarded INSERT,
            # atomic on its own, so no transaction around it (two round trips fewer).
            result = services.save_answer(db, attempt, at.slot, form, **saved)
        else:
            # A changed answer is an UPDATE and a check that the attempt is open:
            # one transaction.
            with session_scope(current_app) as tx:
                result = services.save_answer(tx, attempt, at.slot, form, **saved)
    except services.NotAllowed as exc:
        flash(f"{exc} This answer was not saved.")
        return redirect(results_url)
    if result.error:
        return _question_page(at, error=result.error, echo=result.response), 422
    if attempt.feedback == m.FEEDBACK_IMMEDIATE:
        target = url_for("student.question", attempt_id=attempt.id, n=n, _anchor=f"feedback-{n}")
        return redirect(target, code=303)
    # The student moves on: say on the next page that this answer is kept.
    flash(f"Question {n}: answer saved. You can change it until you submit.")
    if n < services.slot_count(db, attempt):
        target = _question_url(attempt.id, n + 1)
    else:
        target = url_for("student.review", attempt_id=attempt.id)
    return redirect(target, code=303)


def _question_url(attempt_id: int, n: int) -> str:
    """A question page, opened at the question itself (its form, ``#question``)."""
    return url_for("student.question", attempt_id=attempt_id, n=n, _anchor="question")


def _destination(db: Any, attempt: services.AttemptHead, go: str) -> str | None:
    """Where a way off a question page leads: ``review`` or a question's position
    (1 to the number of questions); None for anything else (then the button is a
    plain save)."""
    if go == "review":
        return url_for("student.review", attempt_id=attempt.id)
    number = int(go) if go.isascii() and go.isdigit() and len(go) <= 4 else 0
    if 1 <= number <= services.slot_count(db, attempt):
        return _question_url(attempt.id, number)
    return None


def _left(background: bool, message: str, url: str) -> Response | tuple[Response, int]:
    """The attempt is closed: say so (a background save hears it in JSON)."""
    if background:
        return jsonify(status="closed", message=message, redirect=url), 409
    flash(message)
    return redirect(url)


def _save_and_go(
    at: services.QuestionAt, form: dict[str, list[str]], target: str | None, background: bool
) -> Response | tuple[str, int] | tuple[Response, int]:
    """Leaving a question (``target``) or the script's background save: keep what is
    on the page first, never dropping it silently.

    An entry the question cannot read is not left behind: the page comes back with
    the message (a background save answers it in JSON). Nothing given, or the answer
    already stored: nothing to save. With immediate feedback an unchecked answer is
    kept as a draft (``services.save_draft``), not graded unseen; otherwise it is
    saved as "Save answer" would."""
    attempt, n, question = at.attempt, at.slot.position, at.question
    try:
        response = question.read_response(form, at.slot.state)
    except Unreadable as exc:
        if background:
            return jsonify(status="error", message=f"Not saved: {exc}"), 422
        echo = services.echo_entry(question.decode_form(form, at.slot.state))
        return _question_page(at, error=str(exc), echo=echo), 422
    status, said = "empty", ""
    try:
        if at.answer is not None and (
            attempt.feedback == m.FEEDBACK_IMMEDIATE or response in (None, at.answer.response)
        ):
            status = "unchanged"  # checked and final, or nothing new: the answer stands
        elif attempt.feedback == m.FEEDBACK_IMMEDIATE:
            with session_scope(current_app) as tx:
                services.save_draft(tx, attempt, at.slot, response)
            if response is not None:
                status, said = (
                    "draft",
                    (
                        f"Question {n}: your answer is kept, not checked yet. Check it to see "
                        "its feedback; if you submit first, it is marked as it stands."
                    ),
                )
        elif response is not None:
            with session_scope(current_app) as tx:
                result = services.save_answer(
                    tx,
                    attempt,
                    at.slot,
                    form,
                    stored=at.answer,
                    question=question,
                    article=at.article,
                )
            if result.error:  # not expected after read_response, but never dropped
                if background:
                    return jsonify(status="error", message=f"Not saved: {result.error}"), 422
                return _question_page(at, error=result.error, echo=result.response), 422
            status = "saved"
            said = f"Question {n}: answer saved. You can change it until you submit."
    except services.NotAllowed as exc:
        results_url = url_for("student.results", attempt_id=attempt.id)
        return _left(background, f"{exc} This answer was not saved.", results_url)
    if background:
        return jsonify(status=status, message=_BACKGROUND_SAID[status])
    if said:
        flash(said)
    return redirect(target or _question_url(attempt.id, n), code=303)


_BACKGROUND_SAID = {
    "saved": "Answer saved.",
    "draft": "Kept (not checked yet): check it to see its feedback.",
    "empty": "Nothing chosen yet.",
    "unchanged": "Saved.",
}


@bp.get("/attempts/<int:attempt_id>/review")
def review(attempt_id: int) -> str | Response:
    attempt = _attempt(attempt_id)
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
def submit(attempt_id: int) -> Response:
    attempt = _attempt(attempt_id, with_slots=False)
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


@bp.post("/attempts/<int:attempt_id>/practise-missed")
def practise_missed(attempt_id: int) -> Response:
    """Start a practice attempt aimed at what this attempt got wrong (quiz.services.followup)."""
    attempt = _attempt(attempt_id)
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


# -- classes: join, re-enter, assignments ---------------------------------------------------


def _browser_id() -> str:
    """A random id for this browser, so that failed join tries are limited per code
    and browser (never per IP address: a whole class shares one)."""
    value = session.get("browser")
    if not isinstance(value, str):
        value = secrets.token_urlsafe(12)
        session["browser"] = value
        session.permanent = True
    return value


def _remember(student: m.Student) -> None:
    ids = [i for i in _class_student_ids() if i != student.id]
    # One identity per class in this browser: joining a class again replaces it.
    db = get_session()
    ids = [
        i for i in ids if (s := db.get(m.Student, i)) is not None and s.class_id != student.class_id
    ]
    session["class_students"] = [*ids, student.id][-10:]
    session.permanent = True


def _join_page(form: JoinForm, reentry: ReentryForm, status: int = 200) -> tuple[str, int]:
    return render_template("student/join.html", form=form, reentry=reentry), status


@bp.route("/join", methods=["GET", "POST"])
@bp.route("/join/<code>", methods=["GET"])
def join(code: str | None = None) -> Response | tuple[str, int]:
    form = JoinForm(code=code) if request.method == "GET" else JoinForm()
    reentry = ReentryForm(formdata=None)
    if request.method == "GET":
        return _join_page(form, reentry)
    if not form.validate_on_submit():
        return _join_page(form, reentry, 422)
    db = get_session()
    try:
        student = classes.join(
            db, form.code.data or "", form.display_name.data or "", _browser_id()
        )
    except classes.JoinRefused as exc:
        form.code.errors = [str(exc)]
        return _join_page(form, reentry, 429 if exc.retry_after else 422)
    _remember(student)
    return redirect(url_for("student.me", welcome=1), code=303)


@bp.post("/reenter")
def reenter() -> Response | tuple[str, int]:
    reentry = ReentryForm()
    form = JoinForm(formdata=None)
    if not reentry.validate_on_submit():
        return _join_page(form, reentry, 422)
    try:
        student = classes.reenter(get_session(), reentry.reentry_code.data or "", _browser_id())
    except classes.JoinRefused as exc:
        reentry.reentry_code.errors = [str(exc)]
        return _join_page(form, reentry, 429 if exc.retry_after else 422)
    _remember(student)
    return redirect(url_for("student.me"), code=303)


@bp.get("/me")
def me() -> str | Response:
    db = get_session()
    students = [s for i in _class_student_ids() if (s := db.get(m.Student, i)) is not None]
    if not students:
        return redirect(url_for("student.join"))
    for s in students:
        s.last_seen_at = utcnow()
    views = {s.id: assign.for_student(db, s) for s in students}
    db.commit()
    return render_template(
        "student/me.html",
        students=students,
        views=views,
        pretty=classes.pretty_code,
        welcome=request.args.get("welcome"),
        form=AnswerForm(),
    )


@bp.post("/assignments/<int:assignment_id>/start")
def start_assignment(assignment_id: int) -> Response:
    db = get_session()
    # with its bank, which the start reads (one query, not two)
    assignment = db.get(m.Assignment, assignment_id, options=[joinedload(m.Assignment.bank)])
    if assignment is None:
        abort(404)
    student = next(
        (
            s
            for i in _class_student_ids()
            if (s := db.get(m.Student, i)) and s.class_id == assignment.class_id
        ),
        None,
    )
    if student is None:
        abort(404)
    try:
        attempt = assign.start(db, student, assignment)
    except services.NotAllowed as exc:
        flash(str(exc))
        return redirect(url_for("student.me"), code=303)
    return redirect(url_for("student.resume", attempt_id=attempt.id), code=303)

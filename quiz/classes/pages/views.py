"""The teacher's pages for classes and students: the dashboard, a class (roster,
join code, retention), a student (rename, extra time, merge, export).
"""

from __future__ import annotations

import io
import json

import segno
from flask import (
    Response,
    abort,
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
from quiz.classes import roster as classes
from quiz.classes.pages import forms as f
from quiz.classes.pages.blueprint import bp, own_class, own_student
from quiz.store import models as m
from quiz.store.db import get_session, utcnow

# -- dashboard and classes ----------------------------------------------------------------


@bp.get("/")
def dashboard() -> str:
    return render_template(
        "teacher/dashboard.html",
        classes=g.teacher.classes,
        banks=services.list_banks(get_session(), g.teacher),
        form=f.ClassForm(formdata=None),
    )


@bp.post("/classes")
def create_class() -> ResponseReturnValue:
    form = f.ClassForm()
    db = get_session()
    if not form.validate_on_submit():
        page = render_template(
            "teacher/dashboard.html",
            classes=g.teacher.classes,
            banks=services.list_banks(db, g.teacher),
            form=form,
        )
        return page, 422
    klass = classes.create_class(db, g.teacher, form.name.data or "")
    db.commit()
    flash("The class was created. Show its code to the students, and assign a quiz.")
    return redirect(url_for("teacher.class_page", class_id=klass.id), code=303)


def _class_page(klass: m.Klass, status: int = 200, **forms: object) -> tuple[str, int]:
    db = get_session()
    extra = {
        row.student_id: row.minutes
        for row in db.scalars(
            select(m.ExtraTime).where(
                m.ExtraTime.student_id.in_([s.id for s in klass.students] or [0])
            )
        )
    }
    context = {
        "klass": klass,
        "join_url": url_for("student.join", code=klass.join_code, _external=True),
        "pretty_code": classes.pretty_code(klass.join_code),
        "extra": extra,
        "now": utcnow(),
        "state": assign.state,
        "rename_form": f.ClassForm(formdata=None, obj=klass),
        "retention_form": f.RetentionForm(formdata=None, obj=klass),
        "roster_form": f.RosterForm(formdata=None),
        "plain": f.PlainForm(),
    }
    context.update(forms)
    return render_template("teacher/class.html", **context), status


@bp.get("/classes/<int:class_id>")
def class_page(class_id: int) -> tuple[str, int]:
    return _class_page(own_class(class_id))


@bp.get("/classes/<int:class_id>/qr.svg")
def class_qr(class_id: int) -> ResponseReturnValue:
    klass = own_class(class_id)
    url = url_for("student.join", code=klass.join_code, _external=True)
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=8, border=2, dark="#000", light="#fff", title="Join link"
    )
    return Response(
        buffer.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "private"}
    )


@bp.get("/classes/<int:class_id>/projector")
def class_projector(class_id: int) -> str:
    """The join code and QR code, full screen and large, for the projector."""
    klass = own_class(class_id)
    return render_template(
        "teacher/projector.html",
        klass=klass,
        join_url=url_for("student.join", _external=True),
        pretty_code=classes.pretty_code(klass.join_code),
    )


@bp.post("/classes/<int:class_id>/rename")
def rename_class(class_id: int) -> ResponseReturnValue:
    klass = own_class(class_id)
    form = f.ClassForm()
    if not form.validate_on_submit():
        return _class_page(klass, 422, rename_form=form)
    klass.name = form.name.data or klass.name
    get_session().commit()
    flash("The class was renamed.")
    return redirect(url_for("teacher.class_page", class_id=klass.id), code=303)


@bp.post("/classes/<int:class_id>/retention")
def class_retention(class_id: int) -> ResponseReturnValue:
    klass = own_class(class_id)
    form = f.RetentionForm()
    if not form.validate_on_submit():
        return _class_page(klass, 422, retention_form=form)
    klass.retention_days = form.retention_days.data
    get_session().commit()
    flash("Data retention saved.")
    return redirect(url_for("teacher.class_page", class_id=klass.id), code=303)


@bp.route("/classes/<int:class_id>/delete", methods=["GET", "POST"])
def delete_class(class_id: int) -> ResponseReturnValue:
    klass = own_class(class_id)
    form = f.DeleteClassForm()
    db = get_session()
    if request.method == "POST" and form.validate_on_submit():
        if form.confirm.data == klass.name:
            classes.delete_class(db, klass)
            db.commit()
            flash("The class and all its data were deleted.")
            return redirect(url_for("teacher.dashboard"), code=303)
        form.confirm.errors = ["Type the class name exactly, to confirm."]
        return render_template("teacher/delete_class.html", klass=klass, form=form), 422
    counts = {
        "students": len(klass.students),
        "assignments": len(klass.assignments),
    }
    return render_template("teacher/delete_class.html", klass=klass, form=form, counts=counts)


@bp.post("/classes/<int:class_id>/roster")
def import_roster(class_id: int) -> ResponseReturnValue:
    """Two steps: the names read from the file or the pasted text are shown for the
    teacher to confirm (nothing is added yet); the confirm step adds them."""
    klass = own_class(class_id)
    if request.form.get("step") == "confirm":
        return _add_roster(klass)
    form = f.RosterForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _class_page(klass, 422, roster_form=form)
    upload = form.file.data
    if upload and getattr(upload, "filename", ""):
        target = form.file
        raw = upload.read(classes.MAX_ROSTER_BYTES + 1)
        if len(raw) > classes.MAX_ROSTER_BYTES:
            form.file.errors = ["The file is larger than 256 KiB: split it, or paste the names."]
            return _class_page(klass, 422, roster_form=form)
        try:
            outcome = classes.parse_roster_csv(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            form.file.errors = ["The file must be UTF-8 text (CSV)."]
            return _class_page(klass, 422, roster_form=form)
    else:
        target = form.text
        outcome = classes.parse_pasted_roster(form.text.data or "")
    if outcome.errors:
        target.errors = outcome.errors
        return _class_page(klass, 422, roster_form=form)
    page = render_template(
        "teacher/roster_confirm.html", klass=klass, names=outcome.names, plain=f.PlainForm()
    )
    return page, 200


def _add_roster(klass: m.Klass) -> ResponseReturnValue:
    if not f.PlainForm().validate_on_submit():
        abort(400)
    outcome = classes.check_roster_names(request.form.getlist("name"))
    if outcome.errors:
        form = f.RosterForm(formdata=None)
        form.text.errors = outcome.errors
        return _class_page(klass, 422, roster_form=form)
    db = get_session()
    created = classes.add_students(db, klass, outcome.names)
    db.commit()
    flash(f"{len(created)} students added, each with a personal re-entry code.")
    return redirect(url_for("teacher.class_page", class_id=klass.id, _anchor="students"), code=303)


# -- students ------------------------------------------------------------------------------


def _student_page(student: m.Student, status: int = 200, **forms: object) -> tuple[str, int]:
    db = get_session()
    others = [s for s in student.klass.students if s.id != student.id] if student.klass else []
    merge = forms.pop("merge_form", None) or f.MergeForm(formdata=None)
    merge.into.choices = f.options((s.id, s.display_name) for s in others)  # type: ignore[attr-defined]
    attempts = db.scalars(
        select(m.Attempt).where(m.Attempt.student_id == student.id).order_by(m.Attempt.started_at)
    ).all()
    context = {
        "student": student,
        "attempts": attempts,
        "extra_minutes": classes.extra_minutes(db, student.id),
        "name_form": f.StudentNameForm(formdata=None, name=student.display_name),
        "extra_form": f.ExtraTimeForm(formdata=None, minutes=classes.extra_minutes(db, student.id)),
        "merge_form": merge,
        "plain": f.PlainForm(),
    }
    context.update(forms)
    return render_template("teacher/student.html", **context), status


@bp.get("/students/<int:student_id>")
def student_page(student_id: int) -> tuple[str, int]:
    return _student_page(own_student(student_id))


@bp.post("/students/<int:student_id>/rename")
def rename_student(student_id: int) -> ResponseReturnValue:
    student = own_student(student_id)
    form = f.StudentNameForm()
    if not form.validate_on_submit():
        return _student_page(student, 422, name_form=form)
    classes.rename_student(student, form.name.data or "")
    get_session().commit()
    flash("Renamed.")
    return redirect(url_for("teacher.student_page", student_id=student.id), code=303)


@bp.post("/students/<int:student_id>/extra-time")
def extra_time(student_id: int) -> ResponseReturnValue:
    student = own_student(student_id)
    form = f.ExtraTimeForm()
    if not form.validate_on_submit():
        return _student_page(student, 422, extra_form=form)
    classes.set_extra_time(get_session(), student, form.minutes.data or 0)
    get_session().commit()
    flash("Extra time saved.")
    return redirect(url_for("teacher.student_page", student_id=student.id), code=303)


@bp.post("/students/<int:student_id>/reset-code")
def reset_code(student_id: int) -> ResponseReturnValue:
    student = own_student(student_id)
    if not f.PlainForm().validate_on_submit():
        abort(400)
    classes.reset_reentry_code(get_session(), student)
    get_session().commit()
    flash("A new re-entry code was made; the old one no longer works.")
    return redirect(url_for("teacher.student_page", student_id=student.id), code=303)


@bp.post("/students/<int:student_id>/merge")
def merge_student(student_id: int) -> ResponseReturnValue:
    student = own_student(student_id)
    form = f.MergeForm()
    klass = student.klass
    if klass is None:  # own_student gives a student of the teacher's class only
        abort(404)
    form.into.choices = f.options(
        (s.id, s.display_name) for s in klass.students if s.id != student.id
    )
    if not form.validate_on_submit():
        return _student_page(student, 422, merge_form=form)
    keep = own_student(form.into.data)
    class_id = student.class_id
    moved = classes.merge_students(get_session(), keep, student)
    get_session().commit()
    flash(f"Merged: {moved} attempts moved to {keep.display_name}.")
    return redirect(url_for("teacher.class_page", class_id=class_id, _anchor="students"), code=303)


@bp.post("/students/<int:student_id>/remove")
def remove_student(student_id: int) -> ResponseReturnValue:
    student = own_student(student_id)
    if not f.PlainForm().validate_on_submit():
        abort(400)
    class_id = student.class_id
    classes.remove_student(get_session(), student)
    get_session().commit()
    flash("The student and all their answers were removed.")
    return redirect(url_for("teacher.class_page", class_id=class_id, _anchor="students"), code=303)


@bp.get("/students/<int:student_id>/export.json")
def export_student(student_id: int) -> ResponseReturnValue:
    student = own_student(student_id)
    data = classes.student_export(get_session(), student)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="student-{student.id}.json"'},
    )

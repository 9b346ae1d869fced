"""Authoring banks in the browser: the bank pages. Question pages are in
``quiz.authoring.question_views``, previews in ``quiz.authoring.preview_views``; all
use the blueprint of ``quiz.authoring.blueprint``."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.utils import secure_filename

from quiz import services
from quiz.authoring import forms as f
from quiz.authoring import operations as ops
from quiz.authoring import quality
from quiz.authoring.blueprint import bp, own_bank, seen_bank
from quiz.authoring.dump import dump_yaml, stored_document
from quiz.authoring.interchange_views import export_notes
from quiz.authoring.util import version_use
from quiz.domain.banks import BankError
from quiz.domain.rendering import plural
from quiz.questions.editors import EDITORS, Messages
from quiz.store import models as m
from quiz.store.db import get_session
from quiz.web.forms import PlainForm

KINDS = {
    "skills": "Skills",
    "categories": "Categories (for sentence classification)",
    "misconceptions": "Misconceptions (codes like MULT_OFFBYONE)",
}


def _checked(form: Any) -> None:
    """400 unless the form's CSRF token is good (other errors are the page's)."""
    form.validate_on_submit()
    if "csrf_token" in form.errors:
        abort(400)


def _tie_fields(form: Any, errors: list[BankError], names: dict[str, str]) -> list[str]:
    """Bank-level messages beside the fields named after their place; the rest returned."""
    rest = []
    for e in errors:
        target = names.get(e.field)
        if target and e.question is None:
            field = getattr(form, target)
            field.errors = [*field.errors, e.message]
        else:
            rest.append(str(e) if e.line else f"{e.field}: {e.message}")
    return rest


# -- the list, a new bank, uploads -------------------------------------------------------


def _index(status: int = 200, **extra: Any) -> tuple[str, int]:
    context = {
        "banks": services.list_banks(get_session(), g.teacher),
        "upload_form": f.UploadForm(formdata=None),
        "plain": PlainForm(),
        "errors": [],
    }
    context.update(extra)
    return render_template("authoring/index.html", **context), status


@bp.get("/")
def index() -> tuple[str, int]:
    return _index()


@bp.route("/new", methods=["GET", "POST"])
def new_bank() -> ResponseReturnValue:
    form = f.BankForm()
    general: list[str] = []
    if request.method == "POST":
        _checked(form)
        if not form.errors:
            db = get_session()
            bank, errors = ops.new_bank(db, g.teacher, form.data)
            if bank is not None:
                db.commit()
                flash("The bank was created. Write its first question (or choose another type).")
                return redirect(
                    url_for("authoring.new_question", bank_id=bank.id, qtype=next(iter(EDITORS))),
                    code=303,
                )
            db.rollback()
            general = _tie_fields(form, errors, _BANK_FIELDS)
        return render_template("authoring/new_bank.html", form=form, general=general), 422
    return render_template("authoring/new_bank.html", form=form, general=general), 200


_BANK_FIELDS = {
    "title": "title",
    "description": "description",
    "article.title": "article_title",
    "article.source": "source",
    "article.text": "text",
    "article": "text",
}


def _upload(bank: m.Bank | None) -> tuple[m.Bank | None, list[BankError]]:
    form = f.UploadForm()
    _checked(form)
    upload = form.file.data
    if not upload or not getattr(upload, "filename", ""):
        return None, [BankError("-", 0, None, "file", "choose a bank file (YAML) to upload")]
    filename = secure_filename(upload.filename) or "upload.yaml"
    raw = upload.stream.read(ops.MAX_UPLOAD + 1)
    db = get_session()
    stored, errors = ops.upload(db, g.teacher, raw, filename, bank)
    if stored is None:
        db.rollback()
    else:
        db.commit()
    return stored, errors


@bp.post("/upload")
def upload() -> ResponseReturnValue:
    bank, errors = _upload(None)
    if bank is None:
        return _index(422, errors=errors)
    flash(f"Uploaded: {len(bank.questions)} questions in “{bank.title}”.")
    return redirect(url_for("authoring.bank", bank_id=bank.id), code=303)


@bp.route("/<int:bank_id>/replace", methods=["GET", "POST"])
def replace(bank_id: int) -> ResponseReturnValue:
    bank = own_bank(bank_id)
    form = f.UploadForm(formdata=None)
    if request.method == "POST":
        stored, errors = _upload(bank)
        if stored is None:
            page = render_template("authoring/replace.html", bank=bank, form=form, errors=errors)
            return page, 422
        flash("The bank was replaced by the file. Changed questions got a new version.")
        return redirect(url_for("authoring.bank", bank_id=bank.id), code=303)
    return render_template("authoring/replace.html", bank=bank, form=form, errors=[]), 200


# -- one bank ----------------------------------------------------------------------------------


@bp.get("/<int:bank_id>")
def bank(bank_id: int) -> str:
    bank = seen_bank(bank_id)
    db = get_session()
    questions = services.live_questions(db, bank, drafts=True)
    loaded, _ = quality.parsed(stored_document(db, bank))  # once, for both below
    return render_template(
        "authoring/bank.html",
        review=quality.reviewed(loaded) if loaded is not None else quality.Review(),
        bank=bank,
        own=bank.owner_id == g.teacher.id,
        article=services.article_of(bank.article),
        questions=questions,
        specs={q.id: q.current_version.spec for q in questions if q.current_version},
        drafts=sum(1 for q in questions if services.is_draft(q)),
        versions=version_use(db, bank),
        types=f.TYPE_NAMES,
        plain=PlainForm(),
        exports=export_notes(bank, loaded),
    )


@bp.get("/help/files")
def files_help() -> str:
    """For those who want them: what a bank file is, where its format is described, and
    how an administrator checks one on the server (kept off the other teacher pages)."""
    return render_template("authoring/files_help.html")


@bp.post("/<int:bank_id>/copy")
def copy_bank(bank_id: int) -> ResponseReturnValue:
    bank = seen_bank(bank_id)
    _checked(PlainForm())
    db = get_session()
    copied = ops.copy_bank(db, g.teacher, bank)
    db.commit()
    flash(f"“{copied.title}” is yours to edit.")
    return redirect(url_for("authoring.bank", bank_id=copied.id), code=303)


@bp.get("/<int:bank_id>/download.yaml")
def download(bank_id: int) -> ResponseReturnValue:
    bank = seen_bank(bank_id)
    body = dump_yaml(stored_document(get_session(), bank))
    return Response(
        body,
        content_type="application/yaml; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{bank.slug}.yaml"',
            "Cache-Control": "no-store",
        },
    )


# -- settings: title, skills, categories, misconceptions ----------------------------------------


def _catalogue_form(bank: m.Bank, kind: str, formdata: bool) -> f.CatalogueForm:
    if formdata:
        return f.CatalogueForm(prefix=kind)
    rows = [{"key": k, "text": v} for k, v in (getattr(bank, kind) or {}).items()]
    return f.CatalogueForm(formdata=None, prefix=kind, data={"rows": rows})


def _settings_page(bank: m.Bank, status: int = 200, **bound: Any) -> tuple[str, int]:
    forms = {k: bound.get(k) or _catalogue_form(bank, k, False) for k in KINDS}
    info = bound.get("info") or f.InfoForm(
        formdata=None, prefix="info", data={"title": bank.title, "description": bank.description}
    )
    page = render_template(
        "authoring/settings.html",
        bank=bank,
        info=info,
        forms=forms,
        kinds=KINDS,
        messages=bound.get("messages") or Messages(),
    )
    return page, status


@bp.get("/<int:bank_id>/settings")
def settings(bank_id: int) -> tuple[str, int]:
    return _settings_page(own_bank(bank_id))


@bp.post("/<int:bank_id>/settings/<any(info, skills, categories, misconceptions):kind>")
def save_settings(bank_id: int, kind: str) -> ResponseReturnValue:
    bank = own_bank(bank_id)
    db = get_session()
    doc = ops.document(db, bank)
    messages = Messages()
    if kind == "info":
        form: Any = f.InfoForm(prefix="info")
        _checked(form)
        doc["title"] = (form.title.data or "").strip()
        doc["description"] = (form.description.data or "").strip()
        ok = True
    else:
        form = _catalogue_form(bank, kind, True)
        _checked(form)
        ok = _apply_catalogue(doc, kind, form, messages)
    if ok and not form.errors:  # e.g. a NUL, refused beside its field
        saved, errors = ops.save_document(db, g.teacher, doc, bank)
        if saved is not None:
            db.commit()
            flash("Saved.")
            return redirect(url_for("authoring.settings", bank_id=bank.id, _anchor=kind), code=303)
        db.rollback()
        _catalogue_errors(form, kind, errors, messages)
    return _settings_page(bank, 422, **{kind: form, "messages": messages})


def _apply_catalogue(
    doc: dict[str, Any], kind: str, form: f.CatalogueForm, messages: Messages
) -> bool:
    before = dict(doc.get(kind) or {})
    labels: dict[str, str] = {}
    ok = True
    for row in form.rows:
        r = row.form
        key = r.key.data or ""
        if key not in before:
            continue  # a row that was not on the page
        if r.remove.data:
            used = ops.label_usage(doc, kind, key)
            if not used:
                continue
            r.remove.errors = [
                f"“{key}” is in use by {plural(len(used), 'question')}: {', '.join(used)}. "
                "Change those questions first."
            ]
            ok = False
        labels[key] = (r.text.data or "").strip()
    new_key = (form.new_key.data or "").strip()
    if new_key or (form.new_label.data or "").strip():
        if not new_key:
            form.new_key.errors = ["Give the new one a key."]
            ok = False
        elif new_key in labels or new_key in before:
            form.new_key.errors = [f"“{new_key}” is already there; rename it above."]
            ok = False
        else:
            labels[new_key] = (form.new_label.data or "").strip()
    doc[kind] = labels
    return ok


def _catalogue_errors(form: Any, kind: str, errors: list[BankError], messages: Messages) -> None:
    rows = {r.form.key.data: r.form for r in getattr(form, "rows", [])}
    new_key = (getattr(form, "new_key", None) and form.new_key.data or "").strip()
    for e in errors:
        head, _, key = e.field.partition(".")
        if e.question is None and head == kind and key in rows:
            rows[key].text.errors = [*rows[key].text.errors, e.message]
        elif e.question is None and head == kind and key and key == new_key:
            form.new_key.errors = [*form.new_key.errors, e.message]
        elif e.question is None and e.field in ("title", "description") and kind == "info":
            target = getattr(form, e.field)
            target.errors = [*target.errors, e.message]
        else:
            where = f"question {e.question}" if e.question else "bank"
            messages.extra.setdefault(kind, []).append(f"{where}: {e.field}: {e.message}")


# -- the article --------------------------------------------------------------------------------


@bp.route("/<int:bank_id>/article", methods=["GET", "POST"])
def article(bank_id: int) -> ResponseReturnValue:
    bank = own_bank(bank_id)
    db = get_session()
    if request.method == "GET":
        current = services.article_of(bank.article)
        data = {"article_title": current.title, "source": current.source, "text": current.text}
        form = f.ArticleForm(formdata=None, data=data)
        return render_template("authoring/article.html", bank=bank, form=form, general=[]), 200
    form = f.ArticleForm()
    _checked(form)
    if form.errors or form.confirm.data == "edit":
        status = 422 if form.errors else 200
        return render_template("authoring/article.html", bank=bank, form=form, general=[]), status
    fields = {
        "title": (form.article_title.data or "").strip(),
        "source": (form.source.data or "").strip(),
        "text": form.text.data or "",
    }
    plan = ops.plan_article_change(ops.document(db, bank), fields)
    if plan.errors:
        general = _tie_fields(form, plan.errors, _BANK_FIELDS)
        page = render_template("authoring/article.html", bank=bank, form=form, general=general)
        return page, 422
    if plan.affected and form.confirm.data != "yes":
        page = render_template(
            "authoring/article_confirm.html", bank=bank, form=form, affected=plan.affected
        )
        return page, 200
    saved, errors = ops.save_document(db, g.teacher, plan.doc, bank)
    if saved is None:  # the plan was checked: only a race could get here
        db.rollback()
        general = _tie_fields(form, errors, _BANK_FIELDS)
        page = render_template("authoring/article.html", bank=bank, form=form, general=general)
        return page, 422
    db.commit()
    removed = [a.id for a in plan.affected if a.removed]
    flash(
        "The article was saved."
        + (f" Removed from the bank (retired): {', '.join(removed)}." if removed else "")
    )
    return redirect(url_for("authoring.bank", bank_id=bank.id), code=303)


from quiz.authoring import question_views  # noqa: E402,F401  (registers the question pages)

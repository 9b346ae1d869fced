"""Authoring questions: the editor page of a new or existing question (its type's
fields come from its editor, ``quiz.questions.editors.EDITORS``), and reordering,
duplicating, publishing and deleting questions."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from quiz import services
from quiz.authoring import codes, quality
from quiz.authoring import operations as ops
from quiz.authoring.blueprint import bp, own_bank
from quiz.authoring.util import all_keys
from quiz.domain.article import Article
from quiz.domain.bankcheck import Outcome
from quiz.domain.banklint import BankWarning
from quiz.domain.rendering import plural
from quiz.questions import TYPES
from quiz.questions.editors import (
    EDITORS,
    Choices,
    Editor,
    Messages,
    Picks,
    QuestionForm,
    place_errors,
)
from quiz.questions.editors.places import Sink, add_error
from quiz.store import models as m
from quiz.store.db import get_session
from quiz.web.forms import Form, PlainForm


def _spec_of(doc: dict[str, Any], key: str) -> dict[str, Any]:
    try:
        return doc["questions"][ops.index_of(doc, key)]
    except KeyError:
        abort(404)


@cache
def page_form(editor: Editor) -> type[QuestionForm]:
    """The editor's form as the page sends it: with the CSRF token."""
    return type(f"{editor.form.__name__}Page", (editor.form, Form), {})


class Checked:
    """What the editor shows of the question's checks and warnings."""

    def __init__(self) -> None:
        self.results: dict[str, Outcome] = {}  # check row name -> its run
        self.warnings: list[BankWarning] = []
        self.ran = ""  # the line that says the checks were run, when they were

    def show(self, review: quality.Review, qid: str, rows: list[str]) -> None:
        runs = review.outcomes.get(qid, [])
        self.results = dict(zip(rows, runs, strict=False))
        self.warnings = review.about(qid)
        self.ran = (
            f"Checks run on the question as written: {review.summary(qid)}."
            if runs
            else "This question has no checks to run yet: write one below."
        )


@dataclass
class Page:
    """One editor page: the bank, its document, the type's editor, the question."""

    bank: m.Bank
    editor: Editor
    key: str | None
    doc: dict[str, Any]
    article: Article
    messages: Messages = field(default_factory=Messages)
    checked: Checked = field(default_factory=Checked)
    picks: Picks | None = None

    @property
    def used(self) -> set[str]:
        return codes.used_codes(self.doc)

    @property
    def codes(self) -> list[tuple[str, str]]:
        return codes.code_choices(self.bank.misconceptions or {}, self.used)

    def set_choices(self, form: QuestionForm) -> None:
        choices = Choices(self.bank.skills, self.bank.categories, self.codes, self.article)
        self.editor.set_choices(form, choices)

    def render(self, form: QuestionForm, status: int) -> tuple[str, int]:
        messages, key = self.messages, self.key
        draft = key is not None and any(
            q.get("id") == key and q.get("draft") is True for q in self.doc["questions"]
        )
        page = render_template(
            "authoring/question.html",
            bank=self.bank,
            editor=self.editor,
            editors=EDITORS,
            key=key,
            form=form,
            picks=self.picks,
            messages=messages,
            article=self.article,
            failed=bool(status == 422 or messages.general or messages.extra),
            codes=self.codes,
            draft=draft,
            position=_position(self.bank, key),
            results=self.checked.results,
            warnings=self.checked.warnings,
            ran=self.checked.ran,
        )
        return page, status


def _editor(
    bank: m.Bank, qtype: str, key: str | None, doc: dict[str, Any] | None = None
) -> ResponseReturnValue:
    """The editor page of question ``key`` (None: a new one); ``doc``: the bank's
    document when the caller has read it already."""
    doc = doc if doc is not None else ops.document(get_session(), bank)
    spec = _spec_of(doc, key) if key is not None else None
    if spec is not None and not EDITORS[qtype].can_edit(spec):
        # Saving from an editor without a field for all of it would drop the rest.
        shown = render_template("authoring/question_variables.html", bank=bank, spec=spec)
        return shown, (200 if request.method == "GET" else 409)
    page = Page(bank, EDITORS[qtype], key, doc, services.article_of(bank.article))
    return _show(page) if request.method == "GET" else _submit(page)


def _show(page: Page) -> tuple[str, int]:
    """The editor filled from the stored question, or a new question's."""
    editor, key, bank = page.editor, page.key, page.bank
    if key is None:
        keys = all_keys(get_session(), bank) | {q["id"] for q in page.doc["questions"]}
        data: dict[str, Any] = {"qid": ops.fresh_key(keys, editor.type), "shuffle": True}
        data["skill"] = next(iter(bank.skills), "")
        page.picks = editor.new_picks()
    else:
        data, page.picks = editor.form_data(_spec_of(page.doc, key), page.article)
    form = page_form(editor)(formdata=None, data=data)
    if key is None:
        for list_name, count in editor.starting_rows.items():
            for _ in range(count):
                getattr(form, list_name).append_entry()
    else:
        review, _ = quality.review(page.doc)
        if review is not None:
            runs = review.outcomes.get(key, [])
            page.checked.results = {row.name: o for row, o in zip(form.checks, runs, strict=False)}
            page.checked.warnings = review.about(key)
    if not form.checks.entries:
        form.checks.append_entry()
    page.set_choices(form)
    return page.render(form, 200)


def _submit(page: Page) -> ResponseReturnValue:
    """A submitted editor: a row added, the ticked sentences shown, or a save."""
    editor = page.editor
    form = page_form(editor)()
    assert isinstance(form, Form)  # and a QuestionForm: what the page sends
    page.set_choices(form)
    form.validate_on_submit()
    if "csrf_token" in form.errors:
        abort(400)
    page.picks = editor.read_picks(request.form, page.article)
    action = request.form.get("action", "save")
    if action.startswith("add-") and action[4:] in (*editor.lists, "checks"):
        getattr(form, action[4:]).append_entry()
        page.set_choices(form)
        return page.render(form, 200)
    if action == "refresh":
        return page.render(form, 200)
    return _save(page, form, action)


def _save(page: Page, form: QuestionForm, action: str) -> ResponseReturnValue:
    """Build the spec from the form; run its checks, or save it, or say what is wrong."""
    editor, key, doc, picks = page.editor, page.key, page.doc, page.picks
    catalogue = page.bank.misconceptions or {}
    used = page.used
    code = codes.new_code(form, editor.code_fields(form), picks, catalogue)
    codes.check_sentence_codes(picks, {*catalogue, *used, *([code] if code else [])})
    text = (form.new_text.data or "").strip() or catalogue.get(code, "")
    spec, sinks = editor.build_spec(form, picks, page.article, key, page.messages)
    if key is not None and _spec_of(doc, key).get("draft") is True:
        spec["draft"] = True  # editing a draft keeps it a draft: "Publish" on the bank page
    label = key if key is not None else str(spec["id"]) or f"#{len(doc['questions']) + 1}"
    trouble = form.new_code.errors or form.new_text.errors
    if trouble or any(fld.errors for fld in editor.code_fields(form)) or (picks and picks.errors):
        # not saved; the bank's other messages are shown with these (not the codes' again)
        _review, errors = quality.review(codes.with_code(ops.put_question(doc, spec, key), "", ""))
        errors = [e for e in errors if not e.field.endswith("misconception")]
        place_errors(errors, label, sinks, page.messages)
        return page.render(form, 422)
    new_doc = codes.with_code(ops.put_question(doc, spec, key), code, text)
    if action == "run-checks":
        return _run_checks(page, form, new_doc, str(spec["id"]), label, sinks)
    if key is None and spec["id"] in all_keys(get_session(), page.bank) - {
        q["id"] for q in doc["questions"]
    }:
        add_error(
            form.qid,
            "A deleted question of this bank had this id (its results keep it): choose another.",
        )
    if not form.errors:
        return _store(page, form, new_doc, str(spec["id"]), label, sinks, action)
    return page.render(form, 422)


def _run_checks(
    page: Page,
    form: QuestionForm,
    new_doc: dict[str, Any],
    qid: str,
    label: str,
    sinks: dict[str, Sink],
) -> tuple[str, int]:
    """The question's checks run on it as written; nothing saved."""
    if not form.errors:
        review, errors = quality.review(new_doc)
        if review is not None:
            page.checked.show(review, qid, page.messages.check_rows)
            return page.render(form, 200)
        place_errors(errors, label, sinks, page.messages)
    return page.render(form, 422)


def _store(
    page: Page,
    form: QuestionForm,
    new_doc: dict[str, Any],
    qid: str,
    label: str,
    sinks: dict[str, Sink],
    action: str,
) -> ResponseReturnValue:
    """Save the bank with the question; back to the bank page, or to a new question."""
    db, bank = get_session(), page.bank
    saved, errors = ops.save_document(db, g.teacher, new_doc, bank)
    if saved is None:
        db.rollback()
        place_errors(errors, label, sinks, page.messages)
        return page.render(form, 422)
    db.commit()
    review, _ = quality.review(new_doc)
    flash(f"Question {qid} saved." + _verdict(review, qid))
    if action == "save-another":
        return redirect(
            url_for("authoring.new_question", bank_id=bank.id, qtype=page.editor.type), code=303
        )
    return redirect(url_for("authoring.bank", bank_id=bank.id, _anchor=f"q-{qid}"), code=303)


def _verdict(review: quality.Review | None, qid: str) -> str:
    """`` Its checks: 3 checks: all pass. 2 item-writing warnings: see the bank page.``"""
    if review is None:
        return ""
    said = f" Its {review.summary(qid)}." if review.outcomes.get(qid) else ""
    count = len(review.about(qid))
    if count:
        said += f" {count} item-writing warning{'s' if count != 1 else ''}: see beside it."
    return said


def _position(bank: m.Bank, key: str | None) -> int | None:
    if key is None:
        return None
    for n, q in enumerate(services.live_questions(get_session(), bank, drafts=True), start=1):
        if q.key == key:
            return n
    return None


@bp.route("/<int:bank_id>/questions/new/<qtype>", methods=["GET", "POST"])
def new_question(bank_id: int, qtype: str) -> ResponseReturnValue:
    bank = own_bank(bank_id)
    if qtype not in TYPES:
        abort(404)
    return _editor(bank, qtype, None)


@bp.route("/<int:bank_id>/questions/<key>/edit", methods=["GET", "POST"])
def edit_question(bank_id: int, key: str) -> ResponseReturnValue:
    bank = own_bank(bank_id)
    doc = ops.document(get_session(), bank)
    return _editor(bank, _spec_of(doc, key)["type"], key, doc)


def _change(
    bank: m.Bank, doc: dict[str, Any], message: str, anchor: str = ""
) -> ResponseReturnValue:
    db = get_session()
    saved, errors = ops.save_document(db, g.teacher, doc, bank)
    if saved is None:
        db.rollback()
        flash("Not changed: " + "; ".join(f"{e.field}: {e.message}" for e in errors))
    else:
        db.commit()
        flash(message)
    return redirect(url_for("authoring.bank", bank_id=bank.id, _anchor=anchor), code=303)


@bp.post("/<int:bank_id>/questions/<key>/move")
def move_question(bank_id: int, key: str) -> ResponseReturnValue:
    bank = own_bank(bank_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    doc = ops.document(get_session(), bank)
    _spec_of(doc, key)
    delta = -1 if request.form.get("direction") == "up" else 1
    if not ops.move_question(doc, key, delta):
        return redirect(url_for("authoring.bank", bank_id=bank.id, _anchor=f"q-{key}"), code=303)
    return _change(bank, doc, f"Question {key} moved.", f"q-{key}")


@bp.post("/<int:bank_id>/questions/<key>/duplicate")
def duplicate_question(bank_id: int, key: str) -> ResponseReturnValue:
    bank = own_bank(bank_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    doc = ops.document(get_session(), bank)
    _spec_of(doc, key)
    copy_key = ops.duplicate_question(doc, key, all_keys(get_session(), bank))
    return _change(bank, doc, f"Question {key} copied as {copy_key}.", f"q-{copy_key}")


@bp.post("/<int:bank_id>/questions/<key>/publish")
def publish_question(bank_id: int, key: str) -> ResponseReturnValue:
    """Clear the question's ``draft`` mark: a new version students can be given."""
    bank = own_bank(bank_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    doc = ops.document(get_session(), bank)
    _spec_of(doc, key)
    if not ops.publish(doc, key):
        flash(f"Question {key} is already published.")
        return redirect(url_for("authoring.bank", bank_id=bank.id, _anchor=f"q-{key}"), code=303)
    return _change(bank, doc, f"Question {key} published: students can be given it.", f"q-{key}")


@bp.post("/<int:bank_id>/publish")
def publish_all(bank_id: int) -> ResponseReturnValue:
    """Clear the ``draft`` mark of every question of the bank."""
    bank = own_bank(bank_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    doc = ops.document(get_session(), bank)
    published = ops.publish(doc)
    if not published:
        flash("No draft to publish.")
        return redirect(url_for("authoring.bank", bank_id=bank.id), code=303)
    return _change(bank, doc, f"Published {plural(published, 'draft question')}.")


@bp.route("/<int:bank_id>/questions/<key>/delete", methods=["GET", "POST"])
def delete_question(bank_id: int, key: str) -> ResponseReturnValue:
    bank = own_bank(bank_id)
    doc = ops.document(get_session(), bank)
    spec = _spec_of(doc, key)
    form = PlainForm()
    if request.method == "GET":
        return render_template("authoring/delete_question.html", bank=bank, spec=spec, form=form)
    if not form.validate_on_submit():
        abort(400)
    ops.remove_question(doc, key)
    return _change(bank, doc, f"Question {key} was removed (past attempts keep it).")

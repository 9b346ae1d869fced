"""Authoring questions: add, edit, reorder, duplicate, delete; and previews that
grade in memory, exactly as a student's page looks, storing nothing."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Mapping
from typing import Any

from flask import Response, abort, flash, g, redirect, render_template, request, url_for

from quiz import services
from quiz.authoring import forms as f
from quiz.authoring import operations as ops
from quiz.authoring import quality
from quiz.authoring.blueprint import bp, own_bank, seen_bank
from quiz.authoring.specs import (
    Messages,
    Picks,
    build_spec,
    form_data,
    picks_from_request,
    place_errors,
)
from quiz.authoring.util import all_keys
from quiz.domain.article import Article
from quiz.domain.bankcheck import Outcome, run_checks
from quiz.domain.banklint import BankWarning
from quiz.domain.rendering import plural
from quiz.questions import TYPES, Unreadable
from quiz.questions.base import CODE_RE
from quiz.questions.classify import sentence_label
from quiz.store import models as m
from quiz.store.db import get_session

PICKED = ("classify", "highlight")


def _spec_of(doc: dict[str, Any], key: str) -> dict[str, Any]:
    try:
        return doc["questions"][ops.index_of(doc, key)]
    except KeyError:
        abort(404)


CODE_FORMAT = "capital letters, digits and _, starting with a letter, e.g. PERCENT_VS_POINTS"


def _code_fields(form: f.QuestionForm) -> Iterator[Any]:
    for list_name in ("options", "answers", "wrong", "checks"):
        for row in getattr(form, list_name, None) or ():
            yield row.form.misconception


def code_choices(catalogue: Mapping[str, str], used: set[str]) -> list[tuple[str, str]]:
    """The misconception select: none, the catalogue by its text, codes already used in
    the bank but not in it (a bank without a catalogue), and "a new one"."""
    choices = [("", "None")]
    choices += [(code, f"{text} ({code})") for code, text in catalogue.items()]
    choices += [(code, f"{code} (not in the catalogue)") for code in sorted(used - set(catalogue))]
    return [*choices, (f.NEW_CODE, "A new one: write it under “A new misconception”")]


def _used_codes(doc: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    for q in doc.get("questions") or []:
        for name in (*ops.ITEM_LISTS, "checks"):
            for item in q.get(name) or []:
                if isinstance(item, Mapping) and isinstance(item.get("misconception"), str):
                    found.add(item["misconception"])
    return found


def normalise_code(typed: str) -> str:
    """``percent-vs-points`` -> ``PERCENT_VS_POINTS``: runs of anything but letters and
    digits become one ``_``."""
    return re.sub(r"[^A-Za-z0-9]+", "_", typed.strip()).strip("_").upper()


def _new_code(form: f.QuestionForm, picks: Picks | None, catalogue: Mapping[str, str]) -> str:
    """The misconception written on the form (normalised), checked; the selects that chose
    "a new one" get its code. Messages go beside the fields; "" when there is none."""
    typed = (form.new_code.data or "").strip()
    text = (form.new_text.data or "").strip()
    code = normalise_code(typed)
    wanted = [fld for fld in _code_fields(form) if fld.data == f.NEW_CODE]
    sentences = [d for d in (picks.details.values() if picks else ()) if d.get("misconception")]
    wanted_sentences = [d for d in sentences if d["misconception"] == f.NEW_CODE]
    if typed and not CODE_RE.match(code):
        form.new_code.errors = [
            *form.new_code.errors,
            f"“{typed}” cannot be a code: use {CODE_FORMAT}.",
        ]
        code = ""
    elif typed:
        form.new_code.data = code
        if code in catalogue and text and text != catalogue[code]:
            form.new_code.errors = [
                *form.new_code.errors,
                f"{code} is in the catalogue already (“{catalogue[code]}”): pick it from the list.",
            ]
        elif code not in catalogue and not text:
            form.new_text.errors = [
                *form.new_text.errors,
                "Write what a student reads about this misconception.",
            ]
    elif text:
        form.new_code.errors = [*form.new_code.errors, f"Give it a code: {CODE_FORMAT}."]
    if (wanted or wanted_sentences) and not code:
        if not typed and not text:
            form.new_code.errors = [
                *form.new_code.errors,
                f"“A new one” was chosen: write its code ({CODE_FORMAT}) and its text here.",
            ]
        for fld in wanted:
            fld.errors = [*fld.errors, "Write the new misconception below, or pick one."]
    for fld in wanted:
        fld.data = code or fld.data
    for d in wanted_sentences:
        d["misconception"] = code or d["misconception"]
    return code if not (form.new_code.errors or form.new_text.errors) else ""


def _check_sentence_codes(picks: Picks | None, allowed: set[str]) -> None:
    for sid, d in picks.details.items() if picks else ():
        code = d.get("misconception", "")
        if code and code not in allowed:
            picks.errors.setdefault(sid, {}).setdefault("misconception", []).append(f.PICK_CODE)


def _with_code(doc: dict[str, Any], code: str, text: str) -> dict[str, Any]:
    """The document with a new misconception added to its catalogue."""
    if code and code not in (doc.get("misconceptions") or {}):
        doc["misconceptions"] = {**(doc.get("misconceptions") or {}), code: text}
    return doc


def _set_choices(
    form: f.QuestionForm, bank: m.Bank, article: Article, used: set[str] | None = None
) -> None:
    form.skill.choices = f.options(bank.skills)
    choices = code_choices(bank.misconceptions or {}, used or set())
    for fld in _code_fields(form):
        fld.choices = choices
    if isinstance(form, f.ChoiceForm):  # two options make a question: marked before a save
        for n, row in enumerate(form.options):
            if n < 2:
                row.form.text.render_kw = f.REQUIRED
                row.form.text.label.text = "Option text (required)"
    for list_name in ("answers",):
        rows = getattr(form, list_name, None)
        if rows:
            first = rows[0].form
            target = first.value if hasattr(first, "value") else first.text
            target.render_kw = f.REQUIRED
            target.label.text = f"{target.label.text} (required)"
    if isinstance(form, f.ClassifyForm):
        form.categories.choices = f.options(bank.categories)
    if isinstance(form, f.HighlightForm):
        form.paragraphs.choices = f.options(
            (str(n), sentence_label(article, para[0].id, words=6))
            for n, para in enumerate(article.paragraphs, start=1)
            if para
        )


def _editor(bank: m.Bank, qtype: str, key: str | None) -> Response | tuple[str, int]:
    db = get_session()
    doc = ops.document(db, bank)
    if key is not None and _spec_of(doc, key).get("variables"):
        # The editor has no fields for variables and formulas yet: saving from it would drop them.
        page = render_template(
            "authoring/question_variables.html", bank=bank, spec=_spec_of(doc, key)
        )
        return page, (200 if request.method == "GET" else 409)
    article = services.article_of(bank.article)
    cls = f.QUESTION_FORMS[qtype]
    messages = Messages()
    picks: Picks | None = Picks() if qtype in PICKED else None
    checked = Checked()
    used = _used_codes(doc)
    if request.method == "GET":
        if key is None:
            used = all_keys(db, bank) | {q["id"] for q in doc["questions"]}
            data: dict[str, Any] = {"qid": ops.fresh_key(used, qtype), "shuffle": True}
            data["skill"] = next(iter(bank.skills), "")
        else:
            data, picked = form_data(_spec_of(doc, key), article)
            picks = picked if qtype in PICKED else None
        form = cls(formdata=None, data=data)
        starting = f.STARTING_ROWS.get(qtype, {}) if key is None else {}
        for list_name, count in starting.items():
            for _ in range(count):
                getattr(form, list_name).append_entry()
        if key is not None:
            review, _ = quality.review(doc)
            if review is not None:
                runs = review.outcomes.get(key, [])
                checked.results = {row.name: o for row, o in zip(form.checks, runs, strict=False)}
                checked.warnings = review.about(key)
        if not form.checks.entries:
            form.checks.append_entry()
        _set_choices(form, bank, article, used)
        return _editor_page(bank, qtype, key, form, picks, messages, article, 200, checked)

    form = cls()
    _set_choices(form, bank, article, used)
    form.validate_on_submit()
    if "csrf_token" in form.errors:
        abort(400)
    if qtype in PICKED:
        picks = picks_from_request(request.form, article)
    action = request.form.get("action", "save")
    if action.startswith("add-") and action[4:] in ("options", "answers", "wrong", "checks"):
        getattr(form, action[4:]).append_entry()
        _set_choices(form, bank, article, used)
        return _editor_page(bank, qtype, key, form, picks, messages, article, 200)
    if action == "refresh":
        return _editor_page(bank, qtype, key, form, picks, messages, article, 200)
    catalogue = bank.misconceptions or {}
    new_code = _new_code(form, picks, catalogue)
    _check_sentence_codes(picks, {*catalogue, *used, *([new_code] if new_code else [])})
    new_text = (form.new_text.data or "").strip() or catalogue.get(new_code, "")
    spec, sinks = build_spec(qtype, form, picks, article, key, messages)
    if key is not None and _spec_of(doc, key).get("draft") is True:
        spec["draft"] = True  # editing a draft keeps it a draft: "Publish" on the bank page
    label = key if key is not None else str(spec["id"]) or f"#{len(doc['questions']) + 1}"
    trouble = form.new_code.errors or form.new_text.errors
    if trouble or any(fld.errors for fld in _code_fields(form)) or (picks and picks.errors):
        # not saved; the bank's other messages are shown with these (not the codes' again)
        _review, errors = quality.review(_with_code(ops.put_question(doc, spec, key), "", ""))
        errors = [e for e in errors if not e.field.endswith("misconception")]
        place_errors(errors, label, sinks, messages)
        return _editor_page(bank, qtype, key, form, picks, messages, article, 422, checked)
    if action == "run-checks":
        if not form.errors:
            review, errors = quality.review(
                _with_code(ops.put_question(doc, spec, key), new_code, new_text)
            )
            if review is not None:
                checked.show(review, str(spec["id"]), messages.check_rows)
                return _editor_page(bank, qtype, key, form, picks, messages, article, 200, checked)
            place_errors(errors, label, sinks, messages)
        return _editor_page(bank, qtype, key, form, picks, messages, article, 422, checked)
    if key is None and spec["id"] in all_keys(db, bank) - {q["id"] for q in doc["questions"]}:
        form.qid.errors = [
            *form.qid.errors,
            "A deleted question of this bank had this id (its results keep it): choose another.",
        ]
    if not form.errors:
        new_doc = _with_code(ops.put_question(doc, spec, key), new_code, new_text)
        saved, errors = ops.save_document(db, g.teacher, new_doc, bank)
        if saved is not None:
            db.commit()
            review, _ = quality.review(new_doc)
            flash(f"Question {spec['id']} saved." + _verdict(review, str(spec["id"])))
            if action == "save-another":
                return redirect(
                    url_for("authoring.new_question", bank_id=bank.id, qtype=qtype), code=303
                )
            return redirect(
                url_for("authoring.bank", bank_id=bank.id, _anchor=f"q-{spec['id']}"), code=303
            )
        db.rollback()
        place_errors(errors, label, sinks, messages)
    return _editor_page(bank, qtype, key, form, picks, messages, article, 422, checked)


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


def _verdict(review: quality.Review | None, qid: str) -> str:
    """`` Its checks: 3 checks: all pass. 2 item-writing warnings: see the bank page.``"""
    if review is None:
        return ""
    said = f" Its {review.summary(qid)}." if review.outcomes.get(qid) else ""
    count = len(review.about(qid))
    if count:
        said += f" {count} item-writing warning{'s' if count != 1 else ''}: see beside it."
    return said


def _editor_page(
    bank: m.Bank,
    qtype: str,
    key: str | None,
    form: f.QuestionForm,
    picks: Picks | None,
    messages: Messages,
    article: Article,
    status: int,
    checked: Checked | None = None,
) -> tuple[str, int]:
    checked = checked or Checked()
    failed = bool(status == 422 or messages.general or messages.extra)
    doc = ops.document(get_session(), bank)
    draft = key is not None and any(
        q.get("id") == key and q.get("draft") is True for q in doc["questions"]
    )
    page = render_template(
        "authoring/question.html",
        bank=bank,
        qtype=qtype,
        type_name=f.TYPE_NAMES[qtype],
        key=key,
        form=form,
        picks=picks,
        messages=messages,
        article=article,
        failed=failed,
        roles=f.ROLES,
        codes=code_choices(bank.misconceptions or {}, _used_codes(doc)),
        draft=draft,
        types=f.TYPE_NAMES,
        position=_position(bank, key),
        results=checked.results,
        warnings=checked.warnings,
        ran=checked.ran,
    )
    return page, status


def _position(bank: m.Bank, key: str | None) -> int | None:
    if key is None:
        return None
    for n, q in enumerate(services.live_questions(get_session(), bank, drafts=True), start=1):
        if q.key == key:
            return n
    return None


@bp.route("/<int:bank_id>/questions/new/<qtype>", methods=["GET", "POST"])
def new_question(bank_id: int, qtype: str) -> Response | tuple[str, int]:
    bank = own_bank(bank_id)
    if qtype not in TYPES:
        abort(404)
    return _editor(bank, qtype, None)


@bp.route("/<int:bank_id>/questions/<key>/edit", methods=["GET", "POST"])
def edit_question(bank_id: int, key: str) -> Response | tuple[str, int]:
    bank = own_bank(bank_id)
    spec = _spec_of(ops.document(get_session(), bank), key)
    return _editor(bank, spec["type"], key)


def _change(bank: m.Bank, doc: dict[str, Any], message: str, anchor: str = "") -> Response:
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
def move_question(bank_id: int, key: str) -> Response:
    bank = own_bank(bank_id)
    if not f.PlainForm().validate_on_submit():
        abort(400)
    doc = ops.document(get_session(), bank)
    _spec_of(doc, key)
    delta = -1 if request.form.get("direction") == "up" else 1
    if not ops.move_question(doc, key, delta):
        return redirect(url_for("authoring.bank", bank_id=bank.id, _anchor=f"q-{key}"), code=303)
    return _change(bank, doc, f"Question {key} moved.", f"q-{key}")


@bp.post("/<int:bank_id>/questions/<key>/duplicate")
def duplicate_question(bank_id: int, key: str) -> Response:
    bank = own_bank(bank_id)
    if not f.PlainForm().validate_on_submit():
        abort(400)
    doc = ops.document(get_session(), bank)
    _spec_of(doc, key)
    copy_key = ops.duplicate_question(doc, key, all_keys(get_session(), bank))
    return _change(bank, doc, f"Question {key} copied as {copy_key}.", f"q-{copy_key}")


@bp.post("/<int:bank_id>/questions/<key>/publish")
def publish_question(bank_id: int, key: str) -> Response:
    """Clear the question's ``draft`` mark: a new version students can be given."""
    bank = own_bank(bank_id)
    if not f.PlainForm().validate_on_submit():
        abort(400)
    doc = ops.document(get_session(), bank)
    _spec_of(doc, key)
    if not ops.publish(doc, key):
        flash(f"Question {key} is already published.")
        return redirect(url_for("authoring.bank", bank_id=bank.id, _anchor=f"q-{key}"), code=303)
    return _change(bank, doc, f"Question {key} published: students can be given it.", f"q-{key}")


@bp.post("/<int:bank_id>/publish")
def publish_all(bank_id: int) -> Response:
    """Clear the ``draft`` mark of every question of the bank."""
    bank = own_bank(bank_id)
    if not f.PlainForm().validate_on_submit():
        abort(400)
    doc = ops.document(get_session(), bank)
    published = ops.publish(doc)
    if not published:
        flash("No draft to publish.")
        return redirect(url_for("authoring.bank", bank_id=bank.id), code=303)
    return _change(bank, doc, f"Published {plural(published, 'draft question')}.")


@bp.route("/<int:bank_id>/questions/<key>/delete", methods=["GET", "POST"])
def delete_question(bank_id: int, key: str) -> Response | str:
    bank = own_bank(bank_id)
    doc = ops.document(get_session(), bank)
    spec = _spec_of(doc, key)
    form = f.PlainForm()
    if request.method == "GET":
        return render_template("authoring/delete_question.html", bank=bank, spec=spec, form=form)
    if not form.validate_on_submit():
        abort(400)
    ops.remove_question(doc, key)
    return _change(bank, doc, f"Question {key} was removed (past attempts keep it).")


# -- previews ---------------------------------------------------------------------------------


def _echo(form: dict[str, list[str]]) -> dict[str, Any]:
    """What was typed, shaped like a response, to show again with the message."""
    echo: dict[str, Any] = {}
    for key, values in form.items():
        if key in ("choices", "sentences"):
            echo[key] = values
        elif key.startswith("label-") and values:
            echo.setdefault("labels", {})[key[6:]] = values[0]
        elif key in ("value", "text", "choice") and values:
            echo["text" if key == "value" else key] = values[0]
    return echo


@bp.route("/<int:bank_id>/preview", methods=["GET"])
def preview_bank(bank_id: int) -> Response:
    bank = seen_bank(bank_id)
    return redirect(url_for("authoring.preview", bank_id=bank.id, n=1))


@bp.route("/<int:bank_id>/preview/<int:n>", methods=["GET", "POST"])
def preview(bank_id: int, n: int) -> tuple[str, int]:
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
    form = f.PlainForm()
    response = grade = error = None
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            response = question.read_response(request.form.to_dict(flat=False), state)
            if response is None:
                error = "Please answer the question before checking."
        except Unreadable as exc:
            error = str(exc)
            response = _echo(request.form.to_dict(flat=False))
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

"""Banks in and out on the authoring pages (issue #21): import a Moodle GIFT file or
a Kahoot / Wayground spreadsheet as a new bank, and export a bank as GIFT, as a QTI
2.1 package or as those spreadsheets. The work is done by ``quiz.interchange``;
an import goes through the same validation as ``bank check`` and the YAML upload,
and a file with any problem changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response, abort, current_app, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.file import FileField
from werkzeug.utils import secure_filename
from wtforms import BooleanField, RadioField

from quiz.authoring import operations as ops
from quiz.authoring.blueprint import bp, seen_bank
from quiz.authoring.dump import stored_document
from quiz.domain.banks import LoadedBank, parse_bank_data
from quiz.interchange import gift, qti, sheets
from quiz.interchange.common import MAX_BYTES, Imported
from quiz.store import models as m
from quiz.store.db import get_session
from quiz.web.fields import options
from quiz.web.forms import Form

KINDS = {
    "gift": "Moodle GIFT (a .txt or .gift file)",
    "sheet": "A Kahoot or Wayground (Quizizz) spreadsheet (.xlsx or .csv)",
}
MAX_NOTES = 20


class ImportForm(Form):
    kind = RadioField("What kind of file", choices=options(KINDS), default="gift")
    file = FileField("The file (at most 1 MiB)")
    skip_unsupported = BooleanField(
        "Import the rest when some questions have no type of ours (essay, description, poll)"
    )


def _import(form: ImportForm) -> Imported | None:
    upload = form.file.data
    if not upload or not getattr(upload, "filename", ""):
        form.file.errors = [*form.file.errors, "Choose a file to import."]
        return None
    name = secure_filename(upload.filename) or "upload"
    raw = upload.stream.read(MAX_BYTES + 1)
    skip = bool(form.skip_unsupported.data)
    if form.kind.data == "sheet":
        return sheets.import_sheet(raw, name, skip_unsupported=skip)
    return gift.import_gift(raw, name, skip_unsupported=skip)[1]


@bp.route("/import", methods=["GET", "POST"])
def import_bank() -> ResponseReturnValue:
    form = ImportForm()
    if not form.is_submitted():
        return render_template("authoring/import.html", form=form, result=None), 200
    form.validate()
    if "csrf_token" in form.errors:
        abort(400)
    result = _import(form)
    if result is None or result.errors or result.bank is None:
        page = render_template("authoring/import.html", form=form, result=result)
        return page, 422
    db = get_session()
    stored = ops.store(db, g.teacher, result.bank)
    db.commit()
    flash(
        f"Imported {len(result.bank.questions)} questions into “{stored.title}”. "
        "It has no article yet: attach one on its Article page before students take it."
    )
    for line in (result.skipped + result.notes)[:MAX_NOTES]:
        flash(line)
    return redirect(url_for("authoring.bank", bank_id=stored.id), code=303)


def _loaded(bank_id: int) -> tuple[LoadedBank, str]:
    bank = seen_bank(bank_id)
    loaded, _ = parse_bank_data(stored_document(get_session(), bank), "form")
    if loaded is None:  # a stored bank was valid when it was stored
        abort(409, "This bank does not validate any more; download its YAML to see why.")
    return loaded, bank.slug


def _attachment(body: bytes, filename: str, content_type: str) -> Response:
    return Response(
        body,
        content_type=content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/<int:bank_id>/export.gift")
def export_gift(bank_id: int) -> Response:
    loaded, slug = _loaded(bank_id)
    text, skipped = gift.export_gift(loaded)
    head = "".join(f"// not exported: {gift.escape(s)}\n" for s in skipped)
    return _attachment((head + text).encode(), f"{slug}.gift", "text/plain; charset=utf-8")


@bp.get("/<int:bank_id>/export-qti.zip")
def export_qti(bank_id: int) -> Response:
    loaded, slug = _loaded(bank_id)
    data, _ = qti.export_qti(loaded)
    return _attachment(data, f"{slug}-qti21.zip", "application/zip")


@bp.get("/<int:bank_id>/export-<any(kahoot, wayground):layout>.<any(xlsx, csv):fmt>")
def export_sheet(bank_id: int, layout: str, fmt: str) -> Response:
    loaded, slug = _loaded(bank_id)
    data, _ = sheets.export_sheet(loaded, layout, fmt)
    kind = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    return _attachment(data, f"{slug}-{layout}.{fmt}", kind)


# -- what each export leaves out, shown beside its link on the bank page -----------------


@dataclass(frozen=True)
class ExportNote:
    """One export of a bank: its link, how many of the bank's questions it carries,
    and the reason for each question it leaves out."""

    name: str
    url: str
    carried: int
    total: int
    left_out: tuple[str, ...]


_EXPORTS: tuple[tuple[str, str, dict[str, Any], Callable[[LoadedBank], list[str]]], ...] = (
    ("Moodle GIFT", "authoring.export_gift", {}, lambda b: gift.export_gift(b)[1]),
    (
        "QTI 2.1 package (Canvas, Blackboard…)",
        "authoring.export_qti",
        {},
        lambda b: qti.package_files(b)[1],
    ),
    (
        "Kahoot spreadsheet",
        "authoring.export_sheet",
        {"layout": "kahoot", "fmt": "xlsx"},
        lambda b: sheets.export_rows(b, "kahoot")[1],
    ),
    (
        "Wayground spreadsheet",
        "authoring.export_sheet",
        {"layout": "wayground", "fmt": "xlsx"},
        lambda b: sheets.export_rows(b, "wayground")[1],
    ),
)
_left_out: dict[str, list[tuple[str, ...]]] = {}  # by the bank's sha256


def _left_out_by(export: Callable[[LoadedBank], list[str]], bank: LoadedBank) -> tuple[str, ...]:
    """What one export leaves out; an export that fails leaves out everything, said
    so (the bank page still shows; the download fails the same way)."""
    try:
        return tuple(export(bank))
    except Exception as exc:  # shown on the page; the download raises it in full
        current_app.logger.warning("an export of bank %s failed: %r", bank.id, exc)
        return (FAILED,)


FAILED = "This export could not be built (its download fails too): check the bank's file."


def export_notes(bank: m.Bank, loaded: LoadedBank | None) -> list[ExportNote]:
    """Each export of the stored ``bank`` (``loaded``: as the bank page parsed it; None
    if it no longer validates), with what it leaves out: a Kahoot spreadsheet holds
    choice questions of up to four options only, and a teacher should know before
    importing it that it carries 2 of 42 questions. The exports are built to find out
    (about 50 ms for 42 questions), once per content of the bank: its sha256, which
    every change of it (``services.import_bank``) renews."""
    if loaded is None:
        return []
    found = _left_out.get(bank.sha256)
    if found is None:
        found = [_left_out_by(export, loaded) for _n, _e, _v, export in _EXPORTS]
        if len(_left_out) >= 64:
            _left_out.clear()
        _left_out[bank.sha256] = found
    total = len(loaded.questions)
    return [
        ExportNote(
            name,
            url_for(endpoint, bank_id=bank.id, **values),
            0 if out == (FAILED,) else total - len(out),
            total,
            out,
        )
        for (name, endpoint, values, _x), out in zip(_EXPORTS, found, strict=True)
    ]

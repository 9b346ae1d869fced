""" "New bank from an article" (issue #19): paste or upload an article, read it
annotated (the voice of every sentence, each numeric claim with what the article
leaves out, loaded words highlighted, every flag with its reason), correct any
label, and create a draft bank in the editor.

The annotation is done again from the article text on each step (it is
deterministic, so the ids never move); only the teacher's corrections travel in
the form. Nothing is stored until the draft bank is created, all or nothing.
"""

from __future__ import annotations

import re
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length

from quiz.authoring import operations as ops
from quiz.authoring.blueprint import bp
from quiz.domain.banks import parse_bank
from quiz.drafting import Annotation, ArticleInputError, annotate, parse_article, read_article
from quiz.drafting.annotate import ClaimNote
from quiz.drafting.bankdraft import NothingToDraft, draft_bank_yaml
from quiz.drafting.checks import CHECKS, CheckResult
from quiz.drafting.text import MAX_BYTES
from quiz.drafting.voice import VoiceLabel
from quiz.store.db import get_session
from quiz.web.fields import options
from quiz.web.forms import Form, SubForm

VOICE_NAMES = {
    "attributed_report": "Attributed report: credited to a named source",
    "vague_attribution": "Vague attribution: a source no reader can check",
    "unattributed_assertion": "Unattributed assertion: the writer states it",
    "analysis_opinion": "Analysis or opinion: the writer interprets",
    "advocacy": "Advocacy: the writer says what should be done",
    "reported_advocacy": "Reported advocacy: someone else's call for action",
    "background": "Background: context, not the news",
}
CHECK_NAMES = {
    "baseline": "The starting number or absolute counts",
    "period": "The period compared",
    "definition": "What was counted (the definition)",
    "denominator": "A denominator or exposure",
    "source": "A named source",
}
KIND_NAMES = {
    "percentage_points": "percentage points",
    "percent_change": "percent change",
    "multiplier": "multiplier",
    "rate": "rate",
    "share": "share",
    "count_change": "change in a count",
}
# A 5 MB paste must reach the form to get its message beside the field.
MAX_REQUEST = 8 * 1024 * 1024
BY_TEACHER = "set by you"


class DraftForm(Form):
    text = TextAreaField(
        "The article: its title on the first line, a blank line, then the paragraphs",
        render_kw={"rows": 18},
    )
    file = FileField(f"Or a text file (UTF-8, at most {MAX_BYTES // 1024} KB)")
    source = StringField(
        "Source note (where the text comes from)",
        validators=[Length(max=300, message="Please keep the source note under 300 characters.")],
    )


class SentenceRow(SubForm):
    sid = HiddenField()
    voice = SelectField("Voice", choices=options(VOICE_NAMES))
    loaded = StringField("Loaded words (separated by commas)")


class ClaimRow(SubForm):
    cid = HiddenField()  # the claim's sentence id: a row with no box ticked still arrives
    baseline = BooleanField(CHECK_NAMES["baseline"])
    period = BooleanField(CHECK_NAMES["period"])
    definition = BooleanField(CHECK_NAMES["definition"])
    denominator = BooleanField(CHECK_NAMES["denominator"])
    source = BooleanField(CHECK_NAMES["source"])


class ReviewForm(Form):
    article = HiddenField()
    source = HiddenField()
    sentences = FieldList(FormField(SentenceRow))
    claims = FieldList(FormField(ClaimRow))


@bp.url_value_preprocessor
def _room_for_a_long_paste(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    """Runs before the CSRF check reads the form: a paste over the app's 1 MB request
    limit reaches the drafter's own size check, answered beside the field."""
    if endpoint in ("authoring.draft", "authoring.draft_create"):
        request.max_content_length = MAX_REQUEST
        request.max_form_memory_size = MAX_REQUEST


def _segments(text: str, words: list[str]) -> list[tuple[str, bool]]:
    """The sentence cut into (text, is_loaded) pieces, for <mark> without |safe."""
    if not words:
        return [(text, False)]
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.I)
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            out.append((text[pos : m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def _review_data(ann: Annotation, text: str, source: str) -> dict[str, Any]:
    return {
        "article": text,
        "source": source,
        "sentences": [
            {"sid": n.sentence.id, "voice": n.voice.voice, "loaded": ", ".join(n.loaded)}
            for n in ann.sentences
        ],
        "claims": [
            {"cid": c.claim.sentence_id, **{k: c.checks[k].given for k in CHECKS}}
            for c in ann.claims
        ],
    }


def _review(
    ann: Annotation, form: ReviewForm, status: int = 200, general: list[str] | None = None
) -> tuple[str, int]:
    rows = {row.form.sid.data: row.form for row in form.sentences}
    paragraphs: list[list[dict[str, Any]]] = []
    claims_by_sentence: dict[str, list[ClaimNote]] = {}
    for c in ann.claims:
        claims_by_sentence.setdefault(c.claim.sentence_id, []).append(c)
    for para in ann.article.paragraphs:
        items = []
        for s in para:
            note = ann.sentence(s.id)
            assert note is not None
            items.append(
                {
                    "note": note,
                    "row": rows.get(s.id),
                    "segments": _segments(s.text, note.loaded),
                    "claims": claims_by_sentence.get(s.id, []),
                }
            )
        paragraphs.append(items)
    claim_rows = list(zip(ann.claims, [row.form for row in form.claims], strict=False))
    flags = sum(len(c.missing) for c in ann.claims)
    return render_template(
        "authoring/draft_review.html",
        ann=ann,
        form=form,
        paragraphs=paragraphs,
        claim_rows=claim_rows,
        voice_names=VOICE_NAMES,
        check_names=CHECK_NAMES,
        kind_names=KIND_NAMES,
        checks=CHECKS,
        flags=flags,
        general=general or [],
    ), status


def _start_page(form: DraftForm, status: int = 200) -> tuple[str, int]:
    return render_template("authoring/draft.html", form=form, max_kb=MAX_BYTES // 1024), status


@bp.route("/draft", methods=["GET", "POST"])
def draft() -> tuple[str, int]:
    """Step 1: the article, pasted or uploaded. Step 2 (its POST): the annotated reading."""
    form = DraftForm()
    if request.method == "GET":
        return _start_page(form)
    if not form.validate_on_submit():
        return _start_page(form, 422)
    upload = form.file.data
    from_file = bool(upload and getattr(upload, "filename", ""))
    if from_file:
        data = upload.stream.read(MAX_BYTES + 1)
    else:
        data = (form.text.data or "").encode("utf-8")
    try:
        parsed = read_article(data)
    except ArticleInputError as exc:
        (form.file if from_file else form.text).errors = [str(exc)]
        return _start_page(form, 422)
    if from_file:  # the file's text goes on, and back into the box if anything fails later
        form.text.data = data.decode("utf-8-sig")
    ann = annotate(parsed)
    review = ReviewForm(
        formdata=None, data=_review_data(ann, form.text.data or "", form.source.data or "")
    )
    return _review(ann, review)


def _apply(ann: Annotation, form: ReviewForm) -> bool:
    """Put the teacher's labels on the annotation; False (errors on the rows) if a
    row cannot be used."""
    ok = True
    if len(form.sentences) != len(ann.sentences) or len(form.claims) != len(ann.claims):
        return False
    for row, note in zip(form.sentences, ann.sentences, strict=True):
        sub = row.form
        if sub.sid.data != note.sentence.id:
            return False
        if sub.voice.data != note.voice.voice:
            note.voice = VoiceLabel(sub.voice.data, BY_TEACHER)
        words = [w.strip() for w in (sub.loaded.data or "").split(",") if w.strip()]
        absent = [w for w in words if w.lower() not in note.sentence.text.lower()]
        if absent:
            sub.loaded.errors = [
                f"Not in this sentence: {', '.join(absent)}. Type words as the sentence "
                "has them, separated by commas."
            ]
            ok = False
        note.loaded = words
    for claim_row, claim in zip(form.claims, ann.claims, strict=True):
        if claim_row.form.cid.data != claim.claim.sentence_id:
            return False
        for k in CHECKS:
            given = bool(getattr(claim_row.form, k).data)
            if given != claim.checks[k].given:
                claim.checks[k] = CheckResult(
                    given, f"{BY_TEACHER}: {'given' if given else 'missing'}"
                )
    return ok


@bp.post("/draft/create")
def draft_create() -> ResponseReturnValue:
    """Step 3: the draft bank, from the article and the teacher's labels."""
    form = ReviewForm()
    text = form.article.data or ""
    try:
        parsed = parse_article(text)
    except ArticleInputError as exc:
        start = DraftForm(formdata=None, data={"text": text, "source": form.source.data or ""})
        start.text.errors = [str(exc)]
        return _start_page(start, 422)
    ann = annotate(parsed)
    if not form.validate_on_submit():
        return _review(ann, form, 422)
    if not _apply(ann, form):
        if not any(row.form.loaded.errors for row in form.sentences):
            fresh = ReviewForm(formdata=None, data=_review_data(ann, text, form.source.data or ""))
            return _review(
                ann,
                fresh,
                422,
                ["The labels did not match the article's sentences; they are shown afresh."],
            )
        return _review(ann, form, 422)
    try:
        yaml_text = draft_bank_yaml(ann, source=form.source.data or "Pasted article")
    except NothingToDraft as exc:
        return _review(ann, form, 422, [str(exc)])
    loaded, errors = parse_bank(yaml_text, "draft.yaml")
    if loaded is None:  # a bug in the drafter: say so, store nothing
        return _review(ann, form, 422, [f"The draft could not be made: {e}" for e in errors[:5]])
    db = get_session()
    bank = ops.store(db, g.teacher, loaded, None)
    db.commit()
    flash(
        f"Draft bank created: {len(loaded.questions)} questions. Every question is a draft "
        "made from your labels, not given to students: read each one, change what needs "
        "changing, publish it (or “Publish all drafts”), then assign it."
    )
    return redirect(url_for("authoring.bank", bank_id=bank.id), code=303)

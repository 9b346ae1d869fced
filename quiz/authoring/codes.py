"""A misconception on the question editor: the selects' choices (the bank's catalogue,
codes the bank uses, "a new one") and the new misconception written on the same page,
checked and given to the selects that chose it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from wtforms import Field

from quiz.authoring import operations as ops
from quiz.questions.editors import Picks, QuestionForm
from quiz.questions.editors.fields import NEW_CODE, PICK_CODE
from quiz.questions.editors.places import add_error
from quiz.questions.spec import CODE_RE

CODE_FORMAT = "capital letters, digits and _, starting with a letter, e.g. PERCENT_VS_POINTS"


def code_choices(catalogue: Mapping[str, str], used: set[str]) -> list[tuple[str, str]]:
    """The misconception select: none, the catalogue by its text, codes already used in
    the bank but not in it (a bank without a catalogue), and "a new one"."""
    choices = [("", "None")]
    choices += [(code, f"{text} ({code})") for code, text in catalogue.items()]
    choices += [(code, f"{code} (not in the catalogue)") for code in sorted(used - set(catalogue))]
    return [*choices, (NEW_CODE, "A new one: write it under “A new misconception”")]


def used_codes(doc: Mapping[str, Any]) -> set[str]:
    """The misconception codes the bank's questions name."""
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


def _checked_code(form: QuestionForm, typed: str, text: str, catalogue: Mapping[str, str]) -> str:
    """The typed code, normalised; "" when it cannot be one. Messages beside the fields."""
    code = normalise_code(typed)
    if typed and not CODE_RE.match(code):
        add_error(form.new_code, f"“{typed}” cannot be a code: use {CODE_FORMAT}.")
        return ""
    if typed:
        form.new_code.data = code
        if code in catalogue and text and text != catalogue[code]:
            add_error(
                form.new_code,
                f"{code} is in the catalogue already (“{catalogue[code]}”): pick it from the list.",
            )
        elif code not in catalogue and not text:
            add_error(form.new_text, "Write what a student reads about this misconception.")
    elif text:
        add_error(form.new_code, f"Give it a code: {CODE_FORMAT}.")
    return code


def new_code(
    form: QuestionForm,
    code_fields: Iterable[Field],
    picks: Picks | None,
    catalogue: Mapping[str, str],
) -> str:
    """The misconception written on the form (normalised), checked; the selects that chose
    "a new one" get its code. Messages go beside the fields; "" when there is none."""
    typed = (form.new_code.data or "").strip()
    text = (form.new_text.data or "").strip()
    wanted = [fld for fld in code_fields if fld.data == NEW_CODE]
    sentences = [d for d in (picks.details.values() if picks else ()) if d.get("misconception")]
    wanted_sentences = [d for d in sentences if d["misconception"] == NEW_CODE]
    code = _checked_code(form, typed, text, catalogue)
    if (wanted or wanted_sentences) and not code:
        if not typed and not text:
            add_error(
                form.new_code,
                f"“A new one” was chosen: write its code ({CODE_FORMAT}) and its text here.",
            )
        for fld in wanted:
            add_error(fld, "Write the new misconception below, or pick one.")
    for fld in wanted:
        fld.data = code or fld.data
    for d in wanted_sentences:
        d["misconception"] = code or d["misconception"]
    return code if not (form.new_code.errors or form.new_text.errors) else ""


def check_sentence_codes(picks: Picks | None, allowed: set[str]) -> None:
    """A sentence's misconception must be one the bank knows (or the new one)."""
    if picks is None:
        return
    for sid, d in picks.details.items():
        code = d.get("misconception", "")
        if code and code not in allowed:
            picks.errors.setdefault(sid, {}).setdefault("misconception", []).append(PICK_CODE)


def with_code(doc: dict[str, Any], code: str, text: str) -> dict[str, Any]:
    """The document with a new misconception added to its catalogue."""
    if code and code not in (doc.get("misconceptions") or {}):
        doc["misconceptions"] = {**(doc.get("misconceptions") or {}), code: text}
    return doc

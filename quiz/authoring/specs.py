"""Question forms to bank specs and back, and the bank's messages back beside the fields.

A spec is built from what was typed, as a bank file would hold it, and is checked
only by ``quiz.domain.banks.parse_bank_data`` with the rest of the bank. Each place in
the spec (``options[1].feedback``) is tied to the form field it came from, so a
``BankError`` about it is shown beside that field.

Sentences of ``classify`` and ``highlight`` questions are ticked in the article
(form fields ``pick``) and described by fields named after the sentence id
(``s-p3-s2-feedback``); they are stored as quotes of the whole sentence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import Field

from quiz.authoring.forms import QuestionForm
from quiz.domain.article import Article
from quiz.domain.banks import BankError

Sink = Callable[[str], None]
DETAILS = ("category", "role", "feedback", "misconception")
_LAST_STEP = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")


@dataclass
class Picks:
    """The sentences ticked in the article and what was written about each."""

    chosen: list[str] = field(default_factory=list)  # sentence ids, in reading order
    details: dict[str, dict[str, str]] = field(default_factory=dict)
    errors: dict[str, dict[str, list[str]]] = field(default_factory=dict)


@dataclass
class Messages:
    """Messages that have no input of their own: a list's, a row's, the bank's."""

    extra: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    check_rows: list[str] = field(default_factory=list)  # the checks' rows, in spec order

    def sink(self, key: str) -> Sink:
        return lambda message: self.extra.setdefault(key, []).append(message)


def number(text: str | None) -> Any:
    """A typed number as a bank file would hold it; text that is no number is kept
    as text, so that the bank's check says what is wrong with it."""
    typed = (text or "").strip()
    if not typed:
        return None
    try:
        value = float(typed.replace("\u2212", "-"))
    except ValueError:
        return typed
    if math.isnan(value) or math.isinf(value):
        return typed
    return int(value) if value.is_integer() else value


def shown(value: Any) -> str:
    """A spec's number as the form shows it."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text(f: Field) -> str:
    return (f.data or "").strip() if isinstance(f.data, str) else ""


def _add(f: Field, message: str) -> None:
    f.errors = [*f.errors, message]


def _blank(row: Any, names: tuple[str, ...]) -> bool:
    return all(not _text(getattr(row, n)) for n in names) and not getattr(
        getattr(row, "correct", None), "data", False
    )


# -- form -> spec ------------------------------------------------------------------------


def picks_from_request(data: MultiDict[str, str], article: Article) -> Picks:
    ticked = set(data.getlist("pick"))
    chosen = [s.id for s in article.sentences if s.id in ticked]
    details = {
        sid: {k: (data.get(f"s-{sid}-{k}") or "").strip() for k in DETAILS} for sid in chosen
    }
    for d in details.values():
        d["role"] = d["role"] or "right"
    return Picks(chosen, details)


def build_spec(
    qtype: str,
    form: QuestionForm,
    picks: Picks | None,
    article: Article,
    key: str | None,
    messages: Messages,
) -> tuple[dict[str, Any], dict[str, Sink]]:
    """The question spec the form describes, and where each place's messages go."""
    sinks: dict[str, Sink] = {}

    def tie(path: str, f: Field) -> None:
        sinks[path] = lambda message: _add(f, message)

    spec: dict[str, Any] = {"id": key if key is not None else _text(form.qid), "type": qtype}
    tie("id", form.qid)
    spec["skill"] = form.skill.data or ""
    tie("skill", form.skill)
    spec["prompt"] = _text(form.prompt)
    tie("prompt", form.prompt)
    points = number(form.points.data)
    if points is not None:
        spec["points"] = points
    tie("points", form.points)
    if qtype in ("single", "multiple"):
        spec["shuffle"] = bool(form.shuffle.data)
        spec["options"] = _options(form, qtype, tie, sinks, messages)
    elif qtype in ("numeric", "text"):
        if qtype == "numeric":
            spec["unit"] = form.unit.data or "number"
            tie("unit", form.unit)
        names = ("value", "tolerance", "relative", "credit", "feedback", "misconception")
        if qtype == "text":
            names = ("text", "credit", "feedback", "misconception")
        for list_name in ("answers", "wrong"):
            items = _rows(form, list_name, names, tie, sinks, messages, accepted=list_name)
            if items or list_name == "answers":
                spec[list_name] = items
        _otherwise(form, spec, tie)
    else:
        _sentences(qtype, form, picks or Picks(), article, spec, tie, sinks, messages)
    spec["explanation"] = _text(form.explanation)
    tie("explanation", form.explanation)
    checks = _checks(qtype, form, tie, sinks, messages)
    if checks:
        spec["checks"] = checks
    return spec, sinks


# -- checks: a student's answer and the score it must get --------------------------------

_AT_LEAST = re.compile(r"(?:at\s+least|>=|≥|min(?:imum)?)\s*(.+)")
_AT_MOST = re.compile(r"(?:at\s+most|<=|≤|max(?:imum)?)\s*(.+)")
_RANGE = re.compile(r"(\S+)\s*(?:to|–|—|\.\.)\s*(\S+)")
_LISTED = ("multiple", "highlight")


def answer_value(qtype: str, typed: str) -> Any:
    """A check's answer as the bank holds it, from the editor's text box: one line for a
    typed answer or a single option, one option or sentence per line for ``multiple``
    and ``highlight``, and ``sentence = category`` lines for ``classify``."""
    lines = [line.strip() for line in typed.replace("\r\n", "\n").split("\n") if line.strip()]
    if qtype in _LISTED:
        return lines
    if qtype == "classify":
        labels: dict[str, str] = {}
        for line in lines:
            sep = "=" if "=" in line else ":"
            sentence, _, category = line.rpartition(sep) if sep in line else (line, "", "")
            labels[sentence.strip()] = category.strip()
        return labels
    return typed.strip()


def answer_text(answer: Any) -> str:
    """The editor's text box for a check's answer (the reverse of ``answer_value``)."""
    if isinstance(answer, Mapping):
        return "\n".join(f"{k} = {v}" for k, v in answer.items())
    if isinstance(answer, list):
        return "\n".join(str(a) for a in answer)
    return "" if answer is None else str(answer)


def expectation(typed: str) -> dict[str, Any]:
    """``1``, ``at least 0.5``, ``at most 0.9``, ``0.5 to 0.9`` as check fields. Text that is
    no number is kept, so that the bank's check says what is wrong with it."""
    text = " ".join(typed.split()).casefold()
    if not text:
        return {}
    if m := _AT_LEAST.fullmatch(text):
        return {"at_least": number(m[1])}
    if m := _AT_MOST.fullmatch(text):
        return {"at_most": number(m[1])}
    if m := _RANGE.fullmatch(text):
        return {"at_least": number(m[1]), "at_most": number(m[2])}
    return {"fraction": number(text)}


def expectation_text(check: Mapping[str, Any]) -> str:
    low, high, exact = check.get("at_least"), check.get("at_most"), check.get("fraction")
    if exact is not None:
        return shown(exact)
    if low is not None and high is not None:
        return f"{shown(low)} to {shown(high)}"
    if low is not None:
        return f"at least {shown(low)}"
    if high is not None:
        return f"at most {shown(high)}"
    return ""


def _checks(
    qtype: str,
    form: QuestionForm,
    tie: Callable[[str, Field], None],
    sinks: dict[str, Sink],
    messages: Messages,
) -> list[dict[str, Any]]:
    sinks["checks"] = messages.sink("checks")
    rows = [r for r in form.checks if not _blank(r.form, ("answer", "expect", "misconception"))]
    items: list[dict[str, Any]] = []
    messages.check_rows = []
    for n, row in enumerate(rows):
        r = row.form
        item: dict[str, Any] = {"answer": answer_value(qtype, r.answer.data or "")}
        if not _text(r.answer):
            item["answer"] = None  # the bank says it is required
        item.update(expectation(_text(r.expect)))
        if _text(r.misconception):
            item["misconception"] = _text(r.misconception)
        items.append(item)
        path = f"checks[{n}]"
        sinks[path] = messages.sink(row.name)
        tie(f"{path}.answer", r.answer)
        for name in ("fraction", "at_least", "at_most"):
            tie(f"{path}.{name}", r.expect)
        tie(f"{path}.misconception", r.misconception)
        messages.check_rows.append(row.name)
    return items


def _otherwise(form: QuestionForm, spec: dict[str, Any], tie: Callable[[str, Field], None]) -> None:
    if _text(form.otherwise):
        spec["otherwise"] = _text(form.otherwise)
    tie("otherwise", form.otherwise)


def _options(
    form: QuestionForm,
    qtype: str,
    tie: Callable[[str, Field], None],
    sinks: dict[str, Sink],
    messages: Messages,
) -> list[dict[str, Any]]:
    sinks["options"] = messages.sink("options")
    rows = [r for r in form.options if not _blank(r.form, ("text", "credit", "feedback"))]
    used = {_text(r.form.oid) for r in rows if _text(r.form.oid)}
    fresh = (c for c in "abcdefghijklmnopqrstuvwxyz" if c not in used)
    items: list[dict[str, Any]] = []
    for n, row in enumerate(rows):
        r = row.form
        if not _text(r.oid):
            r.oid.data = next(fresh, f"o{len(used) + n + 1}")
        item: dict[str, Any] = {"id": _text(r.oid), "text": _text(r.text)}
        if r.correct.data:
            item["correct"] = True
        elif qtype == "single" and number(r.credit.data) is not None:
            item["credit"] = number(r.credit.data)
        item["feedback"] = _text(r.feedback)
        if _text(r.misconception):
            item["misconception"] = _text(r.misconception)
        items.append(item)
        path = f"options[{n}]"
        sinks[path] = messages.sink(row.name)
        for name, f in (("text", r.text), ("correct", r.correct), ("credit", r.credit)):
            tie(f"{path}.{name}", f)
        tie(f"{path}.feedback", r.feedback)
        tie(f"{path}.misconception", r.misconception)
    return items


def _rows(
    form: QuestionForm,
    list_name: str,
    names: tuple[str, ...],
    tie: Callable[[str, Field], None],
    sinks: dict[str, Sink],
    messages: Messages,
    accepted: str,
) -> list[dict[str, Any]]:
    """Accepted values or answers (``answers``) and anticipated wrong ones (``wrong``)."""
    sinks[list_name] = messages.sink(list_name)
    typed = tuple(n for n in names if n != "misconception")
    rows = [r for r in getattr(form, list_name) if not _blank(r.form, typed)]
    items: list[dict[str, Any]] = []
    for n, row in enumerate(rows):
        r = row.form
        item: dict[str, Any] = {}
        for name in names:
            if name == "credit" and accepted != "answers":
                continue
            f = getattr(r, name)
            tie(f"{list_name}[{n}].{name}", f)
            if name in ("value", "tolerance", "relative", "credit"):
                value = number(f.data)
                if value is not None:
                    item[name] = value
            elif _text(f) or name in ("text", "feedback"):
                item[name] = _text(f)
        items.append(item)
        sinks[f"{list_name}[{n}]"] = messages.sink(row.name)
    return items


def _sentences(
    qtype: str,
    form: QuestionForm,
    picks: Picks,
    article: Article,
    spec: dict[str, Any],
    tie: Callable[[str, Field], None],
    sinks: dict[str, Sink],
    messages: Messages,
) -> None:
    if qtype == "classify":
        if form.categories.data:
            spec["categories"] = list(form.categories.data)
        tie("categories", form.categories)
    else:
        if form.paragraphs.data:
            spec["paragraphs"] = [int(p) for p in form.paragraphs.data if p.isdigit()]
        tie("paragraphs", form.paragraphs)
    lists: dict[str, list[dict[str, Any]]] = {"sentences": [], "distractors": []}
    for sid in picks.chosen:
        sentence = article.sentence(sid)
        if sentence is None:
            continue
        d = picks.details.get(sid, {})
        list_name = (
            "distractors"
            if qtype == "highlight" and d.get("role") == "distractor"
            else ("sentences")
        )
        item: dict[str, Any] = {"quote": sentence.text}
        if qtype == "classify":
            item["category"] = d.get("category", "")
        item["feedback"] = d.get("feedback", "")
        if d.get("misconception"):
            item["misconception"] = d["misconception"]
        path = f"{list_name}[{len(lists[list_name])}]"
        lists[list_name].append(item)

        def put(message: str, sid: str = sid, name: str = "quote") -> None:
            picks.errors.setdefault(sid, {}).setdefault(name, []).append(message)

        sinks[path] = put
        for name in ("quote", "category", "feedback", "misconception"):
            sinks[f"{path}.{name}"] = lambda message, sid=sid, name=name: put(message, sid, name)
    spec["sentences"] = lists["sentences"]
    sinks["sentences"] = messages.sink("sentences")
    if qtype == "highlight":
        if lists["distractors"]:
            spec["distractors"] = lists["distractors"]
        sinks["distractors"] = messages.sink("sentences")
        _otherwise(form, spec, tie)


def place_errors(
    errors: list[BankError], label: str, sinks: Mapping[str, Sink], messages: Messages
) -> None:
    """Each message beside the field it is about; the rest at the top of the form."""
    for e in errors:
        if e.question != label:
            where = f"question {e.question}" if e.question else "the bank"
            messages.general.append(f"{where}: {e.field}: {e.message}")
            continue
        path = e.field
        while path and path not in sinks:
            path = _LAST_STEP.sub("", path) if _LAST_STEP.search(path) else ""
        if path:
            sinks[path](e.message)
        else:
            messages.general.append(f"{e.field}: {e.message}")


# -- spec -> form ------------------------------------------------------------------------


def form_data(spec: Mapping[str, Any], article: Article) -> tuple[dict[str, Any], Picks]:
    """What the form shows for a stored question."""
    data: dict[str, Any] = {
        "qid": spec["id"],
        "skill": spec["skill"],
        "prompt": spec["prompt"],
        "points": shown(spec["points"]) if spec.get("points", 1) != 1 else "",
        "explanation": spec["explanation"],
        "shuffle": spec.get("shuffle", True),
        "unit": spec.get("unit", "number"),
        "otherwise": spec.get("otherwise", ""),
        "categories": list(spec.get("categories") or []),
        "paragraphs": [str(p) for p in spec.get("paragraphs") or []],
    }
    data["options"] = [
        {
            "oid": o.get("id", ""),
            "text": o.get("text", ""),
            "correct": o.get("correct") is True or o.get("credit") == 1,
            "credit": shown(o["credit"]) if o.get("credit") not in (None, 1) else "",
            "feedback": o.get("feedback", ""),
            "misconception": o.get("misconception", ""),
        }
        for o in spec.get("options") or []
    ]
    for list_name in ("answers", "wrong"):
        data[list_name] = [
            {k: shown(v) if k != "text" else v for k, v in item.items()}
            for item in spec.get(list_name) or []
        ]
    data["checks"] = [
        {
            "answer": answer_text(c.get("answer")),
            "expect": expectation_text(c),
            "misconception": c.get("misconception", ""),
        }
        for c in spec.get("checks") or []
        if isinstance(c, Mapping)
    ]
    picks = Picks()
    for list_name, role in (("sentences", "right"), ("distractors", "distractor")):
        for item in spec.get(list_name) or []:
            found = article.find(str(item.get("quote", "")))
            if len(found) != 1:
                continue
            sid = found[0].id
            picks.details[sid] = {
                "category": item.get("category", ""),
                "role": role,
                "feedback": item.get("feedback", ""),
                "misconception": item.get("misconception", ""),
            }
    picks.chosen = [s.id for s in article.sentences if s.id in picks.details]
    return data, picks

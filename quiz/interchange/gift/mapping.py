"""GIFT questions onto our question types: choices, short answers, numbers, and
matching questions that fit ``classify``; Moodle's categories become skills. Then
the whole file validated as a bank, all or nothing (``import_gift``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quiz.domain.article import split_sentences
from quiz.interchange.common import (
    WRONG,
    Imported,
    default_explanation,
    default_feedback,
    document,
    key_of,
    placeholder_article,
    to_markdown,
    unique,
    validate,
)
from quiz.interchange.gift.reader import read_gift_bytes
from quiz.interchange.gift.syntax import GiftQuestion, GiftRead

UNSUPPORTED = {
    "essay": "an essay question (a long written answer): no question type of ours takes it",
    "description": "a description (text with no question): no question type of ours takes it",
}


@dataclass
class _Mapping:
    """Bank data being built from GIFT questions."""

    what: str
    skills: dict[str, str] = field(default_factory=dict)
    skill_of: dict[str, str] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    category_of: dict[str, str] = field(default_factory=dict)
    paragraphs: list[str] = field(default_factory=list)
    quoted: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def skill(self, category: str) -> str:
        if category not in self.skill_of:
            label = category.rstrip("/").rsplit("/", 1)[-1].strip() or "Imported questions"
            if category.startswith("$") and "/" not in category:
                label = "Imported questions"
            stem = "imported" if label == "Imported questions" else key_of(label, "imported")
            key = unique(stem, set(self.skills))
            self.skills[key] = label
            self.skill_of[category] = key
        return self.skill_of[category]

    def category(self, label: str) -> str:
        if label not in self.category_of:
            key = unique(key_of(label, "category"), set(self.categories))
            self.categories[key] = label
            self.category_of[label] = key
        return self.category_of[label]


def _feedback_of(q: GiftQuestion, feedback: str) -> str:
    return to_markdown(feedback, q.questiontext_format) if feedback else ""


def _truefalse_options(q: GiftQuestion) -> list[dict[str, Any]]:
    options: list[dict[str, Any]] = []
    for a in q.answers:
        option: dict[str, Any] = {"id": a.text, "text": a.text.capitalize()}
        if a.fraction == 1:
            option["correct"] = True
        option["feedback"] = _feedback_of(q, a.feedback) or default_feedback(a.fraction)
        options.append(option)
    return options


def _options(q: GiftQuestion, m: _Mapping, name: str) -> tuple[str, list[dict[str, Any]]]:
    if q.qtype == "truefalse":
        return "single", _truefalse_options(q)
    kind = "single" if q.single else "multiple"
    options = []
    for a in q.answers:
        option: dict[str, Any] = {"text": to_markdown(a.text, q.questiontext_format)}
        credit = a.fraction
        if kind == "multiple":
            credit = 1.0 if a.fraction > 0 else 0.0
        elif credit < 0:
            m.notes.append(
                f"line {q.line}: {name}: the weight {a.fraction * 100:g}% became 0: "
                "a single-answer question of ours takes no penalty"
            )
            credit = 0.0
        if credit >= 1:
            option["correct"] = True
        elif credit > 0:
            option["credit"] = credit
        option["feedback"] = _feedback_of(q, a.feedback) or default_feedback(credit)
        options.append(option)
    if kind == "multiple":
        _note_multiple_weights(q, m, name)
    return kind, options


def _note_multiple_weights(q: GiftQuestion, m: _Mapping, name: str) -> None:
    positive = [a.fraction for a in q.answers if a.fraction > 0]
    if not positive:
        return
    share = 1 / len(positive)
    ours = all(abs(a.fraction - (share if a.fraction > 0 else -share)) < 1e-5 for a in q.answers)
    if not ours:
        m.notes.append(
            f"line {q.line}: {name}: the weights became our rule for 'pick all that "
            "apply' (right ones chosen minus wrong ones chosen, over the right ones)"
        )


def _phrases(q: GiftQuestion, name: str, m: _Mapping, bad: list[str]) -> dict[str, Any]:
    answers, wrong, otherwise = [], [], ""
    for a in q.answers:
        feedback = _feedback_of(q, a.feedback)
        if a.text == "*" and a.fraction <= 0:
            otherwise = feedback
            continue
        if "*" in a.text:
            bad.append(f"{m.what}:{q.line}: {name}: the wildcard * in {a.text!r} is not supported")
            continue
        if a.fraction > 0:
            item: dict[str, Any] = {"text": a.text}
            if a.fraction != 1:
                item["credit"] = a.fraction
            item["feedback"] = feedback or default_feedback(a.fraction)
            answers.append(item)
        else:
            wrong.append({"text": a.text, "feedback": feedback or WRONG})
    return _answers_spec(answers, wrong, otherwise)


def _answers_spec(
    answers: list[dict[str, Any]], wrong: list[dict[str, Any]], otherwise: str
) -> dict[str, Any]:
    spec: dict[str, Any] = {"answers": answers}
    if wrong:
        spec["wrong"] = wrong
    if otherwise:
        spec["otherwise"] = otherwise
    return spec


def _values(q: GiftQuestion, name: str, m: _Mapping, bad: list[str]) -> dict[str, Any]:
    answers, wrong, otherwise = [], [], ""
    for a in q.answers:
        feedback = _feedback_of(q, a.feedback)
        if a.text == "*":
            if a.fraction > 0:
                bad.append(f"{m.what}:{q.line}: {name}: an answer * (any number) with credit")
            otherwise = feedback
            continue
        value = float(a.text)
        item: dict[str, Any] = {"value": int(value) if value.is_integer() else value}
        if a.tolerance:
            item["tolerance"] = int(a.tolerance) if a.tolerance.is_integer() else a.tolerance
        if a.fraction > 0:
            if a.fraction != 1:
                item["credit"] = a.fraction
            item["feedback"] = feedback or default_feedback(a.fraction)
            answers.append(item)
        else:
            item["feedback"] = feedback or WRONG
            wrong.append(item)
    return _answers_spec(answers, wrong, otherwise)


def _classify(q: GiftQuestion, name: str, m: _Mapping) -> dict[str, Any] | str:
    """A matching question as ``classify``, when it fits: each item one sentence."""
    items = [s for s in q.subquestions if s["text"]]
    texts = [to_markdown(s["text"], q.questiontext_format) for s in items]
    if len(items) < 2:
        return "a matching question needs two items to become a classify question"
    for text in texts:
        flat = " ".join(text.split())
        if "\n" in text.strip() or split_sentences(flat) != [flat]:
            return f"its item {text[:40]!r} is not one sentence, so it cannot be quoted"
    labels = list(dict.fromkeys(s["answer"] for s in q.subquestions))
    if len(labels) < 2:
        return "a matching question needs two different answers to become categories"
    fresh = [f for f in dict.fromkeys(" ".join(t.split()) for t in texts) if f not in m.quoted]
    m.quoted.update(fresh)
    if fresh:
        m.paragraphs.append(" ".join(fresh))
    keys = [m.category(label) for label in labels]
    m.notes.append(
        f"line {q.line}: {name}: the matching question became a classify question: its "
        "items are sentences of the bank's article (after the note that there is no "
        "article yet), its answers the bank's categories"
    )
    return {
        "categories": keys,
        "sentences": [
            {
                "quote": " ".join(t.split()),
                "category": m.category_of[s["answer"]],
                "feedback": f"It goes with {s['answer']}.",
            }
            for t, s in zip(texts, items, strict=True)
        ],
    }


def _typed(q: GiftQuestion, name: str, m: _Mapping, bad: list[str]) -> dict[str, Any] | str:
    """Our type and its fields for a question, or why it does not fit one."""
    if q.qtype in ("multichoice", "truefalse"):
        kind, options = _options(q, m, name)
        spec: dict[str, Any] = {"type": kind, "options": options}
        if q.qtype == "truefalse":
            spec["shuffle"] = False
        return spec
    if q.qtype == "shortanswer":
        return {"type": "text", **_phrases(q, name, m, bad)}
    if q.qtype == "numerical":
        return {"type": "numeric", **_values(q, name, m, bad)}
    if q.qtype == "matching":
        fitted = _classify(q, name, m)
        if isinstance(fitted, str):
            return f"a matching question that does not fit classify: {fitted}"
        return {"type": "classify", **fitted}
    return {}


def _question(q: GiftQuestion, spec: dict[str, Any], m: _Mapping) -> dict[str, Any]:
    """The question's spec with its skill, prompt and explanation, keys in the
    documented order: id, type, skill, prompt, ..., explanation."""
    spec["skill"] = m.skill(q.category)
    spec["prompt"] = to_markdown(q.questiontext, q.questiontext_format)
    explanation = to_markdown(q.generalfeedback, q.questiontext_format)
    if not explanation:
        explanation = default_explanation(spec)
    ordered: dict[str, Any] = {k: spec[k] for k in ("id", "type", "skill", "prompt") if k in spec}
    ordered.update({k: v for k, v in spec.items() if k not in ordered})
    ordered["explanation"] = explanation
    return ordered


def to_bank_data(
    read: GiftRead, file: str, *, bank_id: str, title: str, skip_unsupported: bool
) -> tuple[dict[str, Any], dict[str, str], Imported]:
    """GIFT questions as bank data (not yet validated), each question's place, and
    what had to change or was left out."""
    m = _Mapping(what=file)
    result = Imported(file=file)
    left_out = result.skipped if skip_unsupported else result.errors
    questions: list[dict[str, Any]] = []
    places: dict[str, str] = {}
    for n, q in enumerate(read.questions, start=1):
        name = f"question {q.name!r}" if q.name else f"question {n}"
        if q.qtype in UNSUPPORTED:
            left_out.append(
                f"{file}:{q.line}: {name}: {UNSUPPORTED[q.qtype]}"
                + ("" if skip_unsupported else " (import the rest with --skip-unsupported)")
            )
            continue
        qid = unique(key_of(q.name or "", f"q{n}"), m.ids)
        places[qid] = f"{file}:{q.line}"
        bad: list[str] = []
        typed = _typed(q, name, m, bad)
        if isinstance(typed, str):
            left_out.append(f"{file}:{q.line}: {name}: {typed}")
            continue
        result.errors += bad
        questions.append(_question(q, {"id": qid, **typed}, m))
    data: dict[str, Any] = {
        "id": bank_id,
        "title": title,
        "description": f"Imported from {file} (Moodle GIFT).",
        "article": placeholder_article(f"{file} (Moodle GIFT)", m.paragraphs),
        "skills": m.skills or {"imported": "Imported questions"},
    }
    if m.categories:
        data["categories"] = m.categories
    data["questions"] = questions
    result.notes = m.notes
    return data, places, result


def _line_of_message(message: str) -> int:
    place = message.split(": ", 1)[0]
    line = place.rsplit(":", 1)[-1]
    return int(line) if line.isdigit() else 0


def import_gift(
    raw: bytes,
    file: str,
    *,
    skip_unsupported: bool = False,
    bank_id: str | None = None,
    title: str | None = None,
) -> tuple[GiftRead, Imported]:
    """A GIFT file as a validated bank: all or nothing, every problem with its line."""
    read, errors = read_gift_bytes(raw, file)
    stem = file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if errors and not read.questions:
        return read, Imported(file=file, errors=errors)
    data, places, result = to_bank_data(
        read,
        file,
        bank_id=bank_id or key_of(stem, "imported"),
        title=title or f"Imported from {stem}",
        skip_unsupported=skip_unsupported,
    )
    if errors or result.errors:  # every problem, in the order of the file
        result.errors = sorted(errors + result.errors, key=_line_of_message)
        return read, result
    if not data["questions"]:
        result.errors.append(f"{file}:1: no question of a type we take is left to import")
        return read, result
    bank, problems = validate(data, file, places, f"{file}:1")
    result.errors += problems
    if bank is not None:
        result.bank = bank
        result.document = document(bank)
    return read, result

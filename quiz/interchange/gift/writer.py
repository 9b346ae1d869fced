"""A bank written as GIFT (Markdown text, marked ``[markdown]``), one body per
question type; what GIFT cannot carry is left out with the reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from quiz.domain.banks import LoadedBank
from quiz.interchange.common import WRONG, default_explanation, default_feedback
from quiz.interchange.gift.syntax import GRADES, WEIGHT

_WRITE_ESCAPES = str.maketrans(
    {"\\": "\\\\", "#": "\\#", "=": "\\=", "~": "\\~", "{": "\\{", "}": "\\}", ":": "\\:"}
)

#: the lines inside a question's ``{...}``, or None and why GIFT cannot carry it
Body = tuple[list[str] | None, str]


def escape(text: str) -> str:
    """Moodle's ``repchar``: reserved characters escaped, new lines as ``\\n``."""
    return text.translate(_WRITE_ESCAPES).replace("\r", "").replace("\n", "\\n")


def _weight_text(fraction: float) -> str | None:
    for grade in GRADES:
        if abs(fraction - grade) < 1e-5:
            return f"{grade * 100:.7g}"
    return None


def _feedback(text: str, credit: float) -> str:
    return "" if text == default_feedback(credit) else "#" + escape(text)


def export_gift(bank: LoadedBank) -> tuple[str, list[str]]:
    """The bank as GIFT (Markdown text, marked ``[markdown]``), and each question that
    GIFT cannot carry, with the reason."""
    out: list[str] = [f"// {bank.title}", f"// exported from the bank {bank.id}", ""]
    skipped: list[str] = []
    category = None
    for q in bank.questions:
        spec = q.to_spec()
        body, reason = _question_body(spec, bank)
        if body is None:
            skipped.append(f"question {q.id} ({q.type}): {reason}")
            continue
        label = bank.skills.get(q.skill, q.skill)
        if label != category:
            out += [f"$CATEGORY: {escape(label)}", ""]
            category = label
        explanation = spec["explanation"]
        general = "" if explanation == default_explanation(spec) else escape(explanation)
        lines = [f"::{escape(q.id)}::[markdown]{escape(spec['prompt'])}{{", *body]
        if general:
            lines.append(f"\t####{general}")
        lines.append("}")
        out += [*lines, ""]
    return "\n".join(out), skipped


def _question_body(spec: dict[str, Any], bank: LoadedBank) -> Body:
    if spec.get("variables"):
        return None, "draws fresh numbers for each student (variables): GIFT has none"
    write = _BODIES.get(spec["type"])
    if write is None:
        return None, _NO_BODY.get(spec["type"], f"GIFT has no {spec['type']} question")
    return write(spec, bank)


def _truefalse(options: list[dict[str, Any]]) -> Body:
    right = next(o for o in options if o.get("correct"))
    wrong = next(o for o in options if not o.get("correct"))
    line = "\tTRUE" if right["id"] == "true" else "\tFALSE"
    wf, rf = _feedback(wrong["feedback"], 0), _feedback(right["feedback"], 1)
    if rf and not wf:
        wf = "#"
    return [line + wf + rf], ""


def _single(spec: dict[str, Any], bank: LoadedBank) -> Body:
    options = spec["options"]
    if [o["id"] for o in options] == ["true", "false"] and [o["text"] for o in options] == [
        "True",
        "False",
    ]:
        return _truefalse(options)
    if all(o.get("correct") for o in options):
        return None, "every option is right: GIFT would read it as a short answer"
    lines = []
    for o in options:
        credit = 1.0 if o.get("correct") else float(o.get("credit", 0))
        if credit >= 1:
            if WEIGHT.match(o["text"]):
                return None, f"the right option {o['text'][:20]!r} reads as a weight in GIFT"
            mark = "="
        elif credit == 0:
            mark = "~%0%" if o["text"].startswith("%") else "~"
        else:
            weight = _weight_text(credit)
            if weight is None:
                return None, f"the credit {credit:g} is not one of Moodle's grades"
            mark = f"~%{weight}%"
        lines.append(f"\t{mark}{escape(o['text'])}{_feedback(o['feedback'], credit)}")
    return lines, ""


def _multiple(spec: dict[str, Any], bank: LoadedBank) -> Body:
    right = sum(1 for o in spec["options"] if o.get("correct"))
    weight = _weight_text(1 / right)
    if weight is None:
        return None, f"{right} right options: 1/{right} is not one of Moodle's grades"
    lines = []
    for o in spec["options"]:
        credit = 1.0 if o.get("correct") else 0.0
        mark = f"~%{weight}%" if credit else f"~%-{weight}%"
        lines.append(f"\t{mark}{escape(o['text'])}{_feedback(o['feedback'], credit)}")
    return lines, ""


def _text(spec: dict[str, Any], bank: LoadedBank) -> Body:
    if any("*" in a["text"] for a in [*spec["answers"], *spec.get("wrong", [])]):
        return None, "an answer with * (Moodle reads * as a wildcard)"
    lines = []
    for a in spec["answers"]:
        credit = float(a.get("credit", 1))
        weight = _weight_text(credit)
        if weight is None:
            return None, f"the credit {credit:g} is not one of Moodle's grades"
        lines.append(f"\t=%{weight}%{escape(a['text'])}{_feedback(a['feedback'], credit)}")
    for w in spec.get("wrong", []):
        fb = "" if w["feedback"] == WRONG else "#" + escape(w["feedback"])
        lines.append(f"\t=%0%{escape(w['text'])}{fb}")
    if spec.get("otherwise"):
        lines.append(f"\t=%0%*#{escape(spec['otherwise'])}")
    return lines, ""


def _numeric_line(a: dict[str, Any], credit: float, default: str | None) -> str | None:
    """One accepted (or wrong) value as ``=%weight%value:tolerance#feedback``."""
    weight = _weight_text(credit)
    if weight is None:
        return None
    value = f"{a['value']}:{a.get('tolerance', 0)}"
    fb = a["feedback"]
    shown = "" if fb == (default or default_feedback(credit)) else "#" + escape(fb)
    return f"\t=%{weight}%{value}{shown}"


def _numeric(spec: dict[str, Any], bank: LoadedBank) -> Body:
    if spec.get("unit", "number") != "number":
        return None, f"its unit ({spec['unit']}): GIFT numbers carry no unit"
    lines = ["\t#"]
    for group, default in (("answers", None), ("wrong", WRONG)):
        for a in spec.get(group, []):
            if a.get("relative"):
                return None, "a relative tolerance: GIFT has absolute tolerances only"
            credit = float(a.get("credit", 1)) if group == "answers" else 0.0
            line = _numeric_line(a, credit, default)
            if line is None:
                return None, f"the credit {credit:g} is not one of Moodle's grades"
            lines.append(line)
    if spec.get("otherwise"):
        lines.append(f"\t~#{escape(spec['otherwise'])}")
    return lines, ""


def _classify(spec: dict[str, Any], bank: LoadedBank) -> Body:
    labels = bank.categories
    lines = []
    for s in spec["sentences"]:
        found = bank.article.find(s["quote"])
        text = found[0].text if len(found) == 1 else s["quote"]
        label = labels.get(s["category"], s["category"])
        if "->" in text or "->" in label:
            return None, "a sentence or category with -> (GIFT matching has no escape for it)"
        lines.append(f"\t={escape(text)} -> {escape(label)}")
    return lines, ""


_BODIES: dict[str, Callable[[dict[str, Any], LoadedBank], Body]] = {
    "single": _single,
    "multiple": _multiple,
    "text": _text,
    "numeric": _numeric,
    "classify": _classify,
}
#: why GIFT cannot carry a type of ours it has no body for (any other: it has no such question)
_NO_BODY = {"highlight": "GIFT has no question that selects sentences in an article"}

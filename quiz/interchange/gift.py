"""Moodle GIFT: read as Moodle's own importer reads it, mapped onto our types, and
written back.

The reader follows ``question/format/gift/format.php`` (``qformat_gift``) and
``qformat_default::readquestions`` step by step: questions are separated by blank
(or whitespace-only) lines, ``//`` starts a comment only at the start of a line,
the escapes ``\\~ \\= \\# \\{ \\} \\: \\n \\\\`` are replaced before anything else,
then the ``$CATEGORY:`` line, the ``::name::``, the first ``{...}`` block and its
``####`` general feedback, the ``[format]`` prefixes, and the type chosen exactly
as Moodle chooses it. Weights are snapped to Moodle's list of allowed grades
(``question_bank::fraction_options_full``) within 1e-5; one off the list is an
error, as in Moodle (``matchgrades = error``). Moodle's default is to stop on any
error and import nothing; so do we, listing every problem with its line.

Where Moodle reads something silently in a way its writer cannot have meant (an
unescaped ``#`` or ``{`` inside an answer, an HTML tag with ``=`` or ``#`` among
the answers, a ``$CATEGORY`` line with a question under it, a weight that is not
a number), this reader reports an error instead.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from quiz.domain.article import split_sentences
from quiz.domain.banks import LoadedBank
from quiz.interchange.common import (
    MAX_QUESTIONS,
    Imported,
    decode,
    document,
    key_of,
    placeholder_article,
    to_markdown,
    unique,
    validate,
)

# question_bank::fraction_options() (lib/questionlib.php), and their negatives
_POSITIVE = (
    1.0,
    0.9,
    0.8333333,
    0.8,
    0.75,
    0.7,
    0.6666667,
    0.6,
    0.5,
    0.4,
    0.3333333,
    0.3,
    0.25,
    0.2,
    0.1666667,
    0.1428571,
    0.125,
    0.1111111,
    0.1,
    0.05,
)
GRADES = (0.0, *_POSITIVE, *(-g for g in _POSITIVE))
_WEIGHT = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_TAG = re.compile(r"<[A-Za-z/!][^<>]*>")
FORMATS = ("moodle", "html", "plain", "markdown")
TF = ("T", "TRUE", "F", "FALSE")

# Escapes become private-use characters while the structure is read (Moodle uses
# "&&058;" and the like), and go back at the end.
_ESCAPES = {"\\:": ":", "\\#": "#", "\\=": "=", "\\{": "{", "\\}": "}", "\\~": "~", "\\n": "\n"}
_HOLD = {esc: chr(0xE000 + n) for n, esc in enumerate(_ESCAPES)}
_BACKSLASH = chr(0xE010)
_RESTORE = str.maketrans({_HOLD[esc]: char for esc, char in _ESCAPES.items()})
_PHP_TRIM = " \t\n\r\0\x0b"


def _pre(text: str) -> str:
    text = text.replace("\\\\", _BACKSLASH)
    for esc, hold in _HOLD.items():
        text = text.replace(esc, hold)
    return text.replace(_BACKSLASH, "\\")


def _post(text: str) -> str:
    return text.translate(_RESTORE)


def _trim(text: str) -> str:
    return text.strip(_PHP_TRIM)


@dataclass
class GiftAnswer:
    text: str
    fraction: float
    feedback: str = ""
    tolerance: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "fraction": self.fraction,
            "feedback": self.feedback,
            "tolerance": self.tolerance,
        }


@dataclass
class GiftQuestion:
    """One question as Moodle reads it (its ``qtype`` names and fields)."""

    qtype: str
    line: int
    name: str | None = None
    questiontext: str = ""
    questiontext_format: str = "moodle"
    single: bool = True
    answers: list[GiftAnswer] = field(default_factory=list)
    subquestions: list[dict[str, str]] = field(default_factory=list)
    generalfeedback: str = ""
    category: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "qtype": self.qtype,
            "name": self.name,
            "questiontext": self.questiontext,
            "single": self.single,
            "answers": [a.to_json() for a in self.answers],
            "subquestions": [dict(s) for s in self.subquestions],
            "generalfeedback": self.generalfeedback,
            "category": self.category,
            "questiontext_format": self.questiontext_format,
        }


@dataclass
class GiftRead:
    questions: list[GiftQuestion] = field(default_factory=list)
    #: (line, message)
    errors: list[tuple[int, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "questions": [q.to_json() for q in self.questions],
            "errors": [{"line": line, "message": msg} for line, msg in self.errors],
        }


class _Bad(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


# -- reading -----------------------------------------------------------------------------


def read_gift(text: str) -> GiftRead:
    """Every question of a GIFT file's text (line ends already LF), Moodle's way."""
    out = GiftRead()
    if any("\ue000" <= c <= "\ue010" for c in text):
        at = next(i for i, c in enumerate(text) if "\ue000" <= c <= "\ue010")
        out.errors.append((text[:at].count("\n") + 1, "a private-use character (U+E000-E010)"))
        return out
    category = ""
    block: list[tuple[int, str]] = []
    lines = text.split("\n")
    for number, raw in enumerate([*lines, ""], start=1):
        line = _trim(raw)
        if line:
            block.append((number, line))
            continue
        if not block:
            continue
        try:
            question = _read_block(block, category)
        except _Bad as bad:
            out.errors.append((bad.line, bad.message))
            question = None
        block = []
        if question is None:
            continue
        if question.qtype == "category":
            category = question.category
            continue
        out.questions.append(question)
        if len(out.questions) > MAX_QUESTIONS:
            out.errors.append((number, f"more than {MAX_QUESTIONS} questions in one file"))
            return out
    if not out.questions and not out.errors:
        out.errors.append((1, "There are no questions in the import file"))
    return out


def _read_block(block: list[tuple[int, str]], category: str) -> GiftQuestion | None:
    # Lines are numbered from the block's first; a comment line stays as a blank, so
    # every newline of the text below is a line of the file.
    numbers = [n for n, _ in block]
    lines = [" " if line.startswith("//") else line for _, line in block]
    joined = "\n".join(lines)
    text = _trim(joined)
    if not text:
        return None  # comments only
    first = numbers[joined[: len(joined) - len(joined.lstrip(_PHP_TRIM))].count("\n")]
    text = _pre(text)

    def line_of(prefix: str) -> int:
        return first + prefix.count("\n")

    if text.startswith("$CATEGORY:"):
        name = _trim(_post(text[10:]))
        if "\n" in name:
            raise _Bad(
                "a $CATEGORY line must stand alone: put a blank line after it "
                "(Moodle would read the question under it as part of the category's name)",
                first,
            )
        return GiftQuestion(qtype="category", line=first, category=name)

    question = GiftQuestion(qtype="", line=first, category=category)
    if text.startswith("::"):
        rest = text[2:]
        end = rest.find("::")
        if end < 0:
            text = rest
        else:
            question.name = _trim(_post(rest[:end]))[:255]
            after = rest[end + 2 :]
            first = line_of(rest[: end + 2] + after[: len(after) - len(after.lstrip(_PHP_TRIM))])
            text = _trim(after)

    start, finish = text.find("{"), text.find("}")
    description = start < 0 and finish < 0
    if description:
        answertext, length = "", 0
    elif start < 0 or finish < 0:
        raise _Bad("Could not find {...} around answers", line_of(text[: max(start, finish)]))
    elif finish < start:
        raise _Bad("'}' before '{': write a literal brace as \\} or \\{", line_of(text[:finish]))
    else:
        inner = text.find("{", start + 1)
        if 0 <= inner < finish:
            raise _Bad(
                "an unescaped { inside the answers (write \\{ for a brace); "
                "Moodle would read it as part of an answer",
                line_of(text[:inner]),
            )
        again = max(text.find("{", finish + 1), text.find("}", finish + 1))
        if again >= 0:
            raise _Bad(
                "a second {...} or an unescaped brace after the answers: one answer block "
                "per question (write \\{ \\} for braces); Moodle would keep it as text",
                line_of(text[:again]),
            )
        length = finish - start
        answertext = _trim(text[start + 1 : finish])

    if description:
        questiontext = text
    elif text.endswith("}"):
        questiontext = text[:start] + text[start + length + 1 :]
    else:
        questiontext = text[:start] + "_____" + text[start + length + 1 :]

    separator = answertext.rfind("####")
    general = ""
    if separator >= 0:
        general = answertext[separator + 4 :]
        answertext = _trim(answertext[:separator])

    fmt, question.questiontext = _with_format(questiontext, "moodle")
    question.questiontext_format = fmt
    _, question.generalfeedback = _with_format(general, fmt)
    inside = text[start + 1 : finish] if not description else ""
    answers_line = line_of(text[: start + 1] + inside[: len(inside) - len(inside.lstrip())])

    def bad(message: str, offset: int = 0) -> _Bad:
        return _Bad(message, answers_line + answertext[:offset].count("\n"))

    if not description:
        for tag in _TAG.finditer(answertext):
            if "=" in tag.group() or "#" in tag.group():
                raise bad(
                    f"an HTML tag with = or # among the answers ({_post(tag.group())[:60]}): "
                    "write them as \\= and \\# (Moodle would split the answer there)",
                    tag.start(),
                )

    if description:
        question.qtype = "description"
        return question
    if answertext == "":
        question.qtype = "essay"
        return question
    if answertext[0] == "#":
        question.qtype = "numerical"
        _numerical(question, answertext, bad, fmt)
    elif "~" in answertext:
        question.qtype = "multichoice"
        _multichoice(question, answertext, bad, fmt)
    elif "=" in answertext and "->" in answertext:
        question.qtype = "matching"
        _matching(question, answertext, bad, fmt)
    else:
        check = answertext
        if answertext.find("#") > 0:
            check = _trim(answertext[: answertext.find("#")])
        if check in TF:
            question.qtype = "truefalse"
            _truefalse(question, answertext, check, bad, fmt)
        else:
            question.qtype = "shortanswer"
            _shortanswer(question, answertext, bad, fmt)
    return question


def _with_format(text: str, default: str) -> tuple[str, str]:
    """Moodle's ``parse_text_with_format``: a ``[html]`` (``[moodle]``, ``[plain]``,
    ``[markdown]``) prefix; any other bracketed prefix stays in the text."""
    fmt = default
    if text.startswith("["):
        end = text.find("]")
        if end > 0 and text[1:end] in FORMATS:
            fmt = text[1:end]
            text = text[end + 1 :]
    return fmt, _trim(_post(text))


def _split(answertext: str, sep: str) -> list[tuple[int, str]]:
    """``explode(sep, ...)`` with each piece's offset; an empty first piece dropped."""
    pieces: list[tuple[int, str]] = []
    pos = 0
    for piece in answertext.split(sep):
        pieces.append((pos, piece))
        pos += len(piece) + len(sep)
    if pieces and not _trim(pieces[0][1]):
        pieces.pop(0)
    return pieces


def _weight(answer: str, default: float, bad: Any, offset: int) -> tuple[float, str]:
    """Moodle's weight ``%50%`` at the start of an answer, snapped to its grade list."""
    if not answer.startswith("%"):
        return default, answer
    if not _WEIGHT.match(answer):
        end = answer.find("%", 1)
        shown = answer[: end + 1] if end > 0 else answer[:12]
        raise bad(
            f"answer weight {_post(shown)} is not a percentage such as %50% or %-33.33333% "
            "(Moodle would keep it as part of the answer's text)",
            offset,
        )
    end = answer.find("%", 1)
    raw = answer[1:end]
    try:
        value = float(raw) / 100
    except ValueError:
        raise bad(f"answer weight %{raw}% is not a number", offset) from None
    for grade in GRADES:
        if abs(value - grade) < 1e-5:
            return grade, answer[end + 1 :]
    raise bad(f"Grades ({value:g}) do not match grade options - question skipped.", offset)


def _comment(answer: str, fmt: str, bad: Any, offset: int, parts: int = 2) -> list[str]:
    bits = answer.split("#")
    if len(bits) > parts:
        where = len("#".join(bits[:parts]))
        raise bad(
            "an unescaped # in an answer's text or feedback: write \\# for a literal #"
            " (Moodle would cut the feedback there)",
            offset + where,
        )
    return [_with_format(_trim(b), fmt)[1] for b in bits]


def _multichoice(question: GiftQuestion, answertext: str, bad: Any, fmt: str) -> None:
    question.single = "=" in answertext
    # explode("~", str_replace("=", "~=", ...)): cut before each ~ (dropped) and = (kept)
    cuts = sorted({0, *(m.start() for m in re.finditer(r"[~=]", answertext))})
    pieces: list[tuple[int, str]] = []
    for n, cut in enumerate(cuts):
        end = cuts[n + 1] if n + 1 < len(cuts) else len(answertext)
        skip = 1 if answertext[cut : cut + 1] == "~" else 0
        pieces.append((cut, answertext[cut + skip : end]))
    if pieces and not _trim(pieces[0][1]):
        pieces.pop(0)
    if len(pieces) < 2:
        raise bad(
            "There is an error in the question. There are not enough answers for this question type"
        )
    for off, raw in pieces:
        answer = _trim(raw)
        if answer.startswith("=") and _WEIGHT.match(answer[1:]):
            raise bad("=%50% is not read as a weight: write ~%50% for partial credit", off)
        if answer.startswith("="):
            weight, answer = 1.0, answer[1:]
        else:
            weight, answer = _weight(answer, 0.0, bad, off)
        text, feedback = (_comment(answer, fmt, bad, off) + [""])[:2]
        if not text:
            raise bad("an empty answer (a stray ~ or =?)", off)
        question.answers.append(GiftAnswer(text, weight, feedback))


def _matching(question: GiftQuestion, answertext: str, bad: Any, fmt: str) -> None:
    pieces = _split(answertext, "=")
    if len(pieces) < 2:
        raise bad(
            "There is an error in the question. There are not enough answers for this question type"
        )
    for off, raw in pieces:
        answer = _trim(raw)
        if "->" not in answer:
            raise bad("Matching question answers are improperly formatted", off)
        left, right = answer.split("->", 1)
        if "#" in answer:
            raise bad("a # in a matching pair: matching answers have no feedback", off)
        question.subquestions.append(
            {"text": _with_format(_trim(left), fmt)[1], "answer": _trim(_post(right))}
        )


def _truefalse(question: GiftQuestion, answertext: str, check: str, bad: Any, fmt: str) -> None:
    _, wrong, right = (_comment(answertext, fmt, bad, 0, parts=3) + ["", ""])[:3]
    true = check in ("T", "TRUE")
    question.answers = [
        GiftAnswer("true", 1.0 if true else 0.0, right if true else wrong),
        GiftAnswer("false", 0.0 if true else 1.0, wrong if true else right),
    ]


def _shortanswer(question: GiftQuestion, answertext: str, bad: Any, fmt: str) -> None:
    pieces = _split(answertext, "=")
    if not pieces:
        raise bad(
            "There is an error in the question. There are not enough answers for this question type"
        )
    for off, raw in pieces:
        weight, answer = _weight(_trim(raw), 1.0, bad, off)
        text, feedback = (_comment(answer, fmt, bad, off) + [""])[:2]
        if not text:
            raise bad("an empty answer (a stray =?)", off)
        question.answers.append(GiftAnswer(text, weight, feedback))


def _number(text: str, bad: Any, off: int) -> float:
    if not _NUMBER.match(text):
        raise bad(f"Error - answers must be numeric ({text!r} is not a number)", off)
    value = float(text)
    if not math.isfinite(value):
        raise bad(f"Error - answers must be numeric ({text!r} is too large)", off)
    return value


def _numerical(question: GiftQuestion, answertext: str, bad: Any, fmt: str) -> None:
    body = answertext[1:]
    wrong = ""
    tilde = body.find("~")
    if tilde >= 0:
        body, wrong = body[:tilde], body[tilde:]
    pieces = [(off + 1, piece) for off, piece in _split(body, "=")]
    if not pieces:
        raise bad("No answers found for numerical question")
    for off, raw in pieces:
        weight, answer = _weight(_trim(raw), 1.0, bad, off)
        value_text, feedback = (_comment(answer, fmt, bad, off) + [""])[:2]
        if value_text == "*":
            question.answers.append(GiftAnswer("*", weight, feedback, None))
            continue
        if value_text.find("..") > 0:
            low, high = (_trim(x) for x in value_text.split("..", 1))
            lo, hi = _number(low, bad, off), _number(high, bad, off)
            value = float(f"{(lo + hi) / 2:.12g}")
            tolerance = float(f"{hi - (lo + hi) / 2:.12g}")
        elif value_text.find(":") > 0:
            given, tol = (_trim(x) for x in value_text.split(":", 1))
            value, tolerance = _number(given, bad, off), _number(tol, bad, off)
        else:
            value, tolerance = _number(_trim(value_text), bad, off), 0.0
        question.answers.append(GiftAnswer(_format_number(value), weight, feedback, tolerance))
    if wrong:
        feedback = (_comment(_trim(wrong[1:]), fmt, bad, len(body) + 2) + [""])[:2][-1]
        if _trim(wrong[1:]) and not _trim(wrong[1:]).startswith("#"):
            raise bad("after ~ in a numerical question only #feedback may follow", len(body) + 1)
        question.answers.append(GiftAnswer("*", 0.0, feedback, None))


def _format_number(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def read_gift_bytes(raw: bytes, file: str) -> tuple[GiftRead, list[str]]:
    """A GIFT file's bytes read, and its problems as ``FILE:LINE: message``."""
    text, errors = decode(raw, file)
    if text is None:
        return GiftRead(), errors
    read = read_gift(text)
    return read, [f"{file}:{line}: {message}" for line, message in read.errors]


# -- onto our types ------------------------------------------------------------------------

RIGHT = "Right."
WRONG = "Not right."
UNSUPPORTED = {
    "essay": "an essay question (a long written answer): no question type of ours takes it",
    "description": "a description (text with no question): no question type of ours takes it",
}


def partly(credit: float) -> str:
    return f"Partly right ({credit * 100:.4g}% credit)."


def default_feedback(credit: float) -> str:
    """The feedback an option gets when the file gives none (each option needs one)."""
    return RIGHT if credit >= 1 else (partly(credit) if credit > 0 else WRONG)


def default_explanation(spec: dict[str, Any]) -> str:
    """The explanation of a question whose file gives no general feedback (#### ...)."""
    kind = spec.get("type")
    if kind in ("single", "multiple"):
        right = [o["text"] for o in spec.get("options", []) if o.get("correct")]
        return (
            ("The answer: " if kind == "single" else "The right answers: ") + "; ".join(right) + "."
        )
    if kind == "text":
        accepted = [a["text"] for a in spec.get("answers", []) if a.get("credit", 1) == 1]
        return "Accepted: " + "; ".join(accepted) + "."
    if kind == "numeric":
        shown = []
        for a in spec.get("answers", []):
            if a.get("credit", 1) == 1:
                tol = a.get("tolerance")
                shown.append(f"{a['value']}" + (f" (±{tol})" if tol else ""))
        return "The answer: " + "; ".join(shown) + "."
    if kind == "classify":
        return "Each item with its answer: " + "; ".join(
            f"{s['quote']} → {s['category']}" for s in spec.get("sentences", [])
        )
    return "See the answers."


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


def _options(q: GiftQuestion, m: _Mapping, name: str) -> tuple[str, list[dict[str, Any]]]:
    if q.qtype == "truefalse":
        options = []
        for a in q.answers:
            option = {"id": a.text, "text": a.text.capitalize()}
            if a.fraction == 1:
                option["correct"] = True
            option["feedback"] = (
                to_markdown(a.feedback, q.questiontext_format) if a.feedback else ""
            ) or default_feedback(a.fraction)
            options.append(option)
        return "single", options
    kind = "single" if q.single else "multiple"
    options = []
    positive = [a.fraction for a in q.answers if a.fraction > 0]
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
        feedback = to_markdown(a.feedback, q.questiontext_format) if a.feedback else ""
        option["feedback"] = feedback or default_feedback(credit)
        options.append(option)
    if kind == "multiple" and positive:
        share = 1 / len(positive)
        ours = all(
            abs(a.fraction - (share if a.fraction > 0 else -share)) < 1e-5 for a in q.answers
        )
        if not ours:
            m.notes.append(
                f"line {q.line}: {name}: the weights became our rule for 'pick all that "
                "apply' (right ones chosen minus wrong ones chosen, over the right ones)"
            )
    return kind, options


def _phrases(q: GiftQuestion, name: str, m: _Mapping, bad: list[str]) -> dict[str, Any]:
    answers, wrong, otherwise = [], [], ""
    fmt = q.questiontext_format
    for a in q.answers:
        feedback = to_markdown(a.feedback, fmt) if a.feedback else ""
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
    spec: dict[str, Any] = {"answers": answers}
    if wrong:
        spec["wrong"] = wrong
    if otherwise:
        spec["otherwise"] = otherwise
    return spec


def _values(q: GiftQuestion, name: str, m: _Mapping, bad: list[str]) -> dict[str, Any]:
    answers, wrong, otherwise = [], [], ""
    fmt = q.questiontext_format
    for a in q.answers:
        feedback = to_markdown(a.feedback, fmt) if a.feedback else ""
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
    spec: dict[str, Any] = {"answers": answers}
    if wrong:
        spec["wrong"] = wrong
    if otherwise:
        spec["otherwise"] = otherwise
    return spec


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


def to_bank_data(
    read: GiftRead, file: str, *, bank_id: str, title: str, skip_unsupported: bool
) -> tuple[dict[str, Any], dict[str, str], Imported]:
    """GIFT questions as bank data (not yet validated), each question's place, and
    what had to change or was left out."""
    m = _Mapping(what=file)
    result = Imported(file=file)
    questions: list[dict[str, Any]] = []
    places: dict[str, str] = {}
    for n, q in enumerate(read.questions, start=1):
        name = f"question {q.name!r}" if q.name else f"question {n}"
        if q.qtype in UNSUPPORTED:
            reason = UNSUPPORTED[q.qtype]
            (result.skipped if skip_unsupported else result.errors).append(
                f"{file}:{q.line}: {name}: {reason}"
                + ("" if skip_unsupported else " (import the rest with --skip-unsupported)")
            )
            continue
        qid = unique(key_of(q.name or "", f"q{n}"), m.ids)
        places[qid] = f"{file}:{q.line}"
        spec: dict[str, Any] = {"id": qid}
        bad: list[str] = []
        if q.qtype in ("multichoice", "truefalse"):
            spec["type"], spec["options"] = _options(q, m, name)
            if q.qtype == "truefalse":
                spec["shuffle"] = False
        elif q.qtype == "shortanswer":
            spec["type"] = "text"
            spec.update(_phrases(q, name, m, bad))
        elif q.qtype == "numerical":
            spec["type"] = "numeric"
            spec.update(_values(q, name, m, bad))
        elif q.qtype == "matching":
            fitted = _classify(q, name, m)
            if isinstance(fitted, str):
                reason = f"a matching question that does not fit classify: {fitted}"
                (result.skipped if skip_unsupported else result.errors).append(
                    f"{file}:{q.line}: {name}: {reason}"
                )
                continue
            spec["type"] = "classify"
            spec.update(fitted)
        result.errors += bad
        spec["skill"] = m.skill(q.category)
        prompt = to_markdown(q.questiontext, q.questiontext_format)
        spec["prompt"] = prompt
        explanation = to_markdown(q.generalfeedback, q.questiontext_format)
        if not explanation:
            explanation = default_explanation(spec)
        # keys in the documented order: id, type, skill, prompt, ..., explanation
        ordered = {k: spec[k] for k in ("id", "type", "skill", "prompt") if k in spec}
        ordered.update({k: v for k, v in spec.items() if k not in ordered})
        ordered["explanation"] = explanation
        questions.append(ordered)
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


# -- writing -----------------------------------------------------------------------------

_WRITE_ESCAPES = str.maketrans(
    {"\\": "\\\\", "#": "\\#", "=": "\\=", "~": "\\~", "{": "\\{", "}": "\\}", ":": "\\:"}
)


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


def _question_body(spec: dict[str, Any], bank: LoadedBank) -> tuple[list[str] | None, str]:
    kind = spec["type"]
    if spec.get("variables"):
        return None, "draws fresh numbers for each student (variables): GIFT has none"
    if kind == "single":
        options = spec["options"]
        if [o["id"] for o in options] == ["true", "false"] and [o["text"] for o in options] == [
            "True",
            "False",
        ]:
            right = next(o for o in options if o.get("correct"))
            wrong = next(o for o in options if not o.get("correct"))
            line = "\tTRUE" if right["id"] == "true" else "\tFALSE"
            wf, rf = _feedback(wrong["feedback"], 0), _feedback(right["feedback"], 1)
            if rf and not wf:
                wf = "#"
            return [line + wf + rf], ""
        if all(o.get("correct") for o in options):
            return None, "every option is right: GIFT would read it as a short answer"
        lines = []
        for o in options:
            credit = 1.0 if o.get("correct") else float(o.get("credit", 0))
            if credit >= 1:
                if _WEIGHT.match(o["text"]):
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
    if kind == "multiple":
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
    if kind == "text":
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
    if kind == "numeric":
        if spec.get("unit", "number") != "number":
            return None, f"its unit ({spec['unit']}): GIFT numbers carry no unit"
        lines = ["\t#"]
        for group, default in (("answers", None), ("wrong", WRONG)):
            for a in spec.get(group, []):
                if a.get("relative"):
                    return None, "a relative tolerance: GIFT has absolute tolerances only"
                credit = float(a.get("credit", 1)) if group == "answers" else 0.0
                weight = _weight_text(credit)
                if weight is None:
                    return None, f"the credit {credit:g} is not one of Moodle's grades"
                value = f"{a['value']}:{a.get('tolerance', 0)}"
                fb = a["feedback"]
                shown = "" if fb == (default or default_feedback(credit)) else "#" + escape(fb)
                lines.append(f"\t=%{weight}%{value}{shown}")
        if spec.get("otherwise"):
            lines.append(f"\t~#{escape(spec['otherwise'])}")
        return lines, ""
    if kind == "classify":
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
    return None, "GIFT has no question that selects sentences in an article"

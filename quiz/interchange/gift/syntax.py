"""GIFT's lexical level, as Moodle's ``qformat_gift`` reads it: the allowed grades,
the escapes held while the structure is read, PHP's ``trim``, the ``[format]``
prefixes, and the plain data a GIFT file reads into."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

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
WEIGHT = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")
FORMATS = ("moodle", "html", "plain", "markdown")
TF = ("T", "TRUE", "F", "FALSE")

# Escapes become private-use characters while the structure is read (Moodle uses
# "&&058;" and the like), and go back at the end.
_ESCAPES = {"\\:": ":", "\\#": "#", "\\=": "=", "\\{": "{", "\\}": "}", "\\~": "~", "\\n": "\n"}
_HOLD = {esc: chr(0xE000 + n) for n, esc in enumerate(_ESCAPES)}
_BACKSLASH = chr(0xE010)
_RESTORE = str.maketrans({_HOLD[esc]: char for esc, char in _ESCAPES.items()})
PHP_TRIM = " \t\n\r\0\x0b"


def hold_escapes(text: str) -> str:
    """Each escape (``\\:`` ``\\#`` ...) as a private-use character, ``\\\\`` as ``\\``."""
    text = text.replace("\\\\", _BACKSLASH)
    for esc, hold in _HOLD.items():
        text = text.replace(esc, hold)
    return text.replace(_BACKSLASH, "\\")


def restore_escapes(text: str) -> str:
    """The characters the escapes stood for."""
    return text.translate(_RESTORE)


def trim(text: str) -> str:
    """PHP's ``trim``."""
    return text.strip(PHP_TRIM)


def with_format(text: str, default: str) -> tuple[str, str]:
    """Moodle's ``parse_text_with_format``: a ``[html]`` (``[moodle]``, ``[plain]``,
    ``[markdown]``) prefix; any other bracketed prefix stays in the text."""
    fmt = default
    if text.startswith("["):
        end = text.find("]")
        if end > 0 and text[1:end] in FORMATS:
            fmt = text[1:end]
            text = text[end + 1 :]
    return fmt, trim(restore_escapes(text))


class GiftError(Exception):
    """A problem in a GIFT file, with its line."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


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

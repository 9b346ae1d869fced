"""What the importers and exporters share: reading bytes, keys, the article an
imported bank starts with, text formats as Markdown, the feedback and explanation a
question gets when its file gives none, validation through ``parse_bank_data`` and
YAML."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import nh3
import yaml

from quiz.domain.banks import LoadedBank, parse_bank_data

MAX_BYTES = 2 * 1024 * 1024  # an import file; a bank of 1,000 questions is far smaller
MAX_QUESTIONS = 1000
_LINE_ENDS = re.compile(r"\r\n|\r|\n")
_NOT_KEY = re.compile(r"[^A-Za-z0-9_.-]+")

NO_ARTICLE_TITLE = "No article yet"
NO_ARTICLE_TEXT = (
    "This bank was imported from {what} and has no article yet. "
    "Attach the article its questions are about on the bank's Article page "
    "(or replace this text in the bank file) before students take it."
)


@dataclass
class Imported:
    """What an import produced: a validated bank (or none) and what to tell the teacher."""

    file: str
    bank: LoadedBank | None = None
    document: dict[str, Any] | None = None
    #: ``FILE:LINE: message`` (or ``FILE: row N: ...``): nothing was imported
    errors: list[str] = field(default_factory=list)
    #: what had to change on the way in (a question type, a grading rule, filled text)
    notes: list[str] = field(default_factory=list)
    #: questions left out (``--skip-unsupported``), each with its place and reason
    skipped: list[str] = field(default_factory=list)


def decode(raw: bytes, file: str, limit: int = MAX_BYTES) -> tuple[str | None, list[str]]:
    """UTF-8 text (a BOM dropped; CRLF and CR read as LF) or the reason it is not."""
    if len(raw) > limit:
        return None, [f"{file}:0: the file is larger than {limit // 1024} KiB; nothing was read"]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [f"{file}:{line}: not UTF-8 (byte {exc.start + 1}); save the file as UTF-8"]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [f"{file}:{line}: a NUL character: this is not a text file"]
    return "\n".join(_LINE_ENDS.split(text)), []


def key_of(text: str, default: str, limit: int = 60) -> str:
    """A bank key (letters, digits, - _ .) made from a name."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    key = _NOT_KEY.sub("-", folded).strip("-._")[:limit].strip("-._")
    return key or default


def unique(key: str, used: set[str]) -> str:
    out, n = key, 2
    while out in used:
        out = f"{key}-{n}"
        n += 1
    used.add(out)
    return out


def placeholder_article(what: str, paragraphs: list[str] | None = None) -> dict[str, str]:
    """The article an imported bank starts with: it says there is none yet. Matching
    questions imported as ``classify`` add their items as paragraphs after it."""
    text = "\n\n".join([NO_ARTICLE_TEXT.format(what=what), *(paragraphs or [])])
    return {"title": NO_ARTICLE_TITLE, "source": f"Imported from {what}", "text": text}


# -- text formats ------------------------------------------------------------------------

_KEEP = {"b", "strong", "i", "em", "code", "br", "p", "sub", "sup"}
_TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>])")


def looks_like_html(text: str) -> bool:
    return bool(_TAG.search(text))


def html_to_markdown(text: str) -> str:
    """HTML sanitised with nh3 (scripts, styles, attributes gone), then as Markdown:
    paragraphs and line breaks, bold, italics and code kept; other tags dropped."""
    clean = nh3.clean(text, tags=_KEEP, attributes={}, strip_comments=True)
    clean = re.sub(r"\s*<br\s*/?>\s*", "\n", clean)
    clean = re.sub(r"\s*</p>\s*<p>\s*", "\n\n", clean)
    clean = re.sub(r"</?p>", "", clean)
    clean = re.sub(r"</?(b|strong)>", "**", clean)
    clean = re.sub(r"</?(i|em)>", "*", clean)
    clean = re.sub(r"</?code>", "`", clean)
    clean = re.sub(r"</?(sub|sup)>", "", clean)
    return html.unescape(clean).strip()


def plain_to_markdown(text: str) -> str:
    """Plain text as Markdown that shows the same characters."""
    return _MD_SPECIAL.sub(r"\\\1", text).strip()


def to_markdown(text: str, fmt: str) -> str:
    """Text in one of Moodle's formats as the Markdown a bank holds."""
    if fmt == "markdown":
        return text.strip()
    if fmt == "html" or (fmt == "moodle" and looks_like_html(text)):
        return html_to_markdown(text)
    return plain_to_markdown(text)


# -- the feedback and explanation an imported question gets when its file gives none ---

RIGHT = "Right."
WRONG = "Not right."


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


# -- validation and YAML -----------------------------------------------------------------


def validate(
    data: Mapping[str, Any], file: str, places: Mapping[str, str], bank_place: str
) -> tuple[LoadedBank | None, list[str]]:
    """The bank data through ``parse_bank_data`` (as ``bank check`` and the upload
    validate); each problem placed in the imported file by its question's place."""
    bank, errors = parse_bank_data(data, file)
    out = []
    for e in errors:
        place = places.get(e.question or "", bank_place) if e.question else bank_place
        who = f"question {e.question}: " if e.question else ""
        out.append(f"{place}: {who}{e.field or '-'}: {e.message}")
    return bank, out


def document(bank: LoadedBank) -> dict[str, Any]:
    """A validated bank as the mapping its file would hold."""
    doc: dict[str, Any] = {"id": bank.id, "title": bank.title}
    if bank.description:
        doc["description"] = bank.description
    article = bank.article
    doc["article"] = {"title": article.title, "source": article.source, "text": article.text}
    doc["skills"] = dict(bank.skills)
    if bank.categories:
        doc["categories"] = dict(bank.categories)
    if bank.misconceptions:
        doc["misconceptions"] = dict(bank.misconceptions)
    doc["questions"] = [q.to_spec() for q in bank.questions]
    return doc


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text and text == text.strip() and "\t" not in text else None
    if style and any(line != line.rstrip() for line in text.split("\n")):
        style = None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(doc: Mapping[str, Any]) -> str:
    """Bank-file YAML (keys in the documented order, Unicode as it is)."""
    return yaml.dump(dict(doc), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=88)

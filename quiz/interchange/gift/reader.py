"""Reading a GIFT file as ``qformat_gift::readquestions`` does: blocks between blank
lines, ``//`` comments, the escapes, the ``$CATEGORY:`` line, the ``::name::``, the
one ``{...}`` answer block and its ``####`` general feedback; the block's answers are
read in ``answers``."""

from __future__ import annotations

from quiz.interchange.common import MAX_QUESTIONS, decode
from quiz.interchange.gift.answers import Complaint, read_answers
from quiz.interchange.gift.syntax import (
    PHP_TRIM,
    GiftError,
    GiftQuestion,
    GiftRead,
    hold_escapes,
    restore_escapes,
    trim,
    with_format,
)


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
        line = trim(raw)
        if line:
            block.append((number, line))
            continue
        if not block:
            continue
        try:
            question = _read_block(block, category)
        except GiftError as bad:
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


def read_gift_bytes(raw: bytes, file: str) -> tuple[GiftRead, list[str]]:
    """A GIFT file's bytes read, and its problems as ``FILE:LINE: message``."""
    text, errors = decode(raw, file)
    if text is None:
        return GiftRead(), errors
    read = read_gift(text)
    return read, [f"{file}:{line}: {message}" for line, message in read.errors]


def _leading(text: str) -> str:
    """The whitespace (PHP's) at the start of the text."""
    return text[: len(text) - len(text.lstrip(PHP_TRIM))]


def _read_block(block: list[tuple[int, str]], category: str) -> GiftQuestion | None:
    # Lines are numbered from the block's first; a comment line stays as a blank, so
    # every newline of the text below is a line of the file.
    numbers = [n for n, _ in block]
    lines = [" " if line.startswith("//") else line for _, line in block]
    joined = "\n".join(lines)
    text = trim(joined)
    if not text:
        return None  # comments only
    first = numbers[_leading(joined).count("\n")]
    text = hold_escapes(text)
    if text.startswith("$CATEGORY:"):
        return _category(text, first)
    question = GiftQuestion(qtype="", line=first, category=category)
    text, first = _name(question, text, first)
    _body(question, text, first)
    return question


def _category(text: str, first: int) -> GiftQuestion:
    name = trim(restore_escapes(text[10:]))
    if "\n" in name:
        raise GiftError(
            "a $CATEGORY line must stand alone: put a blank line after it "
            "(Moodle would read the question under it as part of the category's name)",
            first,
        )
    return GiftQuestion(qtype="category", line=first, category=name)


def _name(question: GiftQuestion, text: str, first: int) -> tuple[str, int]:
    """The ``::name::`` taken off the text; the text left and its first line."""
    if not text.startswith("::"):
        return text, first
    rest = text[2:]
    end = rest.find("::")
    if end < 0:
        return rest, first
    question.name = trim(restore_escapes(rest[:end]))[:255]
    after = rest[end + 2 :]
    return trim(after), first + (rest[: end + 2] + _leading(after)).count("\n")


def _braces(text: str, first: int) -> tuple[int, int]:
    """Where the answer block's ``{`` and ``}`` are (both -1: a description)."""
    start, finish = text.find("{"), text.find("}")
    if start < 0 and finish < 0:
        return start, finish
    if start < 0 or finish < 0:
        raise GiftError(
            "Could not find {...} around answers",
            first + text[: max(start, finish)].count("\n"),
        )
    if finish < start:
        raise GiftError(
            "'}' before '{': write a literal brace as \\} or \\{",
            first + text[:finish].count("\n"),
        )
    inner = text.find("{", start + 1)
    if 0 <= inner < finish:
        raise GiftError(
            "an unescaped { inside the answers (write \\{ for a brace); "
            "Moodle would read it as part of an answer",
            first + text[:inner].count("\n"),
        )
    again = max(text.find("{", finish + 1), text.find("}", finish + 1))
    if again >= 0:
        raise GiftError(
            "a second {...} or an unescaped brace after the answers: one answer block "
            "per question (write \\{ \\} for braces); Moodle would keep it as text",
            first + text[:again].count("\n"),
        )
    return start, finish


def _body(question: GiftQuestion, text: str, first: int) -> None:
    """The question's text, general feedback, kind and answers."""
    start, finish = _braces(text, first)
    description = start < 0 and finish < 0
    if description:
        questiontext, answertext = text, ""
    else:
        blank = "" if text.endswith("}") else "_____"
        questiontext = text[:start] + blank + text[finish + 1 :]
        answertext = trim(text[start + 1 : finish])

    separator = answertext.rfind("####")
    general = ""
    if separator >= 0:
        general = answertext[separator + 4 :]
        answertext = trim(answertext[:separator])

    fmt, question.questiontext = with_format(questiontext, "moodle")
    question.questiontext_format = fmt
    _, question.generalfeedback = with_format(general, fmt)
    if description:
        question.qtype = "description"
        return
    inside = text[start + 1 : finish]
    answers_line = first + (text[: start + 1] + inside[: len(inside) - len(inside.lstrip())]).count(
        "\n"
    )

    def bad(message: str, offset: int = 0) -> GiftError:
        return GiftError(message, answers_line + answertext[:offset].count("\n"))

    complaint: Complaint = bad
    read_answers(question, answertext, complaint, fmt)

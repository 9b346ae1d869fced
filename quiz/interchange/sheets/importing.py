"""A Kahoot or Wayground spreadsheet as a validated bank: each row a ``single`` or
``multiple`` question, all or nothing, every problem with its row."""

from __future__ import annotations

import re
from typing import Any

from quiz.interchange.common import (
    RIGHT,
    WRONG,
    Imported,
    default_explanation,
    document,
    key_of,
    placeholder_article,
    plain_to_markdown,
    unique,
    validate,
)
from quiz.interchange.sheets.cells import read_rows
from quiz.interchange.sheets.layouts import MAX_CELL, Row, cell, find_header


def _numbers(text: str) -> list[int] | None:
    parts = [p.strip() for p in re.split(r"[,;]", text) if p.strip()]
    if not parts or not all(p.isdigit() for p in parts):
        return None
    return [int(p) for p in parts]


class _Sheet:
    """The rows under a found header, read into questions."""

    def __init__(self, file: str, layout: str, cols: dict[str, int], result: Imported) -> None:
        self.file, self.layout, self.cols, self.result = file, layout, cols, result
        self.skip_unsupported = False

    def question(self, row: Row) -> dict[str, Any] | None:
        """The row's question (without its id), or None (a problem is recorded)."""
        where = f"{self.file}: row {row.number}"
        prompt = cell(row, self.cols, "question")
        filled = any(c.strip() for c in row.cells)
        if not filled or not prompt:
            if filled and any(cell(row, self.cols, f"option {k}") for k in range(1, 6)):
                self.result.errors.append(f"{where}: question: is empty but the row has answers")
            return None
        if self.layout == "wayground" and prompt.lower().startswith("text of the question"):
            return None  # the template's row of instructions
        if any(len(c) > MAX_CELL for c in row.cells):
            self.result.errors.append(f"{where}: a cell longer than {MAX_CELL} characters")
            return None
        if not self._is_choice(row, where):
            return None
        count = 4 if self.layout == "kahoot" else 5
        options = [(k, cell(row, self.cols, f"option {k}")) for k in range(1, count + 1)]
        options = [(k, t) for k, t in options if t]
        correct = self._correct(row, where, {k for k, _ in options})
        if correct is None:
            return None
        return self._spec(row, where, prompt, options, correct)

    def _is_choice(self, row: Row, where: str) -> bool:
        wayground = self.layout == "wayground"
        kind = cell(row, self.cols, "type").lower() if wayground else "multiple choice"
        if kind in ("", "multiple choice", "checkbox"):
            return True
        message = f"{where}: question type {kind!r}: only Multiple Choice and Checkbox import"
        if self.skip_unsupported:
            self.result.skipped.append(message)
        else:
            self.result.errors.append(message + " (the rest with --skip-unsupported)")
        return False

    def _correct(self, row: Row, where: str, given: set[int]) -> list[int] | None:
        correct_text = cell(row, self.cols, "correct")
        correct = _numbers(correct_text)
        if correct is None:
            self.result.errors.append(
                f"{where}: correct answer: {correct_text!r} is not answer numbers such as 2 or 1,3"
            )
            return None
        missing = [n for n in correct if n not in given]
        if missing:
            self.result.errors.append(
                f"{where}: correct answer: answer {missing[0]} is empty or not a column"
            )
            return None
        return correct

    def _spec(
        self,
        row: Row,
        where: str,
        prompt: str,
        options: list[tuple[int, str]],
        correct: list[int],
    ) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "type": "multiple" if len(set(correct)) > 1 else "single",
            "skill": "imported",
            "prompt": plain_to_markdown(prompt),
            "options": [
                {
                    "text": plain_to_markdown(text),
                    **({"correct": True} if k in correct else {}),
                    "feedback": RIGHT if k in correct else WRONG,
                }
                for k, text in options
            ],
        }
        explanation = plain_to_markdown(cell(row, self.cols, "explanation"))
        spec["explanation"] = explanation or default_explanation(spec)
        if cell(row, self.cols, "image"):
            self.result.notes.append(
                f"{where}: the image link was not imported (nothing is fetched)"
            )
        return spec


def _header(rows: list[Row], file: str, result: Imported) -> tuple[str, int, dict[str, int]] | None:
    found = find_header(rows)
    if found is None:
        result.errors.append(
            f"{file}: no header row of the Kahoot template ('Question - max 120 characters', "
            "'Answer 1 - max 75 characters', ...) or of Wayground ('Question Text', "
            "'Question Type', 'Option 1', ...) in the first 30 rows"
        )
        return None
    _, at, cols = found
    if "question" not in cols or "correct" not in cols:
        result.errors.append(
            f"{file}: row {rows[at].number}: the header has no correct-answer column"
        )
        return None
    return found


def import_sheet(
    raw: bytes, file: str, *, skip_unsupported: bool = False, bank_id: str | None = None
) -> Imported:
    """A Kahoot or Wayground spreadsheet as a validated bank: all or nothing, every
    problem with its row."""
    result = Imported(file=file)
    rows, errors = read_rows(raw, file)
    if errors:
        result.errors = errors
        return result
    found = _header(rows, file, result)
    if found is None:
        return result
    layout, at, cols = found
    sheet = _Sheet(file, layout, cols, result)
    sheet.skip_unsupported = skip_unsupported
    questions: list[dict[str, Any]] = []
    places: dict[str, str] = {}
    ids: set[str] = set()
    for row in rows[at + 1 :]:
        spec = sheet.question(row)
        if spec is None:
            continue
        qid = unique(f"row-{row.number}", ids)
        places[qid] = f"{file}: row {row.number}"
        questions.append({"id": qid, **spec})
    if result.errors:
        return result
    if not questions:
        result.errors.append(f"{file}: no question rows under the header")
        return result
    stem = file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    what = f"{file} ({'Kahoot' if layout == 'kahoot' else 'Wayground'} spreadsheet)"
    data = {
        "id": bank_id or key_of(stem, "imported"),
        "title": f"Imported from {stem}",
        "description": f"Imported from {what}.",
        "article": placeholder_article(what),
        "skills": {"imported": "Imported questions"},
        "questions": questions,
    }
    result.notes.append("time limits are not kept: our quizzes time the whole attempt")
    bank, problems = validate(data, file, places, f"{file}: row {rows[at].number}")
    result.errors += problems
    if bank is not None:
        result.bank = bank
        result.document = document(bank)
    return result

"""The two spreadsheet layouts: their headers and limits, finding the header row
and its columns, and reading one cell of a row."""

from __future__ import annotations

from dataclasses import dataclass

from quiz.interchange.common import MAX_QUESTIONS

LAYOUTS = ("kahoot", "wayground")
KAHOOT_HEADERS = (
    "Question - max 120 characters",
    "Answer 1 - max 75 characters",
    "Answer 2 - max 75 characters",
    "Answer 3 - max 75 characters",
    "Answer 4 - max 75 characters",
    "Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs",
    "Correct answer(s) - choose at least one",
)
KAHOOT_TIMES = (5, 10, 20, 30, 60, 90, 120, 240)
WAYGROUND_HEADERS = (
    "Question Text",
    "Question Type",
    "Option 1",
    "Option 2",
    "Option 3",
    "Option 4",
    "Option 5",
    "Correct Answer",
    "Time in seconds",
    "Image Link",
    "Answer explanation",
)
MAX_ROWS = MAX_QUESTIONS + 50
MAX_COLUMNS = 40
MAX_CELL = 2000
MAX_ZIP_ENTRIES = 200
MAX_UNZIPPED = 20 * 1024 * 1024
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Row:
    """A spreadsheet row: its number in the file and its cells as text."""

    number: int
    cells: list[str]


_WAYGROUND_FIELDS = {
    "question text": "question",
    "question type": "type",
    "correct answer": "correct",
    "time in seconds": "time",
    "image link": "image",
    "answer explanation": "explanation",
}


def _norm(text: str) -> str:
    return " ".join(text.replace("–", "-").split()).lower()


def _kahoot_columns(cells: list[str]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for n, c in enumerate(cells):
        if c.startswith("question - max"):
            cols["question"] = n
        for k in range(1, 5):
            if c.startswith(f"answer {k}"):
                cols[f"option {k}"] = n
        if c.startswith("time limit"):
            cols["time"] = n
        if c.startswith("correct answer"):
            cols["correct"] = n
    return cols


def _wayground_columns(cells: list[str]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for n, c in enumerate(cells):
        name = _WAYGROUND_FIELDS.get(c, c if c.startswith("option ") else None)
        if name:
            cols[name] = n
    return cols


def find_header(rows: list[Row]) -> tuple[str, int, dict[str, int]] | None:
    """The layout, the header row's index and the column of each field."""
    for index, row in enumerate(rows[:30]):
        cells = [_norm(c) for c in row.cells]
        if any(c.startswith("question - max") for c in cells):
            return "kahoot", index, _kahoot_columns(cells)
        if "question text" in cells and "question type" in cells:
            return "wayground", index, _wayground_columns(cells)
    return None


def cell(row: Row, cols: dict[str, int], name: str) -> str:
    """The text of a field's cell ("" when the row has none)."""
    n = cols.get(name)
    if n is None or n >= len(row.cells):
        return ""
    text = row.cells[n].strip()
    if text.startswith("'") and text[1:].startswith(DANGEROUS):
        text = text[1:]  # the apostrophe that keeps a spreadsheet from running it
    return text

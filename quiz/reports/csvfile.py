"""The CSV files' common ground: cells no spreadsheet runs as formulas, times in
ISO 8601 UTC, a writer whose buffer is emptied as it is streamed.

Every export is a generator of text chunks: the first starts with a UTF-8
byte-order mark and the header line, then a chunk follows every ``CHUNK_ROWS``
rows. The caller encodes the chunks as UTF-8 and streams them, or writes them to a
file opened with ``newline=""``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

BOM = "\ufeff"
CHUNK_ROWS = 500
YIELD_PER = 1000
MEMO_MAX = 10_000  # escaped text values remembered (Escaped)
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def iso_utc(value: datetime | None) -> str:
    """ISO 8601 in UTC to the second, with ``Z``: ``2026-11-28T09:15:00Z``; "" for None."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    if value.year >= 1000:  # the same text as strftime below (+00:00 cut off), faster
        return value.isoformat(timespec="seconds")[:19] + "Z"
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def safe_cell(value: Any) -> str | int | float:
    """A value as a CSV cell that no spreadsheet runs as a formula.

    Text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    gets a leading apostrophe. Real numbers (int, float) stay numbers, negative
    ones included; None becomes ""; times become ISO 8601 UTC."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return iso_utc(value)
    text = str(value)
    if text.startswith(DANGEROUS_PREFIXES):
        return "'" + text
    return text


def rounded(value: float | None, digits: int) -> float | None:
    """The value rounded to ``digits`` places; None stays None."""
    return None if value is None else round(float(value), digits)


class Escaped(dict[Any, Any]):
    """``safe_cell`` of each value looked up, remembered: for the text columns whose
    values repeat from row to row (names, question keys, skills, types, codes,
    option labels). Emptied when it holds ``MEMO_MAX`` values, so memory stays flat."""

    def __missing__(self, value: Any) -> Any:
        if len(self) >= MEMO_MAX:
            self.clear()
        cell = self[value] = safe_cell(value)
        return cell


class Writer:
    """A csv.writer into a buffer that is emptied every time it is read."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")
        self.pending = 0

    def row(self, values: Sequence[Any]) -> None:
        self.writer.writerow([safe_cell(v) for v in values])
        self.pending += 1

    def rows(self, rows: Sequence[Sequence[Any]]) -> None:
        """Rows whose cells are already safe (see ``safe_cell``)."""
        self.writer.writerows(rows)
        self.pending += len(rows)

    def take(self) -> str:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate(0)
        self.pending = 0
        return text

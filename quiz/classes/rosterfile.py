"""A roster's names, read from pasted text or a CSV file and checked (length,
characters, how many): ``RosterResult`` names every bad line, never cuts one. No
database: adding the students is ``roster.add_students``."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from quiz.questions.base import UNSTORABLE

if TYPE_CHECKING:
    from quiz.store import models as m

MAX_NAME = 60
MAX_ROSTER = 500  # names in one import
MAX_ROSTER_BYTES = 256 * 1024  # a roster file; a pasted roster is bounded by the request


@dataclass
class RosterResult:
    names: list[str] = field(default_factory=list)
    created: list[m.Student] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _roster_name(result: RosterResult, line: int, raw: str) -> None:
    name = " ".join(raw.split())
    if not name:
        result.errors.append(f"Line {line}: no name.")
    elif len(name) > MAX_NAME:
        result.errors.append(
            f"Line {line}: the name is longer than {MAX_NAME} characters ({name[:20]}…)."
        )
    elif UNSTORABLE.search(name):
        result.errors.append(f"Line {line}: a character that cannot be stored (a NUL byte).")
    else:
        result.names.append(name)


def _roster_bounds(result: RosterResult) -> RosterResult:
    if not result.names and not result.errors:
        result.errors.append("There are no names.")
    if len(result.names) > MAX_ROSTER:
        result.errors.append(f"At most {MAX_ROSTER} students can be added at once.")
    return result


def parse_pasted_roster(text: str) -> RosterResult:
    """Pasted names, one per line: every kind of line break separates names (a lone
    CR too), a comma is part of a name (``Smith, John`` stays whole), blank lines
    are skipped, spaces are folded. A bad line is named, never cut."""
    result = RosterResult()
    for n, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if line.strip():
            _roster_name(result, n, line)
    return _roster_bounds(result)


def parse_roster_csv(text: str) -> RosterResult:
    """A CSV file whose first line is a header with a ``name`` column; any line
    endings (CR-only too); blank lines skipped; every other row needs a name."""
    result = RosterResult()
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header: list[str] | None = None
    column = 0
    line = 1
    try:
        for row in reader:
            first, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip().lower() for cell in row]
                if "name" not in header:
                    shown = ",".join(row)
                    shown = shown if len(shown) <= 60 else shown[:60] + "…"
                    result.errors.append(
                        f"Line {first}: the first line must be a header with a “name” column "
                        f"(it reads “{shown}”)."
                    )
                    return result
                column = header.index("name")
                continue
            _roster_name(result, first, row[column] if column < len(row) else "")
    except csv.Error as exc:
        result.errors.append(f"Line {line}: this is not readable as CSV ({exc}).")
        return result
    return _roster_bounds(result)


def check_roster_names(names: list[str]) -> RosterResult:
    """Names sent back by the confirm step, checked again (a request can be crafted)."""
    result = RosterResult()
    for n, name in enumerate(names, start=1):
        _roster_name(result, n, name)
    return _roster_bounds(result)

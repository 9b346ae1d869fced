"""A bank's choice questions written in a layout, as CSV or XLSX; no exported text
starts a formula."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable
from typing import Any

import nh3

from quiz.domain.banks import LoadedBank
from quiz.domain.rendering import markdown, xml_text
from quiz.interchange.sheets.layouts import DANGEROUS, KAHOOT_HEADERS, WAYGROUND_HEADERS


def plain(markdown_text: str) -> str:
    """Markdown as the plain text a spreadsheet cell shows."""
    rendered = nh3.clean(str(markdown(markdown_text)), tags=set())
    return " ".join(html.unescape(rendered).split())


def safe(text: str) -> str:
    """Text that no spreadsheet runs as a formula (a leading apostrophe)."""
    text = xml_text(text)
    return "'" + text if text.startswith(DANGEROUS) else text


def export_rows(bank: LoadedBank, layout: str) -> tuple[list[list[Any]], list[str]]:
    """The bank's choice questions as the layout's rows (header included), and each
    question left out with the reason."""
    skipped: list[str] = []
    if layout == "kahoot":
        rows: list[list[Any]] = [
            ["", "Quiz exported from the bank " + bank.title],
            ["", "Kahoot: answers 1-4, time limit in seconds, correct answer numbers (1,3)."],
            [],
            [],
            [],
            [],
            [],
            ["", *KAHOOT_HEADERS],
        ]
    else:
        rows = [list(WAYGROUND_HEADERS)]
    limit = 4 if layout == "kahoot" else 5
    number = 0
    for q in bank.questions:
        if q.type not in ("single", "multiple"):
            skipped.append(f"question {q.id} ({q.type}): the layout holds choice questions only")
            continue
        options = q.options  # type: ignore[attr-defined]  # single and multiple have options
        if len(options) > limit:
            skipped.append(f"question {q.id}: {len(options)} options (the layout holds {limit})")
            continue
        prompt = plain(q.prompt)
        texts = [plain(o.text) for o in options]
        if layout == "kahoot" and (len(prompt) > 120 or any(len(t) > 75 for t in texts)):
            skipped.append(
                f"question {q.id}: longer than Kahoot allows (question 120, answers 75 characters)"
            )
            continue
        right = [str(n) for n, o in enumerate(options, start=1) if o.credit >= 1]
        texts += [""] * (limit - len(texts))
        number += 1
        if layout == "kahoot":
            rows.append([number, safe(prompt), *map(safe, texts), 20, ",".join(right)])
        else:
            kind = "Checkbox" if q.type == "multiple" else "Multiple Choice"
            explanation = safe(plain(q.explanation))
            rows.append(
                [safe(prompt), kind, *map(safe, texts), ",".join(right), 30, "", explanation]
            )
    return rows, skipped


def rows_csv(rows: Iterable[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8-sig")


def rows_xlsx(rows: Iterable[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value if isinstance(value, int) else None)
            if not isinstance(value, int):
                cell.value = str(value)
                cell.data_type = "s"  # text stays text, whatever it starts with
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_sheet(bank: LoadedBank, layout: str, fmt: str) -> tuple[bytes, list[str]]:
    rows, skipped = export_rows(bank, layout)
    return (rows_xlsx(rows) if fmt == "xlsx" else rows_csv(rows)), skipped

"""Choice questions in the spreadsheet layouts of Kahoot and Wayground (Quizizz),
as CSV or XLSX, both ways.

**Kahoot** (its "Import spreadsheet" template): a header row whose cells start
``Question - max 120 characters``, ``Answer 1 - max 75 characters`` ... ``Answer 4``,
``Time limit (sec)`` and ``Correct answer(s) - choose at least one``, with the
question's number in the column before it (row 8 of the template; rows above it are
instructions). ``Correct answer(s)`` is the answer numbers, ``2`` or ``1,3``.

**Wayground (Quizizz)**: a header row ``Question Text``, ``Question Type``,
``Option 1`` ... ``Option 5``, ``Correct Answer``, ``Time in seconds``, ``Image Link``,
``Answer explanation``. ``Question Type`` is ``Multiple Choice`` (one right option)
or ``Checkbox`` (several); ``Correct Answer`` is the option numbers.

A row with one right answer becomes ``single``, with several ``multiple``. Time
limits and image links are not kept (our quizzes time the whole attempt; nothing
is fetched). Every problem names its row. XLSX files are zips: entries are checked
(count, uncompressed size, names) before openpyxl opens them; a formula cell is an
error (type its value). Exported text never starts a formula.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import click
import defusedxml.ElementTree as defused
import nh3
from defusedxml import DefusedXmlException

from quiz.domain.banks import LoadedBank
from quiz.domain.rendering import markdown
from quiz.interchange.common import (
    MAX_BYTES,
    MAX_QUESTIONS,
    RIGHT,
    WRONG,
    Imported,
    decode,
    default_explanation,
    document,
    key_of,
    placeholder_article,
    plain_to_markdown,
    unique,
    validate,
)

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
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class _Row:
    number: int
    cells: list[str]


# -- reading cells -----------------------------------------------------------------------


def _check_zip(raw: bytes, file: str) -> list[str]:
    """An XLSX is a zip: refuse too many entries, too much unzipped, odd names."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        return [f"{file}: not an XLSX file (not a zip); save it as .xlsx or .csv"]
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            return [f"{file}: {len(entries)} parts in the XLSX file (at most {MAX_ZIP_ENTRIES})"]
        total = 0
        for entry in entries:
            name = entry.filename
            if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/"):
                return [f"{file}: the XLSX file has a part outside it ({name[:80]!r})"]
            total += entry.file_size
            if total > MAX_UNZIPPED:
                return [f"{file}: the XLSX file unpacks to more than {MAX_UNZIPPED // 2**20} MiB"]
        for entry in entries:  # sizes as declared; read no more than that from each part
            if not entry.filename.endswith((".xml", ".rels")):
                continue
            with archive.open(entry) as part:
                data = part.read(entry.file_size + 1)
            if len(data) > entry.file_size:
                return [f"{file}: the XLSX part {entry.filename[:80]!r} is larger than declared"]
            try:  # no DTD, no entities: what openpyxl then reads is plain XML
                defused.fromstring(data, forbid_dtd=True)
            except (defused.ParseError, DefusedXmlException) as exc:
                return [
                    f"{file}: the XLSX part {entry.filename[:80]!r} is not plain XML "
                    f"({type(exc).__name__})"
                ]
    return []


def _xlsx_rows(raw: bytes, file: str) -> tuple[list[_Row], list[str]]:
    errors = _check_zip(raw, file)
    if errors:
        return [], errors
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        return [], [f"{file}: not a readable XLSX file ({type(exc).__name__})"]
    rows: list[_Row] = []
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            if number > MAX_ROWS:
                errors.append(f"{file}: row {number}: more than {MAX_ROWS} rows")
                break
            cells = []
            for col, cell in enumerate(row, start=1):
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", None) == "f":
                    errors.append(
                        f"{file}: row {number}: column {col}: a formula; type its value instead"
                    )
                    value = None
                cells.append("" if value is None else str(value))
            rows.append(_Row(number, cells))
    finally:
        book.close()
    return rows, errors


def _csv_rows(raw: bytes, file: str) -> tuple[list[_Row], list[str]]:
    text, errors = decode(raw, file)
    if text is None:
        return [], [e.replace(":0:", ":").replace(f"{file}:", f"{file}: row ", 1) for e in errors]
    sample = text[:4096]
    delimiter = max((",", ";", "\t"), key=sample.count)
    rows: list[_Row] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for cells in reader:
            number = reader.line_num
            if len(rows) >= MAX_ROWS:
                return rows, [f"{file}: row {number}: more than {MAX_ROWS} rows"]
            rows.append(_Row(number, cells[:MAX_COLUMNS]))
    except csv.Error as exc:
        return rows, [f"{file}: row {reader.line_num}: {exc}"]
    return rows, []


def read_rows(raw: bytes, file: str) -> tuple[list[_Row], list[str]]:
    """The rows of a CSV or XLSX file (by its first bytes, not its name)."""
    if len(raw) > MAX_BYTES:
        return [], [f"{file}: the file is larger than {MAX_BYTES // 1024} KiB; nothing was read"]
    if raw[:4] == b"PK\x03\x04":
        return _xlsx_rows(raw, file)
    return _csv_rows(raw, file)


# -- layouts ---------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.replace("–", "-").split()).lower()


def find_header(rows: list[_Row]) -> tuple[str, int, dict[str, int]] | None:
    """The layout, the header row's index and the column of each field."""
    for index, row in enumerate(rows[:30]):
        cells = [_norm(c) for c in row.cells]
        if any(c.startswith("question - max") for c in cells):
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
            return "kahoot", index, cols
        if "question text" in cells and "question type" in cells:
            cols = {}
            for n, c in enumerate(cells):
                name = {
                    "question text": "question",
                    "question type": "type",
                    "correct answer": "correct",
                    "time in seconds": "time",
                    "image link": "image",
                    "answer explanation": "explanation",
                }.get(c, c if c.startswith("option ") else None)
                if name:
                    cols[name] = n
            return "wayground", index, cols
    return None


def _cell(row: _Row, cols: dict[str, int], name: str) -> str:
    n = cols.get(name)
    if n is None or n >= len(row.cells):
        return ""
    text = row.cells[n].strip()
    if text.startswith("'") and text[1:].startswith(DANGEROUS):
        text = text[1:]  # the apostrophe that keeps a spreadsheet from running it
    return text


def _numbers(text: str) -> list[int] | None:
    parts = [p.strip() for p in re.split(r"[,;]", text) if p.strip()]
    if not parts or not all(p.isdigit() for p in parts):
        return None
    return [int(p) for p in parts]


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
    found = find_header(rows)
    if found is None:
        result.errors.append(
            f"{file}: no header row of the Kahoot template ('Question - max 120 characters', "
            "'Answer 1 - max 75 characters', ...) or of Wayground ('Question Text', "
            "'Question Type', 'Option 1', ...) in the first 30 rows"
        )
        return result
    layout, at, cols = found
    if "question" not in cols or "correct" not in cols:
        result.errors.append(
            f"{file}: row {rows[at].number}: the header has no correct-answer column"
        )
        return result
    questions: list[dict[str, Any]] = []
    places: dict[str, str] = {}
    ids: set[str] = set()
    for row in rows[at + 1 :]:
        where = f"{file}: row {row.number}"
        prompt = _cell(row, cols, "question")
        if not any(c.strip() for c in row.cells) or not prompt:
            if any(c.strip() for c in row.cells) and any(
                _cell(row, cols, f"option {k}") for k in range(1, 6)
            ):
                result.errors.append(f"{where}: question: is empty but the row has answers")
            continue
        if layout == "wayground" and prompt.lower().startswith("text of the question"):
            continue  # the template's row of instructions
        too_long = [c for c in row.cells if len(c) > MAX_CELL]
        if too_long:
            result.errors.append(f"{where}: a cell longer than {MAX_CELL} characters")
            continue
        kind = _cell(row, cols, "type").lower() if layout == "wayground" else "multiple choice"
        if kind not in ("", "multiple choice", "checkbox"):
            message = f"{where}: question type {kind!r}: only Multiple Choice and Checkbox import"
            (result.skipped if skip_unsupported else result.errors).append(
                message + ("" if skip_unsupported else " (the rest with --skip-unsupported)")
            )
            continue
        count = 4 if layout == "kahoot" else 5
        options = [(k, _cell(row, cols, f"option {k}")) for k in range(1, count + 1)]
        options = [(k, t) for k, t in options if t]
        correct_text = _cell(row, cols, "correct")
        correct = _numbers(correct_text)
        if correct is None:
            result.errors.append(
                f"{where}: correct answer: {correct_text!r} is not answer numbers such as 2 or 1,3"
            )
            continue
        given = {k for k, _ in options}
        missing = [n for n in correct if n not in given]
        if missing:
            result.errors.append(
                f"{where}: correct answer: answer {missing[0]} is empty or not a column"
            )
            continue
        if kind == "multiple choice" and layout == "wayground" and len(set(correct)) > 1:
            kind = "checkbox"
        qid = unique(f"row-{row.number}", ids)
        places[qid] = where
        spec: dict[str, Any] = {
            "id": qid,
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
        explanation = plain_to_markdown(_cell(row, cols, "explanation"))
        spec["explanation"] = explanation or default_explanation(spec)
        if _cell(row, cols, "image"):
            result.notes.append(f"{where}: the image link was not imported (nothing is fetched)")
        questions.append(spec)
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


# -- writing ---------------------------------------------------------------------------


def plain(markdown_text: str) -> str:
    """Markdown as the plain text a spreadsheet cell shows."""
    rendered = nh3.clean(str(markdown(markdown_text)), tags=set())
    return " ".join(html.unescape(rendered).split())


def safe(text: str) -> str:
    """Text that no spreadsheet runs as a formula (a leading apostrophe)."""
    text = _ILLEGAL_XML.sub("", text)
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
        options = q.options  # type: ignore[attr-defined]
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


# -- commands ----------------------------------------------------------------------------


@click.command("import-sheet")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the bank YAML here.")
@click.option(
    "--skip-unsupported", is_flag=True, help="Import the rest when some rows are not choices."
)
def import_sheet_command(file: str, output: str | None, skip_unsupported: bool) -> None:
    """Import choice questions from a Kahoot or Wayground (Quizizz) spreadsheet, CSV or
    XLSX (the layout is found from its header row; all or nothing)."""
    from quiz.interchange.cli import finish_import, read_input

    result = import_sheet(read_input(file), file, skip_unsupported=skip_unsupported)
    finish_import(result, output, quiet_yaml=False)


@click.command("export-sheet")
@click.argument("bank_file", type=click.Path(dir_okay=False))
@click.option("--layout", type=click.Choice(LAYOUTS), default="kahoot", show_default=True)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), required=True, help="FILE.csv or FILE.xlsx"
)
def export_sheet_command(bank_file: str, layout: str, output: str) -> None:
    """Export a bank's choice questions as a Kahoot or Wayground spreadsheet (.xlsx or
    .csv, by the output's name); other questions are listed with the reason."""
    from quiz.interchange.cli import load_bank_file, write_output

    bank = load_bank_file(bank_file)
    fmt = "xlsx" if output.lower().endswith(".xlsx") else "csv"
    data, skipped = export_sheet(bank, layout, fmt)
    for s in skipped:
        click.echo(f"not exported: {s}", err=True)
    write_output(output, data)
    click.echo(f"{output}: {len(bank.questions) - len(skipped)} questions written.", err=True)

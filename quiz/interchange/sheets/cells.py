"""A spreadsheet's rows of text, from CSV or XLSX: an XLSX zip checked (entries,
sizes, names, plain XML) before openpyxl opens it; a formula cell is an error."""

from __future__ import annotations

import csv
import io
import zipfile

import defusedxml.ElementTree as defused
from defusedxml import DefusedXmlException

from quiz.interchange.common import MAX_BYTES, decode
from quiz.interchange.sheets.layouts import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNZIPPED,
    MAX_ZIP_ENTRIES,
    Row,
)


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


def _xlsx_rows(raw: bytes, file: str) -> tuple[list[Row], list[str]]:
    errors = _check_zip(raw, file)
    if errors:
        return [], errors
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        return [], [f"{file}: not a readable XLSX file ({type(exc).__name__})"]
    rows: list[Row] = []
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
            rows.append(Row(number, cells))
    finally:
        book.close()
    return rows, errors


def _csv_rows(raw: bytes, file: str) -> tuple[list[Row], list[str]]:
    text, errors = decode(raw, file)
    if text is None:
        return [], [e.replace(":0:", ":").replace(f"{file}:", f"{file}: row ", 1) for e in errors]
    sample = text[:4096]
    delimiter = max((",", ";", "\t"), key=sample.count)
    rows: list[Row] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for cells in reader:
            number = reader.line_num
            if len(rows) >= MAX_ROWS:
                return rows, [f"{file}: row {number}: more than {MAX_ROWS} rows"]
            rows.append(Row(number, cells[:MAX_COLUMNS]))
    except csv.Error as exc:
        return rows, [f"{file}: row {reader.line_num}: {exc}"]
    return rows, []


def read_rows(raw: bytes, file: str) -> tuple[list[Row], list[str]]:
    """The rows of a CSV or XLSX file (by its first bytes, not its name)."""
    if len(raw) > MAX_BYTES:
        return [], [f"{file}: the file is larger than {MAX_BYTES // 1024} KiB; nothing was read"]
    if raw[:4] == b"PK\x03\x04":
        return _xlsx_rows(raw, file)
    return _csv_rows(raw, file)

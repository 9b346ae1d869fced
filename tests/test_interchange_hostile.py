"""Hostile files for every interchange parser (issue #21): huge files, many
questions, zip bombs, path traversal, XML entities, formula cells, bytes that are
not UTF-8. Each is refused with a message (or read as plain text), quickly, and
never raises."""

from __future__ import annotations

import csv
import io
import time
import zipfile

import openpyxl
import pytest

from quiz.interchange import gift, sheets

HEAD = list(sheets.WAYGROUND_HEADERS)


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item.filename, replace.get(item.filename, src.read(item.filename)))
        for name, body in (add or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


# -- GIFT ------------------------------------------------------------------------------


def test_gift_too_large_is_refused_before_reading():
    _, result = gift.import_gift(b"::a::Q{T}\n\n" * 300_000, "big.gift")
    assert result.errors == ["big.gift:0: the file is larger than 2048 KiB; nothing was read"]


def test_gift_too_many_questions():
    text = "\n\n".join(f"::q{n}::Q {{T}}" for n in range(1100)).encode()
    read, errors = gift.read_gift_bytes(text, "many.gift")
    assert any("more than 1000 questions" in e for e in errors)


def test_gift_long_line_and_deep_braces_are_fast_and_clear():
    start = time.perf_counter()
    read = gift.read_gift("::a::" + "x" * 1_000_000 + " {T}")
    assert read.errors == [] and len(read.questions[0].questiontext) == 1_000_000
    nested = gift.read_gift("::a::Q " + "{" * 5000 + "=x" + "}" * 5000)
    assert nested.errors and "unescaped {" in nested.errors[0][1]
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize(
    "raw",
    [b"\xff\xfe\x00Q", b"::a::Q {=\xc3\x28}", "::a::\ud800 {T}".encode("utf-8", "surrogatepass")],
)
def test_gift_invalid_utf8_is_an_error_with_its_line(raw):
    _, errors = gift.read_gift_bytes(raw, "x.gift")
    assert errors and errors[0].startswith("x.gift:1: not UTF-8")


def test_gift_html_with_script_and_event_handlers_is_sanitised():
    text = "::a::[html]<img src=x onerror=alert(1)><script>alert(2)</script>Q? {T}"
    result = gift.import_gift(text.encode(), "x.gift")[1]
    assert result.document is not None, result.errors
    prompt = result.document["questions"][0]["prompt"]
    assert "alert" not in prompt and "<" not in prompt


def test_gift_private_use_placeholders_cannot_smuggle_structure():
    read = gift.read_gift("::a::Q {=x\ue000y ~z}")
    assert read.errors and "private-use" in read.errors[0][1]


# -- spreadsheets ----------------------------------------------------------------------


def test_zip_bomb_is_refused_by_its_declared_size():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (25 * 1024 * 1024))
    result = sheets.import_sheet(out.getvalue(), "bomb.xlsx")
    assert result.errors == ["bomb.xlsx: the XLSX file unpacks to more than 20 MiB"]


def test_too_many_zip_entries():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(300):
            archive.writestr(f"x/{n}.xml", b"<a/>")
    result = sheets.import_sheet(out.getvalue(), "many.xlsx")
    assert result.errors == ["many.xlsx: 300 parts in the XLSX file (at most 200)"]


@pytest.mark.parametrize("name", ["../evil.xml", "/etc/evil.xml", "xl/../../evil.xml"])
def test_path_traversal_in_the_zip(name):
    data = _rezip(_xlsx([HEAD]), {}, {name: b"<a/>"})
    result = sheets.import_sheet(data, "t.xlsx")
    assert result.errors and "a part outside it" in result.errors[0]


def test_billion_laughs_in_an_xlsx_part_is_refused():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>&lol3;</t></si></sst>"
    )
    base = _xlsx([HEAD, ["Q?", "", "a", "b", "", "", "", "1"]])
    data = _rezip(base, {"xl/worksheets/sheet1.xml": laughs})
    result = sheets.import_sheet(data, "lol.xlsx")
    assert result.errors and "is not plain XML" in result.errors[0]
    external = _rezip(
        base,
        {
            "xl/worksheets/sheet1.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM '
            b'"file:///etc/passwd">]><sst><si><t>&e;</t></si></sst>'
        },
    )
    assert "is not plain XML" in sheets.import_sheet(external, "ext.xlsx").errors[0]


def test_formula_cells_are_errors_with_their_row():
    data = _xlsx([HEAD, ["Q?", "", "a", "b", "", "", "", "=1+0"]])
    result = sheets.import_sheet(data, "f.xlsx")
    assert result.errors[0] == "f.xlsx: row 2: column 8: a formula; type its value instead"


def test_csv_formula_text_is_text():
    result = sheets.import_sheet(
        b"Question Text,Question Type,Option 1,Option 2,Correct Answer\n"
        b"=cmd|' /C calc'!A0,,a,b,1\n",
        "f.csv",
    )
    assert result.document is not None, result.errors
    assert result.document["questions"][0]["prompt"] == "=cmd|' /C calc'!A0"


def test_not_a_zip_not_utf8_nul_and_too_large():
    assert "not an XLSX file" in sheets.import_sheet(b"PK\x03\x04garbage", "x.xlsx").errors[0]
    assert sheets.import_sheet(b"Question Text\n\xff", "x.csv").errors == [
        "x.csv: row 2: not UTF-8 (byte 15); save the file as UTF-8"
    ]
    assert "NUL" in sheets.import_sheet(b"a,b\n\x00", "x.csv").errors[0]
    assert "larger than" in sheets.import_sheet(b"a" * (3 * 1024 * 1024), "x.csv").errors[0]


def test_too_many_rows_and_huge_cells():
    rows = [HEAD] + [[f"Q{n}?", "", "a", "b", "", "", "", "1"] for n in range(1100)]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    result = sheets.import_sheet(out.getvalue().encode(), "many.csv")
    assert any("more than 1050 rows" in e for e in result.errors)
    header = "Question Text,Question Type,Option 1,Option 2,Correct Answer\n"
    huge = sheets.import_sheet(f"{header}{'x' * 9000},,a,b,1\n".encode(), "huge.csv")
    assert huge.errors and "row 2" in huge.errors[0]

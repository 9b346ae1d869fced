"""Kahoot and Wayground (Quizizz) spreadsheets in and out (issue #21): CSV and XLSX,
row numbers in every error, the bank's one validation path, text that never runs as
a formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from quiz.domain.banks import parse_bank
from quiz.interchange import sheets
from quiz.interchange.cli import export_sheet_command, import_sheet_command
from quiz.interchange.common import dump_yaml
from tests.conftest import SHIPPED_BANKS

DATA = Path(__file__).parent / "data" / "sheets"
HEAD = list(sheets.WAYGROUND_HEADERS)


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _specs(result: sheets.Imported) -> list[dict]:
    assert result.document is not None, result.errors
    return result.document["questions"]


def test_kahoot_template_rows_become_single_and_multiple():
    result = sheets.import_sheet((DATA / "kahoot.csv").read_bytes(), "kahoot.csv")
    specs = _specs(result)
    assert [(q["id"], q["type"]) for q in specs] == [
        ("row-9", "single"),
        ("row-10", "multiple"),
        ("row-11", "single"),
    ]
    assert [o.get("correct", False) for o in specs[1]["options"]] == [True, True, False]
    assert specs[0]["options"][0] == {
        "id": "a",
        "text": "60",
        "correct": True,
        "feedback": "Right.",
    }
    assert any("time limits" in n for n in result.notes)
    assert result.document["article"]["title"] == "No article yet"


def test_wayground_layout_with_instructions_row_explanation_and_image_note():
    result = sheets.import_sheet((DATA / "wayground.csv").read_bytes(), "w.csv")
    specs = _specs(result)
    assert [q["type"] for q in specs] == ["single", "multiple", "single"]
    assert specs[0]["explanation"] == "New = 10 × (1 + 5) = 60."
    assert result.notes[0] == "w.csv: row 4: the image link was not imported (nothing is fetched)"


def test_xlsx_reads_like_csv():
    rows = [HEAD, ["Q one?", "Multiple Choice", "a", "b", "", "", "", 2, 30, "", ""]]
    result = sheets.import_sheet(_xlsx(rows), "w.xlsx")
    assert [o.get("correct", False) for o in _specs(result)[0]["options"]] == [False, True]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["Q?", "Multiple Choice", "a", "b", "", "", "", "x", "", "", ""], "is not answer numbers"),
        (["Q?", "Multiple Choice", "a", "b", "", "", "", "3", "", "", ""], "answer 3 is empty"),
        (["Q?", "Poll", "a", "b", "", "", "", "1", "", "", ""], "only Multiple Choice"),
        (["", "Multiple Choice", "a", "b", "", "", "", "1", "", "", ""], "question: is empty"),
        (["Q?", "Multiple Choice", "a", "", "", "", "", "1", "", "", ""], "at least two options"),
    ],
)
def test_every_error_names_its_row(row, message):
    result = sheets.import_sheet(
        _csv([HEAD, ["Fine?", "", "a", "b", "", "", "", "1"], row]), "w.csv"
    )
    assert result.document is None
    assert len(result.errors) == 1 and result.errors[0].startswith("w.csv: row 3: "), result.errors
    assert message in result.errors[0]


def test_all_bad_rows_are_listed_and_nothing_is_imported():
    rows = [HEAD, ["A?", "", "a", "b", "", "", "", "9"], ["B?", "", "a", "b", "", "", "", "z"]]
    result = sheets.import_sheet(_csv(rows), "w.csv")
    assert [e.split(":")[1] for e in result.errors] == [" row 2", " row 3"]


def test_unsupported_rows_are_skipped_only_when_asked():
    rows = [
        HEAD,
        ["A?", "", "a", "b", "", "", "", "1"],
        ["B?", "Open-Ended", "", "", "", "", "", ""],
    ]
    assert sheets.import_sheet(_csv(rows), "w.csv").document is None
    result = sheets.import_sheet(_csv(rows), "w.csv", skip_unsupported=True)
    assert len(_specs(result)) == 1 and result.skipped[0].startswith("w.csv: row 3:")


def test_no_header_is_an_error():
    result = sheets.import_sheet(b"a,b,c\n1,2,3\n", "x.csv")
    assert "no header row" in result.errors[0]


@pytest.mark.parametrize("layout", sheets.LAYOUTS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_and_import_again_keeps_every_choice_question(layout, fmt):
    bank, _ = parse_bank((SHIPPED_BANKS / "ice-assaults-500.yaml").read_text(), "ice.yaml")
    assert bank is not None
    data, skipped = sheets.export_sheet(bank, layout, fmt)
    again = sheets.import_sheet(data, f"x.{fmt}")
    specs = _specs(again)
    exported = [
        q for q in bank.questions if not any(s.split()[1].rstrip(":") == q.id for s in skipped)
    ]
    assert len(specs) == len(exported) > 0
    for spec, q in zip(specs, exported, strict=True):
        assert [o.get("correct", False) for o in spec["options"]] == [
            o.credit >= 1 for o in q.options
        ]
    assert any("(highlight)" in s for s in skipped)
    assert parse_bank(dump_yaml(again.document), "x.yaml")[0] is not None


def test_export_never_writes_a_formula():
    rows = [HEAD, ['=HYPERLINK("http://x")', "", "+1", "@a", "", "", "", "1"]]
    result = sheets.import_sheet(_csv(rows), "w.csv")
    assert result.bank is not None
    for fmt in ("csv", "xlsx"):
        data, _ = sheets.export_sheet(result.bank, "wayground", fmt)
        if fmt == "xlsx":
            sheet = openpyxl.load_workbook(io.BytesIO(data)).active
            cells = [c for row in sheet.iter_rows() for c in row]
            assert all(c.data_type != "f" for c in cells)
            header = [c.value for c in sheet[1]]
            question = sheet.cell(2, header.index("Question Text") + 1)
            assert question.value == '\'=HYPERLINK("http://x")'
        else:
            assert b"'=HYPERLINK" in data and b"'+1" in data
        again = sheets.import_sheet(data, f"x.{fmt}")  # the apostrophe goes on the way in
        assert _specs(again)[0]["prompt"] == '=HYPERLINK("http://x")'


def test_commands(tmp_path):
    out = tmp_path / "k.xlsx"
    bank = SHIPPED_BANKS / "ice-assaults-500.yaml"
    result = CliRunner().invoke(export_sheet_command, [str(bank), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "not exported: question" in result.stderr
    imported = tmp_path / "k.yaml"
    result = CliRunner().invoke(import_sheet_command, [str(out), "-o", str(imported)])
    assert result.exit_code == 0, result.output
    assert parse_bank(imported.read_text(), "k.yaml")[0] is not None
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv([HEAD, ["A?", "", "a", "b", "", "", "", "7"]]))
    result = CliRunner().invoke(import_sheet_command, [str(bad)])
    assert result.exit_code == 1 and f"{bad}: row 2: correct answer" in result.stderr

"""The ``export`` command (filters, a file, unknown classes or assignments) and the
column contract documented in docs/csv.md."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from quiz.reports import exports
from quiz.reports.exports import DISCERNMENT_COLUMNS, GRADES_COLUMNS, RESPONSES_COLUMNS
from quiz.store.db import session_scope
from tests.exports_helpers import (
    DOCS,
    _all_assignments,
    _documented,
    _invoke,
    _stdout_rows,
    build_book,
)

# -- the export command ----------------------------------------------------------------------


def test_cli_exports_everything_without_filters(app: Flask) -> None:
    book = build_book(app)
    rows = _stdout_rows(_invoke(app, "grades"))
    order = [book.assignments[i] for i in (0, 0, 0, 1, 1, 1, 2, 2)]
    assert [int(r["assignment_id"]) for r in rows] == order
    rows = _stdout_rows(_invoke(app, "responses"))
    assert {int(r["assignment_id"]) for r in rows} == set(book.assignments)


def test_cli_class_filter(app: Flask) -> None:
    book = build_book(app)
    rows = _stdout_rows(_invoke(app, "grades", "--class", "secondcl"))
    assert {r["class_code"] for r in rows} == {"SECONDCL"}
    assert [r["student_name"] for r in rows] == ["Chen", "Émile"]
    rows = _stdout_rows(_invoke(app, "responses", "--class", book.codes[0]))
    assert {r["class_code"] for r in rows} == {"RSLTCODE"}
    assert {int(r["assignment_id"]) for r in rows} == set(book.assignments[:2])


def test_cli_assignment_filter(app: Flask) -> None:
    book = build_book(app)
    a2 = book.assignments[1]
    rows = _stdout_rows(_invoke(app, "responses", "--assignment", str(a2)))
    assert rows and {int(r["assignment_id"]) for r in rows} == {a2}
    rows = _stdout_rows(_invoke(app, "grades", "--class", "RSLTCODE", "--assignment", str(a2)))
    pairs = [(r["student_name"], int(r["assignment_id"])) for r in rows]
    assert pairs == [("Ada", a2), ("bob", a2), ("Zed", a2)]


def test_cli_writes_a_file(app: Flask, tmp_path: Path) -> None:
    book = build_book(app)
    out = tmp_path / "grades.csv"
    result = _invoke(app, "grades", "--class", "RSLTCODE", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == 7 and b"\r\r\n" not in data
    with session_scope(app) as session:
        chosen = _all_assignments(session, book)[:2]
        assert data.decode("utf-8") == "".join(exports.grades_csv(session, chosen))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--class", "NOSUCHCD"], "No class has the code"),
        (["--assignment", "99999"], "No assignment has the id 99999"),
        (["--class", "SECONDCL", "--assignment", "{a1}"], "is not in class"),
    ],
)
def test_cli_unknown_class_or_assignment(app: Flask, args: list[str], message: str) -> None:
    book = build_book(app)
    args = [a.replace("{a1}", str(book.assignments[0])) for a in args]
    result = _invoke(app, "grades", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stdout == ""


# -- the documented contract -----------------------------------------------------------------


def test_docs_list_the_columns_in_order() -> None:
    assert _documented("grades") == [*GRADES_COLUMNS, "skill_<key>_percent", *DISCERNMENT_COLUMNS]
    assert _documented("responses") == list(RESPONSES_COLUMNS)
    text = DOCS.read_text(encoding="utf-8")
    for words in ("UTF-8", "byte-order mark", "CRLF", "RFC 4180", "public contract", "Z`"):
        assert words in text

"""Grades by question, as CSV and .xlsx: one row per student, a column per question,
local times, formulas neutralised in both files, the results page's download, the
documented columns and the command."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
from flask import Flask

from quiz.reports import exports
from quiz.store import models as m
from quiz.store.db import session_scope
from tests import factories
from tests.exports_helpers import (
    DOCS,
    PAYLOADS,
    _documented,
    _invoke,
    _stdout_rows,
    build_book,
)
from tests.factories_results import (
    add_student,
    load_bank,
    make_assignment,
    make_class,
    take_attempt,
)

# -- grades by question (CSV and .xlsx) ------------------------------------------------------

NEW_YORK = ZoneInfo("America/New_York")  # UTC-5 in November: times visibly move


def _dict_rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """A CSV read by its header, as a spreadsheet user or a script reads it."""
    assert text.startswith("\ufeff") and text.endswith("\r\n")
    reader = csv.DictReader(io.StringIO(text[1:], newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def _local_text(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(NEW_YORK).strftime("%Y-%m-%d %H:%M:%S")


def test_grades_by_question_one_row_per_student_a_column_per_question(app: Flask) -> None:
    book = build_book(app)
    with session_scope(app) as session:
        a1 = session.get_one(m.Assignment, book.assignments[0])
        text = "".join(exports.gradebook_csv(exports.gradebook(session, a1, NEW_YORK)))
        attempts = {k: session.get_one(m.Attempt, v) for k, v in book.attempts.items()}
    header, rows = _dict_rows(text)
    assert header == [
        "Student",
        "Student ID",
        "Status",
        "Attempts",
        "Started (America/New_York)",
        "Submitted (America/New_York)",
        "Time taken (minutes)",
        "Score",
        "Out of",
        "Percent",
        "Evaluate percentage claims (%)",
        "Separate reporting from advocacy (%)",
        "Spot missing baselines (%)",
        "Find the source (%)",
        "Q1 (/1)",
        "Q2 (/1)",
        "Q3 (/1)",
    ]
    assert [r["Student"] for r in rows] == ["Ada", "bob", "Zed"]
    ada, bob, zed = rows
    # Highest grading: Ada's second attempt (2.5 of 3) counts, question by question.
    assert (ada["Q1 (/1)"], ada["Q2 (/1)"], ada["Q3 (/1)"]) == ("1.0", "0.5", "1.0")
    assert (ada["Score"], ada["Out of"], ada["Percent"]) == ("2.5", "3.0", "83.33")
    assert ada["Status"] == "submitted" and ada["Attempts"] == "2"
    assert ada["Student ID"] == str(book.students["Ada"])
    assert ada["Time taken (minutes)"] == "7.0"
    assert ada["Evaluate percentage claims (%)"] == "100.0" and ada["Find the source (%)"] == ""
    # Times in the school's zone, as spreadsheets read dates: 10:15 UTC is 05:15 there.
    assert ada["Started (America/New_York)"] == "2026-11-28 05:15:00"
    assert ada["Started (America/New_York)"] == _local_text(attempts[("A1", "Ada", 1)].started_at)
    submitted = attempts[("A1", "Ada", 2)].submitted_at
    assert ada["Submitted (America/New_York)"] == _local_text(submitted)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", ada["Submitted (America/New_York)"])
    # In progress: started, nothing marked; not started: empty.
    assert bob["Status"] == "in progress" and bob["Started (America/New_York)"]
    assert bob["Q1 (/1)"] == bob["Score"] == bob["Submitted (America/New_York)"] == ""
    assert zed["Status"] == "not started" and zed["Attempts"] == "0"
    assert all(zed[h] == "" for h in header[4:])


def test_grades_by_question_average_grading_means_each_question(app: Flask) -> None:
    book = build_book(app)
    with session_scope(app) as session:
        a2 = session.get_one(m.Assignment, book.assignments[1])
        header, rows = _dict_rows(
            "".join(exports.gradebook_csv(exports.gradebook(session, a2, NEW_YORK)))
        )
    assert [h for h in header if h.startswith("Q")] == ["Q1 (/1)", "Q2 (/1)"]
    ada = rows[0]
    # Attempt 1: both right; attempt 2: q-single wrong, q-classify half right.
    assert (ada["Q1 (/1)"], ada["Q2 (/1)"], ada["Score"]) == ("0.5", "0.75", "1.25")
    assert ada["Time taken (minutes)"] == ""  # no single attempt stands for the student


def test_grades_by_question_xlsx_reads_back(app: Flask) -> None:
    book = build_book(app)
    with session_scope(app) as session:
        a1 = session.get_one(m.Assignment, book.assignments[0])
        table = exports.gradebook(session, a1, NEW_YORK)
        csv_text = "".join(exports.gradebook_csv(table))
        data = b"".join(exports.gradebook_xlsx(table))
    assert data.startswith(b"PK")  # a zip, as every .xlsx
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Grades by question" and sheet.freeze_panes == "B2"
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header, rows = _dict_rows(csv_text)
    assert values[0] == header
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in values[1:]}
    assert list(by_name) == ["Ada", "bob", "Zed"]
    ada = by_name["Ada"]
    assert ada["Score"] == 2.5 and ada["Out of"] == 3 and ada["Q2 (/1)"] == 0.5
    assert ada["Student ID"] == book.students["Ada"]
    started = ada["Started (America/New_York)"]
    assert started == datetime(2026, 11, 28, 5, 15)  # a date the spreadsheet can sort
    cell = sheet.cell(row=2, column=header.index("Started (America/New_York)") + 1)
    assert cell.is_date and cell.number_format == "yyyy-mm-dd hh:mm:ss"
    assert by_name["Zed"]["Score"] is None
    for csv_row in rows:  # the same numbers as the CSV
        row = by_name[csv_row["Student"]]
        for column in ("Score", "Percent", "Q1 (/1)", "Q3 (/1)"):
            expected = float(csv_row[column]) if csv_row[column] else None
            assert row[column] == expected


def test_grades_by_question_neutralise_formulas_in_both_files(app: Flask) -> None:
    with session_scope(app) as session:
        bank = load_bank(session)
        klass = make_class(session, code="FORMULAX")
        assignment = make_assignment(session, klass, bank)
        for payload in [*PAYLOADS, "Bell\x07 ringer"]:
            student = add_student(session, klass, payload)
            take_attempt(session, student, assignment, 1, {"q-single": "right"})
        table = exports.gradebook(session, assignment, ZoneInfo("UTC"))
        csv_text = "".join(exports.gradebook_csv(table))
        data = b"".join(exports.gradebook_xlsx(table))
    _header, rows = _dict_rows(csv_text)
    names = {r["Student"] for r in rows}
    assert {"'" + p for p in PAYLOADS} <= names
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]  # no formula anywhere
    shown = {c.value for c in cells if c.column == 1}
    assert {"'" + p for p in PAYLOADS} <= shown  # CR kept as written (openpyxl escapes it)
    assert "Bell ringer" in shown  # a control character XML refuses is dropped
    assert all(float(r["Q1 (/1)"]) == 1.0 for r in rows)


def test_grades_by_question_downloads_from_the_results_page(app: Flask, client) -> None:
    with session_scope(app) as session:
        teacher = factories.gen_teacher(session)
        klass = factories.gen_class(session, teacher)
        assignment = make_assignment(session, klass, load_bank(session))
        take_attempt(
            session, add_student(session, klass, "Ada"), assignment, 1, {"q-single": "right"}
        )
        aid = assignment.id
        factories.gen_teacher(session, "other@example.org")
    app.config["TIMEZONE"] = "Europe/Paris"
    factories.login(client)
    page = client.get(f"/teacher/assignments/{aid}").get_data(as_text=True)
    for url in ("grades-by-question.xlsx", "grades-by-question.csv", "grades.csv", "responses.csv"):
        assert f'href="/teacher/assignments/{aid}/{url}"' in page
    response = client.get(f"/teacher/assignments/{aid}/grades-by-question.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert (
        f'filename="grades-by-question-assignment-{aid}.csv"'
        in response.headers["Content-Disposition"]
    )
    header, rows = _dict_rows(response.get_data().decode("utf-8"))
    assert "Started (Europe/Paris)" in header
    assert rows[0]["Started (Europe/Paris)"] == "2026-11-28 11:15:00"  # 10:15 UTC
    response = client.get(f"/teacher/assignments/{aid}/grades-by-question.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    assert [c.value for c in sheet[1]] == header
    other = app.test_client()
    factories.login(other, "other@example.org")
    for kind in ("csv", "xlsx"):
        assert other.get(f"/teacher/assignments/{aid}/grades-by-question.{kind}").status_code == 404


def test_docs_list_the_grades_by_question_columns() -> None:
    fixed = [
        "Student",
        "Student ID",
        "Status",
        "Attempts",
        "Started (<zone>)",
        "Submitted (<zone>)",
        "Time taken (minutes)",
        "Score",
        "Out of",
        "Percent",
    ]
    assert _documented("grades by question") == [*fixed, "<skill name> (%)", "Q<n> (/<marks>)"]
    text = DOCS.read_text(encoding="utf-8")
    assert "YYYY-MM-DD HH:MM:SS" in text and "QUIZ_TIMEZONE" in text and ".xlsx" in text


def test_cli_grades_by_question(app: Flask, tmp_path: Path) -> None:
    book = build_book(app)
    app.config["TIMEZONE"] = "America/New_York"
    a1 = str(book.assignments[0])
    rows = _stdout_rows(_invoke(app, "grades-by-question", "--assignment", a1))
    assert [r["Student"] for r in rows] == ["Ada", "bob", "Zed"]
    assert rows[0]["Started (America/New_York)"] == "2026-11-28 05:15:00"
    assert rows[0]["Q2 (/1)"] == "0.5"
    out = tmp_path / "grades.xlsx"
    result = _invoke(app, "grades-by-question", "--assignment", a1, "-o", str(out))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out).active
    assert [c.value for c in sheet["A"]] == ["Student", "Ada", "bob", "Zed"]
    result = _invoke(app, "grades-by-question", "--class", "RSLTCODE")
    assert result.exit_code == 1 and "give --assignment ID" in result.stderr
    assert result.stdout == ""

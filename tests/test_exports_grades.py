"""The grades CSV export: its cells checked against the database."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from quiz.reports import exports
from quiz.reports.exports import DISCERNMENT_COLUMNS, GRADES_COLUMNS
from quiz.store import models as m
from quiz.store.db import session_scope
from tests.exports_helpers import (
    ALL_SKILLS,
    _all_assignments,
    build_book,
    iso,
    parse,
    records,
)

# -- grades ----------------------------------------------------------------------------------


def test_grades_csv_cells_match_the_database(app: Flask) -> None:
    book = build_book(app)
    with session_scope(app) as session:
        text = "".join(exports.grades_csv(session, _all_assignments(session, book)))
        attempts = {k: session.get_one(m.Attempt, v) for k, v in book.attempts.items()}
        classes = {k.join_code: k for k in session.scalars(select(m.Klass))}

    assert text.startswith("\ufeff")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    rows = parse(text)
    header, body = rows[0], rows[1:]
    assert header[: len(GRADES_COLUMNS)] == list(GRADES_COLUMNS)
    assert header[len(GRADES_COLUMNS) :] == [
        *(f"skill_{k}_percent" for k in ALL_SKILLS),
        *DISCERNMENT_COLUMNS,
    ]
    assert all(len(row) == len(header) for row in body)

    c1, c2 = classes["RSLTCODE"], classes["SECONDCL"]
    a1, a2, a3 = book.assignments
    sid = book.students
    started = {k: iso(a.started_at) for k, a in attempts.items()}
    submitted = {k: iso(a.submitted_at) for k, a in attempts.items()}
    fixed = [  # class, code, student, name, assignment, title, bank, status, attempts...
        [c1.name, c1.join_code, sid["Ada"], "Ada", a1, "Percentages, part 1", "results-test",
         "submitted", 2, "2.5", "3.0", "83.33", started[("A1", "Ada", 1)],
         submitted[("A1", "Ada", 2)], "100.0", "50.0", "100.0", "", ""],
        [c1.name, c1.join_code, sid["bob"], "bob", a1, "Percentages, part 1", "results-test",
         "in progress", 1, "", "", "", started[("A1", "bob", 1)], "", "", "", "", "", ""],
        [c1.name, c1.join_code, sid["Zed"], "Zed", a1, "Percentages, part 1", "results-test",
         "not started", 0, "", "", "", "", "", "", "", "", "", ""],
        [c1.name, c1.join_code, sid["Ada"], "Ada", a2, "Reporting", "results-other",
         "submitted", 2, "1.25", "2.0", "62.5", started[("A2", "Ada", 1)],
         submitted[("A2", "Ada", 2)], "50.0", "75.0", "", "", ""],
        [c1.name, c1.join_code, sid["bob"], "bob", a2, "Reporting", "results-other",
         "not started", 0, "", "", "", "", "", "", "", "", "", ""],
        [c1.name, c1.join_code, sid["Zed"], "Zed", a2, "Reporting", "results-other",
         "not started", 0, "", "", "", "", "", "", "", "", "", ""],
        [c2.name, c2.join_code, sid["Chen"], "Chen", a3, "Percentages", "results-test",
         "submitted", 1, "1.0", "3.0", "33.33", started[("A3", "Chen", 1)],
         submitted[("A3", "Chen", 1)], "100.0", "0.0", "0.0", "", ""],
        [c2.name, c2.join_code, sid["Émile"], "Émile", a3, "Percentages", "results-test",
         "submitted", 2, "0.0", "3.0", "0.0", started[("A3", "Émile", 1)],
         submitted[("A3", "Émile", 2)], "0.0", "0.0", "0.0", "", ""],
    ]  # fmt: skip
    named = records(text)
    columns = [*GRADES_COLUMNS, *(f"skill_{k}_percent" for k in ALL_SKILLS)]
    expected = [dict(zip(columns, (str(cell) for cell in row), strict=True)) for row in fixed]
    assert [{c: r[c] for c in columns} for r in named] == expected
    # Discernment (issue #22): this bank marks no judgement, so a submitted student
    # has counts of 0 and no d' or c; one who submitted nothing has empty cells.
    tails = [[r[c] for c in DISCERNMENT_COLUMNS[:8]] for r in named]
    assert tails[0] == ["0", "0", "0", "0", "", "", "0", "0"]
    assert tails[1] == tails[2] == [""] * 8
    # RFC 4180 quoting of a name with a comma and quotes, times to the second in UTC.
    assert '"Year 9, ""English"""' in text
    started = records(text)[0]["started_at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", started)
    assert started == "2026-11-28T10:15:00Z"


def test_grades_csv_single_assignment_has_its_own_skills_only(app: Flask) -> None:
    book = build_book(app)
    with session_scope(app) as session:
        a2 = session.get_one(m.Assignment, book.assignments[1])
        text = "".join(exports.grades_csv(session, [a2]))
    rows = parse(text)
    assert rows[0][len(GRADES_COLUMNS) :] == [
        "skill_reporting_percent",
        "skill_percent_percent",
        "skill_context_percent",
        *DISCERNMENT_COLUMNS,
    ]
    ada = records(text)[0]
    assert [r["student_name"] for r in records(text)] == ["Ada", "bob", "Zed"]
    skills = ("skill_reporting_percent", "skill_percent_percent", "skill_context_percent")
    assert [ada[k] for k in skills] == ["75.0", "50.0", ""]


def test_grades_csv_with_nothing_to_export_is_a_header(app: Flask) -> None:
    with session_scope(app) as session:
        text = "".join(exports.grades_csv(session, []))
    assert text == "\ufeff" + ",".join([*GRADES_COLUMNS, *DISCERNMENT_COLUMNS]) + "\r\n"

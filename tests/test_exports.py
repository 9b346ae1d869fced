"""CSV exports: cells checked against the database, format, formula injection,
streaming, the ``export`` command, and the documented column contract."""

from __future__ import annotations

import csv
import inspect
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from quiz.reports import csvfile, exports, grades
from quiz.reports.exports import DISCERNMENT_COLUMNS, GRADES_COLUMNS, RESPONSES_COLUMNS, safe_cell
from quiz.store import models as m
from quiz.store.db import get_engine, session_scope
from tests import factories
from tests.factories_results import (
    add_student,
    load_bank,
    make_assignment,
    make_class,
    other_bank_text,
    take_attempt,
)

DOCS = Path(__file__).resolve().parent.parent / "docs" / "csv.md"
ALL_SKILLS = ["percent", "reporting", "baseline", "sourcing", "context"]
PAYLOADS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR"]


def iso(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def records(text: str) -> list[dict[str, str]]:
    """The rows of a CSV export read by the header's column names, never by position."""
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


@dataclass
class Book:
    """The ids of a gradebook built in the database."""

    assignments: list[int] = field(default_factory=list)  # A1, A2 (class 1), A3 (class 2)
    students: dict[str, int] = field(default_factory=dict)
    attempts: dict[tuple[str, str, int], int] = field(default_factory=dict)
    codes: list[str] = field(default_factory=list)


def build_book(app: Flask) -> Book:
    """Two classes, two banks with different skills, three assignments.

    Class 1 (name with a comma and quotes): A1 (bank A, highest), A2 (bank B,
    average); Ada submits twice on both, bob is in progress on A1, Zed never
    starts. Class 2: A3 (bank A, last); Chen once, Émile twice."""
    book = Book()
    with session_scope(app) as session:
        bank_a = load_bank(session)
        bank_b = load_bank(session, other_bank_text())
        c1 = make_class(session, name='Year 9, "English"', code="RSLTCODE")
        c2 = make_class(session, name="Year 10 History", code="SECONDCL")
        book.codes = [c1.join_code, c2.join_code]
        a1 = make_assignment(session, c1, bank_a, "highest", title="Percentages, part 1")
        a2 = make_assignment(session, c1, bank_b, "average", title="Reporting")
        a3 = make_assignment(session, c2, bank_a, "last", title="Percentages")
        book.assignments = [a1.id, a2.id, a3.id]
        s = {
            name: add_student(session, klass, name)
            for name, klass in (("Ada", c1), ("bob", c1), ("Zed", c1), ("Chen", c2), ("Émile", c2))
        }
        book.students = {name: st.id for name, st in s.items()}
        plan = [
            ("A1", a1, "Ada", 1, {"q-single": "right", "q-classify": "half", "q-text": "wrong"}),
            ("A1", a1, "Ada", 2, {"q-single": "right", "q-classify": "half", "q-text": "right"}),
            ("A2", a2, "Ada", 1, {"q-single": "right", "q-classify": "right"}),
            ("A2", a2, "Ada", 2, {"q-single": "wrong", "q-classify": "half"}),
            ("A3", a3, "Chen", 1, {"q-single": "right"}),
            ("A3", a3, "Émile", 1, {"q-single": "right", "q-classify": "right", "q-text": "right"}),
            ("A3", a3, "Émile", 2, {"q-text": "wrong"}),
        ]
        for label, assignment, name, number, answers in plan:
            attempt = take_attempt(session, s[name], assignment, number, answers, minutes=7)
            book.attempts[(label, name, number)] = attempt.id
        attempt = take_attempt(session, s["bob"], a1, 1, {"q-single": "right"}, submit=False)
        book.attempts[("A1", "bob", 1)] = attempt.id
    return book


def _all_assignments(session: Session, book: Book) -> list[m.Assignment]:
    return [session.get_one(m.Assignment, i) for i in book.assignments]


def _num(value: float) -> str:
    return str(float(value))


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


# -- responses -------------------------------------------------------------------------------


def _expected_responses(session: Session, book: Book) -> list[list[str]]:
    """Every stored answer as its row, from the ORM objects, in the documented order."""
    order = {aid: n for n, aid in enumerate(book.assignments)}
    answers = session.scalars(select(m.Answer)).all()
    keyed = []
    for a in answers:
        attempt, slot = a.attempt, a.slot
        student, version = attempt.student, slot.question_version
        assert attempt.assignment is not None
        klass = attempt.assignment.klass
        row = [
            klass.name,
            klass.join_code,
            student.id,
            student.display_name,
            attempt.assignment_id,
            attempt.id,
            attempt.number,
            version.question.key,
            version.version,
            slot.position,
            version.skill,
            version.type,
            a.summary,
            _num(a.fraction),
            _num(a.points),
            _num(a.max_points),
            a.misconception or "",
            iso(a.answered_at),
        ]
        sort_key = (
            order[attempt.assignment_id],
            student.display_name.lower(),
            student.id,
            attempt.number,
            slot.position,
        )
        keyed.append((sort_key, [str(c) for c in row]))
    return [row for _k, row in sorted(keyed)]


def test_responses_csv_cells_match_the_database(app: Flask) -> None:
    book = build_book(app)
    with session_scope(app) as session:
        text = "".join(exports.responses_csv(session, _all_assignments(session, book)))
        expected = _expected_responses(session, book)
        n_answers = session.scalar(select(func.count(m.Answer.id)))
        n_slots = session.scalar(select(func.count(m.AttemptSlot.id)))

    assert text.startswith("\ufeff")
    assert "\n" not in text.replace("\r\n", "")
    assert parse(text)[0] == list(RESPONSES_COLUMNS)  # the header: names in order
    named = records(text)
    assert named == [dict(zip(RESPONSES_COLUMNS, row, strict=True)) for row in expected]
    assert len(named) == n_answers < n_slots  # unanswered questions have no row

    first = named[0]  # Ada, A1, attempt 1, position 1: the misconception option
    assert (first["student_name"], first["attempt_number"], first["position"]) == ("Ada", "1", "1")
    assert (first["question_id"], first["skill"], first["type"]) == (
        "q-single",
        "percent",
        "single",
    )
    marks = ("response", "fraction", "points", "max_points")
    assert tuple(first[k] for k in marks) == ("15", "1.0", "1.0", "1.0")
    second = str(book.attempts[("A2", "Ada", 2)])
    wrong = next(r for r in named if r["attempt_id"] == second and r["position"] == "1")
    assert (wrong["response"], wrong["fraction"], wrong["misconception"]) == (
        "5",
        "0.0",
        "MULT_OFFBYONE",
    )
    half = next(r for r in named if r["question_id"] == "q-classify" and r["fraction"] == "0.5")
    assert half["points"] == "0.5" and half["max_points"] == "1.0"
    a3 = str(book.assignments[2])
    assert [r["student_name"] for r in named if r["assignment_id"] == a3][:1] == ["Chen"]
    names = {r["student_name"] for r in named}
    assert names == {"Ada", "bob", "Chen", "Émile"}  # Zed answered nothing


# -- formula injection -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("Plain -2", "Plain -2"),
        ("15", "15"),
        ("", ""),
        (None, ""),
        (-2.5, -2.5),
        (-3, -3),
        (0.0, 0.0),
        (7, 7),
    ],
)
def test_safe_cell(value: object, cell: object) -> None:
    assert safe_cell(value) == cell
    assert type(safe_cell(value)) is type(cell)


def test_formula_payloads_are_neutralised_and_numbers_kept(app: Flask) -> None:
    with session_scope(app) as session:
        bank = load_bank(session)
        klass = make_class(session, name="@Year 9", code="FORMULAS")
        assignment = make_assignment(session, klass, bank, title="=HYPERLINK(1)")
        answer_ids: dict[str, int] = {}
        for n, payload in enumerate(PAYLOADS):
            student = add_student(session, klass, payload)
            attempt = take_attempt(
                session,
                student,
                assignment,
                1,
                {"q-single": "right", "q-text": payload.strip() or "x"},
                minutes=n + 1,
            )
            text_answer = next(
                a for a in attempt.answers if a.slot.question_version.question.key == "q-text"
            )
            answer_ids[payload] = text_answer.id
        for payload in ("\tTAB", "\rCR"):  # typed text is stripped when read: store it as is
            session.execute(
                update(m.Answer).where(m.Answer.id == answer_ids[payload]).values(summary=payload)
            )
        session.execute(
            update(m.Answer).where(m.Answer.id == answer_ids["-2+3"]).values(points=-2.5)
        )
        session.flush()
        grades = "".join(exports.grades_csv(session, [assignment]))
        responses = "".join(exports.responses_csv(session, [assignment]))

    g = records(grades)
    assert sorted(r["student_name"] for r in g) == sorted("'" + p for p in PAYLOADS)
    assert {r["class"] for r in g} == {"'@Year 9"}
    assert {r["assignment_title"] for r in g} == {"'=HYPERLINK(1)"}
    assert {r["score"] for r in g} == {"1.0"}  # numbers stay numbers
    r = records(responses)
    typed = {row["student_name"]: row for row in r if row["question_id"] == "q-text"}
    assert set(typed) == {"'" + p for p in PAYLOADS}
    for payload in PAYLOADS:
        assert typed["'" + payload]["response"] == "'" + payload
    assert typed["'-2+3"]["points"] == "-2.5"  # a negative number is not text: no apostrophe
    assert typed["'=1+1"]["points"] == "0.0"
    singles = [row for row in r if row["question_id"] == "q-single"]
    assert {row["response"] for row in singles} == {"15"}
    assert "\t" in responses and "'\rCR" in responses


def test_every_text_cell_is_escaped_even_values_validation_would_refuse(app: Flask) -> None:
    """Question keys, skills, types, misconception codes, join codes and bank slugs
    are validated identifiers today; the exports escape them anyway (stored rows
    may predate a rule, or be edited outside the app)."""
    with session_scope(app) as session:
        bank = load_bank(session)
        klass = make_class(session, name="Year 9", code="PLAINCOD")
        assignment = make_assignment(session, klass, bank, title="Plain")
        student = add_student(session, klass, "Ada")
        take_attempt(session, student, assignment, 1, {"q-single": "right"})
        session.execute(update(m.Klass).values(join_code="=CODE"))
        session.execute(update(m.Bank).where(m.Bank.id == bank.id).values(slug="+slug"))
        session.execute(
            update(m.Question).where(m.Question.bank_id == bank.id).values(key="-" + m.Question.key)
        )
        session.execute(update(m.QuestionVersion).values(skill="@skill", type="\tsingle"))
        session.execute(update(m.Answer).values(misconception="\rCODE"))
        session.flush()
        session.expire_all()
        grades = records("".join(exports.grades_csv(session, [assignment])))
        responses = records("".join(exports.responses_csv(session, [assignment])))

    assert [(r["class_code"], r["bank"]) for r in grades] == [("'=CODE", "'+slug")]
    assert responses
    for row in responses:
        assert row["class_code"] == "'=CODE"
        assert row["question_id"].startswith("'-q-")
        assert (row["skill"], row["type"], row["misconception"]) == (
            "'@skill",
            "'\tsingle",
            "'\rCODE",
        )


def test_times_are_cut_to_the_second_in_utc(app: Flask) -> None:
    """The database writes answered_at (SQL on SQLite and PostgreSQL): the same text as
    ``iso_utc``, cut to the second, never rounded up."""
    late = datetime(2026, 11, 28, 23, 59, 59, 999999, tzinfo=UTC)
    with session_scope(app) as session:
        bank = load_bank(session)
        klass = make_class(session)
        assignment = make_assignment(session, klass, bank)
        student = add_student(session, klass, "Ada")
        take_attempt(session, student, assignment, 1, {"q-single": "right"})
        session.execute(update(m.Answer).values(answered_at=late))
        session.flush()
        rows = records("".join(exports.responses_csv(session, [assignment])))
    assert rows and {r["answered_at"] for r in rows} == {"2026-11-28T23:59:59Z"}
    assert exports.iso_utc(late) == "2026-11-28T23:59:59Z"


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 11, 28, 10, 15, 59, 999999, tzinfo=UTC),
        datetime(2026, 11, 28, 23, 15, tzinfo=timezone(timedelta(hours=-5))),
        datetime(2026, 1, 2, 3, 4, 5),
        datetime(999, 1, 1, tzinfo=UTC),
    ],
)
def test_iso_utc_is_strftime_in_utc(value: datetime) -> None:
    utc = value.astimezone(UTC) if value.tzinfo else value
    assert exports.iso_utc(value) == utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert exports.iso_utc(None) == ""


def test_escaped_values_are_remembered_within_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csvfile, "MEMO_MAX", 3)
    esc = csvfile.Escaped()
    assert [esc[v] for v in ("=a", "b", None, "-c", "=a")] == ["'=a", "b", "", "'-c", "'=a"]
    assert len(esc) <= 3


def test_grades_in_batches_are_the_same_file(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three queries per GRADES_BATCH assignments, not per assignment; the batch size
    changes nothing in the file."""
    book = build_book(app)
    with session_scope(app) as session:
        whole = "".join(exports.grades_csv(session, _all_assignments(session, book)))
        for size in (1, 2):
            monkeypatch.setattr(grades, "GRADES_BATCH", size)
            order = list(reversed(_all_assignments(session, book)))
            text = "".join(exports.grades_csv(session, order))
            monkeypatch.setattr(grades, "GRADES_BATCH", 200)
            assert text == "".join(exports.grades_csv(session, order))
        seen, listener = _watch(app)
        try:
            assert "".join(exports.grades_csv(session, _all_assignments(session, book))) == whole
        finally:
            event.remove(get_engine(app), "before_cursor_execute", listener)
    # attempts, skill sums, and for the judgements of the attempts that count (issue
    # #22) the question versions they hold and their answers, once for the one batch
    reads = [s for s in seen if "from attempt" in s or "from attempt_slot" in s]
    assert len(reads) == 4, reads
    (answers,) = [s for s in reads if "answer.response" in s]  # read only under CASE WHEN
    assert answers.count("case when") == 2 and "question_version.spec" not in answers


# -- streaming -------------------------------------------------------------------------------


def _watch(app: Flask) -> tuple[list[str], object]:
    seen: list[str] = []

    def listener(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement.lower())

    event.listen(get_engine(app), "before_cursor_execute", listener)
    return seen, listener


@pytest.mark.parametrize("kind", ["grades", "responses"])
def test_exports_are_generators_that_yield_the_header_first(app: Flask, kind: str) -> None:
    book = build_book(app)
    export = exports.grades_csv if kind == "grades" else exports.responses_csv
    with session_scope(app) as session:
        assignments = _all_assignments(session, book)
        for a in assignments:
            _ = a.bank.skills, a.klass.name
        gen = export(session, assignments)
        assert inspect.isgenerator(gen)
        seen, listener = _watch(app)
        try:
            first = next(gen)
            before = list(seen)
            rest = list(gen)
        finally:
            event.remove(get_engine(app), "before_cursor_execute", listener)
    assert first.startswith("\ufeff")
    assert first.endswith("\r\n") and first.count("\r\n") == 1
    header = parse(first)[0]
    columns = GRADES_COLUMNS if kind == "grades" else RESPONSES_COLUMNS
    assert header[: len(columns)] == list(columns)
    assert not [s for s in before if "attempt" in s or "answer" in s]  # no row read yet
    assert rest and any("attempt" in s for s in seen)


@pytest.mark.parametrize("kind", ["grades", "responses"])
def test_rows_come_in_chunks(app: Flask, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    book = build_book(app)
    export = exports.grades_csv if kind == "grades" else exports.responses_csv
    with session_scope(app) as session:
        whole = "".join(export(session, _all_assignments(session, book)))
        monkeypatch.setattr(csvfile, "CHUNK_ROWS", 2)
        monkeypatch.setattr(csvfile, "YIELD_PER", 3)
        chunks = list(export(session, _all_assignments(session, book)))
    rows = len(parse(whole)) - 1
    assert rows > 4
    assert len(chunks) == 1 + (rows + 1) // 2
    assert all(c.endswith("\r\n") for c in chunks)
    assert all(len(parse("\ufeff" + c)) <= 2 for c in chunks[1:])
    assert "".join(chunks) == whole


# -- the export command ----------------------------------------------------------------------


def _invoke(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["export", *args])


def _stdout_rows(result: Result) -> list[dict[str, str]]:
    """The command's CSV, read by column name."""
    assert result.exit_code == 0, result.output
    data = result.stdout_bytes
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data and b"\r\r\n" not in data
    return records(data.decode("utf-8"))


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


def _documented(section: str) -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    part = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([^`]+)` \|", part, flags=re.MULTILINE)


def test_docs_list_the_columns_in_order() -> None:
    assert _documented("grades") == [*GRADES_COLUMNS, "skill_<key>_percent", *DISCERNMENT_COLUMNS]
    assert _documented("responses") == list(RESPONSES_COLUMNS)
    text = DOCS.read_text(encoding="utf-8")
    for words in ("UTF-8", "byte-order mark", "CRLF", "RFC 4180", "public contract", "Z`"):
        assert words in text


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

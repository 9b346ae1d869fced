"""The gradebook the CSV export tests build in the database, and how they read an export
(by header, never by column index), watch its statements and run the ``export`` command.
Shared by tests/test_exports_*.py."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from click.testing import Result
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from quiz.store import models as m
from quiz.store.db import get_engine, session_scope
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


def _watch(app: Flask) -> tuple[list[str], object]:
    seen: list[str] = []

    def listener(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement.lower())

    event.listen(get_engine(app), "before_cursor_execute", listener)
    return seen, listener


def _invoke(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["export", *args])


def _stdout_rows(result: Result) -> list[dict[str, str]]:
    """The command's CSV, read by column name."""
    assert result.exit_code == 0, result.output
    data = result.stdout_bytes
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data and b"\r\r\n" not in data
    return records(data.decode("utf-8"))


def _documented(section: str) -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    part = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([^`]+)` \|", part, flags=re.MULTILINE)

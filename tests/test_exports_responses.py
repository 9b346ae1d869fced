"""The responses CSV export: every stored answer's cells checked against the database."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quiz.reports import exports
from quiz.reports.exports import RESPONSES_COLUMNS
from quiz.store import models as m
from quiz.store.db import session_scope
from tests.exports_helpers import (
    Book,
    _all_assignments,
    _num,
    build_book,
    iso,
    parse,
    records,
)

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

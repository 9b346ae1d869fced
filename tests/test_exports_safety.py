"""CSV exports are safe to open: formula injection neutralised in every text cell,
numbers kept, times cut to the second in UTC, escaped values remembered within a bound."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from flask import Flask
from sqlalchemy import update

from quiz.reports import csvfile, exports
from quiz.reports.exports import safe_cell
from quiz.store import models as m
from quiz.store.db import session_scope
from tests.exports_helpers import (
    PAYLOADS,
    records,
)
from tests.factories_results import (
    add_student,
    load_bank,
    make_assignment,
    make_class,
    take_attempt,
)

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

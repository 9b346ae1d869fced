"""CSV exports stream: grades read in batches of assignments, generators that yield the
header before reading a row, rows in chunks; the batch and chunk sizes change nothing
in the file."""

from __future__ import annotations

import inspect

import pytest
from flask import Flask
from sqlalchemy import event

from quiz.reports import csvfile, exports, grades
from quiz.reports.exports import GRADES_COLUMNS, RESPONSES_COLUMNS
from quiz.store.db import get_engine, session_scope
from tests.exports_helpers import (
    _all_assignments,
    _watch,
    build_book,
    parse,
)


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

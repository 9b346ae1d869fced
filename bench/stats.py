"""Item statistics of one assignment's 10,000 submitted attempts, timed.

    .venv/bin/python bench/stats.py [--db sqlite|postgresql] [--attempts 10000] [--repeat 3]

A fresh database (``flask --app quiz setup``), then one class of ``--attempts``
students and one submitted attempt each on one assignment of the shipped bank
(every live question), bulk-inserted as bench/export.py does (``populate``: real question
versions, states and graded responses, every slot answered). Then, in this
process, ``quiz.reports.stats.assignment_statistics`` (what the teacher's statistics page
computes: the analysed attempts, their marks, item and whole-test statistics,
skills) is run ``--repeat`` times on a new session each time; the first run is
reported apart (cold caches). Target (issue #20): under one second. ``cpu_runs_s``:
this process's CPU time of each run, every thread's (the statements run beside,
``quiz.reports.beside``, and SQLite's work included, PostgreSQL's server not).

Baseline of the same run, ``read_floor_s``: the statistics' own statements (the
attempts' heads and the aggregates the database computes: the answers' marks
counted per version and total and their labels per version, apart on SQLite; the
sets of versions the attempts hold, per total; skill sums per attempt) fetched on
the DB-API cursor one after the other, with nothing built or computed;
``vs_read_floor`` is the median time over it (under 1: the statistics run some of
them side by side, ``quiz.reports.beside``). ``cells_floor_s``: the old floor, the
one big statement of every slot's marks (420,000 rows) the statistics read before
issue #20's aggregates, for comparison. Also timed, for the
results page that shows both: ``quiz.reports.judgements.class_judgements`` (discernment),
and ``page_report_s``: the whole page's ``quiz.reports.report.assignment_report`` (table,
statistics, discernment, distribution from one set of reads).

Prints ONE JSON line; progress goes to stderr. Take figures on a quiet machine.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _common import emit, machine, note
from _exportdata import populate
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quiz.reports import reads
from quiz.reports.judgements import class_judgements
from quiz.reports.report import assignment_report
from quiz.reports.stats import assignment_statistics, tallies_statement
from quiz.store import models as m
from quiz.store.db import make_engine
from tests.load import client as lc

TARGET_SECONDS = 1.0


def live_questions(url: str) -> int:
    """How many questions an attempt at the shipped bank has (every live one)."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            bank = session.scalars(select(m.Bank).where(m.Bank.slug == lc.SLUG)).one()
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(m.Question)
                    .where(m.Question.bank_id == bank.id, ~m.Question.retired)
                )
                or 0
            )
    finally:
        engine.dispose()


def _fetch_raw(session: Session, statements: Sequence[Any]) -> float:
    """Seconds to run ``statements`` (compiled beforehand; a string is run as it is;
    a (statement, values) pair with those values) and fetch their rows on the DB-API
    cursor: no rows built, nothing computed."""
    conn = session.connection()
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]  # open: just used
    compiled: list[tuple[str, Any]] = []
    for stmt in statements:
        if isinstance(stmt, str):
            compiled.append((stmt, None))
            continue
        stmt, values = stmt if isinstance(stmt, tuple) else (stmt, None)
        state = stmt.compile(dialect=conn.dialect).construct_expanded_state(values)
        positional = conn.dialect.positional
        compiled.append(
            (state.statement, state.positional_parameters if positional else state.parameters)
        )
    t0 = time.perf_counter()
    for sql, args in compiled:
        cursor.execute(sql, args) if args is not None else cursor.execute(sql)
        cursor.fetchall()
    took = time.perf_counter() - t0
    cursor.close()
    return took


def cells_floor(session: Session, assignment: m.Assignment) -> float:
    """The old floor: the statistics' one big statement before issue #20's aggregates
    (every slot's marks, 420,000 rows for 10,000 attempts), fetched on the cursor.
    Still what the page's students table reads (``quiz.reports.reads.cells``)."""
    return _fetch_raw(session, [reads.cells_statement(assignment)])


def read_floor(session: Session, assignment: m.Assignment) -> float:
    """The floor of the statistics as they read now: their aggregates (the answers'
    marks counted per version and total, their labels per version, on SQLite apart,
    on PostgreSQL in the same count; the sets of versions the attempts hold, per
    total; the skill sums per attempt, ``reads.SKILL_SUMS``) and the attempts' heads,
    fetched on the cursor one after the other (the statistics run some of them side
    by side); on PostgreSQL with the statistics' own planner settings around the
    counts (jit off, no sort)."""
    pg = session.get_bind().dialect.name == "postgresql"
    # as the statistics read them: on SQLite the labels counted apart, on PostgreSQL
    # with the marks (quiz.reports.stats._read)
    counts: list[Any] = [
        reads.answered_statement(assignment, [], labels=pg),
        *([] if pg else [tallies_statement(assignment, [])]),
        reads.held_statement(assignment, []),
    ]
    if pg:
        counts = [
            "SELECT set_config('jit', 'off', true), set_config('enable_sort', 'off', true)",
            *counts,
            "SELECT set_config('enable_sort', 'on', true)",
        ]
    statements = [
        select(*reads.ATTEMPTS.selected_columns)
        .where(m.Attempt.assignment_id == assignment.id)
        .order_by(m.Attempt.student_id, m.Attempt.number),
        *counts,
        (reads.SKILL_SUMS, {"ids": [assignment.id]}),
    ]
    return _fetch_raw(session, statements)


def measure(url: str, repeat: int) -> dict[str, Any]:
    engine = make_engine(url)
    runs: list[float] = []
    cpus: list[float] = []
    floors: list[float] = []
    cell_floors: list[float] = []
    judged: list[float] = []
    pages: list[float] = []
    analysed = questions = 0
    try:
        for _ in range(repeat):
            with Session(engine) as session:
                assignment = session.get_one(m.Assignment, 1)
                floors.append(read_floor(session, assignment))
            with Session(engine) as session:
                assignment = session.get_one(m.Assignment, 1)
                cell_floors.append(cells_floor(session, assignment))
            with Session(engine) as session:
                assignment = session.get_one(m.Assignment, 1)
                t0, c0 = time.perf_counter(), time.process_time()
                result = assignment_statistics(session, assignment)
                runs.append(time.perf_counter() - t0)
                cpus.append(time.process_time() - c0)
                analysed, questions = result.attempts_analysed, len(result.questions)
            with Session(engine) as session:
                assignment = session.get_one(m.Assignment, 1)
                t0 = time.perf_counter()
                class_judgements(session, assignment)
                judged.append(time.perf_counter() - t0)
            with Session(engine) as session:  # the results page: every part, reads shared
                assignment = session.get_one(m.Assignment, 1)
                t0 = time.perf_counter()
                report = assignment_report(session, assignment)
                _ = report.students, report.stats, report.judged, report.distribution
                pages.append(time.perf_counter() - t0)
    finally:
        engine.dispose()
    warm = runs[1:] or runs
    floor = statistics.median(floors[1:] or floors)
    return {
        "attempts_analysed": analysed,
        "questions": questions,
        "first_s": round(runs[0], 3),
        "median_s": round(statistics.median(warm), 3),
        "spread_s": [round(min(warm), 3), round(max(warm), 3)],
        "runs_s": [round(r, 3) for r in runs],
        "cpu_runs_s": [round(r, 3) for r in cpus],
        "read_floor_s": round(floor, 3),
        "vs_read_floor": round(statistics.median(warm) / floor, 2) if floor else None,
        "cells_floor_s": round(statistics.median(cell_floors[1:] or cell_floors), 3),
        "class_judgements_s": [round(r, 3) for r in judged],
        "page_report_s": [round(r, 3) for r in pages],
        "target_s": TARGET_SECONDS,
        "meets_target": statistics.median(warm) < TARGET_SECONDS,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if not 1 <= args.attempts <= 100_000 or not 1 <= args.repeat <= 20:
        parser.error("--attempts 1..100000, --repeat 1..20")
    with (
        tempfile.TemporaryDirectory(prefix="quiz-stats-") as tmp,
        lc.fresh_database(args.db, Path(tmp)) as url,
    ):
        note(f"populating {args.attempts} attempts on {args.db} ...")
        t0 = time.perf_counter()
        answers = args.attempts * live_questions(url)
        counts = populate(url, answers, classes=1, class_size=args.attempts)
        note(f"populated in {time.perf_counter() - t0:.1f}s; timing assignment_statistics")
        figures = measure(url, args.repeat)
    emit({"bench": "stats", "db": args.db, "machine": machine(), "rows": counts, **figures})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

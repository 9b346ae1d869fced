"""Both CSV exports over one million stored answers, against a raw-cursor floor.

    .venv/bin/python bench/export.py [--db sqlite|postgresql] [--answers 1000000]
                                     [--classes 40] [--class-size 30] [--repeat 1]

1. A fresh database (``flask --app quiz setup``: migrations and the shipped bank),
   then a school's year bulk-inserted straight into the tables (sqlite3
   ``executemany``; PostgreSQL ``COPY``): one teacher, 40 classes of 30 students,
   24 assignments per class on the 36-question shipped bank, one submitted attempt
   per student and assignment until the answers reach one million (every slot of
   those attempts answered; later assignments not started). Rows are valid: slots
   point to real question versions with a real per-slot state, answers hold real
   responses graded by the question's own code, scores are their sums.
2. Each measurement runs in a subprocess of its own and writes to /dev/null:
   ``quiz.reports.exports.grades_csv`` and ``responses_csv`` over every assignment (as
   ``flask --app quiz export`` without filters does), and their floors: a plain
   ``csv.writer`` over a raw DB-API cursor of the same rows with the same joins
   and as many queries as the export (no ORM, no cell escaping or formatting).
   The responses floor runs the export's own query (``responses_query()``, one
   per assignment) but reads ``answered_at`` as stored, where the export has the
   database format it. Since ``grades_csv`` reads its rows with three queries per
   ``GRADES_BATCH`` assignments (``assignment_id IN (...)``) instead of three per
   assignment, so does the grades floor: the same three queries, the same
   batches, then the discernment's two statements of the batch's counted attempts
   (``quiz.reports.judgements``: versions held, answers that say something),
   compiled once and fetched, nothing decoded. Peak memory above idle is the
   subprocess's ``ru_maxrss`` at the end minus at idle (after imports and a
   first query; the peak, VmHWM, is reset there through /proc/self/clear_refs).

Prints ONE JSON line: seconds, ratios to the floor (target <= 1.5) and peak
memory above idle (target <= 100 MB). Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import csv
import json
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _common import ROOT, emit, machine, note
from _exportdata import populate
from _gradesfloor import grades_floor
from sqlalchemy import text
from sqlalchemy.orm import Session

from quiz.store.db import make_engine
from tests.load import client as lc

TARGET_RATIO = 1.5
TARGET_MB = 100.0


def _rss_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak since the last reset) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> bool:
    """Start the peak (VmHWM) again from the current RSS (Linux >= 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def measure(kind: str, url: str, profile: bool = False) -> dict[str, Any]:
    from quiz.reports import exports  # noqa: F401 (imported before idle is measured)

    engine = make_engine(url)
    with engine.connect() as conn:
        conn.execute(text("SELECT count(*) FROM assignment"))
    reset = _reset_peak()
    idle = _rss_mb("VmRSS")
    profiler = cProfile.Profile() if profile else None
    t = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    with open("/dev/null", "w", encoding="utf-8", newline="") as out:
        if kind in ("grades", "responses"):
            rows, written = _export(kind, engine, out)
        else:
            rows, written = _floor(kind, engine, out)
    seconds = time.perf_counter() - t
    if profiler is not None:
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(25)
    peak = _rss_mb("VmHWM")
    engine.dispose()
    return {
        "kind": kind,
        "seconds": round(seconds, 3),
        "rows": rows,
        "chars": written,
        "idle_rss_mb": round(idle, 1),
        "peak_rss_mb": round(peak, 1),
        "above_idle_mb": round(peak - idle, 1),
        "peak_reset": reset,
    }


def _export(kind: str, engine: Any, out: Any) -> tuple[int, int]:
    from quiz.reports.exports import EXPORTS, select_assignments

    written = lines = 0
    with Session(engine) as session:
        chosen = select_assignments(session)
        for chunk in EXPORTS[kind](session, chosen):
            out.write(chunk)
            written += len(chunk)
            lines += chunk.count("\r\n")
    return lines - 1, written  # less the header


def _floor(kind: str, engine: Any, out: Any) -> tuple[int, int]:
    """csv.writer over a raw DB-API cursor: the same rows, the same joins, the same
    number of queries as the export (no ORM, no cell escaping or formatting)."""
    raw = engine.raw_connection()
    writer = csv.writer(out, lineterminator="\r\n")
    cur = raw.cursor()
    cur.execute(
        "SELECT a.id, a.class_id, a.title, b.slug, b.skills, c.name, c.join_code "
        'FROM assignment a JOIN bank b ON b.id = a.bank_id JOIN "class" c ON c.id = a.class_id '
        "ORDER BY a.id"
    )
    assignments = cur.fetchall()
    if kind == "responses_floor":
        rows = _responses_floor(raw, engine.dialect, writer, assignments)
    else:
        rows = grades_floor(cur, engine, writer, assignments)
    cur.close()
    raw.close()
    return rows, -1


def _responses_floor(raw: Any, dialect: Any, writer: Any, assignments: list[Any]) -> int:
    """The export's own query compiled once, the assignment id its one parameter; the
    stored answered_at as the driver returns it (the export formats it in SQL)."""
    from quiz.reports.exports import RESPONSES_COLUMNS, responses_query

    writer.writerow(RESPONSES_COLUMNS)
    compiled = responses_query().compile(dialect=dialect)
    assert list(compiled.binds) == ["assignment_id"]
    sql = str(compiled)
    rows = 0
    for aid, *_rest in assignments:
        if dialect.name == "postgresql":
            c2 = raw.cursor(name=f"floor_{aid}")  # server-side, like yield_per
            c2.itersize = 1000
        else:
            c2 = raw.cursor()
        c2.execute(sql, (aid,) if compiled.positional else {"assignment_id": aid})
        for r in c2:
            writer.writerow(r)
            rows += 1
        c2.close()
    return rows


def run_measure(kind: str, url: str, profile: bool = False) -> dict[str, Any]:
    extra = ["--profile"] if profile else []
    done = subprocess.run(
        [sys.executable, __file__, "--measure", kind, "--url", url, *extra],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"measure {kind} failed:\n{done.stderr[-3000:]}")
    if profile:
        note(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- main ------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--classes", type=int, default=40)
    parser.add_argument("--class-size", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=1, help="best time of N runs each")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile each measurement (stderr); its times are then not comparable",
    )
    parser.add_argument(
        "--keep", metavar="DIR", help="keep the SQLite database in DIR (for profiling)"
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.url, args.profile)))
        return 0

    record: dict[str, Any] = {"bench": "export", "machine": machine(), "db": args.db}
    with contextlib.ExitStack() as stack:
        if args.keep and args.db == "sqlite":
            keep = Path(args.keep)
            keep.mkdir(parents=True, exist_ok=True)
            url = f"sqlite:///{keep / 'export.sqlite'}"
            fresh = not (keep / "export.sqlite").exists()
            if fresh:
                lc.flask_setup(url)
        else:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="quiz-bench-export-"))
            url = stack.enter_context(lc.fresh_database(args.db, Path(tmp)))
            fresh = True
        t = time.perf_counter()
        if fresh:
            note(f"{args.db}: inserting {args.answers} answers")
            record["rows"] = populate(url, args.answers, args.classes, args.class_size)
            record["populate_s"] = round(time.perf_counter() - t, 1)
        else:
            note(f"reusing {url}")
        results: dict[str, dict[str, Any]] = {}
        order = ["responses_floor", "responses", "grades_floor", "grades"]
        for _ in range(args.repeat):
            for kind in order:
                r = run_measure(kind, url, args.profile)
                note(f"  {kind}: {r}")
                best = results.get(kind)
                if best is None or r["seconds"] < best["seconds"]:
                    peak = max(r["above_idle_mb"], best["above_idle_mb"] if best else 0)
                    results[kind] = {**r, "above_idle_mb": peak}
        for kind in ("responses", "grades"):
            floor = results[f"{kind}_floor"]
            mine = results[kind]
            ratio = round(mine["seconds"] / floor["seconds"], 2)
            record[kind] = {
                "seconds": mine["seconds"],
                "rows": mine["rows"],
                "floor_seconds": floor["seconds"],
                "floor_rows": floor["rows"],
                "ratio": ratio,
                "peak_above_idle_mb": mine["above_idle_mb"],
                "floor_peak_above_idle_mb": floor["above_idle_mb"],
                "targets_met": {
                    "ratio": ratio <= TARGET_RATIO,
                    "memory": mine["above_idle_mb"] <= TARGET_MB,
                },
            }
    record["targets"] = {"ratio_max": TARGET_RATIO, "above_idle_mb_max": TARGET_MB}
    emit(record)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

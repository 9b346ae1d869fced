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
   batches. Peak memory above idle is the
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
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _common import ROOT, emit, machine, note
from sqlalchemy import select, text
from sqlalchemy.orm import Session, selectinload

from quiz.services import article_of, question_of
from quiz.store import models as m
from quiz.store.db import make_engine
from tests.load import client as lc

TARGET_RATIO = 1.5
TARGET_MB = 100.0
ASSIGNMENTS_PER_CLASS = 24
BATCH = 20_000


# -- data ------------------------------------------------------------------------------


class Rows:
    """Rows for one table, as tuples in the table's column order."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self.columns = [c.name for c in table.columns]
        # A column left out takes the model's scalar default (a column added by a later
        # migration, such as teacher.session_generation), else NULL.
        self.defaults = {
            c.name: c.default.arg
            for c in table.columns
            if c.default is not None and c.default.is_scalar
        }

    def tuple(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(values.get(c, self.defaults.get(c)) for c in self.columns)


class Loader:
    """Bulk insert for one dialect: sqlite3 executemany, or psycopg COPY."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.raw = engine.raw_connection()

    def when(self, value: datetime | None) -> Any:
        if value is None:
            return None
        if self.dialect == "sqlite":  # as quiz.store.db.UTCDateTime stores it: naive UTC text
            return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        return value

    def insert(self, table: Any, rows: Iterator[tuple[Any, ...]]) -> int:
        columns = [c.name for c in table.columns]
        count = 0
        cur = self.raw.cursor()
        if self.dialect == "sqlite":
            sql = (
                f'INSERT INTO "{table.name}" ({", ".join(columns)}) '
                f"VALUES ({', '.join('?' * len(columns))})"
            )
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= BATCH:
                    cur.executemany(sql, batch)
                    count += len(batch)
                    batch.clear()
            if batch:
                cur.executemany(sql, batch)
                count += len(batch)
        else:
            cols = ", ".join(f'"{c}"' for c in columns)
            with cur.copy(f'COPY "{table.name}" ({cols}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        cur.close()
        self.raw.commit()
        return count

    def finish(self, tables: Sequence[Any]) -> None:
        cur = self.raw.cursor()
        if self.dialect == "postgresql":
            for t in tables:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), "
                    f'(SELECT max(id) FROM "{t.name}"))'
                )
        cur.execute("ANALYZE")
        cur.close()
        self.raw.commit()
        self.raw.close()


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def populate(url: str, answers: int, classes: int, class_size: int, seed: int = 7) -> dict:
    """A school's year of stored answers, inserted straight into the tables."""
    rng = random.Random(seed)
    engine = make_engine(url)
    with Session(engine) as s:
        bank = s.scalar(select(m.Bank).where(m.Bank.slug == lc.SLUG))
        assert bank is not None, "run flask setup first"
        questions = s.scalars(
            select(m.Question)
            .where(m.Question.bank_id == bank.id, ~m.Question.retired)
            .order_by(m.Question.position)
            .options(selectinload(m.Question.current_version))
        ).all()
        versions = [q.current_version for q in questions]
        article = article_of(bank.article)
        bank_id, article_id = bank.id, bank.article_id
        # Per question: one stored state, and a few graded responses to pick from.
        per_question = []
        for v in versions:
            q = question_of(v)
            state = q.new_state(random.Random(v.id))
            forms = [q.key_form(state)]
            wrong = q.misconception_form(state)
            if wrong:
                forms.append(wrong[0])
            choices = []
            for form in forms:
                response = q.read_response(form, state)
                g = q.grade(response, article)
                choices.append(
                    {
                        "response": _dumps(response),
                        "summary": g.summary,
                        "fraction": g.fraction,
                        "points": g.fraction * v.points,
                        "max_points": v.points,
                        "grade": _dumps(g.to_dict()),
                        "misconception": g.misconception,
                        "classification": g.classification,
                    }
                )
            per_question.append((v.id, v.points, _dumps(state), choices))
    per_attempt = len(per_question)
    n_attempts = -(-answers // per_attempt)
    n_assignments = classes * ASSIGNMENTS_PER_CLASS
    if n_attempts > n_assignments * class_size:
        raise SystemExit(f"{answers} answers need more students or assignments")

    load = Loader(engine)
    t0 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    counts: dict[str, int] = {}

    def teacher_rows() -> Iterator[tuple[Any, ...]]:
        r = Rows(m.Teacher.__table__)
        yield r.tuple(
            {
                "id": 1,
                "email": "bench@school.example",
                "display_name": "Bench",
                "password_hash": "x",
                "created_at": load.when(t0),
            }
        )

    def class_rows() -> Iterator[tuple[Any, ...]]:
        r = Rows(m.Klass.__table__)
        for c in range(1, classes + 1):
            yield r.tuple(
                {
                    "id": c,
                    "teacher_id": 1,
                    "name": f"Year {7 + c % 5} group {c}",
                    "join_code": f"BENCH{c:05d}",
                    "created_at": load.when(t0),
                }
            )

    first_names = ["Ada", "Ben", "Chloé", "Dev", "Ema", "Finn", "Grace", "Hugo", "Iris", "Jon"]

    def student_rows() -> Iterator[tuple[Any, ...]]:
        r = Rows(m.Student.__table__)
        for c in range(1, classes + 1):
            for k in range(class_size):
                sid = (c - 1) * class_size + k + 1
                yield r.tuple(
                    {
                        "id": sid,
                        "display_name": f"{rng.choice(first_names)} {sid:05d}",
                        "class_id": c,
                        "reentry_code": f"R{sid:08d}",
                        "created_at": load.when(t0),
                        "last_seen_at": load.when(t0),
                    }
                )

    def assignment_id(c: int, a: int) -> int:
        return (c - 1) * ASSIGNMENTS_PER_CLASS + a + 1

    def assignment_rows() -> Iterator[tuple[Any, ...]]:
        r = Rows(m.Assignment.__table__)
        for c in range(1, classes + 1):
            for a in range(ASSIGNMENTS_PER_CLASS):
                opens = t0 + timedelta(days=7 * a)
                yield r.tuple(
                    {
                        "id": assignment_id(c, a),
                        "class_id": c,
                        "bank_id": bank_id,
                        "title": f"Week {a + 1}: reading the news",
                        "selection": "all",
                        "selection_config": "{}",
                        "opens_at": load.when(opens),
                        "closes_at": load.when(opens + timedelta(days=6)),
                        "attempts_allowed": 1,
                        "grading": "highest",
                        "feedback": m.FEEDBACK_AFTER_SUBMIT,
                        "shuffle_questions": False,
                        "shuffle_options": True,
                        "created_at": load.when(opens),
                    }
                )

    # Attempts: assignment by assignment (week by week), every student of the class.
    plan: list[tuple[int, int, int, datetime]] = []  # attempt id, student, assignment, start
    for a in range(ASSIGNMENTS_PER_CLASS):
        for c in range(1, classes + 1):
            for k in range(class_size):
                if len(plan) == n_attempts:
                    break
                sid = (c - 1) * class_size + k + 1
                start = t0 + timedelta(days=7 * a, minutes=rng.randrange(0, 5 * 24 * 60))
                plan.append((len(plan) + 1, sid, assignment_id(c, a), start))
    picks = [
        [rng.randrange(len(per_question[i][3])) for i in range(per_attempt)]
        for _ in range(len(plan))
    ]
    max_score = sum(p[1] for p in per_question)

    def attempt_rows() -> Iterator[tuple[Any, ...]]:
        r = Rows(m.Attempt.__table__)
        left = answers
        for (aid, sid, asg, start), pick in zip(plan, picks, strict=True):
            n = min(per_attempt, left)
            left -= n
            score = sum(per_question[i][3][pick[i]]["points"] for i in range(n))
            yield r.tuple(
                {
                    "id": aid,
                    "bank_id": bank_id,
                    "article_id": article_id,
                    "student_id": sid,
                    "assignment_id": asg,
                    "number": 1,
                    "mode": "assignment",
                    "feedback": m.FEEDBACK_AFTER_SUBMIT,
                    "status": m.ATTEMPT_SUBMITTED,
                    "started_at": load.when(start),
                    "submitted_at": load.when(start + timedelta(minutes=25)),
                    "score": score,
                    "max_score": max_score,
                }
            )

    def slot_rows() -> Iterator[tuple[Any, ...]]:
        r = Rows(m.AttemptSlot.__table__)
        for aid, _sid, _asg, _start in plan:
            for i, (vid, points, state, _c) in enumerate(per_question):
                yield r.tuple(
                    {
                        "id": (aid - 1) * per_attempt + i + 1,
                        "attempt_id": aid,
                        "position": i + 1,
                        "question_version_id": vid,
                        "state": state,
                        "points": points,
                    }
                )

    def answer_rows() -> Iterator[tuple[Any, ...]]:
        r = Rows(m.Answer.__table__)
        n = 0
        for (aid, _sid, _asg, start), pick in zip(plan, picks, strict=True):
            for i, (vid, _points, _state, choices) in enumerate(per_question):
                if n == answers:
                    return
                n += 1
                at = load.when(start + timedelta(seconds=30 * (i + 1)))
                yield r.tuple(
                    {
                        "id": n,
                        "attempt_id": aid,
                        "slot_id": (aid - 1) * per_attempt + i + 1,
                        "question_version_id": vid,
                        "answered_at": at,
                        "updated_at": at,
                        **choices[pick[i]],
                    }
                )

    tables = [
        (m.Teacher.__table__, teacher_rows),
        (m.Klass.__table__, class_rows),
        (m.Student.__table__, student_rows),
        (m.Assignment.__table__, assignment_rows),
        (m.Attempt.__table__, attempt_rows),
        (m.AttemptSlot.__table__, slot_rows),
        (m.Answer.__table__, answer_rows),
    ]
    for table, rows in tables:
        t = time.perf_counter()
        counts[table.name] = load.insert(table, rows())
        note(f"  {table.name}: {counts[table.name]} rows in {time.perf_counter() - t:.1f}s")
    load.finish([t for t, _ in tables])
    engine.dispose()
    return counts


# -- measurements (each in a subprocess of its own) ---------------------------------------


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
    from quiz.reports.exports import (
        GRADES_BATCH,
        GRADES_COLUMNS,
        RESPONSES_COLUMNS,
        responses_query,
    )

    raw = engine.raw_connection()
    dialect = engine.dialect
    mark = "?" if dialect.name == "sqlite" else "%s"
    writer = csv.writer(out, lineterminator="\r\n")
    rows = 0
    cur = raw.cursor()
    cur.execute(
        "SELECT a.id, a.class_id, a.title, b.slug, b.skills, c.name, c.join_code "
        'FROM assignment a JOIN bank b ON b.id = a.bank_id JOIN "class" c ON c.id = a.class_id '
        "ORDER BY a.id"
    )
    assignments = cur.fetchall()
    if kind == "responses_floor":
        writer.writerow(RESPONSES_COLUMNS)
        # The export's own query compiled once, the assignment id its one parameter; the
        # stored answered_at as the driver returns it (the export formats it in SQL).
        compiled = responses_query().compile(dialect=dialect)
        assert list(compiled.binds) == ["assignment_id"]
        sql = str(compiled)
        for aid, _cid, _title, _slug, _skills, cname, code in assignments:
            if dialect.name == "postgresql":
                c2 = raw.cursor(name=f"floor_{aid}")  # server-side, like yield_per
                c2.itersize = 1000
            else:
                c2 = raw.cursor()
            c2.execute(sql, (aid,) if compiled.positional else {"assignment_id": aid})
            for r in c2:
                writer.writerow((cname, code, r[0], r[1], aid, *r[2:]))
                rows += 1
            c2.close()
    else:
        skills_of = {}
        for a in assignments:
            skills_of[a[0]] = list(json.loads(a[4]) if isinstance(a[4], str) else a[4])
        keys: list[str] = []
        for ks in skills_of.values():
            keys += [k for k in ks if k not in keys]
        writer.writerow([*GRADES_COLUMNS, *(f"skill_{k}_percent" for k in keys)])
        # As the export: three queries per GRADES_BATCH assignments.
        for start in range(0, len(assignments), GRADES_BATCH):
            batch = assignments[start : start + GRADES_BATCH]
            ids = [a[0] for a in batch]
            class_ids = sorted({a[1] for a in batch})
            cur.execute(
                "SELECT id, display_name, class_id FROM student "
                f"WHERE class_id IN ({', '.join([mark] * len(class_ids))})",
                class_ids,
            )
            roster = defaultdict(list)
            for sid, name, cid in cur.fetchall():
                roster[cid].append((sid, name))
            in_ids = ", ".join([mark] * len(ids))
            cur.execute(
                "SELECT a.assignment_id, a.id, a.student_id, a.number, a.status, a.started_at, "
                "a.submitted_at, a.score, a.max_score FROM attempt a "
                "JOIN student s ON s.id = a.student_id "
                "JOIN assignment asg ON asg.id = a.assignment_id "
                f"WHERE a.assignment_id IN ({in_ids}) AND s.class_id = asg.class_id "
                "ORDER BY a.assignment_id, a.student_id, a.number, a.id",
                ids,
            )
            attempts = defaultdict(list)
            for r in cur.fetchall():
                attempts[(r[0], r[2])].append(r[1:])
            cur.execute(
                "SELECT sl.attempt_id, qv.skill, sum(coalesce(an.points, 0.0)), sum(sl.points) "
                "FROM attempt_slot sl JOIN attempt a ON a.id = sl.attempt_id "
                "JOIN question_version qv ON qv.id = sl.question_version_id "
                "LEFT OUTER JOIN answer an ON an.slot_id = sl.id AND an.attempt_id = sl.attempt_id "
                f"WHERE a.assignment_id IN ({in_ids}) AND a.status = 'submitted' "
                "GROUP BY sl.attempt_id, qv.skill",
                ids,
            )
            sums: dict[int, dict[str, tuple[float, float]]] = defaultdict(dict)
            for attempt_id, skill, earned, possible in cur.fetchall():
                sums[attempt_id][skill] = (earned, possible)
            for aid, cid, title, slug, _skills, cname, code in batch:
                for sid, name in sorted(roster[cid], key=lambda s: (s[1].casefold(), s[0])):
                    mine = attempts.get((aid, sid), [])
                    done = [a for a in mine if a[3] == "submitted"]
                    best = max(done, key=lambda a: a[6] or 0.0) if done else None
                    skill = sums.get(best[0], {}) if best else {}
                    writer.writerow(
                        [
                            cname,
                            code,
                            sid,
                            name,
                            aid,
                            title,
                            slug,
                            "submitted" if done else ("in progress" if mine else "not started"),
                            len(mine),
                            best[6] if best else "",
                            best[7] if best else "",
                            100.0 * best[6] / best[7] if best and best[7] else "",
                            mine[0][4] if mine else "",
                            best[5] if best else "",
                            *(
                                100.0 * skill[k][0] / skill[k][1]
                                if k in skill and skill[k][1]
                                else ""
                                for k in keys
                            ),
                        ]
                    )
                    rows += 1
    cur.close()
    raw.close()
    return rows, -1


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

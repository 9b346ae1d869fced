"""What one student's way into a lesson costs the app: CPU and SQL per request.

    .venv/bin/python bench/startpath.py [--db sqlite|postgresql] [--students 200]
                                        [--warm 5] [--repeat 3] [--profile [N]]

A fresh database (``flask --app quiz setup``: migrations and the shipped banks), an
app made in this process, one teacher, one class and one open assignment on the
shipped bank (as bench/spike.py). Then ``--students`` students, each in a test
client of its own (cookies, CSRF), go through bench/spike.py's journey with Flask's
test client: the join page (``GET /join/CODE``), the join (``POST /join``), My
classes (``GET /me``), Start (``POST /assignments/<id>/start``), the redirect to the
attempt (``GET /attempts/<id>``, only where Start sends the student there) and the
first question (``GET /attempts/<id>/q/1``). ``--warm`` students go first,
uncounted (the caches warm, as in a busy worker); then ``--repeat`` batches of
``--students``, and the figures of the batch with the least CPU in all are printed
(the one least disturbed by other jobs on the machine; every batch's total is
printed too).

Measured per request kind, independent of the machine's load: the CPU time of this
thread (``time.thread_time``: the app's Python, the drivers, SQLite's own work since
SQLite runs in this thread; NOT PostgreSQL's server, which is another process) and
the SQL statements sent on the app's engines (``before_cursor_execute``; BEGIN and
COMMIT are not statements there), each as a mean per student. On PostgreSQL also
the server's side: the CPU time of the app's backends (``/proc/<pid>/stat``, in
clock ticks of 10 ms, so only a mean over many students means anything). ``--profile N``
prints cProfile's top N functions by cumulative time (on stderr) for the counted
students.

Prints ONE JSON line; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _common import emit, machine, note
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from quiz import create_app
from quiz.classes import roster as classes
from quiz.store.db import dispose_engines, engines, session_scope
from tests.factories import gen_assignment, gen_teacher
from tests.helpers import csrf
from tests.load import client as lc

SHIPPED_BANKS = Path(__file__).resolve().parent.parent / "question_banks"
START_RE = re.compile(r'action="(/assignments/\d+/start)"')
TICKS = os.sysconf("SC_CLK_TCK")
KINDS = ("join_page", "join", "me", "start", "resume", "first_question")


class Meter:
    """CPU seconds and statements per request kind."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.cpu: dict[str, float] = defaultdict(float)
        self.statements: dict[str, int] = defaultdict(int)
        self.requests: dict[str, int] = defaultdict(int)
        self.db_cpu: dict[str, float] = defaultdict(float)
        self.backends: set[int] = set()
        self.counting = False
        self._kind = ""

    def _connected(self, dbapi_conn: Any, _record: Any) -> None:
        pid = getattr(getattr(dbapi_conn, "info", None), "backend_pid", None)
        if isinstance(pid, int):
            self.backends.add(pid)

    def _backend_seconds(self) -> float:
        total = 0
        for pid in self.backends:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / TICKS

    def _record(self, *_args: Any) -> None:
        if self.counting:
            self.statements[self._kind] += 1

    @contextmanager
    def listening(self) -> Iterator[None]:
        dispose_engines(self.app)  # new connections: their backends are seen
        for engine in engines(self.app):
            event.listen(engine, "before_cursor_execute", self._record)
            event.listen(engine, "connect", self._connected)
        try:
            yield
        finally:
            for engine in engines(self.app):
                event.remove(engine, "before_cursor_execute", self._record)
                event.remove(engine, "connect", self._connected)

    def call(self, kind: str, request: Callable[[], Any]) -> Any:
        self._kind = kind
        db_began = self._backend_seconds() if self.backends else 0.0
        began = time.thread_time()
        response = request()
        ended = time.thread_time()
        if self.counting:
            self.cpu[kind] += ended - began
            self.requests[kind] += 1
            if self.backends:
                self.db_cpu[kind] += self._backend_seconds() - db_began
        return response


def expect(response: Any, status: int | tuple[int, ...], what: str) -> Any:
    wanted = status if isinstance(status, tuple) else (status,)
    if response.status_code not in wanted:
        raise SystemExit(f"{what}: HTTP {response.status_code}, wanted {wanted}")
    return response


def journey(meter: Meter, browser: FlaskClient, code: str, name: str) -> None:
    """One student: join page, join, My classes, Start, (the redirect), first question."""
    page = expect(meter.call("join_page", lambda: browser.get(f"/join/{code}")), 200, "join page")
    form = {"csrf_token": csrf(page.get_data(as_text=True)), "code": code, "display_name": name}
    expect(meter.call("join", lambda: browser.post("/join", data=form)), 303, "join")
    me = expect(meter.call("me", lambda: browser.get("/me")), 200, "my classes")
    html = me.get_data(as_text=True)
    found = START_RE.search(html)
    if not found:
        raise SystemExit("no Start button on /me")
    token = {"csrf_token": csrf(html)}
    started = meter.call("start", lambda: browser.post(found.group(1), data=token))
    where = expect(started, 303, "start").headers["Location"]
    if "/q/" not in where:  # the attempt's own address: it redirects to the question
        resumed = expect(meter.call("resume", lambda: browser.get(where)), (302, 303), "resume")
        where = resumed.headers["Location"]
    page = expect(meter.call("first_question", lambda: browser.get(where)), 200, "question")
    if "<legend" not in page.get_data(as_text=True):
        raise SystemExit(f"no question at {where}")


def seed(app: Flask) -> str:
    """A teacher, a class and its open assignment; the class's join code."""
    with session_scope(app) as session:
        klass = classes.create_class(session, gen_teacher(session, "start@school.example"), "9B")
        gen_assignment(session, klass, title="The first lesson")
        return klass.join_code


def batch(meter: Meter, code: str, students: int, profiler: cProfile.Profile | None) -> None:
    """``students`` counted journeys, on a meter emptied first."""
    for table in (meter.cpu, meter.statements, meter.requests, meter.db_cpu):
        table.clear()
    meter.counting = True
    if profiler:
        profiler.enable()
    for i in range(students):
        journey(meter, meter.app.test_client(), code, f"Student {i:04d}")
    if profiler:
        profiler.disable()


def per_student(
    table: Mapping[str, float], kinds: list[str], scale: float, students: int
) -> dict[str, float]:
    means = {k: round(table.get(k, 0) * scale / students, 2) for k in kinds}
    return {**means, "total": round(sum(means.values()), 2)}


def measure(app: Flask, students: int, warm: int, repeat: int, profile: int) -> dict[str, Any]:
    """The figures of the best of ``repeat`` batches (least disturbed by other jobs:
    the one with the least CPU in all)."""
    code = seed(app)
    meter = Meter(app)
    profiler = cProfile.Profile() if profile else None
    runs: list[dict[str, Any]] = []
    with meter.listening():
        for i in range(warm):
            journey(meter, app.test_client(), code, f"Warm {i}")
        for _ in range(repeat):
            batch(meter, code, students, profiler)
            kinds = [k for k in KINDS if meter.requests.get(k)]
            run: dict[str, Any] = {
                "cpu_ms_per_student": per_student(meter.cpu, kinds, 1000, students),
                "statements_per_student": per_student(meter.statements, kinds, 1, students),
            }
            if meter.backends:
                db_cpu = per_student(meter.db_cpu, kinds, 1000, students)
                run["db_server_cpu_ms_per_student"] = db_cpu
            run["requests_per_student"] = round(sum(meter.requests.values()) / students, 2)
            runs.append(run)
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(profile)
        note(out.getvalue())
    best = min(runs, key=lambda r: r["cpu_ms_per_student"]["total"])
    return {**best, "cpu_ms_total_each_batch": [r["cpu_ms_per_student"]["total"] for r in runs]}


def run(args: argparse.Namespace) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="quiz-startpath-") as tmp,
        lc.fresh_database(args.db, Path(tmp)) as url,
    ):
        app = create_app(
            {"DATABASE_URL": url, "SECRET_KEY": "startpath", "BANK_PATHS": [str(SHIPPED_BANKS)]}
        )
        app.instance_path = tmp
        try:
            note(f"startpath: {args.warm} warm-up, then {args.students} students ({args.db})")
            return measure(app, args.students, args.warm, args.repeat, args.profile)
        finally:
            dispose_engines(app)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="batches; the best is kept")
    parser.add_argument(
        "--profile", type=int, nargs="?", const=40, default=0, help="top N (default 40)"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.students <= 5000 or not 0 <= args.warm <= 100 or not 1 <= args.repeat <= 20:
        parser.error("--students 1..5000, --warm 0..100, --repeat 1..20")
    emit(
        {
            "bench": "startpath",
            "db": args.db,
            "students": args.students,
            "machine": machine(),
            **run(args),
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What the teacher's results page costs the app: CPU and SQL per request.

    .venv/bin/python bench/resultspage.py [--db sqlite|postgresql] [--students 30]
                                          [--requests 100] [--repeat 5] [--profile [N]]

A fresh database (``flask --app quiz setup``), an app made in this process, one
teacher, one class and one open assignment on the shipped bank (two attempts
allowed, feedback after submitting), and the class as bench/results.py leaves it
when its run begins, made through the app's own pages with Flask's test client:
every student joined and started; the first half answered everything (right 7
times in 10, otherwise a wrong answer that reveals a misconception where the
question has one), handed in and answered part of a second attempt; the other
half part of a first attempt. Random draws are seeded, so two runs (two versions
of the code) make the same class.

Then the teacher (logged in) requests the full results page
(``GET /teacher/assignments/<id>``) and its live fragment (``?part=students``):
caches warm, ``--repeat`` batches of ``--requests``, and per kind the least CPU
per request of the batches (the batch least disturbed by other jobs), every
batch's figure too. Measured, independent of the machine's load: the CPU time of
this thread (``time.thread_time``: the app's Python, the drivers, SQLite's own
work; NOT PostgreSQL's server), the CPU in ``render_template`` alone, the SQL
statements sent (``before_cursor_execute``) and the page's size. ``--profile N``
prints cProfile's top N functions by cumulative time (stderr) over one more batch.

Prints ONE JSON line; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import re
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _common import emit, machine, note
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from quiz import create_app
from quiz.classes import roster as classes
from quiz.classes.pages import assignment_views
from quiz.store.db import dispose_engines, engines, session_scope
from tests.factories import gen_assignment, gen_teacher, join, login
from tests.helpers import csrf
from tests.load import client as lc
from tests.load.client import Keys

SHIPPED_BANKS = Path(__file__).resolve().parent.parent / "question_banks"
START_RE = re.compile(r'action="(/assignments/\d+/start)"')
RIGHT = 0.7


class _Seeded(random.Random):
    """Every unseeded ``random.Random()`` the app makes (a shuffle, a draw) takes the
    next of a fixed sequence of seeds: the same class on every run."""

    seeds = iter(range(1, 10**9))

    def __init__(self, x: Any = None) -> None:
        super().__init__(next(self.seeds) if x is None else x)


def _start(c: FlaskClient) -> int:
    me = c.get("/me").get_data(as_text=True)
    found = START_RE.search(me)
    assert found, "no Start button"
    started = c.post(found.group(1), data={"csrf_token": csrf(me)})
    found_id = re.search(r"/attempts/(\d+)", started.headers["Location"])
    assert found_id, started.headers["Location"]
    return int(found_id.group(1))


def _answer(c: FlaskClient, keys: Keys, attempt: int, count: int, rng: random.Random) -> None:
    right, wrong = keys.forms(attempt), keys.wrong_forms(attempt)
    for n in range(1, min(count, len(right)) + 1):
        other = wrong[n - 1]
        form = other if other is not None and rng.random() > RIGHT else right[n - 1]
        page = c.get(f"/attempts/{attempt}/q/{n}").get_data(as_text=True)
        saved = c.post(f"/attempts/{attempt}/q/{n}", data={"csrf_token": csrf(page), **form})
        assert saved.status_code == 303, saved.status_code


def make_class(app: Flask, url: str, students: int) -> int:
    """The teacher, the class and its assignment, and the lesson so far: its id."""
    with session_scope(app) as s:
        klass = classes.create_class(s, gen_teacher(s), "Year 9 English")
        code, aid = klass.join_code, gen_assignment(s, klass, attempts_allowed=2).id
    keys = Keys(url)
    rng = random.Random(1)
    try:
        for i in range(students):
            c = app.test_client()
            join(c, code, f"Student {i:02d}")
            attempt = _start(c)
            if i < students // 2:
                _answer(c, keys, attempt, 99, rng)
                page = c.get(f"/attempts/{attempt}/review").get_data(as_text=True)
                c.post(f"/attempts/{attempt}/submit", data={"csrf_token": csrf(page)})
                attempt = _start(c)
            _answer(c, keys, attempt, rng.randrange(0, 36), rng)
    finally:
        keys.close()
    return aid


def measure(app: Flask, aid: int, requests: int, repeat: int, profile: int) -> dict[str, Any]:
    rendering = [0.0]
    plain_render = assignment_views.render_template

    def timed_render(*args: Any, **kwargs: Any) -> str:
        c0 = time.thread_time()
        try:
            return plain_render(*args, **kwargs)
        finally:
            rendering[0] += time.thread_time() - c0

    assignment_views.render_template = timed_render  # type: ignore[assignment]
    teacher = app.test_client()
    login(teacher)
    out: dict[str, Any] = {}
    try:
        for kind, path in (
            ("page", f"/teacher/assignments/{aid}"),
            ("fragment", f"/teacher/assignments/{aid}?part=students"),
        ):
            out[kind] = _kind(app, teacher, path, requests, repeat, rendering)
            if profile:
                prof = cProfile.Profile()
                prof.enable()
                for _ in range(requests):
                    teacher.get(path)
                prof.disable()
                text = io.StringIO()
                pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(profile)
                note(f"-- cProfile, {kind}, {requests} requests --\n{text.getvalue()}")
    finally:
        assignment_views.render_template = plain_render  # type: ignore[assignment]
    return out


def _kind(
    app: Flask,
    teacher: FlaskClient,
    path: str,
    requests: int,
    repeat: int,
    rendering: list[float],
) -> dict[str, Any]:
    for _ in range(3):
        teacher.get(path)  # caches warm, as in a busy worker
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(" ".join(statement.split()))

    for engine in engines(app):
        event.listen(engine, "before_cursor_execute", record)
    try:
        reply = teacher.get(path)
    finally:
        for engine in engines(app):
            event.remove(engine, "before_cursor_execute", record)
    assert reply.status_code == 200, reply.status_code
    batches, renders = [], []
    for _ in range(repeat):
        rendering[0] = 0.0
        c0 = time.thread_time()
        for _ in range(requests):
            teacher.get(path)
        batches.append((time.thread_time() - c0) / requests * 1000)
        renders.append(rendering[0] / requests * 1000)
    best = min(range(repeat), key=lambda i: batches[i])
    note(f"  {path}: {batches[best]:.2f} ms CPU, {len(seen)} statements")
    return {
        "cpu_ms": round(batches[best], 2),
        "render_cpu_ms": round(renders[best], 2),
        "batches_cpu_ms": [round(b, 2) for b in batches],
        "statements": len(seen),
        "bytes": len(reply.data),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="quiz-resultspage-") as tmp,
        lc.fresh_database(args.db, Path(tmp)) as url,
    ):
        settings = {"DATABASE_URL": url, "SECRET_KEY": "resultspage"}
        app = create_app({**settings, "BANK_PATHS": [str(SHIPPED_BANKS)]})
        app.instance_path = tmp
        seeded, random.Random = random.Random, _Seeded  # type: ignore[misc]
        try:
            note(f"resultspage: a class of {args.students} answers ({args.db})")
            aid = make_class(app, url, args.students)
            random.Random = seeded  # type: ignore[misc]
            return measure(app, aid, args.requests, args.repeat, args.profile)
        finally:
            random.Random = seeded  # type: ignore[misc]
            dispose_engines(app)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", type=int, nargs="?", const=40, default=0)
    args = parser.parse_args(argv)
    if not 2 <= args.students <= 500 or not 1 <= args.requests <= 10_000:
        parser.error("--students 2..500, --requests 1..10000")
    if not 1 <= args.repeat <= 50:
        parser.error("--repeat 1..50")
    start = machine()
    figures = run(args)
    emit(
        {
            "bench": "resultspage",
            "db": args.db,
            "students": args.students,
            "requests": args.requests,
            "machine": start,
            **figures,
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

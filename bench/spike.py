"""The start of a lesson: a year group joins one class and starts its assignment.

    .venv/bin/python bench/spike.py [--db sqlite|postgresql] [--students 1000]
                                    [--seconds 10] [--workers 4] [--timeout 30]

A fresh database (``flask --app quiz setup``), one teacher, one class and one open
assignment on the shipped bank (made with the app's own code), served by gunicorn
with ``--workers`` sync workers on loopback. ``--students`` arrivals are spread
evenly over ``--seconds`` on a clock (open loop: each student's thread starts at
its own time, whether or not earlier students have been answered). Each student,
in a browser of its own (cookies, CSRF, no retries): opens the join link
(``/join/CODE``), joins with a display name, opens "My classes" (``/me``), presses
Start on the assignment and follows its redirect to the first question (straight
there for a new attempt; through the attempt's own address, which redirects to
the first unanswered question, for one already in progress).

Baseline, in the same run and on the same gunicorn: the same arrivals, each
sending as many requests to the no-database endpoint (``GET /healthz``), one
after another; its "click" span is the last two of them, as the student's is
the last two requests (Start, the first question).

Printed (ONE JSON line; progress on stderr): refused (no response, or a 5xx) and
lost (students who never saw their first question) counts, click-to-first-question
p50/p95/p99, achieved starts per second (students who reached the first question
divided by the time from the first arrival to the last first question), how late
the arrivals were started, the same for the baseline, and the attempts found in
the database. Requests go to loopback only; every request has a timeout and the
run a deadline. Take figures on a quiet machine (bench/README.md).
"""

from __future__ import annotations

import argparse
import re
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import emit, machine, note
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quiz.classes import roster as classes
from quiz.store import models as m
from quiz.store.db import make_engine
from tests.factories import gen_assignment, gen_teacher
from tests.load import client as lc

START_RE = re.compile(r'action="(/assignments/(\d+)/start)"')
TARGET_P99_S = 1.0
CLICK_REQUESTS = 2  # Start, the first question it redirects to


@dataclass
class Arrival:
    """One student's (or baseline client's) times, perf_counter seconds."""

    due: float
    began: float = 0.0
    click: float = 0.0
    done: float = 0.0
    error: str = ""
    log: list[lc.Exchange] = field(default_factory=list)

    @property
    def reached(self) -> bool:
        return self.done > 0 and not self.error


def seed(url: str) -> tuple[str, int]:
    """A teacher, a class and its open assignment; the class's join code and the
    assignment's id."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            teacher = gen_teacher(session, "spike@school.example")
            klass = classes.create_class(session, teacher, "Year 9, all of it")
            assignment = gen_assignment(session, klass, title="The first lesson")
            session.commit()
            return klass.join_code, assignment.id
    finally:
        engine.dispose()


def student(base: tuple[str, int], code: str, name: str, timeout: float, a: Arrival) -> None:
    b = lc.Browser(base, retry=lc.NO_RETRY, timeout=timeout, log=a.log)
    page = lc.expect(b.get("join_page", f"/join/{code}"), 200, "join page")
    form = {"csrf_token": page.csrf(), "code": code, "display_name": name}
    lc.expect(b.post("join", "/join", form), 303, "join", "/me")
    me = lc.expect(b.get("me", "/me"), 200, "my classes")
    found = START_RE.search(me.text)
    if not found:
        raise lc.LoadError("no Start button on /me")
    a.click = time.perf_counter()
    started = b.post("start", found.group(1), {"csrf_token": me.csrf()})
    lc.expect(started, 303, "start")
    where = started.location
    if "/q/" not in where:  # not a new attempt: its own address, which redirects
        resumed = b.get("resume", where)
        if resumed.status not in (302, 303):
            raise lc.LoadError(f"resume: {resumed.status}")
        where = resumed.location
    lc.expect(b.get("question", where), 200, "first question")


def baseline(base: tuple[str, int], timeout: float, requests: int, a: Arrival) -> None:
    b = lc.Browser(base, retry=lc.NO_RETRY, timeout=timeout, log=a.log)
    for i in range(requests):
        if i == requests - CLICK_REQUESTS:
            a.click = time.perf_counter()
        lc.expect(b.get("healthz", "/healthz"), 200, "healthz")


def open_loop(
    n: int, seconds: float, deadline: float, work: Callable[[Arrival, int], None]
) -> tuple[list[Arrival], float]:
    """Start ``work`` for arrival i at its time on the clock, in a thread of its own;
    wait for all (until ``deadline`` seconds after the first arrival)."""
    t0 = time.perf_counter() + 0.2
    arrivals = [Arrival(due=t0 + i * seconds / n) for i in range(n)]
    threads: list[threading.Thread] = []

    def run(a: Arrival, i: int) -> None:
        a.began = time.perf_counter()
        try:
            work(a, i)
            a.done = time.perf_counter()
        except (lc.LoadError, OSError) as exc:
            a.error = str(exc)[:200]

    for i, a in enumerate(arrivals):
        pause = a.due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        t = threading.Thread(target=run, args=(a, i), daemon=True)
        t.start()
        threads.append(t)
    for t in threads:
        t.join(max(0.0, t0 + deadline - time.perf_counter()))
    for a in arrivals:
        if not a.done and not a.error:
            a.error = "not finished by the deadline"
    return arrivals, t0


def figures(arrivals: Sequence[Arrival], t0: float) -> dict[str, Any]:
    reached = [a for a in arrivals if a.reached]
    clicks = sorted(a.done - a.click for a in reached)
    whole = sorted(a.done - a.began for a in reached)
    exchanges = [e for a in arrivals for e in a.log]
    refused = [e for e in exchanges if e.status == 0 or e.status >= 500]
    lateness = sorted(a.began - a.due for a in arrivals if a.began)
    span = (max(a.done for a in reached) - t0) if reached else 0.0
    errors: dict[str, int] = {}
    for a in arrivals:
        if a.error:
            key = a.error.split(":")[0][:80]
            errors[key] = errors.get(key, 0) + 1
    return {
        "arrivals": len(arrivals),
        "reached": len(reached),
        "lost": len(arrivals) - len(reached),
        "requests": len(exchanges),
        "refused": len(refused),
        "click_to_question_ms": ms(clicks),
        "arrival_to_question_ms": ms(whole),
        "per_second": round(len(reached) / span, 1) if span else None,
        "last_done_s": round(span, 2),
        "start_late_ms_p99": round(lc.percentile(lateness, 99) * 1000, 1) if lateness else None,
        "errors": errors,
    }


def ms(values: Sequence[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None, "p99": None}
    return {f"p{q}": round(lc.percentile(values, q) * 1000, 1) for q in (50, 95, 99)}


def run(args: argparse.Namespace) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="quiz-spike-") as tmp_name,
        lc.fresh_database(args.db, Path(tmp_name)) as url,
    ):
        tmp = Path(tmp_name)
        code, assignment_id = seed(url)
        env = lc.quiz_env(url)
        with lc.Gunicorn("quiz:create_app()", env, tmp / "gunicorn.log", args.workers) as g:
            note(f"baseline: {args.students} arrivals over {args.seconds}s to /healthz")
            requests = 3 + CLICK_REQUESTS  # join page, join, My classes; the click
            base_arrivals, base_t0 = open_loop(
                args.students,
                args.seconds,
                args.deadline,
                lambda a, _i: baseline(g.base, args.timeout, requests, a),
            )
            note(f"spike: {args.students} students over {args.seconds}s join and start")
            arrivals, t0 = open_loop(
                args.students,
                args.seconds,
                args.deadline,
                lambda a, i: student(g.base, code, f"Student {i:04d}", args.timeout, a),
            )
        engine = make_engine(url)
        try:
            with Session(engine) as session:
                attempts = session.scalar(
                    select(func.count())
                    .select_from(m.Attempt)
                    .where(m.Attempt.assignment_id == assignment_id)
                )
                joined = session.scalar(select(func.count()).select_from(m.Student))
        finally:
            engine.dispose()
    spike = figures(arrivals, t0)
    p99 = spike["click_to_question_ms"]["p99"]
    return {
        "spike": spike,
        "baseline": figures(base_arrivals, base_t0),
        "database": {"students": joined, "attempts": attempts},
        "target": {"p99_click_to_question_ms": TARGET_P99_S * 1000, "refused": 0, "lost": 0},
        "meets_target": bool(
            spike["lost"] == 0
            and spike["refused"] == 0
            and p99 is not None
            and p99 < TARGET_P99_S * 1000
        ),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    parser.add_argument(
        "--deadline", type=float, default=120.0, help="seconds after the first arrival"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.students <= 5000 or not 0 < args.seconds <= 600:
        parser.error("--students 1..5000, --seconds up to 600")
    if not 1 <= args.workers <= 32 or not 0 < args.timeout <= 120 or not 0 < args.deadline <= 900:
        parser.error("--workers 1..32, --timeout up to 120, --deadline up to 900")
    figures_ = run(args)
    emit(
        {
            "bench": "spike",
            "db": args.db,
            "students": args.students,
            "seconds": args.seconds,
            "workers": args.workers,
            "machine": machine(),
            **figures_,
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

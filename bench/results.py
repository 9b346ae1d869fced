"""The teacher's results page while a class of 30 answers (issue #20).

    .venv/bin/python bench/results.py [--db sqlite|postgresql] [--students 30]
                                      [--seconds 60] [--pace 2] [--workers 4]
                                      [--teacher-pause 0.1] [--timeout 30]

A fresh database (``flask --app quiz setup``), one teacher, one class of
``--students`` and one open assignment on the shipped bank (all 36 questions,
feedback after submitting, two attempts allowed, graded by the highest), served by
gunicorn with ``--workers`` sync workers on loopback, as docs/deploy.md says.

The lesson as it stands when the run begins (set up through the app's own pages,
not measured): every student has joined by the class code and started; the quicker
half has already answered every question and handed in (so the statistics have
submitted attempts to compute from the first request on) and started its second
attempt; the other half is somewhere in its first attempt (a random number of
questions answered). Answers are right seven times in ten, otherwise a wrong answer
that reveals a misconception where the question has one, so that the statistics,
the "what went wrong" table and the heat map have something to show.

The run (``--seconds``): each student, in a thread and browser of its own, opens
its next question, thinks ``--pace`` seconds on average (uniform between half and
one and a half of it: one answer every 1-3 s by default) and saves its answer;
at the end of its quiz it reviews and submits, and starts again while attempts
remain. Meanwhile the teacher's browser (logged in) requests, over and over, the
full results page ``GET /teacher/assignments/<id>`` (students' table, item
statistics, charts, discernment, heat map), its live fragment ``?part=students``
(what quiz.js fetches), and, between them, the baseline of the same run: ``GET
/healthz`` (no database) from the same browser under the same student load.

When time is up the bell rings: every student hands in what it has (not
measured), and the stored data is verified as bench/load.py does (every answer
stored exactly once, as sent, each score equal to its answers graded afresh), with
the server errors (5xx or no response) seen by any client. Prints ONE JSON line:
p50/p95/p99 of the page, the fragment and the baseline, the students' question
pages and answers, the attempts submitted during the run, and whether the target
(page p99 under 300 ms) is met. Progress goes to stderr. Take figures on a quiet
machine (bench/README.md).
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from _common import emit, machine, note
from sqlalchemy.orm import Session

from quiz.classes import roster as classes
from quiz.store import models as m
from quiz.store.db import make_engine
from tests.factories import PASSWORD, gen_assignment, gen_teacher
from tests.load import client as lc

START_RE = re.compile(r'action="(/assignments/(\d+)/start)"')
TEACHER = "results-bench@school.example"
TARGET_P99_MS = 300.0
ATTEMPTS_ALLOWED = 2
RIGHT = 0.7  # chance that an answer is the right one
PAGE, FRAGMENT, BASELINE = "results_page", "results_fragment", "baseline"


def seed(url: str) -> tuple[str, int]:
    """The teacher, the class and its open assignment: the join code and its id."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            teacher = gen_teacher(session, TEACHER)
            klass = classes.create_class(session, teacher, "Year 9 English")
            assignment = gen_assignment(
                session,
                klass,
                title="Reading the 500% headline",
                attempts_allowed=ATTEMPTS_ALLOWED,
                grading="highest",
                feedback=m.FEEDBACK_AFTER_SUBMIT,
            )
            session.commit()
            return klass.join_code, assignment.id
    finally:
        engine.dispose()


class Pupil:
    """One student of the class: a browser, the attempt in hand and what was sent."""

    def __init__(self, base: tuple[str, int], keys: lc.Keys, name: str, seed_: int) -> None:
        self.browser = lc.Browser(base)
        self.keys = keys
        self.name = name
        self.rng = random.Random(seed_)
        self.journeys: list[lc.Journey] = []
        self.forms: list[dict[str, list[str]]] = []
        self.next = 1  # the next question to answer
        self.started = 0
        self.submitted_in_run = 0

    @property
    def journey(self) -> lc.Journey:
        return self.journeys[-1]

    @property
    def busy(self) -> bool:
        return bool(self.journeys) and self.next <= len(self.forms)

    def join(self, code: str) -> None:
        b = self.browser
        page = lc.expect(b.get("setup", f"/join/{code}"), 200, "join page")
        form = {"csrf_token": page.csrf(), "code": code, "display_name": self.name}
        lc.expect(b.post("setup", "/join", form), 303, "join", "/me")

    def start(self, kind: str = lc.START) -> None:
        """ "Start" (or "Start another attempt") on My classes, into question 1."""
        b = self.browser
        me = lc.expect(b.get(kind, "/me"), 200, "my classes")
        found = START_RE.search(me.text)
        if not found:
            raise lc.LoadError("no Start button on /me")
        started = lc.expect(b.post(kind, found.group(1), {"csrf_token": me.csrf()}), 303, "start")
        attempt = lc.ATTEMPT_RE.search(started.location)
        if not attempt:
            raise lc.LoadError(f"start redirected to {started.location!r}")
        attempt_id = int(attempt.group(1))
        right = self.keys.forms(attempt_id)
        wrong = self.keys.wrong_forms(attempt_id)
        self.forms = [
            w if w is not None and self.rng.random() > RIGHT else r
            for r, w in zip(right, wrong, strict=True)
        ]
        self.journeys.append(lc.Journey(self.name, attempt_id))
        self.next = 1
        self.started += 1

    def answer(self, think: float = 0.0, stop: threading.Event | None = None) -> bool:
        """Open the next question, think, save the answer (False: stopped while thinking)."""
        j, n = self.journey, self.next
        path = f"/attempts/{j.attempt_id}/q/{n}"
        page = lc.expect(self.browser.get(lc.QUESTION, path), 200, f"question {n}")
        if think and stop is not None and stop.wait(think):
            return False
        data = {"csrf_token": [page.csrf()], **self.forms[n - 1]}
        lc.expect(self.browser.post(lc.ANSWER, path, data), 303, f"answer {n}")
        j.sent[n] = self.forms[n - 1]
        j.answered += 1
        self.next += 1
        return True

    def hand_in(self) -> None:
        lc.review_and_submit(self.browser, self.journey.attempt_id)
        self.forms = []

    def setup(self, code: str, answered: int, submit_first: bool) -> None:
        """Before the run: join, start, answer ``answered`` questions at once; the
        quicker half hands in and starts its second attempt."""
        self.join(code)
        self.start("setup")
        for _ in range(min(answered, len(self.forms))):
            self.answer()
        if submit_first:
            self.hand_in()
            self.start("setup")

    def lesson(self, pace: float, stop: threading.Event) -> None:
        """Answer at ``pace`` until ``stop``; submit at the end, start again if allowed."""
        while not stop.is_set():
            if self.busy:
                if not self.answer(self.rng.uniform(pace / 2, pace * 3 / 2), stop):
                    return
            elif self.forms:  # every question answered: hand in
                self.hand_in()
                self.submitted_in_run += 1
            elif self.started < ATTEMPTS_ALLOWED:
                self.start()
            else:
                stop.wait()  # nothing left to do in this lesson


def teacher(
    base: tuple[str, int], assignment_id: int, stop: threading.Event, pause: float, log: list
) -> None:
    """Log in, then the page, the baseline, the fragment, the baseline, ... until ``stop``."""
    b = lc.Browser(base, retry=lc.NO_RETRY, timeout=30, log=log)
    login = lc.expect(b.get("login", "/teacher/login"), 200, "login page")
    form = {"csrf_token": login.csrf(), "email": TEACHER, "password": PASSWORD}
    lc.expect(b.post("login", "/teacher/login", form), 303, "log in")
    page = f"/teacher/assignments/{assignment_id}"
    lc.expect(b.get("warm-up", page), 200, "results page")
    rounds = [(PAGE, page), (BASELINE, "/healthz"), (FRAGMENT, f"{page}?part=students")]
    rounds.append((BASELINE, "/healthz"))
    while not stop.is_set():
        for kind, path in rounds:
            reply = b.get(kind, path)
            if reply.status != 200:
                raise lc.LoadError(f"{kind}: {reply.status}")
            if kind == PAGE and "Score distribution" not in reply.text:
                raise lc.LoadError("the results page has no statistics")
        stop.wait(pause)


def figures(log: Sequence[lc.Exchange], kind: str, t0: float, t1: float) -> dict[str, Any]:
    mine = [e for e in log if e.kind == kind and t0 <= e.started <= t1 and 0 < e.status < 500]
    return lc.latency_figures(mine, t1 - t0)


def _setup_class(pupils: list[Pupil], code: str, seed_: int) -> None:
    """Join, start and answer as the lesson so far (see the module docstring)."""
    rng = random.Random(seed_)
    half = len(pupils) // 2
    plan = [(p, 36, True) for p in pupils[:half]]
    plan += [(p, rng.randrange(0, 36), False) for p in pupils[half:]]
    with ThreadPoolExecutor(8, thread_name_prefix="setup") as pool:
        list(pool.map(lambda job: job[0].setup(code, job[1], job[2]), plan))


def _lesson(
    pupils: list[Pupil], base: tuple[str, int], assignment_id: int, args: argparse.Namespace
) -> tuple[list[lc.Exchange], float, float, list[str]]:
    """The run: the students' threads and the teacher's, for ``--seconds``."""
    stop = threading.Event()
    errors: list[str] = []
    teacher_log: list[lc.Exchange] = []

    def guarded(work: Any) -> None:
        try:
            work()
        except (lc.LoadError, OSError) as exc:
            errors.append(f"{type(exc).__name__}: {exc}"[:300])

    threads = [
        threading.Thread(target=guarded, args=(lambda p=p: p.lesson(args.pace, stop),))
        for p in pupils
    ]
    threads.append(
        threading.Thread(
            target=guarded,
            args=(lambda: teacher(base, assignment_id, stop, args.teacher_pause, teacher_log),),
        )
    )
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    stop.wait(args.seconds)
    stop.set()
    t1 = time.perf_counter()
    for t in threads:
        t.join(args.timeout * 4)
    return teacher_log, t0, t1, errors


def run(args: argparse.Namespace) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="quiz-results-") as tmp_name,
        lc.fresh_database(args.db, Path(tmp_name)) as url,
    ):
        code, assignment_id = seed(url)
        env = lc.quiz_env(url)
        keys = lc.Keys(url)
        try:
            with lc.Gunicorn("quiz:create_app()", env, Path(tmp_name) / "g.log", args.workers) as g:
                pupils = [Pupil(g.base, keys, f"Student {i:02d}", i) for i in range(args.students)]
                note(f"setup: {args.students} students join and start, half hand in once")
                _setup_class(pupils, code, args.students)
                before = sum(len(p.journeys) - bool(p.forms) for p in pupils)
                note(f"lesson: {args.seconds}s, an answer every ~{args.pace}s per student")
                teacher_log, t0, t1, errors = _lesson(pupils, g.base, assignment_id, args)
                note("the bell: every student hands in")
                for p in pupils:
                    if p.forms:
                        p.hand_in()
        finally:
            keys.close()
        journeys = [j for p in pupils for j in p.journeys]
        report = lc.verify_database(url, journeys)
    student_log = [e for p in pupils for e in p.browser.log]
    everything = student_log + teacher_log
    out: dict[str, Any] = {
        kind: figures(teacher_log, kind, t0, t1) for kind in (PAGE, FRAGMENT, BASELINE)
    }
    out["student_question"] = figures(student_log, lc.QUESTION, t0, t1)
    out["student_answer"] = figures(student_log, lc.ANSWER, t0, t1)
    out["attempts"] = {
        "submitted_before_run": before,
        "submitted_during_run": sum(p.submitted_in_run for p in pupils),
        "in_database": report["attempts"],
    }
    out["errors"] = errors[:5]
    out["verified"] = not report["problems"] and not errors
    if report["problems"]:
        out["problems"] = report["problems"][:5]
    out["answers_stored"] = report["answers_in_db"]
    out["server_errors"] = sum(1 for e in everything if e.status == 0 or e.status >= 500)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--pace", type=float, default=2.0, help="mean seconds per answer")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--teacher-pause", type=float, default=0.1, help="seconds per round")
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    args = parser.parse_args(argv)
    if not 2 <= args.students <= 200 or not 0 < args.seconds <= 600:
        parser.error("--students 2..200, --seconds up to 600")
    if not 0 < args.pace <= 60 or not 0 <= args.teacher_pause <= 10:
        parser.error("--pace up to 60, --teacher-pause up to 10")
    if not 1 <= args.workers <= 32 or not 0 < args.timeout <= 120:
        parser.error("--workers 1..32, --timeout up to 120")
    start = machine()
    figures_ = run(args)
    p99 = figures_[PAGE].get("p99_ms")
    emit(
        {
            "bench": "results",
            "db": args.db,
            "students": args.students,
            "seconds": args.seconds,
            "pace_s": args.pace,
            "workers": args.workers,
            "machine": start,
            **figures_,
            "target": {"results_page_p99_ms": TARGET_P99_MS, "server_errors": 0},
            "meets_target": bool(
                p99 is not None
                and p99 < TARGET_P99_MS
                and figures_["verified"]
                and figures_["server_errors"] == 0
            ),
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

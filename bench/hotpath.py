"""CPU per request of the hot path, in one process: a question page, an answer save
(immediate feedback, as in practice), and ``GET /healthz``, on SQLite and PostgreSQL.

Wall-clock throughput depends on what else the machine runs; the CPU time of the
thread serving the requests (``time.thread_time``, Flask's test client in the same
thread, the database server's own CPU not included) does much less. For each
database: ``--students`` students start a practice attempt; its questions are
split into ``--rounds`` rounds; each round times every student's page of its
questions, then every student's answer to them, then as many ``/healthz``. The
figure of each kind is the best round's (least disturbed), in µs per request, and
``page_vs_healthz`` / ``answer_vs_healthz`` are the in-process analogues of
bench/load.py's ratios (inverted: CPU, not requests per second).

    .venv/bin/python bench/hotpath.py [--db sqlite|postgresql|both] [--students 20]

Prints one JSON line per database.
"""

from __future__ import annotations

import argparse
import gc
import re
import secrets
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from _common import emit, machine

from quiz import create_app
from tests.load import client as lc

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _csrf(html: str) -> str:
    found = CSRF.search(html)
    if not found:
        raise RuntimeError("no CSRF token in the page")
    return found.group(1)


class Student:
    def __init__(self, app: Any, name: str) -> None:
        self.client = app.test_client()
        home = self.client.get("/")
        data = {"csrf_token": _csrf(home.get_data(as_text=True)), "display_name": name}
        reply = self.client.post("/practice/ice-assaults-500", data=data)
        found = re.search(r"/attempts/(\d+)", reply.headers.get("Location", ""))
        if reply.status_code != 302 or not found:
            raise RuntimeError(f"start failed: {reply.status_code}")
        self.attempt_id = int(found.group(1))
        self.forms: list[dict[str, list[str]]] = []
        self.token = ""

    def page(self, n: int) -> None:
        reply = self.client.get(f"/attempts/{self.attempt_id}/q/{n}")
        if reply.status_code != 200:
            raise RuntimeError(f"question {n}: {reply.status_code}")
        self.token = _csrf(reply.get_data(as_text=True))

    def answer(self, n: int) -> None:
        data = {"csrf_token": [self.token], **self.forms[n - 1]}
        reply = self.client.post(f"/attempts/{self.attempt_id}/q/{n}", data=data)
        if reply.status_code != 303:
            raise RuntimeError(f"answer {n}: {reply.status_code}")

    def healthz(self) -> None:
        if self.client.get("/healthz").status_code != 200:
            raise RuntimeError("healthz")


def _cpu(calls: Sequence[Callable[[], None]]) -> float:
    """µs of this thread's CPU per call."""
    gc.collect()
    start = time.thread_time()
    for call in calls:
        call()
    return (time.thread_time() - start) / len(calls) * 1e6


def measure(kind: str, students: int, rounds: int, tmp: Path) -> dict[str, Any]:
    with lc.fresh_database(kind, tmp) as url:
        app = create_app(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": secrets.token_hex(16),
                "BANK_PATHS": [str(lc.SHIPPED_BANKS)],
            }
        )
        people = [Student(app, f"Student {i:03d}") for i in range(students)]
        keys = lc.Keys(url)
        try:
            for s in people:
                s.forms = keys.forms(s.attempt_id)
        finally:
            keys.close()
        questions = min(len(s.forms) for s in people)
        people[0].page(1)  # warm the caches, as in a busy worker
        # What is alive now (the app, its caches, the students) stays: a full
        # collection walking it in the middle of a round would weigh more than the
        # requests themselves (tens of ms at random), so it is frozen out of them.
        gc.collect()
        gc.freeze()
        best: dict[str, float] = {}
        for r in range(rounds):
            numbers = range(1 + r, questions + 1, rounds)
            every = [(s, n) for n in numbers for s in people]
            times = {
                "question": _cpu([lambda s=s, n=n: s.page(n) for s, n in every]),
                "answer": _cpu([lambda s=s, n=n: s.answer(n) for s, n in every]),
                "healthz": _cpu([s.healthz for s, _n in every]),
            }
            for name, us in times.items():
                best[name] = min(best.get(name, us), us)
        from quiz.store.db import dispose_engines

        dispose_engines(app)
        gc.unfreeze()
    figures = {f"{k}_us": round(v, 1) for k, v in best.items()}
    return {
        "bench": "hotpath",
        "db": kind,
        "machine": machine(),
        "students": students,
        "rounds": rounds,
        "requests_per_round": len(every),
        **figures,
        "question_vs_healthz": round(best["question"] / best["healthz"], 3),
        "answer_vs_healthz": round(best["answer"] / best["healthz"], 3),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    for kind in kinds:
        with tempfile.TemporaryDirectory() as tmp:
            emit(measure(kind, args.students, args.rounds, Path(tmp)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

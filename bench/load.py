"""The 200-student scenario under gunicorn, against a no-database baseline.

    .venv/bin/python bench/load.py [--db sqlite|postgresql|both] [--students 200]
                                   [--workers 4] [--concurrency 64] [--questions 36]
                                   [--slices 4] [--runs 3] [--no-floors]

Every student opens the home page, starts the practice quiz of the shipped bank
(ice-assaults-500, all 36 questions by default), sees every question page,
saves every answer (the right one, read through the app's own code), opens
the review, submits and opens the results: the same requests as tests/load.
To measure each kind of request at saturation, the run goes in phases, each at
the same client concurrency: all students' home+start; then question pages and
answers in ``--slices`` rounds (round k: a quarter of the questions, every
student's page for each, then every student's answer to each); then reviews,
submits, results. Throughput of a kind = its requests / the summed wall time
of its phases; latencies are per request (p50/p95/p99, ms).

The baseline is the quiz's own minimal endpoint that touches no database
(``GET /healthz``), measured in the same run on the same gunicorn, by the same
students' browsers (cookies and all), at the same concurrency, as many requests
as the question pages; its requests run in slices between the question and
answer slices, so that other work on the machine weighs on both sides of each
ratio alike. Both ratios are against it. For information, two floors under
separate gunicorns are measured too (bench/baseline.py): a bare WSGI app (GET
and POST) and a minimal Flask app (session cookie, Jinja, no database).

Each database's scenario runs ``--runs`` times (a fresh database and gunicorn
each time, the databases taking turns); its ``ratios`` are the medians of the
runs, with their ``spread`` (lowest, highest) and every run's own figures under
``runs``; ``targets_met`` compares the medians with issue #20's targets.
Prints ONE JSON line; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from _common import BENCH, emit, machine, note

from tests.load import client as lc

# Issue #20's targets, per database: ratios to /healthz, medians over ``--runs``.
TARGETS = {
    "sqlite": {"question_vs_baseline": 0.7, "answer_vs_baseline": 0.6},
    "postgresql": {"question_vs_baseline": 0.65, "answer_vs_baseline": 0.5},
}
BASELINE = "baseline"


class Phases:
    """Runs batches of requests at a fixed concurrency and adds up, per kind of
    request, the batches' wall and client CPU times: several batches of one kind,
    interleaved with other kinds, report as one figure."""

    def __init__(self, concurrency: int, log: list[lc.Exchange]) -> None:
        self.concurrency = concurrency
        self.log = log
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.errors: dict[str, list[str]] = {}

    def run(self, name: str, tasks: Sequence[Callable[[], Any]]) -> None:
        errors = self.errors.setdefault(name, [])

        def call(task: Callable[[], Any]) -> None:
            try:
                task()
            except Exception as exc:  # counted and reported
                errors.append(f"{type(exc).__name__}: {exc}"[:300])

        cpu0 = time.process_time()
        t0 = time.perf_counter()
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix=name) as pool:
            list(pool.map(call, tasks))
        self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - t0
        self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - cpu0

    def figures(self, name: str) -> dict[str, Any]:
        mine = [e for e in self.log if e.kind == name]
        ok = [e for e in mine if 0 < e.status < 500]
        figures = lc.latency_figures(ok, self.wall[name])
        figures["wall_s"] = round(self.wall[name], 2)
        figures["client_cpu_s"] = round(self.cpu[name], 2)
        failed = len(mine) - len(ok)
        errors = self.errors.get(name, [])
        if failed or errors:
            figures["failed_requests"] = failed
            figures["errors"] = errors[:3]
            figures["error_count"] = len(errors)
        note(f"  {name}: {figures}")
        return figures


def run_phase(
    name: str, tasks: Sequence[Callable[[], Any]], concurrency: int, log: list[lc.Exchange]
) -> dict[str, Any]:
    """All ``tasks`` at ``concurrency``; figures for the requests of kind ``name``."""
    phases = Phases(concurrency, log)
    phases.run(name, tasks)
    return phases.figures(name)


def floor(app: str, args: argparse.Namespace, tmp: Path, n: int) -> dict[str, Any]:
    """GET and POST of a no-database app under the same gunicorn settings."""
    log: list[lc.Exchange] = []
    env = lc.quiz_env("sqlite://")  # unused by the baseline; same environment shape
    with lc.Gunicorn(app, env, tmp / f"{app}.log", workers=args.workers, cwd=BENCH) as g:
        browsers = [lc.Browser(g.base, log=log) for _ in range(args.students)]
        for b in browsers:
            lc.expect(b.get("warmup", "/page"), 200, "baseline warm-up")
        per = max(1, n // len(browsers))

        def get(b: lc.Browser) -> None:
            lc.expect(b.get("get", "/page"), 200, "baseline GET").csrf()

        def post(b: lc.Browser) -> None:
            lc.expect(b.post("post", "/page", {"csrf_token": ["x"], "choice": ["a"]}), 303, "POST")

        gets = [lambda b=b: get(b) for _ in range(per) for b in browsers]
        posts = [lambda b=b: post(b) for _ in range(per) for b in browsers]
        return {
            "get": run_phase("get", gets, args.concurrency, log),
            "post": run_phase("post", posts, args.concurrency, log),
        }


class Student:
    def __init__(self, base: tuple[str, int], log: list[lc.Exchange], name: str) -> None:
        self.browser = lc.Browser(base, log=log)
        self.name = name
        self.attempt_id = 0
        self.forms: list[dict[str, list[str]]] = []
        self.token = ""

    def path(self, tail: str) -> str:
        return f"/attempts/{self.attempt_id}/{tail}"

    def start(self, keys: lc.Keys, questions: int) -> None:
        self.attempt_id = lc.start_practice(self.browser, self.name)
        self.forms = keys.forms(self.attempt_id)[:questions]

    def question(self, n: int) -> None:
        page = self.browser.get(lc.QUESTION, self.path(f"q/{n}"))
        self.token = lc.expect(page, 200, f"question {n}").csrf()

    def answer(self, n: int) -> None:
        data = {"csrf_token": [self.token], **self.forms[n - 1]}
        lc.expect(self.browser.post(lc.ANSWER, self.path(f"q/{n}"), data), 303, f"answer {n}")

    def review(self) -> None:
        page = self.browser.get(lc.REVIEW, self.path("review"))
        self.token = lc.expect(page, 200, "review").csrf()

    def submit(self) -> None:
        reply = self.browser.post(lc.SUBMIT, self.path("submit"), {"csrf_token": [self.token]})
        lc.expect(reply, 303, "submit", self.path("results"))

    def results(self) -> None:
        lc.expect(self.browser.get(lc.RESULTS, self.path("results")), 200, "results")

    def healthz(self) -> None:
        lc.expect(self.browser.get(BASELINE, "/healthz"), 200, "baseline")


def scenario(kind: str, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    log: list[lc.Exchange] = []
    with (
        lc.fresh_database(kind, tmp) as url,
        lc.Gunicorn(
            "quiz:create_app()", lc.quiz_env(url), tmp / f"{kind}.log", workers=args.workers
        ) as g,
    ):
        students = [Student(g.base, log, f"Student {i:03d}") for i in range(args.students)]
        keys = lc.Keys(url)
        try:
            c = args.concurrency
            out: dict[str, Any] = {}
            out["start"] = run_phase(
                lc.START, [lambda s=s: s.start(keys, args.questions) for s in students], c, log
            )
            q = min(len(s.forms) for s in students)
            # The baseline runs in slices between slices of the question and answer
            # phases (same requests in all), so that whatever else the machine is
            # doing meanwhile weighs on both sides of each ratio alike.
            phases = Phases(c, log)
            slices = [range(1, q + 1)[i :: args.slices] for i in range(args.slices)]
            for numbers in slices:
                every = [(s, n) for n in numbers for s in students]
                phases.run(BASELINE, [s.healthz for s, _n in every[: len(every) // 2]])
                phases.run(lc.QUESTION, [lambda s=s, n=n: s.question(n) for s, n in every])
                phases.run(BASELINE, [s.healthz for s, _n in every[len(every) // 2 :]])
                phases.run(lc.ANSWER, [lambda s=s, n=n: s.answer(n) for s, n in every])
            for name in (BASELINE, lc.QUESTION, lc.ANSWER):
                out[name] = phases.figures(name)
            out["review"] = run_phase(lc.REVIEW, [s.review for s in students], c, log)
            out["submit"] = run_phase(lc.SUBMIT, [s.submit for s in students], c, log)
            out["results"] = run_phase(lc.RESULTS, [s.results for s in students], c, log)
        finally:
            keys.close()
        journeys = [
            lc.Journey(s.name, s.attempt_id, len(s.forms), dict(enumerate(s.forms, start=1)))
            for s in students
        ]
        report = lc.verify_database(url, journeys)
        out["questions"] = q
        out["verified"] = not report["problems"]
        if report["problems"]:
            out["problems"] = report["problems"][:5]
        out["answers_stored"] = report["answers_in_db"]
        out["server_errors"] = sum(1 for e in log if e.status == 0 or e.status >= 500)
    return out


def one_run(
    kind: str, args: argparse.Namespace, tmp: Path, record: dict[str, Any]
) -> dict[str, Any]:
    """One scenario on ``kind``, with its ratios to the baseline of the same run."""
    figures = scenario(kind, args, tmp)
    base = figures[BASELINE]["rps"]
    figures["ratios"] = {
        "question_vs_baseline": round(figures["question"]["rps"] / base, 3),
        "answer_vs_baseline": round(figures["answer"]["rps"] / base, 3),
    }
    for name in ("wsgi_floor", "flask_floor"):
        if name in record:
            figures[f"vs_{name}"] = {
                "question": round(figures["question"]["rps"] / record[name]["get"]["rps"], 3),
                "answer": round(figures["answer"]["rps"] / record[name]["post"]["rps"], 3),
            }
    return figures


def medians(
    runs: list[dict[str, Any]], names: Iterable[str]
) -> tuple[dict[str, float], dict[str, list[float]]]:
    """Each of ``names``' median over the runs' ``ratios``, and its spread (lowest,
    highest)."""
    ratios: dict[str, float] = {}
    spread: dict[str, list[float]] = {}
    for name in names:
        values = sorted(run["ratios"][name] for run in runs)
        ratios[name] = round(statistics.median(values), 3)
        spread[name] = [values[0], values[-1]]
    return ratios, spread


def reachable(kinds: list[str], record: dict[str, Any]) -> list[str]:
    """``kinds`` without PostgreSQL if it does not answer (said in ``record``)."""
    if "postgresql" in kinds:
        pg, reason = lc.pg_base_url()
        if pg is None:
            note(f"PostgreSQL not reachable {reason}: skipped")
            record["postgresql"] = {"skipped": f"PostgreSQL not reachable {reason}"}
            return [kind for kind in kinds if kind != "postgresql"]
    return kinds


def summary(kind: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The runs of one database: median ratios with their spread, targets met or
    not (by the medians), every run verified, and each run's own figures."""
    ratios, spread = medians(runs, TARGETS[kind])
    return {
        "ratios": ratios,
        "spread": spread,
        "targets": TARGETS[kind],
        "targets_met": {k: ratios[k] >= v for k, v in TARGETS[kind].items()},
        "verified": all(run["verified"] for run in runs),
        "server_errors": sum(run["server_errors"] for run in runs),
        "runs": runs,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--questions", type=int, default=36, help="first N of the 36")
    parser.add_argument(
        "--no-floors", action="store_true", help="skip the separate WSGI and Flask floors"
    )
    parser.add_argument(
        "--slices", type=int, default=4, help="baseline/question/answer rounds, interleaved"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per database (medians)")
    args = parser.parse_args(argv)

    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    record: dict[str, Any] = {
        "bench": "load",
        "machine": machine(),
        "students": args.students,
        "workers": args.workers,
        "concurrency": args.concurrency,
        "runs": args.runs,
        "targets": {kind: TARGETS[kind] for kind in kinds},
    }
    kinds = reachable(kinds, record)
    n = args.students * args.questions
    with tempfile.TemporaryDirectory(prefix="quiz-bench-load-") as tmp_s:
        tmp = Path(tmp_s)
        if not args.no_floors:
            note("floor: bare WSGI app (bench/baseline.py:app), for information")
            record["wsgi_floor"] = floor("baseline:app", args, tmp, n)
            note("floor: minimal Flask app (bench/baseline.py:flask_app), for information")
            record["flask_floor"] = floor("baseline:flask_app", args, tmp, n)
        runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
        for r in range(args.runs):
            for kind in kinds:
                note(f"{kind}, run {r + 1} of {args.runs}: {args.students} students")
                (tmp / f"{kind}-{r}").mkdir()
                runs[kind].append(one_run(kind, args, tmp / f"{kind}-{r}", record))
        for kind in kinds:
            record[kind] = summary(kind, runs[kind])
    emit(record)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The question page taken apart under gunicorn: what each part costs, as a ratio
to ``/healthz`` in the same run, and so how high the page's ratio can go.

    .venv/bin/python bench/pageparts.py [--db sqlite|postgresql|both] [--students 200]
                                        [--questions 9] [--workers 4] [--concurrency 64]
                                        [--rounds 3] [--slices 3] [--warm-up 4]
                                        [--runs 3]

bench/load.py measures the question page's throughput as a ratio to the
no-database endpoint (issue #20's targets: 0.7 on SQLite, 0.65 on PostgreSQL).
This benchmark serves the same app with routes that each do one part of the page
(bench/_partsapp.py) and measures them the same way: the same gunicorn settings,
the same client, the same students' browsers (cookies and all), the same
concurrency, every part in turn in ``--rounds`` rounds, each round in ``--slices``
short slices (every part's slice, then the next slice), so that whatever else the
machine does, and however its speed moves, weighs on all of them alike. Parts:

- ``frame``: the site's frame around a one-line body (Jinja, the menu, the CSRF token);
- ``statement``: the session read and ``SELECT 1`` through the pool (one round trip);
- ``read``: the question page's own read, nothing rendered;
- ``render``: the question page rendered from a read kept in the worker, no database;
- ``page``: the real question page.

A page does at least what ``read`` does and what ``render`` does, so its ratio is
under both: ``ceiling`` is the lower of the two, what the page would reach if the
other part cost nothing. A target above ``read``'s ratio cannot be met by any
rendering; above ``render``'s, by any database work. Costs add: a part's cost
beyond ``/healthz`` is ``1/ratio - 1`` of a ``/healthz`` request, so a page that
read as it does and rendered no more than the bare frame would reach
``1 / (1/read + 1/frame - 1)`` (``page_with_a_free_question_pane``, from the
medians, and ``..._best_run``, the highest of the runs'; the session read, in
both, is counted twice: a little low). A target above it cannot be met by any
question page in the site's frame, however cheaply its own content rendered. Each database runs
``--runs`` times (fresh database and gunicorn each time, the databases taking
turns); printed are the medians with their spread and each run's figures, ONE
JSON line; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from _common import BENCH, emit, machine, note
from load import TARGETS, Phases, medians, reachable

from tests.load import client as lc

BASELINE = "healthz"
PARTS: dict[str, Callable[[int, int], str]] = {
    "frame": lambda a, n: "/bench/frame",
    "statement": lambda a, n: "/bench/statement",
    "read": lambda a, n: f"/bench/read/{a}/{n}",
    "render": lambda a, n: f"/bench/render/{a}/{n}",
    "page": lambda a, n: f"/attempts/{a}/q/{n}",
}


def one_run(kind: str, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """Every part in ``args.rounds`` rounds on a fresh database; ratios to /healthz."""
    log: list[lc.Exchange] = []
    with (
        lc.fresh_database(kind, tmp) as url,
        lc.Gunicorn(
            "_partsapp:make()", lc.quiz_env(url), tmp / "gunicorn.log", args.workers, cwd=BENCH
        ) as g,
    ):
        browsers = [lc.Browser(g.base, log=log) for _ in range(args.students)]
        attempts = [lc.start_practice(b, f"Student {i:03d}") for i, b in enumerate(browsers)]
        pairs = list(zip(browsers, attempts, strict=True))
        every = [(b, a, n) for n in range(1, args.questions + 1) for b, a in pairs]
        read: list[str] = []  # ``render`` replies that had to read (a worker not warm)

        def task(name: str, path: str, b: lc.Browser) -> Callable[[], None]:
            def get() -> None:
                reply = lc.expect(b.get(name, path), 200, name)
                if reply.headers.get("X-Bench-Read"):
                    read.append(name)

            return get

        phases = Phases(args.concurrency, log)
        # Every worker keeps every attempt's reads for ``render``: the requests go to
        # the workers at random, so a few passes leave (3/4)**(9 * passes) of the
        # (attempt, worker) pairs unread with 4 workers and 9 questions.
        for _pass in range(args.warm_up):
            phases.run("warm-up", [task("warm-up", PARTS["render"](a, n), b) for b, a, n in every])
        read.clear()
        paths = {BASELINE: lambda a, n: "/healthz", **PARTS}
        for _round in range(args.rounds):
            for part in range(args.slices):
                some = every[part :: args.slices]
                for name, path in paths.items():
                    phases.run(name, [task(name, path(a, n), b) for b, a, n in some])
        figures = {name: phases.figures(name) for name in paths}
    base = figures[BASELINE]["rps"]
    ratios = {name: round(figures[name]["rps"] / base, 3) for name in PARTS}
    errors = sum(1 for e in log if e.status == 0 or e.status >= 500)
    return {
        "ratios": ratios,
        "server_errors": errors,
        "render_replies_that_read": len(read),
        "figures": figures,
    }


def free_pane(ratios: dict[str, float]) -> float:
    """The page's ratio if it read as it does and rendered only the bare frame."""
    return 1 / (1 / ratios["read"] + 1 / ratios["frame"] - 1)


def summary(kind: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians and spread of each part's ratio; the page's ceiling and what it says
    of issue #20's question-page target."""
    ratios, spread = medians(runs, PARTS)
    target = TARGETS[kind]["question_vs_baseline"]
    ceiling = min(ratios["read"], ratios["render"])
    pane_free = free_pane(ratios)
    best_run = max(free_pane(run["ratios"]) for run in runs)
    return {
        "ratios": ratios,
        "spread": spread,
        "question_target": target,
        "ceiling": ceiling,
        "ceiling_is": "read" if ratios["read"] <= ratios["render"] else "render",
        "target_reachable_by_rendering_alone": ratios["read"] >= target,
        "target_reachable_by_database_work_alone": ratios["render"] >= target,
        "page_with_a_free_question_pane": round(pane_free, 3),
        "page_with_a_free_question_pane_best_run": round(best_run, 3),
        "target_reachable_with_a_free_question_pane": best_run >= target,
        "server_errors": sum(run["server_errors"] for run in runs),
        "render_replies_that_read": sum(run["render_replies_that_read"] for run in runs),
        "runs": runs,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--questions", type=int, default=9, help="first N questions")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3, help="every part, in turn")
    parser.add_argument("--slices", type=int, default=3, help="of each round, interleaved")
    parser.add_argument("--warm-up", type=int, default=4, help="passes before measuring")
    parser.add_argument("--runs", type=int, default=3, help="runs per database (medians)")
    args = parser.parse_args(argv)

    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    record: dict[str, Any] = {
        "bench": "pageparts",
        "machine": machine(),
        "students": args.students,
        "questions": args.questions,
        "workers": args.workers,
        "concurrency": args.concurrency,
        "rounds": args.rounds,
        "slices": args.slices,
        "runs": args.runs,
    }
    kinds = reachable(kinds, record)
    runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
    with tempfile.TemporaryDirectory(prefix="quiz-bench-parts-") as tmp_s:
        for r in range(args.runs):
            for kind in kinds:
                note(f"{kind}, run {r + 1} of {args.runs}")
                (Path(tmp_s) / f"{kind}-{r}").mkdir()
                runs[kind].append(one_run(kind, args, Path(tmp_s) / f"{kind}-{r}"))
                note(f"  ratios: {runs[kind][-1]['ratios']}")
    for kind in kinds:
        record[kind] = summary(kind, runs[kind])
    emit(record)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

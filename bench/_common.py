"""Shared by the benchmarks: what they need, the import path, the machine, one JSON
line out. Every benchmark imports this module first: run from an environment
without what they need, it says in one line what to install and exits 2."""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

# What the benchmarks import beyond the standard library (the quiz's own dependencies,
# and psutil, which the load client uses to watch gunicorn): the `bench` extra.
NEEDS = ("flask", "sqlalchemy", "psycopg", "gunicorn", "psutil")
INSTALL = "pip install -e '.[bench]'"


def missing(modules: tuple[str, ...] = NEEDS) -> list[str]:
    """The modules of ``modules`` this Python cannot import."""
    return [name for name in modules if importlib.util.find_spec(name) is None]


def require(modules: tuple[str, ...] = NEEDS) -> None:
    """Exit 2 with one line naming the install command if a module is missing."""
    lacking = missing(modules)
    if lacking:
        script = Path(sys.argv[0]).name or "the benchmark"
        print(
            f"{script} needs {', '.join(lacking)} (not importable by {sys.executable}): "
            f"run `{INSTALL}` (or use .venv/bin/python)",
            file=sys.stderr,
        )
        sys.exit(2)


require()

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the quiz package and tests.load.client


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
        "load_avg_1m_at_start": round(os.getloadavg()[0], 2),
    }


def emit(record: dict[str, Any]) -> None:
    """The one JSON line on standard output (progress goes to standard error)."""
    print(json.dumps(record, separators=(",", ":"), default=str), flush=True)


def note(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)

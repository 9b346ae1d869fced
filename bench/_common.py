"""Shared by the benchmarks: the import path, the machine, one JSON line out."""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

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

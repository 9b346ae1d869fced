"""What every part of the load client shares: where the quiz is, the shipped bank, the
request kinds, ``LoadError``."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]  # tests/load/client/common.py: the repository


SHIPPED_BANKS = ROOT / "question_banks"


SLUG = "ice-assaults-500"


DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


LOOPBACK = "127.0.0.1"


CSRF_RE = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


ATTEMPT_RE = re.compile(r"/attempts/(\d+)")


# Request kinds, as reported by the benchmark.
HOME, START, QUESTION, ANSWER, REVIEW, SUBMIT, RESULTS = (
    "home",
    "start",
    "question",
    "answer",
    "review",
    "submit",
    "results",
)


class LoadError(AssertionError):
    """A simulated student met a response it cannot go on from."""

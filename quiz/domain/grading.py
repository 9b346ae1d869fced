"""How several attempts make one grade: highest, last, first or average."""

from __future__ import annotations

from collections.abc import Sequence


def overall(scores: Sequence[tuple[int, float]], method: str) -> float | None:
    """``scores`` are (attempt number, score) of *submitted* attempts."""
    if not scores:
        return None
    ordered = sorted(scores)
    if method == "highest":
        return max(s for _n, s in ordered)
    if method == "last":
        return ordered[-1][1]
    if method == "first":
        return ordered[0][1]
    if method == "average":
        return sum(s for _n, s in ordered) / len(ordered)
    raise ValueError(f"unknown grading method {method!r}")


def chosen_attempt(scores: Sequence[tuple[int, float]], method: str) -> int | None:
    """The attempt number whose score stands for the student (None for average)."""
    if not scores or method == "average":
        return None
    ordered = sorted(scores)
    if method == "highest":
        return max(ordered, key=lambda ns: (ns[1], -ns[0]))[0]
    return ordered[-1][0] if method == "last" else ordered[0][0]

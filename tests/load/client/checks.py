"""After a run: the stored data checked against what was sent, and the latency figures."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from quiz.services import article_of, question_of
from quiz.store import models as m
from quiz.store.db import make_engine
from tests.load.client.browser import Exchange
from tests.load.client.journeys import Journey


def verify_database(
    database_url: str,
    journeys: Sequence[Journey],
    orphans_allowed: int = 0,
) -> dict[str, Any]:
    """Every journey's attempt: submitted, each slot answered exactly once with what
    was sent, and a score that equals its stored responses graded afresh. Any other
    attempt in the database (a start whose response was lost, retried) must hold no
    answer, and there may be at most ``orphans_allowed`` of them."""
    engine = make_engine(database_url)
    problems: list[str] = []
    try:
        with Session(engine) as s:
            dupes = s.execute(
                select(m.Answer.attempt_id, m.Answer.slot_id, func.count())
                .group_by(m.Answer.attempt_id, m.Answer.slot_id)
                .having(func.count() > 1)
            ).all()
            if dupes:
                problems.append(f"answers stored twice: {dupes[:10]}")
            ids = {j.attempt_id for j in journeys}
            attempts = s.scalars(
                select(m.Attempt).options(
                    selectinload(m.Attempt.slots)
                    .selectinload(m.AttemptSlot.question_version)
                    .selectinload(m.QuestionVersion.article),
                    selectinload(m.Attempt.answers),
                )
            ).all()
            by_id = {a.id: a for a in attempts}
            others = [a for a in attempts if a.id not in ids]
            if len(others) > orphans_allowed:
                problems.append(
                    f"{len(others)} attempts that no client finished (allowed {orphans_allowed})"
                )
            problems += [f"orphan attempt {a.id} has answers" for a in others if a.answers]
            total_answers = 0
            for j in journeys:
                attempt = by_id.get(j.attempt_id)
                if attempt is None:
                    problems.append(f"attempt {j.attempt_id} missing")
                    continue
                problems += check_attempt(attempt, expected=j.answered, sent=j.sent)
                total_answers += len(attempt.answers)
            stored = s.scalar(select(func.count()).select_from(m.Answer))
    finally:
        engine.dispose()
    return {
        "problems": problems,
        "attempts": len(journeys),
        "answers": total_answers,
        "answers_in_db": stored,
        "orphan_attempts": len(others),
    }


def check_attempt(
    attempt: m.Attempt,
    expected: int | None = None,
    sent: Mapping[int, Mapping[str, list[str]]] | None = None,
    submitted: bool = True,
) -> list[str]:
    """Problems with one attempt: not submitted, wrong number of answers, an answer
    not the one sent, a stored mark or a score other than its responses graded afresh.
    ``submitted=False``: an attempt still open (no status or score to check)."""
    problems = []
    tag = f"attempt {attempt.id}"
    if submitted and attempt.status != m.ATTEMPT_SUBMITTED:
        problems.append(f"{tag}: status {attempt.status}")
    slots = {slot.id: slot for slot in attempt.slots}
    answers = list(attempt.answers)
    if expected is not None and len(answers) != expected:
        problems.append(f"{tag}: {len(answers)} answers stored, {expected} expected")
    if len({a.slot_id for a in answers}) != len(answers):
        problems.append(f"{tag}: a slot answered twice")
    total = 0.0
    for a in answers:
        slot = slots[a.slot_id]
        question = question_of(slot.question_version)
        grade = question.grade(a.response, article_of(slot.question_version.article))
        total += grade.fraction * slot.points
        if not math.isclose(a.points, grade.fraction * slot.points, abs_tol=1e-9):
            problems.append(f"{tag}: slot {slot.position} stored {a.points} points")
        if sent is not None and slot.position in sent:
            want = question.read_response(sent[slot.position], slot.state)
            if want != a.response:
                problems.append(f"{tag}: slot {slot.position} stored {a.response}, sent {want}")
    score_ok = attempt.score is not None and math.isclose(attempt.score, total, abs_tol=1e-6)
    if submitted and not score_ok:
        problems.append(f"{tag}: score {attempt.score}, graded afresh {total}")
    return problems


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of sorted values (q in 0..100)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def latency_figures(exchanges: Sequence[Exchange], wall: float | None = None) -> dict[str, Any]:
    """Count, requests/second over the span (or ``wall``), p50/p95/p99 in ms."""
    if not exchanges:
        return {"n": 0}
    lat = sorted(e.seconds for e in exchanges)
    span = wall or (
        max(e.started + e.seconds for e in exchanges) - min(e.started for e in exchanges)
    )
    return {
        "n": len(lat),
        "rps": round(len(lat) / span, 1) if span > 0 else None,
        "p50_ms": round(percentile(lat, 50) * 1000, 1),
        "p95_ms": round(percentile(lat, 95) * 1000, 1),
        "p99_ms": round(percentile(lat, 99) * 1000, 1),
    }


def by_kind(exchanges: Sequence[Exchange]) -> dict[str, list[Exchange]]:
    grouped: dict[str, list[Exchange]] = defaultdict(list)
    for e in exchanges:
        grouped[e.kind].append(e)
    return grouped

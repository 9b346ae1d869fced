"""Follow-up practice aimed at what a student got wrong (issue #22, item 3).

``choose`` is pure: from the bank's questions (each with its skill and the
misconceptions its wrong answers are tagged with), the misconceptions a student's
answers revealed, their percent per skill and the questions they just answered, it
picks a short practice set:

1. questions that probe a misconception the student showed, most of them first;
2. then questions of the skills the student scored lowest on (below 100%), lowest first;

each time the questions the student did not just answer first, and the answered
ones only when no other is left. Ties keep the bank's order.

``for_attempt`` reads those inputs for a submitted attempt; the practice attempt is
then started with ``services.start_attempt(..., questions=...)``, the same
mechanism as an assignment's question selection.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from quiz.store import models as m

SIZE = 5  # questions in a follow-up set


@dataclass(frozen=True)
class Candidate:
    key: str
    skill: str
    probes: frozenset[str]  # misconception codes its wrong answers carry


def choose(
    candidates: Sequence[Candidate],
    shown: set[str],
    skill_percent: Mapping[str, float],
    answered: set[str],
    size: int = SIZE,
) -> list[str]:
    """The keys of the follow-up set, at most ``size``, most useful first."""
    order = {c.key: n for n, c in enumerate(candidates)}
    weak = sorted(
        (s for s, p in skill_percent.items() if p < 100.0 - 1e-9),
        key=lambda s: (skill_percent[s], s),
    )
    rank = {s: n for n, s in enumerate(weak)}

    def probing(c: Candidate) -> int:
        return len(c.probes & shown)

    tiers: list[list[Candidate]] = []
    for fresh in (True, False):
        pool = [c for c in candidates if (c.key not in answered) == fresh]
        tiers.append(
            sorted(
                (c for c in pool if probing(c)),
                key=lambda c: (-probing(c), rank.get(c.skill, len(rank)), order[c.key]),
            )
        )
        tiers.append(
            sorted(
                (c for c in pool if not probing(c) and c.skill in rank),
                key=lambda c: (rank[c.skill], order[c.key]),
            )
        )
    # Fresh questions (probing, then weak skills) before any the student just answered.
    chosen: list[str] = []
    for tier in (tiers[0], tiers[1], tiers[2], tiers[3]):
        for c in tier:
            if len(chosen) >= size:
                return chosen
            if c.key not in chosen:
                chosen.append(c.key)
    return chosen


def shown_misconceptions(attempt: m.Attempt) -> dict[str, int]:
    """Code -> answers of the attempt that revealed it."""
    shown: dict[str, int] = {}
    for answer in attempt.answers:
        for code in (answer.grade or {}).get("misconceptions") or ():
            shown[code] = shown.get(code, 0) + 1
    return shown


def _candidates(session: Session, bank: m.Bank) -> tuple[list[m.Question], list[Candidate]]:
    """The bank's live questions that have a version, and each as a ``Candidate``."""
    from quiz import services
    from quiz.domain.discernment import tagged_misconceptions

    live, candidates = [], []
    for q in services.live_questions(session, bank):
        version = q.current_version
        if version is None:
            continue
        probes = frozenset(tagged_misconceptions(services.question_of(version)))
        live.append(q)
        candidates.append(Candidate(q.key, version.skill, probes))
    return live, candidates


def for_attempt(session: Session, attempt: m.Attempt, size: int = SIZE) -> list[m.Question]:
    """The bank's live questions of the follow-up set for a submitted attempt, in the
    order chosen; empty when the attempt revealed nothing to practise."""
    from quiz import services

    live, candidates = _candidates(session, attempt.bank)
    percent = {s.key: s.percent for s in services.skill_scores(attempt)}
    answered = {slot.question_version.question.key for slot in attempt.slots}
    keys = choose(candidates, set(shown_misconceptions(attempt)), percent, answered, size)
    by_key = {q.key: q for q in live}
    return [by_key[k] for k in keys]


def probing(session: Session, assignment: m.Assignment, code: str, size: int = SIZE) -> list[str]:
    """The keys of a follow-up set on one misconception for a class: the bank's live
    questions that probe ``code``, those the assignment did not ask first."""
    _live, candidates = _candidates(session, assignment.bank)
    asked = set(session.scalars(_ASKED, {"aid": assignment.id}))
    return [k for k in choose(candidates, {code}, {}, asked, size) if k]


def class_follow_up(
    session: Session,
    assignment: m.Assignment,
    title: str,
    keys: list[str],
    students: list[int] | None,
    now: datetime,
) -> m.Assignment:
    """A follow-up assignment for the class of ``assignment`` (or, ``students``, some
    of its students) on the questions ``keys``: open now, no close, as many attempts
    as wanted, feedback after each answer, options shuffled. Added, not committed."""
    follow = m.Assignment(
        klass=assignment.klass,
        bank_id=assignment.bank_id,
        title=title[:200],
        selection="manual",
        selection_config={
            "skills": [],
            "questions": keys,
            "per_skill": 1,
            **({"students": students} if students is not None else {}),
        },
        opens_at=now,
        attempts_allowed=0,
        grading="highest",
        feedback=m.FEEDBACK_IMMEDIATE,
        shuffle_options=True,
    )
    session.add(follow)
    return follow


_ASKED = (
    select(m.Question.key)
    .join(m.QuestionVersion, m.QuestionVersion.question_id == m.Question.id)
    .join(m.AttemptSlot, m.AttemptSlot.question_version_id == m.QuestionVersion.id)
    .join(m.Attempt, m.Attempt.id == m.AttemptSlot.attempt_id)
    .where(m.Attempt.assignment_id == bindparam("aid"))
    .distinct()
)

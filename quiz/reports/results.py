"""Results of an assignment, one row per student of its class.

A student's grade comes from their *submitted* attempts, combined by the
assignment's grading method (``quiz.domain.grading``): highest, last, first or
average. The attempts that count are chosen in one place,
``quiz.domain.itemstats.counted_attempts``: for highest, last and first one
attempt stands for the student (the *chosen* attempt), whose score, maximum and
times are reported; for average, every submitted attempt counts, the score is the
mean of their scores, the maximum the mean of their maxima, and there is no chosen
attempt (so no time taken). A skill's percentage is
``quiz.domain.itemstats.skill_percent`` over the counted attempts (marks pooled).

The rows are built by ``quiz.reports.report.assignment_report`` (one assignment)
and the batched grades export, both with ``student_result``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import Session

from quiz.domain import grading
from quiz.domain.itemstats import (
    NO_ANSWER,
    SkillSums,
    counted_attempts,
    pooled,
    skill_percent,
)
from quiz.reports.reads import AttemptRow
from quiz.reports.stats import AssignmentStats
from quiz.store import models as m

NOT_STARTED = "not started"
IN_PROGRESS = "in progress"
SUBMITTED = "submitted"
STATUSES = (NOT_STARTED, IN_PROGRESS, SUBMITTED)


class StudentHead(Protocol):
    """What a result needs of a student: a mapped ``m.Student`` (the results page) or
    a plain row (the grades export)."""

    @property
    def id(self) -> int: ...

    @property
    def display_name(self) -> str: ...


@dataclass
class StudentResult:
    """One student's standing on one assignment. Percentages are 0–100."""

    student: StudentHead
    status: str = NOT_STARTED
    attempts: int = 0  # started (submitted or not)
    submitted_attempts: int = 0
    score: float | None = None
    max_score: float | None = None
    percent: float | None = None
    skill_percent: dict[str, float | None] = field(default_factory=dict)
    started_at: datetime | None = None  # of the first attempt
    submitted_at: datetime | None = None  # of the chosen attempt; the last one for average
    time_taken: timedelta | None = None  # of the chosen attempt
    chosen_attempt_id: int | None = None
    counted_attempt_ids: list[int] = field(default_factory=list)  # counted_attempts

    @property
    def time_taken_text(self) -> str:
        """The time taken as a teacher reads it (``format_duration``); "—" if none."""
        return format_duration(self.time_taken)


def format_duration(value: timedelta | None) -> str:
    """A duration in words a person reads at a glance, to the second under an hour:
    "35 s", "4 min 05 s", "1 h 02 min", "2 d 3 h"; "—" for None. The one place that
    writes a time taken."""
    if value is None:
        return "—"
    seconds = max(0, int(value.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def skill_keys(assignment: m.Assignment) -> list[str]:
    """The keys of the assignment's bank's skills, in the bank's order."""
    return list(assignment.bank.skills or {})


def assignment_results(session: Session, assignment: m.Assignment) -> list[StudentResult]:
    """Every student of the assignment's class, those who have not started included,
    ordered by display name (case-insensitive): the report's table."""
    from quiz.reports.report import assignment_report

    return assignment_report(session, assignment).students


def student_result(
    student: StudentHead,
    attempts: list[AttemptRow],
    method: str,
    keys: list[str],
    sums: Mapping[int, SkillSums],
) -> StudentResult:
    """One student's result from their attempts (in number order), the grading
    method, the bank's skill keys and the per-attempt skill sums: shared by the
    report and the batched ``quiz.reports.grades.grades_csv``."""
    result = StudentResult(student=student, skill_percent=dict.fromkeys(keys))
    if not attempts:
        return result
    submitted = [a for a in attempts if a.submitted]
    result.attempts = len(attempts)
    result.submitted_attempts = len(submitted)
    result.started_at = attempts[0].started_at
    if not submitted:
        result.status = IN_PROGRESS
        return result
    result.status = SUBMITTED
    result.score = grading.overall([(a.number, float(a.score or 0.0)) for a in submitted], method)
    counted = counted_attempts(submitted, method)
    result.counted_attempt_ids = [a.id for a in counted]
    for key in (k for a in submitted for k in sums.get(a.id, {})):
        result.skill_percent.setdefault(key, None)
    mine = pooled(sums.get(a.id, {}) for a in counted)
    for key in result.skill_percent:
        result.skill_percent[key] = skill_percent(mine, key)
    if method == "average":
        result.max_score = sum(float(a.max_score) for a in submitted) / len(submitted)
        result.submitted_at = max(a.submitted_at or a.started_at for a in submitted)
    else:
        [chosen] = counted
        result.chosen_attempt_id = chosen.id
        result.max_score = float(chosen.max_score)
        result.submitted_at = chosen.submitted_at
        if chosen.submitted_at is not None:
            result.time_taken = chosen.submitted_at - chosen.started_at
    if result.score is not None and result.max_score:
        result.percent = 100.0 * result.score / result.max_score
    return result


# -- what students got wrong, for the top of the results page ---------------------------------

MIN_SAMPLE = 10
"""Analysed attempts under which the spread statistics (skewness, kurtosis, internal
consistency and what follows from it, discrimination) are not shown: with a handful
of students they swing from one answer to the next and mean nothing."""

POPULAR_WRONG = 3  # wrong answers shown per question, most frequent first


def misconception_text(catalogue: dict[str, str] | None, code: str) -> str:
    """A misconception as a person reads it: its text in the bank's catalogue, or,
    for a code the bank never defined, the code in words ("PERCENT_VS_POINTS" ->
    "Percent vs points")."""
    text = (catalogue or {}).get(code)
    if text:
        return text
    words = code.replace("_", " ").replace("-", " ").strip().lower()
    return words[:1].upper() + words[1:] if words else code


@dataclass(frozen=True)
class WrongAnswer:
    label: str  # the answer in words (the group's most frequent)
    count: int  # analysed attempts that gave it
    misconceptions: list[str]  # catalogue texts, most frequent first
    others: int = 0  # other distinct answers in the same group ("100" and 2 others)


@dataclass(frozen=True)
class QuestionTrouble:
    position: int
    prompt: str  # Markdown, as in the bank
    skill: str  # the skill's name
    n: int  # analysed attempts that had the question
    facility: float | None  # 0–1
    wrong: list[WrongAnswer]  # most frequent first, at most POPULAR_WRONG
    unanswered: int


@dataclass(frozen=True)
class MisconceptionCount:
    text: str
    count: int  # answers that revealed it
    questions: list[int]  # positions, in order


@dataclass(frozen=True)
class WhatWentWrong:
    misconceptions: list[MisconceptionCount]
    questions: list[QuestionTrouble]  # hardest first (lowest facility), then by position


def what_went_wrong(analysis: AssignmentStats, bank: m.Bank) -> WhatWentWrong:
    """From the report's statistics (``quiz.reports.stats``): the misconceptions of the whole
    quiz, most frequent first, and each question's facility and most popular wrong
    answers (anything that earned less than full marks), hardest question first."""
    catalogue = bank.misconceptions or {}
    skills = bank.skills or {}
    totals: dict[str, int] = defaultdict(int)
    where: dict[str, set[int]] = defaultdict(set)
    questions = []
    for q in analysis.questions:
        for code, count in q.misconceptions:
            totals[code] += count
            where[code].add(q.position)
        wrong = [
            WrongAnswer(
                r.label,
                r.count,
                [misconception_text(catalogue, c) for c in r.misconceptions],
                r.distinct - 1,
            )
            for r in q.responses
            if r.label != NO_ANSWER and r.mean_fraction < 1.0 - 1e-9
        ]
        unanswered = sum(r.count for r in q.responses if r.label == NO_ANSWER)
        questions.append(
            QuestionTrouble(
                position=q.position,
                prompt=q.prompt,
                skill=skills.get(q.skill, q.skill),
                n=q.n,
                facility=q.facility,
                wrong=wrong[:POPULAR_WRONG],
                unanswered=unanswered,
            )
        )
    questions.sort(key=lambda t: (t.facility if t.facility is not None else 2.0, t.position))
    counted = [
        MisconceptionCount(misconception_text(catalogue, code), count, sorted(where[code]))
        for code, count in totals.items()
    ]
    counted.sort(key=lambda c: (-c.count, c.questions, c.text))
    return WhatWentWrong(counted, questions)

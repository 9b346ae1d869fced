"""Results of an assignment, one row per student of its class.

A student's grade comes from their *submitted* attempts, combined by the
assignment's grading method (``quiz.domain.grading``): highest, last, first or average.
For highest, last and first one attempt stands for the student (the *chosen*
attempt); its score, maximum, per-skill percentages and times are reported. For
average, the score is the mean of the submitted attempts' scores, the maximum
the mean of their maxima, each skill the mean of the attempts' percentages for
that skill, and there is no chosen attempt (so no time taken).

Everything is read with a fixed number of queries, whatever the class size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from markupsafe import Markup
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from quiz.domain import grading
from quiz.domain.discernment import Counts, Judgement, counts_by_skill, is_judgement, judgements
from quiz.questions.base import Question
from quiz.reports import charts
from quiz.reports.stats import NO_ANSWER, AssignmentStats, analysed_attempt_ids
from quiz.services.content import question_of
from quiz.store import models as m

NOT_STARTED = "not started"
IN_PROGRESS = "in progress"
SUBMITTED = "submitted"
STATUSES = (NOT_STARTED, IN_PROGRESS, SUBMITTED)


@dataclass
class StudentResult:
    """One student's standing on one assignment. Percentages are 0–100."""

    student: m.Student
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

    @property
    def time_taken_text(self) -> str:
        """The time taken as a teacher reads it (``format_duration``); "—" if none."""
        return format_duration(self.time_taken)


@dataclass(frozen=True)
class AttemptRow:
    id: int
    student_id: int
    number: int
    status: str
    started_at: datetime
    submitted_at: datetime | None
    score: float | None
    max_score: float

    @property
    def submitted(self) -> bool:
        return self.status == m.ATTEMPT_SUBMITTED


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


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _skill_sums(
    session: Session, assignment: m.Assignment
) -> dict[int, dict[str, tuple[float, float]]]:
    """Per submitted attempt of the assignment and per skill: (points earned, points
    possible), summed over the attempt's slots (unanswered slots earn nothing)."""
    rows = session.execute(
        select(
            m.AttemptSlot.attempt_id,
            m.QuestionVersion.skill,
            func.sum(func.coalesce(m.Answer.points, 0.0)),
            func.sum(m.AttemptSlot.points),
        )
        .join(m.Attempt, m.Attempt.id == m.AttemptSlot.attempt_id)
        .join(m.QuestionVersion, m.QuestionVersion.id == m.AttemptSlot.question_version_id)
        .outerjoin(
            m.Answer,
            (m.Answer.slot_id == m.AttemptSlot.id)
            & (m.Answer.attempt_id == m.AttemptSlot.attempt_id),
        )
        .where(
            m.Attempt.assignment_id == assignment.id,
            m.Attempt.status == m.ATTEMPT_SUBMITTED,
        )
        .group_by(m.AttemptSlot.attempt_id, m.QuestionVersion.skill)
    )
    sums: dict[int, dict[str, tuple[float, float]]] = defaultdict(dict)
    for attempt_id, skill, earned, possible in rows:
        sums[attempt_id][skill] = (float(earned or 0.0), float(possible or 0.0))
    return sums


def _skill_percent(sums: dict[str, tuple[float, float]], skill: str) -> float | None:
    earned, possible = sums.get(skill, (0.0, 0.0))
    return 100.0 * earned / possible if possible else None


def assignment_results(session: Session, assignment: m.Assignment) -> list[StudentResult]:
    """Every student of the assignment's class, those who have not started included,
    ordered by display name (case-insensitive). Three queries in all."""
    wanted = (assignment.selection_config or {}).get("students")  # a follow-up's students
    students = [
        s
        for s in session.scalars(
            select(m.Student).where(m.Student.class_id == assignment.class_id)
        ).all()
        if not isinstance(wanted, list) or not wanted or s.id in wanted
    ]
    attempts: dict[int, list[AttemptRow]] = defaultdict(list)
    for row in session.execute(
        select(
            m.Attempt.id,
            m.Attempt.student_id,
            m.Attempt.number,
            m.Attempt.status,
            m.Attempt.started_at,
            m.Attempt.submitted_at,
            m.Attempt.score,
            m.Attempt.max_score,
        )
        .join(m.Student, m.Student.id == m.Attempt.student_id)
        .where(
            m.Attempt.assignment_id == assignment.id,
            m.Student.class_id == assignment.class_id,
        )
        .order_by(m.Attempt.student_id, m.Attempt.number, m.Attempt.id)
    ):
        attempts[row.student_id].append(AttemptRow(*row))
    sums = _skill_sums(session, assignment) if attempts else {}
    keys = skill_keys(assignment)
    results = [
        student_result(student, attempts.get(student.id, []), assignment.grading, keys, sums)
        for student in students
    ]
    results.sort(key=lambda r: (r.student.display_name.casefold(), r.student.id))
    return results


def student_result(
    student: m.Student,
    attempts: list[AttemptRow],
    method: str,
    keys: list[str],
    sums: dict[int, dict[str, tuple[float, float]]],
) -> StudentResult:
    """One student's result from their attempts (in number order), the grading
    method, the bank's skill keys and the per-attempt skill sums: shared by
    ``assignment_results`` and the batched ``quiz.reports.exports.grades_csv``."""
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
    scores = [(a.number, float(a.score or 0.0)) for a in submitted]
    result.score = grading.overall(scores, method)
    extra = [k for a in submitted for k in sums.get(a.id, {}) if k not in result.skill_percent]
    for key in extra:
        result.skill_percent.setdefault(key, None)
    if method == "average":
        result.max_score = _mean([float(a.max_score) for a in submitted])
        result.submitted_at = max(a.submitted_at or a.started_at for a in submitted)
        for key in result.skill_percent:
            values = [_skill_percent(sums.get(a.id, {}), key) for a in submitted]
            result.skill_percent[key] = _mean([v for v in values if v is not None])
    else:
        number = grading.chosen_attempt(scores, method)
        chosen = next(a for a in submitted if a.number == number)
        result.chosen_attempt_id = chosen.id
        result.max_score = float(chosen.max_score)
        result.submitted_at = chosen.submitted_at
        if chosen.submitted_at is not None:
            result.time_taken = chosen.submitted_at - chosen.started_at
        for key in result.skill_percent:
            result.skill_percent[key] = _skill_percent(sums.get(chosen.id, {}), key)
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
    label: str  # the answer in words
    count: int  # analysed attempts that gave it
    misconceptions: list[str]  # catalogue texts, most frequent first


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
    """From ``quiz.reports.stats.assignment_statistics``: the misconceptions of the whole
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
                r.label, r.count, [misconception_text(catalogue, c) for c in r.misconceptions]
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


# -- discernment and misconceptions, per student (issue #22) -----------------------------------


@dataclass
class StudentJudgements:
    """One student's judgements and misconceptions over their analysed attempts."""

    student: m.Student
    counts: Counts = field(default_factory=Counts)
    by_skill: dict[str, Counts] = field(default_factory=dict)
    misconceptions: dict[str, int] = field(default_factory=dict)  # code -> answers

    @property
    def shown(self) -> set[str]:
        return set(self.misconceptions)


@dataclass(frozen=True)
class MisconceptionRow:
    code: str
    text: str
    students: int  # students whose answers revealed it
    answers: int
    questions: list[int]  # positions that revealed it, in order
    probes: list[int]  # positions of the quiz's questions with a wrong answer tagged with it


@dataclass
class ClassJudgements:
    """Discernment of a class (``quiz.domain.discernment``) and its misconceptions, from the
    same attempts as the statistics (``quiz.reports.stats.analysed_attempt_ids``)."""

    students: list[StudentJudgements]  # those with an analysed attempt, by name
    total: Counts
    by_skill: dict[str, Counts]
    misconceptions: list[MisconceptionRow]  # most students first

    @property
    def scorable(self) -> list[StudentJudgements]:
        return [s for s in self.students if s.counts.scorable]

    def over(self, skill: str | None = None) -> tuple[int, int]:
        """(distrust, naïveté) summed over the students (of one skill's judgements):
        each student's own over-rejection and over-acceptance, which the class's pooled
        counts would cancel against each other."""
        counts = [s.by_skill.get(skill, Counts()) if skill else s.counts for s in self.students]
        return sum(c.distrust for c in counts), sum(c.naivete for c in counts)

    @property
    def centre(self) -> tuple[float, float] | None:
        """The class's centre: mean d' and mean c of the students who have both."""
        points = [(s.counts.d_prime or 0.0, s.counts.c or 0.0) for s in self.scorable]
        if not points:
            return None
        return (
            sum(p[0] for p in points) / len(points),
            sum(p[1] for p in points) / len(points),
        )


def class_judgements(session: Session, assignment: m.Assignment) -> ClassJudgements:
    """Every analysed answer's judgements and misconceptions, per student. Four
    queries: the attempts, the students, the question versions the attempts hold
    (as objects, a few), and every slot's answer as plain columns. An answer's
    response is read only for a question that carries judgements, and its
    misconceptions (from the grade) only when it revealed one (``Answer.misconception``
    is the first of them): decoding every answer's JSON columns, and the version's
    spec with each row, took 11 s for 2,000 attempts."""
    ids = set(analysed_attempt_ids(session, assignment))
    students = {
        s.id: StudentJudgements(s)
        for s in session.scalars(select(m.Student).where(m.Student.class_id == assignment.class_id))
    }
    seen: dict[int, StudentJudgements] = {}
    where: dict[str, set[int]] = defaultdict(set)
    probes: dict[str, set[int]] = defaultdict(set)
    judged: list[Judgement] = []
    submitted = (m.Attempt.assignment_id == assignment.id) & (
        m.Attempt.status == m.ATTEMPT_SUBMITTED
    )
    questions: dict[int, Question] = {}
    if ids:
        held = (
            select(m.AttemptSlot.question_version_id)
            .join(m.Attempt, m.Attempt.id == m.AttemptSlot.attempt_id)
            .where(submitted)
            .distinct()
        )
        versions = session.scalars(select(m.QuestionVersion).where(m.QuestionVersion.id.in_(held)))
        questions = {v.id: question_of(v) for v in versions}
    judging = sorted(vid for vid, q in questions.items() if is_judgement(q))
    slot, answer = m.AttemptSlot, m.Answer
    rows = (
        session.connection()
        .execute(
            select(
                slot.attempt_id,
                m.Attempt.student_id,
                slot.position,
                slot.question_version_id,
                case((slot.question_version_id.in_(judging), answer.response)),
                case((answer.misconception.is_not(None), answer.grade["misconceptions"])),
            )
            .join(m.Attempt, m.Attempt.id == slot.attempt_id)
            .outerjoin(answer, (answer.slot_id == slot.id) & (answer.attempt_id == slot.attempt_id))
            .where(submitted)
            .order_by(m.Attempt.student_id, slot.position)
        )
        .all()
        if ids
        else []
    )
    tagged = {vid: tagged_misconceptions(q) for vid, q in questions.items()}
    own: dict[int, list[Judgement]] = defaultdict(list)  # per student, counted at the end
    for attempt_id, student_id, position, version_id, response, codes in rows:
        sj = students.get(student_id)
        if sj is None or attempt_id not in ids:
            continue
        seen[student_id] = sj
        for code in tagged[version_id]:
            probes[code].add(position)
        for code in codes or ():
            sj.misconceptions[code] = sj.misconceptions.get(code, 0) + 1
            where[code].add(position)
        if response is not None:
            own[student_id] += judgements(questions[version_id], response)
    for student_id, found in own.items():
        sj = students[student_id]
        judged += found
        sj.counts = Counts.of(found)
        sj.by_skill = counts_by_skill(found)
    catalogue = assignment.bank.misconceptions or {}
    listed = list(seen.values())
    listed.sort(key=lambda s: (s.student.display_name.casefold(), s.student.id))
    found_codes = sorted({c for s in listed for c in s.misconceptions})
    table = [
        MisconceptionRow(
            code=code,
            text=misconception_text(catalogue, code),
            students=sum(1 for s in listed if code in s.misconceptions),
            answers=sum(s.misconceptions.get(code, 0) for s in listed),
            questions=sorted(where[code]),
            probes=sorted(probes[code]),
        )
        for code in found_codes
    ]
    table.sort(key=lambda r: (-r.students, -r.answers, r.code))
    return ClassJudgements(
        students=listed,
        total=Counts.of(judged),
        by_skill=counts_by_skill(judged),
        misconceptions=table,
    )


def tagged_misconceptions(question: Question) -> set[str]:
    """The misconception codes the question's wrong answers carry (what it probes)."""
    codes: set[str] = set()
    for name in ("options", "wrong", "distractors", "sentences", "answers"):
        for item in getattr(question, name, ()) or ():
            code = getattr(item, "misconception", None)
            if code:
                codes.add(code)
    return codes


def heat_rows(judged: ClassJudgements, sort: str = "name") -> list[StudentJudgements]:
    """The heatmap's rows: by name, or (``most``) most misconceptions shown first."""
    if sort == "most":
        return sorted(
            judged.students,
            key=lambda s: (-len(s.misconceptions), -sum(s.misconceptions.values())),
        )  # stable: by name within a tie
    return list(judged.students)


def discernment_chart(judged: ClassJudgements) -> Markup:
    """The scatter of ``quiz.reports.charts``: each student numbered as in the table beside it."""
    points = [
        (str(n), s.counts.d_prime, s.counts.c)
        for n, s in enumerate(judged.students, start=1)
        if s.counts.d_prime is not None and s.counts.c is not None
    ]
    return charts.discernment_scatter(
        points,
        judged.centre,
        title="Discernment (d′) against bias (c), one point per student",
        id_prefix="discern",
    )


def counted_attempt_ids(
    result: StudentResult, attempts: list[AttemptRow], method: str
) -> list[int]:
    """The attempts that stand for a student, as ``quiz.reports.stats.analysed_attempt_ids``
    chooses them: every submitted one for average, else the chosen one."""
    if method == "average":
        return [a.id for a in attempts if a.submitted]
    return [result.chosen_attempt_id] if result.chosen_attempt_id is not None else []


def attempt_judgements(
    session: Session, attempt_ids: list[int]
) -> dict[int, tuple[Counts, dict[str, int]]]:
    """Per attempt: the counts of its judgements and its misconceptions (code ->
    answers that revealed it). One query, whatever the number of attempts."""
    out: dict[int, tuple[Counts, dict[str, int]]] = {}
    if not attempt_ids:
        return out
    rows = session.execute(
        select(m.AttemptSlot.attempt_id, m.QuestionVersion, m.Answer.response, m.Answer.grade)
        .join(m.QuestionVersion, m.QuestionVersion.id == m.AttemptSlot.question_version_id)
        .join(
            m.Answer,
            (m.Answer.slot_id == m.AttemptSlot.id)
            & (m.Answer.attempt_id == m.AttemptSlot.attempt_id),
        )
        .where(m.AttemptSlot.attempt_id.in_(attempt_ids))
    ).all()
    for attempt_id, version, response, grade in rows:
        counts, shown = out.get(attempt_id, (Counts(), {}))
        for code in (grade or {}).get("misconceptions") or ():
            shown[code] = shown.get(code, 0) + 1
        out[attempt_id] = (counts + Counts.of(judgements(question_of(version), response)), shown)
    return out

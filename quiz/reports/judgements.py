"""Discernment (``quiz.domain.discernment``) and misconceptions of a class, per
student, over the attempts the report counts; and per attempt for the grades
export."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from sqlalchemy import BindParameter, Text, bindparam, case, cast, select
from sqlalchemy.orm import Session, load_only

from quiz.domain.discernment import (
    Counts,
    Judgement,
    counts_by_skill,
    is_judgement,
    judgements,
    tagged_misconceptions,
)
from quiz.questions.base import Question
from quiz.reports import charts
from quiz.reports.reads import IDS, AnySelect, Only, of_analysed
from quiz.reports.results import misconception_text
from quiz.services.content import question_of
from quiz.store import models as m

if TYPE_CHECKING:
    from quiz.reports.report import AssignmentReport


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
    same attempts as the statistics (``quiz.domain.itemstats.counted_attempts``)."""

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
    """The report's discernment figures (``assignment_report(...).judged``)."""
    from quiz.reports.report import assignment_report

    return assignment_report(session, assignment).judged


def _analysed(
    stmt: AnySelect, assignment: m.Assignment, left_out: Sequence[int], only: Only = None
) -> AnySelect:
    """``stmt`` restricted to the report's analysed attempts (submitted, but
    ``left_out``; with ``only``, ``reads.among``, those the report read) of students
    of the assignment's class."""
    stmt = stmt.join(m.Student, m.Student.id == m.Attempt.student_id).where(
        m.Student.class_id == assignment.class_id
    )
    return of_analysed(stmt, assignment, left_out, only)


def answers_statement(
    assignment: m.Assignment,
    judging: Sequence[int],
    left_out: Sequence[int] = (),
    only: Only = None,
) -> AnySelect:
    """The analysed answers that say something to discernment, as plain columns: those
    to a question that carries judgements (``judging``: their version ids; the
    response is read for those only) and those that revealed a misconception (its
    codes from the grade, read only then: ``Answer.misconception`` is the first of
    them), both as JSON text: ``judge`` decodes each distinct text once. Every other
    answer stays in the database: reading every slot's row, and decoding each
    answer's JSON and its version's spec, took 11 s for 2,000 attempts."""
    slot, answer = m.AttemptSlot, m.Answer
    stmt = (
        select(
            m.Attempt.student_id,
            slot.position,
            slot.question_version_id,
            case((slot.question_version_id.in_(judging), cast(answer.response, Text))),
            case((answer.misconception.is_not(None), answer.grade["misconceptions"].as_string())),
        )
        .select_from(slot)
        .join(m.Attempt, m.Attempt.id == slot.attempt_id)
        .join(answer, (answer.slot_id == slot.id) & (answer.attempt_id == slot.attempt_id))
        .where(slot.question_version_id.in_(judging) | answer.misconception.is_not(None))
        .order_by(m.Attempt.student_id, slot.position)
    )
    return _analysed(stmt, assignment, left_out, only)


def probes_statement(
    assignment: m.Assignment,
    tagged: Sequence[int],
    left_out: Sequence[int] = (),
    only: Only = None,
) -> AnySelect:
    """Where (position) each question version whose wrong answers carry a
    misconception (``tagged``) stood in the analysed attempts, each pair once: the
    database makes the pairs, not one row per slot."""
    slot = m.AttemptSlot
    stmt = (
        select(slot.position, slot.question_version_id)
        .select_from(slot)
        .join(m.Attempt, m.Attempt.id == slot.attempt_id)
        .where(slot.question_version_id.in_(tagged))
        .distinct()
    )
    return _analysed(stmt, assignment, left_out, only)


def versions_held(session: Session, assignment: m.Assignment) -> dict[int, Question]:
    """The questions of the versions the assignment's attempts hold, from the
    content cache: the versions are read with their id and hash only (a version's
    spec, context and article are read only on a cache miss, by ``question_of``)."""
    slot, version = m.AttemptSlot, m.QuestionVersion
    held = (
        select(slot.question_version_id)
        .join(m.Attempt, m.Attempt.id == slot.attempt_id)
        .where(m.Attempt.assignment_id == assignment.id)
    )
    found = session.scalars(
        select(version)
        .where(version.id.in_(held))
        .options(load_only(version.id, version.sha256, version.article_id))
    )
    return {v.id: question_of(v) for v in found}


@dataclass
class _Found:
    """What the answers' rows revealed, before the table is made."""

    seen: dict[int, StudentJudgements] = field(default_factory=dict)
    where: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    probes: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    own: dict[int, list[Judgement]] = field(default_factory=lambda: defaultdict(list))


def judge(report: AssignmentReport) -> ClassJudgements:
    """Every counted answer's judgements and misconceptions, per student of the class:
    the report's analysed attempts and students, the questions from the content
    cache, and two statements of their own: where the probing questions stood
    (``probes_statement``) and the answers worth reading (``answers_statement``)."""
    assignment, session = report.assignment, report.session
    students = {s.id: StudentJudgements(s) for s in report.roster}
    found = _Found()
    for a in report.analysed:  # every attempt has its slots: those of the class are seen
        if a.student_id in students:
            found.seen[a.student_id] = students[a.student_id]
    if found.seen:
        left_out, only = report.left_out, report.only  # the attempts the report read
        questions = versions_held(session, assignment)
        judging = sorted(vid for vid, q in questions.items() if is_judgement(q))
        tagged = {vid: tagged_misconceptions(q) for vid, q in questions.items()}
        probing = sorted(vid for vid, codes in tagged.items() if codes)
        connection = session.connection()
        if probing:
            for position, version_id in connection.execute(
                probes_statement(assignment, probing, left_out, only)
            ):
                for code in tagged[version_id]:
                    found.probes[code].add(position)
        rows = connection.execute(answers_statement(assignment, judging, left_out, only))
        _tell(found, students, questions, rows)
    return _class_figures(found, students, assignment.bank.misconceptions or {})


def _tell(
    found: _Found,
    students: dict[int, StudentJudgements],
    questions: dict[int, Question],
    rows: Iterable[Any],
) -> None:
    """The answers' rows into ``found``: a class gives the same few answers to a
    question, so each distinct response (per version) is decoded and judged once,
    each distinct list of misconceptions decoded once."""
    judged: dict[tuple[int, str], list[Judgement]] = {}
    decoded: dict[str, list[str]] = {}
    for student_id, position, version_id, response, codes in rows:
        sj = students.get(student_id)
        if sj is None:  # joined the class after the roster was read (READ COMMITTED)
            continue
        if codes is not None:
            listed = decoded.get(codes)
            if listed is None:
                listed = decoded[codes] = json.loads(codes) or []
            for code in listed:
                sj.misconceptions[code] = sj.misconceptions.get(code, 0) + 1
                found.where[code].add(position)
        if response is not None:
            mine = judged.get((version_id, response))
            if mine is None:
                value = json.loads(response)
                mine = judged[version_id, response] = judgements(questions[version_id], value)
            found.own[student_id] += mine


def _class_figures(
    found: _Found, students: dict[int, StudentJudgements], catalogue: dict[str, str]
) -> ClassJudgements:
    judged: list[Judgement] = []
    for student_id, mine in found.own.items():
        sj = students[student_id]
        judged += mine
        sj.counts = Counts.of(mine)
        sj.by_skill = counts_by_skill(mine)
    listed = list(found.seen.values())
    listed.sort(key=lambda s: (s.student.display_name.casefold(), s.student.id))
    found_codes = sorted({c for s in listed for c in s.misconceptions})
    table = [
        MisconceptionRow(
            code=code,
            text=misconception_text(catalogue, code),
            students=sum(1 for s in listed if code in s.misconceptions),
            answers=sum(s.misconceptions.get(code, 0) for s in listed),
            questions=sorted(found.where[code]),
            probes=sorted(found.probes[code]),
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


JUDGING: BindParameter[Any] = bindparam("judging", expanding=True)


def _held_versions() -> AnySelect:
    slot, version = m.AttemptSlot, m.QuestionVersion
    held = select(slot.question_version_id).where(slot.attempt_id.in_(IDS)).distinct()
    return (
        select(version)
        .where(version.id.in_(held))
        .options(load_only(version.id, version.sha256, version.article_id))
    )


HELD_VERSIONS = _held_versions()
"""The versions attempts (``ids``) hold, id and hash only (``question_of``'s cache)."""


def _attempt_answers() -> AnySelect:
    slot, answer = m.AttemptSlot, m.Answer
    judging = slot.question_version_id.in_(JUDGING)
    revealed = answer.misconception.is_not(None)
    return (
        select(
            slot.attempt_id,
            slot.question_version_id,
            case((judging, cast(answer.response, Text))),
            case((revealed, answer.grade["misconceptions"].as_string())),
        )
        .select_from(slot)
        .join(answer, (answer.slot_id == slot.id) & (answer.attempt_id == slot.attempt_id))
        .where(slot.attempt_id.in_(IDS), judging | revealed)
    )


ATTEMPT_ANSWERS = _attempt_answers()
"""The answers of attempts (``ids``) that say something to discernment, as
``answers_statement`` reads them for the page: the response (JSON text) only for a
question that carries judgements (``judging``: version ids), the grade's
misconceptions (JSON text) only when the answer revealed one."""

PARTITION = 2000  # rows of ATTEMPT_ANSWERS fetched at once


def attempt_judgements(
    session: Session, attempt_ids: list[int]
) -> dict[int, tuple[Counts, dict[str, int]]]:
    """Per attempt: the counts of its judgements and its misconceptions (code ->
    answers that revealed it), for the grades export. Two statements whatever the
    number of attempts: the question versions they hold (``HELD_VERSIONS``), then
    their answers that say something (``ATTEMPT_ANSWERS``), fetched ``PARTITION``
    rows at a time."""
    if not attempt_ids:
        return {}
    versions = session.scalars(HELD_VERSIONS, {"ids": attempt_ids})
    questions = {v.id: question_of(v) for v in versions}
    judging = sorted(vid for vid, q in questions.items() if is_judgement(q))
    rows = session.connection().execute(ATTEMPT_ANSWERS, {"ids": attempt_ids, "judging": judging})
    return _tally(rows.partitions(PARTITION), questions)


def _tally(
    parts: Iterable[Sequence[Any]], questions: dict[int, Question]
) -> dict[int, tuple[Counts, dict[str, int]]]:
    """``ATTEMPT_ANSWERS``'s rows added up per attempt: the same few answers come
    back again and again, so each distinct response (per version) is decoded and
    judged once, each distinct list of misconceptions decoded once."""
    judged: dict[tuple[int, str], Counts] = {}
    decoded: dict[str, list[str]] = {}
    counts: dict[int, Counts] = {}
    shown: dict[int, dict[str, int]] = {}
    for part in parts:
        for attempt_id, version_id, response, codes in part:
            if response is not None:
                got = judged.get((version_id, response))
                if got is None:
                    mine = judgements(questions[version_id], json.loads(response))
                    got = judged[version_id, response] = Counts.of(mine)
                if got.total:
                    had = counts.get(attempt_id)
                    counts[attempt_id] = got if had is None else had + got
            if codes is not None:
                listed = decoded.get(codes)
                if listed is None:
                    listed = decoded[codes] = json.loads(codes) or []
                tally = shown.setdefault(attempt_id, {})
                for code in listed:
                    tally[code] = tally.get(code, 0) + 1
    return {a: (counts.get(a, Counts()), shown.get(a, {})) for a in counts.keys() | shown.keys()}

"""Use cases of assignments: which questions, whether a student may start, deadlines."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from quiz import services
from quiz.classes import roster as classes
from quiz.services.attempts import live_for_students
from quiz.services.content import LiveQuestion
from quiz.store import models as m
from quiz.store.db import utcnow

OPEN, NOT_YET_OPEN, CLOSED = "open", "not yet open", "closed"


def state(assignment: m.Assignment, now: datetime | None = None) -> str:
    now = now or utcnow()
    if now < assignment.opens_at:
        return NOT_YET_OPEN
    if assignment.closes_at is not None and now >= assignment.closes_at:
        return CLOSED
    return OPEN


def select_questions(
    session: Session, assignment: m.Assignment, rng: random.Random
) -> list[m.Question]:
    """The questions of one attempt, by the assignment's selection rule, as mapped
    rows (``choose_questions`` is the rule; a start uses its plain values)."""
    rows = {q.id: q for q in services.live_questions(session, assignment.bank)}
    return [rows[q.question_id] for q in choose_questions(session, assignment, rng)]


def choose_questions(
    session: Session, assignment: m.Assignment, rng: random.Random
) -> list[LiveQuestion]:
    """The questions of one attempt, by the assignment's selection rule, from the
    bank's live questions built once per bank version (drafts left out)."""
    live = live_for_students(session, assignment.bank)
    config = assignment.selection_config or {}
    if assignment.selection == "skills":
        wanted = set(config.get("skills", []))
        chosen = [q for q in live if q.skill in wanted]
    elif assignment.selection == "manual":
        keys = list(config.get("questions", []))
        by_key = {q.key: q for q in live}
        chosen = [by_key[k] for k in keys if k in by_key]
    elif assignment.selection == "random":
        per_skill = int(config.get("per_skill", 1))
        chosen = []
        for skill in assignment.bank.skills:
            pool = [q for q in live if q.skill == skill]
            picked = rng.sample(pool, min(per_skill, len(pool)))
            chosen += sorted(picked, key=lambda q: q.position)
    else:
        chosen = live
    if assignment.shuffle_questions:
        chosen = list(chosen)
        rng.shuffle(chosen)
    return chosen


def targets(assignment: m.Assignment) -> set[int] | None:
    """The students an assignment is for, when it names some (a follow-up set for the
    students who showed a misconception: ``selection_config["students"]``); None: the
    whole class."""
    ids = (assignment.selection_config or {}).get("students")
    return {int(i) for i in ids if isinstance(i, int)} if isinstance(ids, list) and ids else None


def is_for(assignment: m.Assignment, student_id: int) -> bool:
    wanted = targets(assignment)
    return wanted is None or student_id in wanted


@dataclass(frozen=True, slots=True)
class AttemptLine:
    """One of a student's attempts as their page lists it (a plain row)."""

    id: int
    number: int
    status: str

    @property
    def submitted(self) -> bool:
        return self.status == m.ATTEMPT_SUBMITTED


@dataclass
class StudentView:
    """One assignment as a student sees it on their page."""

    assignment: m.Assignment
    state: str
    attempts: list[AttemptLine]
    in_progress: AttemptLine | None
    can_start: bool

    @property
    def attempts_left(self) -> int | None:
        allowed = self.assignment.attempts_allowed
        return None if allowed == 0 else max(0, allowed - len(self.attempts))


def for_student(
    session: Session, student: m.Student, now: datetime | None = None
) -> list[StudentView]:
    return for_students(session, [(student.id, student.class_id)], now)[student.id]


def for_students(
    session: Session, students: Sequence[tuple[int, int | None]], now: datetime | None = None
) -> dict[int, list[StudentView]]:
    """Each student's assignments (``students``: pairs of student and class id), for
    every class of a browser at once: the classes' assignments in one statement,
    every attempt of the students at them in another (an attempt whose time is up
    is handed in first, as everywhere)."""
    now = now or utcnow()
    views: dict[int, list[StudentView]] = {sid: [] for sid, _class in students}
    classes = {class_id for _sid, class_id in students if class_id is not None}
    if not classes:
        return views
    rows = session.scalars(
        select(m.Assignment)
        .where(m.Assignment.class_id.in_(classes))
        .order_by(m.Assignment.opens_at.desc(), m.Assignment.id)
    ).all()
    lines = _attempt_lines(session, list(views), {a.id: a for a in rows}, now)
    for sid, class_id in students:
        for a in rows:
            if a.class_id != class_id or not is_for(a, sid):
                continue
            attempts = lines.get((sid, a.id), [])
            current = next((t for t in attempts if not t.submitted), None)
            st = state(a, now)
            left = a.attempts_allowed == 0 or len(attempts) < a.attempts_allowed
            views[sid].append(StudentView(a, st, attempts, current, st == OPEN and left))
    return views


_LINES = (
    select(
        m.Attempt.id,
        m.Attempt.student_id,
        m.Attempt.assignment_id,
        m.Attempt.number,
        m.Attempt.status,
        m.Attempt.feedback,
        m.Attempt.deadline_at,
        m.Attempt.started_at,
        m.ExtraTime.minutes,
    )
    .outerjoin(m.ExtraTime, m.ExtraTime.student_id == m.Attempt.student_id)
    .order_by(m.Attempt.number)
)


def _attempt_lines(
    session: Session,
    student_ids: list[int],
    assignments: dict[int, m.Assignment],
    now: datetime,
) -> dict[tuple[int, int], list[AttemptLine]]:
    """The students' attempts at these assignments by (student, assignment), in
    order; one whose time is up is handed in (``finish_if_overdue``) and listed so."""
    found: dict[tuple[int, int], list[AttemptLine]] = {}
    if not assignments:
        return found
    rows = session.execute(
        _LINES.where(
            m.Attempt.student_id.in_(student_ids), m.Attempt.assignment_id.in_(list(assignments))
        )
    )
    for aid, sid, assignment_id, number, status, feedback, deadline, started, extra in rows:
        a = assignments[assignment_id or 0]  # the statement's IN: one of them
        if status == m.ATTEMPT_IN_PROGRESS:
            head = services.AttemptHead(
                aid, sid, status, feedback, deadline, a.closes_at, a.id, started,
                a.time_limit_minutes, extra,
            )  # fmt: skip
            if services.time_is_up(head, now):
                finish_if_overdue(session, session.get_one(m.Attempt, aid), now, extra or 0)
                status = m.ATTEMPT_SUBMITTED
        found.setdefault((sid, a.id), []).append(AttemptLine(aid, number, status))
    return found


def with_student(
    session: Session, assignment_id: int, student_ids: Sequence[int]
) -> tuple[m.Assignment, m.Student] | None:
    """The assignment, with its bank (which a start reads), and the one of these
    students (a browser's) in its class; None if either is missing. One statement."""
    if not student_ids:
        return None
    found = session.execute(
        select(m.Assignment, m.Student)
        .join(m.Student, m.Student.class_id == m.Assignment.class_id)
        .where(m.Assignment.id == assignment_id, m.Student.id.in_(student_ids))
        .options(joinedload(m.Assignment.bank))
        .limit(1)
    ).first()
    return None if found is None else (found[0], found[1])


@dataclass(frozen=True)
class Started:
    """What Start gave: the attempt, and whether it is new (with how many
    questions) or the one already in progress (or another click's)."""

    attempt: m.Attempt
    new: bool
    questions: int = 0


def start(
    session: Session,
    student: m.Student,
    assignment: m.Assignment,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> m.Attempt:
    """Resume the student's attempt in progress, or start a new one if the
    assignment is open and attempts are left. NotAllowed otherwise."""
    return begin(session, student, assignment, now, rng).attempt


def begin(
    session: Session,
    student: m.Student,
    assignment: m.Assignment,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> Started:
    """``start``, saying whether the attempt is new."""
    now = now or utcnow()
    if student.class_id != assignment.class_id:
        raise services.NotAllowed("This assignment is not for your class.")
    if not is_for(assignment, student.id):
        raise services.NotAllowed("This assignment is not for you.")
    assignment_id, student_id = assignment.id, student.id
    services.one_start_at_a_time(session, student_id, now)
    # The student's attempts at it, read once: the one in progress and how many are used.
    mine = session.scalars(
        select(m.Attempt).where(
            m.Attempt.assignment_id == assignment_id, m.Attempt.student_id == student_id
        )
    ).all()
    current = next((a for a in mine if a.status == m.ATTEMPT_IN_PROGRESS), None)
    if current is not None:
        if not finish_if_overdue(session, current, now):
            session.commit()
            return Started(current, new=False)
        services.one_start_at_a_time(session, student_id, now)  # the hand-in committed
        mine = session.scalars(
            select(m.Attempt).where(
                m.Attempt.assignment_id == assignment_id, m.Attempt.student_id == student_id
            )
        ).all()
    st = state(assignment, now)
    if st != OPEN:
        raise services.NotAllowed(
            "This assignment is not open yet."
            if st == NOT_YET_OPEN
            else "This assignment is closed."
        )
    used = len(mine)
    if assignment.attempts_allowed and used >= assignment.attempts_allowed:
        raise services.NotAllowed("You have used every attempt this assignment allows.")
    # Stored as it stands at the start, for the record; pages and saves judge the
    # deadline afresh on each request (services.deadline_of).
    extra = classes.extra_minutes(session, student.id) if assignment.time_limit_minutes else 0
    deadline = services.effective_deadline(
        assignment.closes_at, now, assignment.time_limit_minutes, extra
    )
    rng = rng or random.Random()
    try:
        chosen = choose_questions(session, assignment, rng)
        attempt = services.start_attempt(
            session,
            student,
            assignment.bank,
            feedback=assignment.feedback,
            rng=rng,
            questions=chosen,
            shuffle_options=assignment.shuffle_options,
            assignment=assignment,
            number=used + 1,
            deadline_at=deadline,
        )
        session.commit()
    except IntegrityError:
        # Another click (a double click, a second tab) started the same attempt
        # number first: the unique (student, assignment, number) constraint refused
        # this one, at a flush inside start_attempt or at the commit. Read the
        # winner's attempt in a fresh transaction, which sees its commit.
        session.rollback()
        current = session.scalar(
            select(m.Attempt).where(
                m.Attempt.assignment_id == assignment_id,
                m.Attempt.student_id == student_id,
                m.Attempt.number == used + 1,
            )
        )
        if current is None:
            raise
        return Started(current, new=False)
    return Started(attempt, new=True, questions=len(chosen))


def finish_overdue(session: Session, assignment: m.Assignment, now: datetime | None = None) -> int:
    """Submit every attempt of the assignment whose time is up (``finish_if_overdue``),
    as the teacher's pages do before showing results: after the close was moved into
    the past, say. Returns how many were submitted. Reads nothing while no attempt
    can be overdue (no time limit, and the close, if any, not past)."""
    now = now or utcnow()
    closes, limit = assignment.closes_at, assignment.time_limit_minutes
    if not limit and (closes is None or now <= closes + services.GRACE):
        return 0
    attempts = session.scalars(
        select(m.Attempt).where(
            m.Attempt.assignment_id == assignment.id,
            m.Attempt.status == m.ATTEMPT_IN_PROGRESS,
        )
    ).all()
    extra: dict[int, int] = {}
    if attempts and limit:  # their students' extra time, in one query
        rows = session.execute(
            select(m.ExtraTime.student_id, m.ExtraTime.minutes).where(
                m.ExtraTime.student_id.in_({a.student_id for a in attempts})
            )
        )
        extra = {student_id: minutes for student_id, minutes in rows}
    return sum(
        1
        for attempt in attempts
        if finish_if_overdue(session, attempt, now, extra.get(attempt.student_id, 0))
    )


def finish_if_overdue(
    session: Session,
    attempt: m.Attempt,
    now: datetime | None = None,
    extra_minutes: int | None = None,
) -> bool:
    """Submit an attempt whose time is up (``services.time_is_up``: its deadline as it
    stands now), with the answers saved so far. True if the attempt is (now) submitted.
    ``extra_minutes``: the student's extra time, if the caller has read it."""
    if attempt.submitted:
        return True
    if services.time_is_up(attempt, now, extra_minutes):
        services.submit_attempt(session, attempt)
        return True
    return False

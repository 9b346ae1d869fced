"""Builders for results and export tests: a small bank, classes, students,
assignments, and attempts answered right, half right, wrong or not at all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from quiz import services
from quiz.domain.banks import parse_bank
from quiz.store import models as m
from quiz.store.db import utcnow

MINIMAL = Path(__file__).resolve().parent / "data" / "good" / "minimal.yaml"

TEXT_QUESTION = """  - id: q-text
    type: text
    skill: baseline
    prompt: What number is missing before the 50% can be judged?
    answers:
      - text: the starting number
        feedback: Without it, 50% says little.
    explanation: A percentage needs a base.
"""

# Skills in a deliberately non-alphabetical order; "sourcing" has no question.
SKILLS = ["percent", "reporting", "baseline", "sourcing"]
OTHER_SKILLS = ["reporting", "percent", "context"]

T0 = datetime(2026, 11, 28, 9, 15, 0, tzinfo=UTC)


def bank_text(slug: str = "results-test") -> str:
    """minimal.yaml with two more skills and a typed-text question (baseline)."""
    text = MINIMAL.read_text(encoding="utf-8").replace("id: minimal\n", f"id: {slug}\n", 1)
    text = text.replace(
        "  reporting: Separate reporting from advocacy\n",
        "  reporting: Separate reporting from advocacy\n"
        "  baseline: Spot missing baselines\n"
        "  sourcing: Find the source\n",
    )
    return text + TEXT_QUESTION


def other_bank_text(slug: str = "results-other") -> str:
    """minimal.yaml with its skills in another order and one more skill."""
    text = MINIMAL.read_text(encoding="utf-8").replace("id: minimal\n", f"id: {slug}\n", 1)
    return text.replace(
        "skills:\n  percent: Evaluate percentage claims\n"
        "  reporting: Separate reporting from advocacy\n",
        "skills:\n  reporting: Separate reporting from advocacy\n"
        "  percent: Evaluate percentage claims\n  context: Give context\n",
    )


def load_bank(session: Session, text: str | None = None) -> m.Bank:
    loaded, errors = parse_bank(text or bank_text(), "results-test.yaml")
    assert loaded is not None, errors
    return services.import_bank(session, loaded)


def make_class(
    session: Session, name: str = "Year 9 English", code: str = "RSLTCODE", email: str = ""
) -> m.Klass:
    teacher = m.Teacher(email=email or f"{code.lower()}@example.org", password_hash="x")
    klass = m.Klass(teacher=teacher, name=name, join_code=code)
    session.add_all([teacher, klass])
    session.flush()
    return klass


def add_student(session: Session, klass: m.Klass | None, name: str) -> m.Student:
    """A student with exactly this display name (no stripping: formula payloads)."""
    student = m.Student(display_name=name, class_id=klass.id if klass else None)
    session.add(student)
    session.flush()
    return student


def make_assignment(
    session: Session, klass: m.Klass, bank: m.Bank, grading: str = "highest", title: str = ""
) -> m.Assignment:
    assignment = m.Assignment(
        klass=klass,
        bank=bank,
        title=title or f"Reading percentages ({grading})",
        opens_at=utcnow() - timedelta(days=1),
        grading=grading,
        attempts_allowed=0,
        feedback=m.FEEDBACK_AFTER_SUBMIT,
    )
    session.add(assignment)
    session.flush()
    return assignment


def form_for(slot: m.AttemptSlot, how: Any) -> dict[str, list[str]]:
    """The form a student sends: "right", "wrong" (a misconception, or nothing
    right), "half" (classify: one label of two wrong) or a form or typed text."""
    question = services.question_of(slot.question_version)
    if isinstance(how, dict):
        return how
    if how == "right":
        return question.key_form(slot.state)
    if how == "wrong":
        found = question.misconception_form(slot.state)
        if found is not None:
            return found[0]
        if question.type == "text":
            return {"text": ["no idea"]}
        if question.type == "classify":
            return {
                k: [next(c for c, _ in question.categories if c != v[0])]
                for k, v in question.key_form(slot.state).items()
            }
        raise AssertionError(f"no wrong answer for {question.type}")
    if how == "half":
        form = question.key_form(slot.state)
        first = next(iter(form))
        form[first] = [next(c for c, _ in question.categories if c != form[first][0])]
        return form
    if isinstance(how, str):
        return {"text": [how]}
    raise AssertionError(how)


def take_attempt(
    session: Session,
    student: m.Student,
    assignment: m.Assignment,
    number: int,
    answers: dict[str, Any],
    *,
    submit: bool = True,
    started_at: datetime | None = None,
    minutes: float = 10,
) -> m.Attempt:
    """Start attempt ``number``, answer the questions named (by bank key) in
    ``answers``, and submit unless told otherwise. Times are set exactly:
    started ``started_at`` (default T0 + number hours), submitted ``minutes`` later."""
    attempt = services.start_attempt(
        session,
        student,
        assignment.bank,
        feedback=assignment.feedback,
        assignment=assignment,
        number=number,
    )
    attempt.assignment = assignment
    attempt.number = number
    attempt.started_at = started_at or T0 + timedelta(hours=number)
    session.flush()
    for slot in attempt.slots:
        how = answers.get(slot.question_version.question.key)
        if how is not None:
            saved = services.save_answer(session, attempt, slot, form_for(slot, how))
            assert saved.answer is not None, saved.error
    if submit:
        assert services.submit_attempt(session, attempt)
        attempt.submitted_at = attempt.started_at + timedelta(minutes=minutes)
        session.flush()
    return attempt

"""The statistics the database aggregates (``quiz.reports.stats``, issue #20) agree with
the cell-by-cell computation they replaced (tests/stats_reference.py, over the report's
cells, one row per slot) on random classes in a real database, SQLite and PostgreSQL:
questions drawn at random (missing from some attempts), a question whose max mark
changed between versions, unanswered slots, fractional marks, attempts without a
score, several attempts per student under each grading method, attempts in progress.
To 1e-9; the labels' counts per question and the unanswered rows too."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from quiz import services
from quiz.domain import itemstats as its
from quiz.domain.banks import parse_bank
from quiz.reports.report import assignment_report
from quiz.reports.stats import assignment_statistics, tallied, tallies_statement
from quiz.store import models as m
from quiz.store.db import make_engine, utcnow
from tests import stats_reference as ref

BANK_FILE = Path(__file__).parent / "data" / "good" / "minimal.yaml"
FRACTIONS = (0.0, 0.25, 1 / 3, 0.5, 2 / 3, 1.0)


@pytest.fixture
def session(database_url: str):
    engine = make_engine(database_url)
    with sessionmaker(engine, expire_on_commit=False)() as s:
        yield s
    engine.dispose()


def _versions(session: Session, bank: m.Bank) -> list[list[m.QuestionVersion]]:
    """The bank's two questions, three more like them, and a second version of the
    first with another max mark: per question, its versions."""
    first = bank.questions[0].versions[0]
    out = [[q.versions[0]] for q in bank.questions]
    for k in range(3):
        q = m.Question(bank=bank, key=f"q-extra{k}", position=10 + k)
        like = bank.questions[k % 2].versions[0]
        v = m.QuestionVersion(
            question=q,
            version=1,
            type=like.type,
            skill=like.skill,
            points=float(k + 1),
            spec=like.spec,
            article_id=like.article_id,
            context=like.context,
            sha256=f"extra{k}",
        )
        session.add_all([q, v])
        out.append([v])
    second = m.QuestionVersion(
        question=first.question,
        version=2,
        type=first.type,
        skill=first.skill,
        points=2.0,
        spec=first.spec,
        article_id=first.article_id,
        context=first.context,
        sha256="second",
    )
    session.add(second)
    out[0].append(second)
    session.flush()
    return out


def _random_class(session: Session, seed: int, grading: str) -> m.Assignment:
    rnd = random.Random(seed)
    loaded, errors = parse_bank(BANK_FILE.read_text(encoding="utf-8"), str(BANK_FILE))
    assert loaded is not None, errors
    bank = services.import_bank(session, loaded)
    teacher = m.Teacher(email="t@example.org", password_hash="x")
    klass = m.Klass(teacher=teacher, name="9B", join_code="AGGS01")
    assignment = m.Assignment(
        klass=klass, bank=bank, title="Random", opens_at=utcnow() - timedelta(hours=1)
    )
    assignment.grading = grading
    session.add_all([teacher, klass, assignment])
    session.flush()
    questions = _versions(session, bank)
    for k in range(rnd.randint(1, 25)):
        student = services.create_student(session, f"S{k}")
        for number in range(1, rnd.randint(1, 3) + 1):
            _attempt(session, rnd, bank, assignment, student, number, questions)
    session.commit()
    return assignment


def _attempt(session, rnd, bank, assignment, student, number, questions) -> None:
    held = [rnd.choice(vs) for j, vs in enumerate(questions) if j < 2 or rnd.random() < 0.6]
    attempt = m.Attempt(
        bank=bank,
        article_id=held[0].article_id,
        student=student,
        assignment=assignment,
        number=number,
        status=m.ATTEMPT_SUBMITTED if rnd.random() < 0.85 else m.ATTEMPT_IN_PROGRESS,
        max_score=sum(v.points for v in held),
    )
    session.add(attempt)
    session.flush()
    earned = []
    for position, v in enumerate(held, start=1):
        slot = m.AttemptSlot(
            attempt=attempt, position=position, question_version=v, state={}, points=v.points
        )
        session.add(slot)
        if rnd.random() < 0.2:
            continue  # unanswered
        fraction = rnd.choice(FRACTIONS)
        earned.append(fraction * v.points)
        label = rnd.choice(("right", "wrong", "part"))
        session.add(
            m.Answer(
                attempt=attempt,
                slot=slot,
                question_version_id=v.id,
                response={},
                summary=f"{label} {rnd.randint(1, 2)}",
                fraction=fraction,
                points=fraction * v.points,
                max_points=v.points,
                grade={},
                misconception=rnd.choice((None, None, "MULT_OFFBYONE")),
                classification=label,
            )
        )
    if attempt.status == m.ATTEMPT_SUBMITTED and rnd.random() < 0.9:
        # a stored score: the marks' sum, or (a regrade) not quite
        attempt.score = sum(earned) + (0.5 if rnd.random() < 0.1 else 0.0)
    session.flush()


@pytest.mark.parametrize("grading", ["highest", "first", "last", "average"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_aggregates_agree_with_cells_in_a_database(session, seed, grading):
    assignment = _random_class(session, seed * 10 + len(grading), grading)
    session.expire_all()
    new = assignment_statistics(session, assignment)
    session.expire_all()
    questions, missing, test, percents, skills, zero = ref.report_statistics(
        assignment_report(session, assignment)
    )
    assert [q.key for q in new.questions] == [q.key for q in questions]
    plain = [
        ref.replace(q, position=0, type="", skill="", prompt="", versions=[]) for q in new.questions
    ]
    ref.assert_questions(
        [ref.replace(q, responses=[], misconceptions=[]) for q in plain],
        [
            ref.replace(q, random_guess=n.random_guess)
            for q, n in zip(questions, new.questions, strict=True)
        ],
        zero,
    )
    # the answers' labels as the report's own GROUP BY counts them (the old read)
    report = assignment_report(session, assignment)
    tallies = tallied(
        session.connection()
        .execute(tallies_statement(assignment, report.left_out, report.only))
        .all()
    )
    for q, gone in zip(new.questions, missing, strict=True):
        tally: Counter = Counter()
        for vid in sorted(tallies):
            if report.versions[vid].question.key == q.key:
                tally.update(tallies[vid])
        assert q.responses == its.responses(tally, gone)
        assert q.misconceptions == its.misconceptions(tally)
        assert sum(r.count for r in q.responses) == q.n
    ref.assert_same(new.test, test)
    ref.assert_same(new.score_percentages, percents)
    ref.assert_same(new.skills, skills)
    assert new.questions[0].versions in ([1], [2], [1, 2])


def _fixed_attempt(session, bank, assignment, name, marks, score) -> None:
    """One student's submitted attempt at the bank's two questions: ``marks`` per
    question (None: unanswered), ``score`` stored (None: none)."""
    versions = [q.versions[0] for q in bank.questions]
    attempt = m.Attempt(
        bank=bank,
        article_id=versions[0].article_id,
        student=services.create_student(session, name),
        assignment=assignment,
        number=1,
        status=m.ATTEMPT_SUBMITTED,
        max_score=sum(v.points for v in versions),
        score=score,
    )
    session.add(attempt)
    session.flush()
    for position, (v, x) in enumerate(zip(versions, marks, strict=True), start=1):
        slot = m.AttemptSlot(
            attempt=attempt, position=position, question_version=v, state={}, points=v.points
        )
        session.add(slot)
        if x is not None:
            session.add(
                m.Answer(
                    attempt=attempt,
                    slot=slot,
                    question_version_id=v.id,
                    response={},
                    summary="right" if x else "wrong",
                    fraction=x / v.points,
                    points=x,
                    max_points=v.points,
                    grade={},
                    classification="right" if x else "wrong",
                )
            )
    session.flush()


def test_unanswered_slot_of_an_unscored_attempt_sharing_its_total(session):
    """Two attempts without a score, both of total 0: one answered q1 wrong, the other
    left it unanswered. The unanswered slot is counted per attempt, not pooled with the
    other attempt's answer of the same total (it was lost: n [2, 3], no "No answer")."""
    loaded, errors = parse_bank(BANK_FILE.read_text(encoding="utf-8"), str(BANK_FILE))
    assert loaded is not None, errors
    bank = services.import_bank(session, loaded)
    teacher = m.Teacher(email="t@example.org", password_hash="x")
    klass = m.Klass(teacher=teacher, name="9B", join_code="AGGS02")
    assignment = m.Assignment(
        klass=klass, bank=bank, title="Fixed", opens_at=utcnow() - timedelta(hours=1)
    )
    session.add_all([teacher, klass, assignment])
    session.flush()
    _fixed_attempt(session, bank, assignment, "A", [0.0, 0.0], None)
    _fixed_attempt(session, bank, assignment, "B", [None, 0.0], None)
    _fixed_attempt(session, bank, assignment, "C", [1.0, 0.0], 1.0)
    session.commit()
    session.expire_all()
    new = assignment_statistics(session, assignment)
    questions, missing, test, _percents, _skills, zero = ref.report_statistics(
        assignment_report(session, assignment)
    )
    assert [q.n for q in new.questions] == [q.n for q in questions] == [3, 3]
    assert missing == [1, 0]
    plain = [
        ref.replace(q, position=0, type="", skill="", prompt="", versions=[]) for q in new.questions
    ]
    ref.assert_questions(
        [ref.replace(q, responses=[], misconceptions=[]) for q in plain],
        [
            ref.replace(q, random_guess=n.random_guess)
            for q, n in zip(questions, new.questions, strict=True)
        ],
        zero,
    )
    ref.assert_same(new.test, test)
    for q, gone in zip(new.questions, missing, strict=True):
        assert sum(r.count for r in q.responses) == q.n
        no_answer = [r.count for r in q.responses if r.label == its.NO_ANSWER]
        assert no_answer == ([gone] if gone else [])

"""Results by student for an assignment: grading methods, statuses, skills."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from quiz.reports import results
from quiz.store import models as m
from quiz.store.db import get_engine, session_scope
from tests import factories
from tests.factories_results import (
    SKILLS,
    T0,
    add_student,
    load_bank,
    make_assignment,
    make_class,
    take_attempt,
)

THIRD = 100.0 / 3


def _three_attempts(session: Session, assignment: m.Assignment, student: m.Student) -> list:
    """Attempts scoring 1.5, 2.5 and 0.5 out of 3, then one left in progress."""
    a1 = take_attempt(
        session,
        student,
        assignment,
        1,
        {"q-single": "right", "q-classify": "half", "q-text": "wrong"},
        minutes=5,
    )
    a2 = take_attempt(
        session,
        student,
        assignment,
        2,
        {"q-single": "right", "q-classify": "half", "q-text": "right"},
        minutes=12,
    )
    a3 = take_attempt(
        session, student, assignment, 3, {"q-single": "wrong", "q-classify": "half"}, minutes=20
    )
    a4 = take_attempt(session, student, assignment, 4, {"q-single": "right"}, submit=False)
    return [a1, a2, a3, a4]


EXPECTED_SKILLS = {
    1: {"percent": 100.0, "reporting": 50.0, "baseline": 0.0, "sourcing": None},
    2: {"percent": 100.0, "reporting": 50.0, "baseline": 100.0, "sourcing": None},
    3: {"percent": 0.0, "reporting": 50.0, "baseline": 0.0, "sourcing": None},
}


def _approx(d: dict) -> dict:
    return {k: (pytest.approx(v) if v is not None else None) for k, v in d.items()}


@pytest.mark.parametrize(
    ("method", "number", "score"), [("highest", 2, 2.5), ("last", 3, 0.5), ("first", 1, 1.5)]
)
def test_grading_method_picks_an_attempt(
    app: Flask, method: str, number: int, score: float
) -> None:
    with session_scope(app) as session:
        bank = load_bank(session)
        klass = make_class(session)
        assignment = make_assignment(session, klass, bank, grading=method)
        ada = add_student(session, klass, "Ada")
        attempts = _three_attempts(session, assignment, ada)
        assert [a.score for a in attempts[:3]] == [1.5, 2.5, 0.5]

        [r] = results.assignment_results(session, assignment)
        chosen = attempts[number - 1]
        assert r.student.id == ada.id
        assert r.status == "submitted"
        assert (r.attempts, r.submitted_attempts) == (4, 3)
        assert r.score == pytest.approx(score)
        assert r.max_score == pytest.approx(3.0)
        assert r.percent == pytest.approx(100 * score / 3)
        assert r.chosen_attempt_id == chosen.id and r.counted_attempt_ids == [chosen.id]
        assert r.started_at == attempts[0].started_at == T0 + timedelta(hours=1)
        assert r.submitted_at == chosen.submitted_at
        assert r.time_taken == chosen.submitted_at - chosen.started_at
        assert r.time_taken == timedelta(minutes={1: 5, 2: 12, 3: 20}[number])
        assert list(r.skill_percent) == SKILLS
        assert r.skill_percent == _approx(EXPECTED_SKILLS[number])


def test_average_grading_means_over_submitted_attempts(app: Flask) -> None:
    with session_scope(app) as session:
        bank = load_bank(session)
        klass = make_class(session)
        assignment = make_assignment(session, klass, bank, grading="average")
        ada = add_student(session, klass, "Ada")
        attempts = _three_attempts(session, assignment, ada)

        [r] = results.assignment_results(session, assignment)
        assert r.status == "submitted"
        assert (r.attempts, r.submitted_attempts) == (4, 3)
        assert r.score == pytest.approx(1.5)
        assert r.max_score == pytest.approx(3.0)
        assert r.percent == pytest.approx(50.0)
        assert r.chosen_attempt_id is None
        assert r.time_taken is None
        assert r.started_at == attempts[0].started_at
        assert r.submitted_at == max(a.submitted_at for a in attempts[:3])
        assert r.submitted_at == attempts[2].submitted_at
        assert r.counted_attempt_ids == [a.id for a in attempts[:3]]  # not the one in progress
        # Skills pool the marks of the counted attempts (each has 1 mark per skill
        # here, so the pool is also the mean; tests/test_report_agrees.py has them differ).
        assert r.skill_percent == _approx(
            {"percent": 2 * THIRD, "reporting": 50.0, "baseline": THIRD, "sourcing": None}
        )


def test_statuses_order_and_class_membership(app: Flask) -> None:
    with session_scope(app) as session:
        bank = load_bank(session)
        klass = make_class(session)
        other = make_class(session, name="Year 10", code="OTHERCLS")
        assignment = make_assignment(session, klass, bank)
        zoe = add_student(session, klass, "zoe")
        bob = add_student(session, klass, "Bob")
        ada = add_student(session, klass, "ada")
        carl = add_student(session, klass, "Carl")
        outsider = add_student(session, other, "Aaron")
        loner = add_student(session, None, "Abe")
        take_attempt(session, bob, assignment, 1, {"q-single": "right"}, submit=False)
        take_attempt(session, ada, assignment, 1, {"q-single": "right", "q-classify": "right"})
        take_attempt(session, outsider, assignment, 1, {"q-single": "right"})
        take_attempt(session, loner, assignment, 1, {"q-single": "right"})

        rows = results.assignment_results(session, assignment)
        assert [r.student.display_name for r in rows] == ["ada", "Bob", "Carl", "zoe"]
        by_name = {r.student.display_name: r for r in rows}

        done = by_name["ada"]
        assert done.status == "submitted"
        assert done.score == pytest.approx(2.0)
        assert done.percent == pytest.approx(200 / 3)
        assert done.skill_percent == _approx(
            {"percent": 100.0, "reporting": 100.0, "baseline": 0.0, "sourcing": None}
        )

        started = by_name["Bob"]
        assert started.student.id == bob.id
        assert started.status == "in progress"
        assert (started.attempts, started.submitted_attempts) == (1, 0)
        assert started.started_at == T0 + timedelta(hours=1)
        assert started.score is None and started.percent is None and started.max_score is None
        assert started.submitted_at is None and started.time_taken is None
        assert started.chosen_attempt_id is None
        assert started.skill_percent == dict.fromkeys(SKILLS)

        for name, student in (("Carl", carl), ("zoe", zoe)):
            r = by_name[name]
            assert r.student.id == student.id
            assert r.status == "not started"
            assert (r.attempts, r.submitted_attempts) == (0, 0)
            assert r.score is None and r.percent is None and r.started_at is None
            assert r.skill_percent == dict.fromkeys(SKILLS)


def test_class_without_students_or_attempts(app: Flask) -> None:
    with session_scope(app) as session:
        bank = load_bank(session)
        assignment = make_assignment(session, make_class(session), bank)
        assert results.assignment_results(session, assignment) == []


def test_skill_keys_follow_bank_order(app: Flask) -> None:
    with session_scope(app) as session:
        bank = load_bank(session)
        assignment = make_assignment(session, make_class(session), bank)
        assert results.skill_keys(assignment) == SKILLS
    with session_scope(app) as session:  # as read back from the database
        stored = session.scalars(select(m.Assignment)).one()
        assert results.skill_keys(stored) == SKILLS


def test_queries_do_not_grow_with_the_class(app: Flask) -> None:
    with session_scope(app) as session:
        bank = load_bank(session)
        small = make_class(session, name="Small", code="SMALLCLS")
        large = make_class(session, name="Large", code="LARGECLS")
        ids = []
        for klass, size in ((small, 2), (large, 12)):
            assignment = make_assignment(session, klass, bank)
            ids.append(assignment.id)
            for n in range(size):
                student = add_student(session, klass, f"Student {n:02d}")
                take_attempt(session, student, assignment, 1, {"q-single": "right"})
                if n % 2:
                    take_attempt(session, student, assignment, 2, {"q-text": "right"})

    counts = []
    statements: list[str] = []

    def count(*_args: object) -> None:
        statements.append("x")

    engine = get_engine(app)
    for assignment_id in ids:
        with session_scope(app) as session:
            assignment = session.get(m.Assignment, assignment_id)
            assert assignment is not None
            _ = assignment.bank.skills
            event.listen(engine, "before_cursor_execute", count)
            try:
                statements.clear()
                rows = results.assignment_results(session, assignment)
                counts.append(len(statements))
            finally:
                event.remove(engine, "before_cursor_execute", count)
            assert all(r.status == "submitted" for r in rows)
    assert counts[0] == counts[1] <= 3


# -- the results page: what went wrong first, statistics after, times read at a glance -------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "—"),
        (0, "0 s"),
        (35, "35 s"),
        (59.9, "59 s"),
        (60, "1 min 00 s"),
        (7 * 60 + 5, "7 min 05 s"),
        (3600 + 2 * 60 + 30, "1 h 02 min"),
        (2 * 86400 + 3 * 3600, "2 d 3 h"),
        (-5, "0 s"),
    ],
)
def test_durations_read_at_a_glance(seconds: float | None, text: str) -> None:
    value = None if seconds is None else timedelta(seconds=seconds)
    assert results.format_duration(value) == text


def test_misconceptions_read_as_the_catalogue_says() -> None:
    catalogue = {"MULT_OFFBYONE": "Reads an X% increase as X/100 times the start."}
    assert results.misconception_text(catalogue, "MULT_OFFBYONE") == catalogue["MULT_OFFBYONE"]
    assert results.misconception_text(catalogue, "PERCENT_VS_POINTS") == "Percent vs points"
    assert results.misconception_text(None, "pp-vs-pct") == "Pp vs pct"


def _results_page(app: Flask, client, plans: list[tuple[str, dict, float]]) -> tuple[int, str]:
    """A logged-in teacher's class with the test bank: each plan is a student's name,
    answers (by question key) and minutes taken; returns the assignment's id and page."""
    with session_scope(app) as session:
        teacher = factories.gen_teacher(session)
        klass = factories.gen_class(session, teacher)
        assignment = make_assignment(session, klass, load_bank(session))
        for name, answers, minutes in plans:
            student = add_student(session, klass, name)
            take_attempt(session, student, assignment, 1, answers, minutes=minutes)
        aid = assignment.id
    factories.login(client)
    response = client.get(f"/teacher/assignments/{aid}")
    assert response.status_code == 200
    return aid, response.get_data(as_text=True)


def test_the_page_leads_with_what_students_got_wrong(app: Flask, client) -> None:
    plans = [
        ("Ada", {"q-single": "wrong", "q-classify": "right", "q-text": "right"}, 35 / 60),
        ("Ben", {"q-single": "wrong", "q-classify": "half"}, 12),
        ("Cy", {"q-single": "right", "q-classify": "right", "q-text": "wrong"}, 61 / 60),
    ]
    _aid, page = _results_page(app, client, plans)
    order = [
        page.index(heading)
        for heading in (
            'id="students-title"',
            'id="wrong-title"',
            "Misconceptions, most frequent first",
            "Question by question, hardest first",
            'id="downloads-title"',
            'id="overview-title"',
            'id="items-title"',
        )
    ]
    assert order == sorted(order)
    wrong = page[page.index('id="wrong-title"') : page.index('id="overview-title"')]
    # The misconception by its catalogue text, never its code.
    assert 'Reads an X% increase as X/100 times the start. <span class="meta">(2 answers;' in wrong
    assert "MULT_OFFBYONE" not in page
    # Hardest first: q-single (facility 33%) before q-text (33%, later) and q-classify (83%).
    firsts = [wrong.index(f'id="trouble-{n}"') for n in (1, 3, 2)]
    assert firsts == sorted(firsts)
    assert "Question 1: facility 33%" in wrong and "Question 2: facility 83%" in wrong
    single = wrong[wrong.index('id="trouble-1"') : wrong.index('id="trouble-3"')]
    assert '“5” <span class="meta">(2 of 3)</span>: Reads an X% increase' in single
    assert "“15”" not in single  # a right answer is not a wrong answer
    text_q = wrong[wrong.index('id="trouble-3"') : wrong.index('id="trouble-2"')]
    assert "Left unanswered in 1 attempt." in text_q
    # Time taken to the second under a minute.
    students = page[: page.index('id="wrong-title"')]
    assert ">35 s</td>" in students and ">1 min 01 s</td>" in students
    assert ">12 min 00 s</td>" in students and "0 min<" not in students


def test_a_small_sample_hides_the_spread_statistics_and_says_why(app: Flask, client) -> None:
    plans = [
        ("Ada", {"q-single": "wrong", "q-classify": "right", "q-text": "right"}, 5),
        ("Ben", {"q-single": "right", "q-classify": "half"}, 6),
    ]
    _aid, page = _results_page(app, client, plans)
    assert results.MIN_SAMPLE == 10
    for row in ("Skewness", "Kurtosis", "Coefficient of internal consistency", "Error ratio"):
        assert f'<th scope="row">{row}</th>' not in page
    for column in ("Discrimination index", "Discriminative efficiency", "Effective weight"):
        assert f'class="num">{column}</th>' not in page
    assert '<th scope="row">Mean score</th>' in page and '<th scope="row">Median score</th>' in page
    note = page[page.index('id="small-sample"') :].split("</p>", 1)[0]
    assert "shown from 10 analysed attempts" in note and "With 2," in note
    assert "mean nothing" in note


def test_enough_attempts_show_every_statistic(app: Flask, client) -> None:
    answers = [
        {"q-single": "wrong", "q-classify": "right", "q-text": "right"},
        {"q-single": "right", "q-classify": "half"},
        {"q-single": "right", "q-classify": "right", "q-text": "wrong"},
    ]
    plans = [(f"Student {n:02d}", answers[n % 3], 5 + n) for n in range(results.MIN_SAMPLE)]
    _aid, page = _results_page(app, client, plans)
    for row in ("Skewness", "Kurtosis", "Coefficient of internal consistency", "Error ratio"):
        assert f'<th scope="row">{row}</th>' in page
    for column in ("Discrimination index", "Discriminative efficiency", "Effective weight"):
        assert f'class="num">{column}</th>' in page
    assert 'id="small-sample"' not in page


def test_nothing_submitted_yet(app: Flask, client) -> None:
    _aid, page = _results_page(app, client, [])
    assert "Nothing yet: this fills in as students submit." in page
    assert 'id="items-title"' not in page

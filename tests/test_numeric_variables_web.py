"""Numeric questions with variables on the student's pages, in assignments and in the
responses CSV (issue #22, item 3), on both databases."""

from __future__ import annotations

import random
import re

from flask import Flask
from sqlalchemy import select

from quiz import services
from quiz.classes import assignments
from quiz.reports import exports
from quiz.store import models as m
from quiz.store.db import session_scope
from tests import factories
from tests.conftest import csrf_token
from tests.factories_results import add_student, form_for, load_bank, make_assignment
from tests.helpers import answer, start_practice

KEY = "pct-rise-fresh-numbers"
PROMPT = re.compile(r"Suppose a count of <strong>(\d+)</strong> rose by <strong>(\d+)%</strong>")


def _slot(app: Flask, attempt_id: int) -> tuple[int, dict]:
    with session_scope(app) as session:
        attempt = session.get_one(m.Attempt, attempt_id)
        slot = next(s for s in attempt.slots if s.question_version.question.key == KEY)
        return slot.position, dict(slot.state)


def test_a_practice_attempt_shows_its_numbers_on_every_page(app: Flask, client):
    attempt_id = start_practice(client)
    n, state = _slot(app, attempt_id)
    start, rise = state["vars"]["start"], state["vars"]["rise"]
    assert 5 <= start <= 40 and rise % 50 == 0 and isinstance(state["seed"], int)

    page = client.get(f"/attempts/{attempt_id}/q/{n}").get_data(as_text=True)
    assert PROMPT.search(page).groups() == (str(start), str(rise))
    assert "{start}" not in page and "start * " not in page  # no placeholder, no formula
    # The same numbers when the page is opened again (resume)
    again = client.get(f"/attempts/{attempt_id}/q/{n}").get_data(as_text=True)
    assert PROMPT.search(again).groups() == (str(start), str(rise))

    offbyone = start * rise / 100
    response = answer(client, attempt_id, n, {"value": [f"{offbyone:g}"]})
    assert response.status_code in (200, 302, 303)
    page = client.get(f"/attempts/{attempt_id}/q/{n}").get_data(as_text=True)
    assert f"({rise}% of {start})" in page  # feedback with this attempt's numbers
    assert PROMPT.search(page).groups() == (str(start), str(rise))
    with session_scope(app) as session:
        saved = session.scalars(
            select(m.Answer).join(m.AttemptSlot).where(m.AttemptSlot.attempt_id == attempt_id)
        ).one()
        assert saved.response["vars"] == {"start": start, "rise": rise}
        assert saved.grade["misconceptions"] == ["MULT_OFFBYONE"]
        assert saved.grade["classification"] == "wrong:start * rise/100"
        assert saved.summary == f"{offbyone:g} (start={start}, rise={rise})"


def test_each_practice_attempt_gets_fresh_numbers(app: Flask):
    drawn = set()
    for i in range(8):
        attempt_id = start_practice(app.test_client(), f"S{i}")  # a browser each
        drawn.add(tuple(_slot(app, attempt_id)[1]["vars"].values()))
    assert len(drawn) > 1


def test_an_assignment_can_give_every_student_the_same_numbers(app: Flask):
    with session_scope(app) as session:
        teacher = factories.gen_teacher(session)
        klass = factories.gen_class(session, teacher)
        bank = session.scalars(select(m.Bank).where(m.Bank.slug == "ice-assaults-500")).one()
        fresh = make_assignment(session, klass, bank, title="Fresh")
        same = make_assignment(session, klass, bank, title="Same")
        same.selection_config = {"fresh_numbers": False}
        session.flush()
        states: dict[str, list] = {"fresh": [], "same": []}
        for i in range(6):
            student = add_student(session, klass, f"Student {i}")
            for name, assignment in (("fresh", fresh), ("same", same)):
                attempt = assignments.start(session, student, assignment)
                slot = next(s for s in attempt.slots if s.question_version.question.key == KEY)
                states[name].append(tuple(slot.state["vars"].values()))
        assert len(set(states["same"])) == 1
        assert len(set(states["fresh"])) > 1


VARIABLE_BANK = """\
id: fresh-numbers
title: Fresh numbers
article:
  title: A rise
  source: Example
  text: |
    Assaults rose 500% last year, officials said.

    The agency did not publish the counts.
skills:
  percent: Percentages
misconceptions:
  MULT_OFFBYONE: Reads an X% increase as X/100 times the start.
questions:
  - id: q-vars
    type: numeric
    skill: percent
    variables: {start: 5..40, rise: 100..500 step 50}
    prompt: "A count of {start} rose by {rise}%. What is it now?"
    answers:
      - formula: start * (1 + rise/100)
        feedback: "Right for {start}."
    wrong:
      - formula: start * rise / 100
        misconception: MULT_OFFBYONE
        feedback: "That is the increase."
    explanation: "{start} × (1 + {rise}/100)."
"""


def test_results_review_and_csv_show_the_values(app: Flask, client):
    with session_scope(app) as session:
        teacher = factories.gen_teacher(session)
        klass = factories.gen_class(session, teacher)
        assignment = make_assignment(session, klass, load_bank(session, VARIABLE_BANK))
        rows = []
        for name, how in (("Ada", "right"), ("Cy", "wrong")):
            student = add_student(session, klass, name)
            attempt = assignments.start(session, student, assignment)
            slot = attempt.slots[0]
            services.save_answer(session, attempt, slot, form_for(slot, how))
            assert services.submit_attempt(session, attempt)
            rows.append((student.id, attempt.id, dict(slot.state["vars"])))
        csv_text = "".join(exports.responses_csv(session, [assignment]))
        versions = {a.question_version_id for a in session.scalars(select(m.AttemptSlot))}
    assert len(versions) == 1  # one item for the statistics, whatever the numbers
    for _, _, values in rows:
        assert f"(start={values['start']}, rise={values['rise']})" in csv_text
    sid, attempt_id, values = rows[1]
    with client.session_transaction() as browser:
        browser["class_students"] = [sid]
    page = client.get(f"/attempts/{attempt_id}/results").get_data(as_text=True)
    assert f"A count of {values['start']} rose by {values['rise']}%" in page
    right = values["start"] * (1 + values["rise"] / 100)
    assert f"{right:g}" in page  # the right answer for this student's numbers
    assert f"{values['start']} × (1 + {values['rise']}/100)." in page  # the explanation
    assert "{start}" not in page


def test_the_teachers_preview_shows_fixed_numbers(app: Flask, client):
    with session_scope(app) as session:
        teacher = factories.gen_teacher(session)
        bank = load_bank(session, VARIABLE_BANK)
        bank.owner_id = teacher.id
        version = bank.questions[0].current_version
        question = services.question_of(version)
        values = question.new_state(random.Random(version.sha256))["vars"]
        bank_id = bank.id
    factories.login(client)
    url = f"/teacher/banks/{bank_id}/preview/1"
    pages = [client.get(url).get_data(as_text=True) for _ in range(2)]
    shown = f"A count of {values['start']} rose by {values['rise']}%"
    assert all(shown in page for page in pages)
    assert "{start}" not in pages[0]


def test_the_editor_never_drops_a_variable_question_s_formulas(app: Flask, client):
    with session_scope(app) as session:
        teacher = factories.gen_teacher(session)
        bank = load_bank(session, VARIABLE_BANK)
        bank.owner_id = teacher.id
        bank_id = bank.id
        before = bank.questions[0].current_version.spec
    factories.login(client)
    url = f"/teacher/banks/{bank_id}/questions/q-vars/edit"
    page = client.get(url)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "draws fresh numbers" in text and "Download as a file" in text
    token = csrf_token(client.get(f"/teacher/banks/{bank_id}").get_data(as_text=True))
    sent = client.post(url, data={"csrf_token": token, "qid": "q-vars", "prompt": "Changed"})
    assert sent.status_code == 409
    with session_scope(app) as session:
        after = session.get(m.Bank, bank_id).questions[0].current_version.spec
    assert after == before and "variables" in after


def test_the_assignment_form_sets_fresh_numbers(app: Flask, client):
    with session_scope(app) as session:
        teacher = factories.gen_teacher(session)
        class_id = factories.gen_class(session, teacher).id
        bank_id = session.scalars(select(m.Bank.id)).first()
    factories.login(client)
    url = f"/teacher/classes/{class_id}/assignments/new"
    page = client.get(url).get_data(as_text=True)
    ticked = r'<input[^>]*checked[^>]*id="fresh_numbers"|id="fresh_numbers"[^>]*checked'
    assert re.search(ticked, page)
    data = {
        "csrf_token": csrf_token(page),
        "title": "Same numbers",
        "bank": str(bank_id),
        "selection": "all",
        "opens_at": "2026-01-01T09:00",
        "attempts_allowed": "1",
        "grading": "highest",
        "feedback": m.FEEDBACK_AFTER_SUBMIT,
    }  # the box left unticked
    sent = client.post(url, data=data)
    assert sent.status_code == 303, sent.get_data(as_text=True)[:1500]
    assignment_id = int(sent.headers["Location"].rsplit("/", 1)[1])
    with session_scope(app) as session:
        assert session.get(m.Assignment, assignment_id).selection_config["fresh_numbers"] is False
    edit = f"/teacher/assignments/{assignment_id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert 'id="fresh_numbers"' in page
    assert not re.search(ticked, page)
    data |= {"csrf_token": csrf_token(page), "fresh_numbers": "y"}
    assert client.post(edit, data=data).status_code == 303
    with session_scope(app) as session:
        assert "fresh_numbers" not in session.get(m.Assignment, assignment_id).selection_config


def test_the_teachers_reports_show_each_variable_s_range(app: Flask, client):
    """Item statistics and "what students got wrong" pool attempts with different
    numbers: the prompt shows where each number was drawn from, not ``{start}``."""
    with session_scope(app) as session:
        teacher = factories.gen_teacher(session)
        klass = factories.gen_class(session, teacher)
        assignment = make_assignment(session, klass, load_bank(session, VARIABLE_BANK))
        for name, how in (("Ada", "right"), ("Cy", "wrong"), ("Di", "wrong")):
            attempt = assignments.start(session, add_student(session, klass, name), assignment)
            services.save_answer(
                session, attempt, attempt.slots[0], form_for(attempt.slots[0], how)
            )
            assert services.submit_attempt(session, attempt)
        aid = assignment.id
    factories.login(client)
    page = client.get(f"/teacher/assignments/{aid}").get_data(as_text=True)
    assert page.count("A count of [5–40] rose by [100–500 step 50]%") >= 2, page
    assert "{start}" not in page and "{rise}" not in page


def test_a_range_reads_as_a_reader_writes_it():
    from quiz.questions.formula import Range

    cases = ("5..40", "100..500 step 50", "7..7", "0.5..2.5 step 0.5", "5..40 step 10", "0.5..2.5")
    assert [Range.parse(t).shown() for t in cases] == [
        "5–40",
        "100–500 step 50",
        "7",
        "0.5–2.5 step 0.5",
        "5–35 step 10",  # the top is the last value a step reaches
        "0.5–2.5 step 1",  # a decimal start: the step says which values
    ]


def test_answers_that_match_nothing_are_each_shown(app: Flask, client):
    """Numbers that match no listed value are one group for the statistics; the page
    says how many different answers it holds and lists each, never only the first."""
    with session_scope(app) as session:
        klass = factories.gen_class(session, factories.gen_teacher(session))
        assignment = make_assignment(session, klass, load_bank(session, VARIABLE_BANK))
        for name, typed in (("Ada", "1"), ("Cy", "2"), ("Di", "3")):
            attempt = assignments.start(session, add_student(session, klass, name), assignment)
            services.save_answer(session, attempt, attempt.slots[0], {"value": [typed]})
            assert services.submit_attempt(session, attempt)
        aid = assignment.id
    factories.login(client)
    page = client.get(f"/teacher/assignments/{aid}").get_data(as_text=True)
    wrong = page[page.index('id="wrong-title"') : page.index('id="overview-title"')]
    assert '” and 2 other answers <span class="meta">(3 of 3)</span>' in wrong
    table = page[page.index('id="items-title"') :]
    for typed in ("1", "2", "3"):
        assert f"“{typed} (start=" in table

"""Follow-up practice aimed at what a student got wrong (issue #22, item 3): the
pure choice of questions, and the student's 'Practise what you missed' on both
databases."""

from __future__ import annotations

from flask import Flask

from quiz import services
from quiz.classes import assignments
from quiz.services.followup import Candidate, choose
from quiz.store import models as m
from quiz.store.db import session_scope
from tests import factories
from tests.factories_results import add_student, form_for, load_bank, make_assignment
from tests.test_discernment_results import ALL_SOUND, BANK, RIGHT


def c(key: str, skill: str, *probes: str) -> Candidate:
    return Candidate(key, skill, frozenset(probes))


BANK_QS = [
    c("a1", "percent", "OFF"),
    c("a2", "percent", "OFF", "RATIO"),
    c("a3", "percent"),
    c("b1", "reporting", "VOICE"),
    c("b2", "reporting"),
    c("b3", "reporting", "OFF"),
]


def test_probing_questions_first_most_misconceptions_first_fresh_before_answered():
    chosen = choose(BANK_QS, {"OFF", "RATIO"}, {"percent": 40.0, "reporting": 100.0}, {"a1"})
    # a2 probes two shown misconceptions; b3 one; a1 too but was just answered: last.
    # Then the weak skill's other fresh question (a3); reporting was 100%: none of it.
    assert chosen == ["a2", "b3", "a3", "a1"]


def test_weakest_skill_first_when_no_misconception_was_shown():
    chosen = choose(BANK_QS, set(), {"percent": 80.0, "reporting": 20.0}, set(), size=4)
    assert chosen == ["b1", "b2", "b3", "a1"]


def test_answered_items_only_when_nothing_else_is_left():
    answered = {q.key for q in BANK_QS}
    chosen = choose(BANK_QS, {"VOICE"}, {"percent": 100.0, "reporting": 50.0}, answered)
    assert chosen == ["b1", "b2", "b3"]
    assert choose(BANK_QS, set(), {"percent": 100.0, "reporting": 100.0}, set()) == []


MORE = """  - id: q-calc-again
    type: single
    skill: percent
    prompt: Crime rose 50% from 20 crimes. How many now?
    options:
      - text: "30"
        correct: true
        feedback: 20 plus half of 20.
      - text: "10"
        feedback: That is 50% of 20.
        misconception: MULT_OFFBYONE
    explanation: New = old × 1.5.
  - id: q-loaded-again
    type: single
    skill: reporting
    prompt: "Is “a shocking disgrace” the writer's verdict?"
    options:
      - text: "Yes"
        correct: true
        feedback: Emotive words.
      - text: "No, it is a plain statement"
        feedback: It judges.
        misconception: LOADED_BLIND
    explanation: Emotive words judge.
  - id: q-unrelated
    type: single
    skill: percent
    prompt: Which is bigger, 10% or 20%?
    options:
      - text: "20%"
        correct: true
        feedback: Yes.
      - text: "10%"
        feedback: No.
        misconception: OVERSKEPTIC
    explanation: Compare.
"""
ASSIGNED = ["q-classify", "q-highlight", "q-verdict", "q-calc"]


def _results(app: Flask, client, answers: dict, feedback: str = "") -> tuple[int, str]:
    with session_scope(app) as session:
        teacher = factories.gen_teacher(session)
        klass = factories.gen_class(session, teacher)
        bank = load_bank(session, BANK.replace("id: judging\n", "id: judging-more\n") + MORE)
        assignment = make_assignment(session, klass, bank)
        assignment.selection = "manual"
        assignment.selection_config = {"questions": ASSIGNED}
        assignment.feedback = feedback or assignment.feedback
        student = add_student(session, klass, "Cy")
        attempt = assignments.start(session, student, assignment)
        for slot in attempt.slots:
            how = answers.get(slot.question_version.question.key)
            if how:
                services.save_answer(session, attempt, slot, form_for(slot, how))
        assert services.submit_attempt(session, attempt)
        sid, attempt_id = student.id, attempt.id
    with client.session_transaction() as browser:
        browser["class_students"] = [sid]
    return attempt_id, client.get(f"/attempts/{attempt_id}/results").get_data(as_text=True)


def _csrf(client) -> str:
    """The browser's CSRF token, from a page with a form."""
    return factories.csrf(client.get("/join").get_data(as_text=True))


def test_practise_what_you_missed_starts_a_set_aimed_at_the_mistakes(app: Flask, client):
    attempt_id, page = _results(app, client, ALL_SOUND)
    assert "Practise what you missed" in page
    assert 'name="csrf_token"' in page[page.index('id="followup-title"') :]
    url = f"/attempts/{attempt_id}/practise-missed"
    assert client.post(url, data={}).status_code == 400  # no CSRF token
    response = client.post(url, data={"csrf_token": _csrf(client)})
    assert response.status_code == 303
    with session_scope(app) as session:
        practice = session.scalars(
            m.Attempt.__table__.select().where(m.Attempt.id != attempt_id)
        ).all()
        assert len(practice) == 1
        followed = session.get_one(m.Attempt, practice[0])
        keys = [s.question_version.question.key for s in followed.slots]
        assert followed.assignment_id is None and followed.mode == "practice"
        assert followed.feedback == m.FEEDBACK_IMMEDIATE
    # Cy showed MULT_OFFBYONE, LOADED_BLIND and ADVOCACY_AS_REPORT: the fresh questions
    # that probe them first, never an item just answered while others exist.
    # Ties go to the weaker skill first: reporting (25%) before percent (50%).
    assert keys[:2] == ["q-loaded-again", "q-calc-again"]
    assert "q-unrelated" in keys  # percent was a weak skill (1 of 2 right)
    assert not set(keys[:3]) & set(ASSIGNED)
    assert response.headers["Location"].endswith(f"/attempts/{followed.id}")


def test_no_offer_when_everything_was_right_or_before_feedback(app: Flask, client):
    attempt_id, page = _results(app, client, RIGHT)
    assert "Practise what you missed" not in page
    response = client.post(
        f"/attempts/{attempt_id}/practise-missed", data={"csrf_token": _csrf(client)}
    )
    assert response.status_code == 303  # nothing to practise: back to the results
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/results")


def test_no_follow_up_before_feedback_is_due(app: Flask, client):
    attempt_id, page = _results(app, client, ALL_SOUND, feedback=m.FEEDBACK_NEVER)
    assert "Practise what you missed" not in page
    response = client.post(
        f"/attempts/{attempt_id}/practise-missed", data={"csrf_token": _csrf(client)}
    )
    assert response.status_code == 404


# -- the teacher assigns a follow-up ---------------------------------------------------------


def _teacher_class(app: Flask) -> int:
    more = BANK.replace("id: judging\n", "id: judging-more\n") + MORE
    with session_scope(app) as session:
        teacher = factories.gen_teacher(session)
        klass = factories.gen_class(session, teacher)
        assignment = make_assignment(session, klass, load_bank(session, more))
        assignment.selection = "manual"
        assignment.selection_config = {"questions": ASSIGNED}
        for name, answers in (("Ada", RIGHT), ("Cy", ALL_SOUND), ("Di", ALL_SOUND)):
            student = add_student(session, klass, name)
            attempt = assignments.start(session, student, assignment)
            for slot in attempt.slots:
                how = answers.get(slot.question_version.question.key)
                if how:
                    services.save_answer(session, attempt, slot, form_for(slot, how))
            assert services.submit_attempt(session, attempt)
        return assignment.id


def _follow(client, aid: int, **data: str):
    return client.post(
        f"/teacher/assignments/{aid}/follow-up", data={"csrf_token": _csrf(client), **data}
    )


def test_teacher_assigns_a_follow_up_to_the_students_who_showed_it(app: Flask, client):
    aid = _teacher_class(app)
    factories.login(client)
    page = client.get(f"/teacher/assignments/{aid}").get_data(as_text=True)
    assert "Assign to the 2 who showed it" in page and "Assign to the class" in page
    response = _follow(
        client, aid, misconception="Reads an X% increase as X/100 times the start.", who="showed"
    )
    assert response.status_code == 303
    with session_scope(app) as session:
        follow = session.scalars(
            m.Assignment.__table__.select().where(m.Assignment.id != aid)
        ).one()
        follow = session.get_one(m.Assignment, follow)
        names = {s.display_name: s for s in follow.klass.students}
        assert follow.title.startswith("Follow-up: Reads an X% increase")
        # The question that probes it and was not asked first, then the one that was.
        assert follow.selection_config["questions"] == ["q-calc-again", "q-calc"]
        assert sorted(follow.selection_config["students"]) == sorted(
            [names["Cy"].id, names["Di"].id]
        )
        assert follow.feedback == m.FEEDBACK_IMMEDIATE and follow.attempts_allowed == 0
        # Cy sees it and can start it; Ada, who did not show it, neither sees nor starts it.
        assert [v.assignment.id for v in assignments.for_student(session, names["Cy"])][
            0
        ] == follow.id
        assert follow.id not in [
            v.assignment.id for v in assignments.for_student(session, names["Ada"])
        ]
        attempt = assignments.start(session, names["Cy"], follow)
        assert [s.question_version.question.key for s in attempt.slots] == [
            "q-calc-again",
            "q-calc",
        ]
        try:
            assignments.start(session, names["Ada"], follow)
        except services.NotAllowed as exc:
            assert "not for you" in str(exc)
        else:
            raise AssertionError("Ada started a follow-up not meant for her")
        follow_id = follow.id
    results_page = client.get(f"/teacher/assignments/{follow_id}").get_data(as_text=True)
    students = results_page[: results_page.index('id="wrong-title"')]
    assert ">Cy</th>" in students and ">Di</th>" in students and ">Ada</th>" not in students
    grades = client.get(f"/teacher/assignments/{follow_id}/grades.csv").get_data(as_text=True)
    assert ",Cy," in grades and ",Di," in grades and ",Ada," not in grades


def test_teacher_assigns_a_follow_up_to_the_class(app: Flask, client):
    aid = _teacher_class(app)
    factories.login(client)
    assert (
        _follow(
            client, aid, misconception="Misses the writer's emotive verdict.", who="class"
        ).status_code
        == 303
    )
    with session_scope(app) as session:
        follow = session.scalars(
            m.Assignment.__table__.select().where(m.Assignment.id != aid)
        ).one()
        follow = session.get_one(m.Assignment, follow)
        assert "students" not in follow.selection_config
        assert follow.selection_config["questions"] == ["q-loaded-again", "q-classify"]


def test_hostile_follow_up_requests_change_nothing(app: Flask, client):
    aid = _teacher_class(app)
    factories.login(client)
    for data in (
        {"misconception": "A misconception no wrong answer tags.", "who": "class"},
        {"misconception": "MULT_OFFBYONE", "who": "showed"},
        {"misconception": "Reads an X% increase as X/100 times the start.", "who": "all"},
        {"misconception": "Reads an X%\x00<script>", "who": "showed"},
        {"misconception": "x" * 10_000, "who": "class"},
        {},
    ):
        response = _follow(client, aid, **data)
        assert response.status_code == 303, data
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "That follow-up could not be made" in page
    assert client.post(f"/teacher/assignments/{aid}/follow-up", data={}).status_code == 400
    with session_scope(app) as session:
        assert len(session.scalars(m.Assignment.__table__.select()).all()) == 1

"""200 students at once, each taking the practice quiz of the shipped bank.

Every student opens the home page, gives a name, starts ``ice-assaults-500``,
answers its first 30 questions right (GET the page, POST the answer with the
page's CSRF token; the right answer is read from the database through
``question_of(...).key_form(...)``), reviews, submits and opens the results. The
bank has 36 questions: the last 6 stay unanswered, as in "a 30-question quiz"
left unfinished, which the review page and the score must handle too.
"""

from __future__ import annotations

import json

import pytest

from tests.load import client as lc

pytestmark = pytest.mark.load

STUDENTS = 200
CONCURRENCY = 64  # threads; 4 sync workers serve 4 requests at a time
QUESTIONS = 30


def test_200_students_at_once(served_app) -> None:
    app = served_app
    run = lc.run_students(app.base, app.database_url, STUDENTS, CONCURRENCY, QUESTIONS)
    print(json.dumps({"db": served_app.kind, **run.summary()}))

    assert not run.failures, run.failures[:5]
    assert len(run.journeys) == STUDENTS
    assert all(j.answered == QUESTIONS for j in run.journeys)
    assert len({j.attempt_id for j in run.journeys}) == STUDENTS
    # No retry was needed: no client saw a 5xx or a dropped connection.
    failed = run.server_errors()
    assert not failed, [(e.kind, e.status, e.error) for e in failed[:10]]
    assert set(run.statuses()) <= {200, 302, 303}, run.statuses()

    report = lc.verify_database(served_app.database_url, run.journeys)
    assert report["problems"] == [], report["problems"][:10]
    assert report["answers"] == report["answers_in_db"] == STUDENTS * QUESTIONS
    assert report["orphan_attempts"] == 0

"""The teacher's results page and its live fragment (``?part=students``, which quiz.js
fetches every 20 s while a class answers) run a bounded number of SQL statements,
however many students and answers there are: no read per student, per attempt or
per question, and the fragment reads no row per slot (the skill sums are grouped by
the database). The page's content shows the reads happened. Issue #20."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from quiz.store import models as m
from quiz.store.db import session_scope
from tests import factories
from tests.factories_results import add_student, take_attempt
from tests.test_hot_path import statements

PAGE_MAX = 18  # today's count (14 on SQLite); see the test below for what they are
FRAGMENT_MAX = 7


def _answers(session: Any, assignment_id: int, right_every: int) -> dict[str, str]:
    """Every question of the shipped bank by key: right, or wrong every ``right_every``-th."""
    assignment = session.get(m.Assignment, assignment_id)
    keys = sorted(q.key for q in assignment.bank.questions)
    return {k: "wrong" if i % right_every == 0 else "right" for i, k in enumerate(keys)}


def _class(app: Flask) -> tuple[int, int]:
    """A class on the shipped bank: 3 submitted (one of them on a second attempt),
    2 answering, 1 not started. The class's id and the assignment's."""
    with session_scope(app) as s:
        klass = factories.gen_class(s, factories.gen_teacher(s), "9B Media")
        assignment = factories.gen_assignment(s, klass, attempts_allowed=2)
        aid = assignment.id
        for i, name in enumerate(["Ada", "Ben", "Cy"]):
            student = add_student(s, klass, name)
            take_attempt(s, student, assignment, 1, _answers(s, aid, 2 + i))
        take_attempt(s, student, assignment, 2, _answers(s, aid, 3), submit=False)
        for name in ("Dee", "Eve"):
            take_attempt(s, add_student(s, klass, name), assignment, 1, {}, submit=False)
        add_student(s, klass, "Fay")
        return klass.id, aid


def _more_students(app: Flask, class_id: int, aid: int, n: int) -> None:
    with session_scope(app) as s:
        klass = s.get(m.Klass, class_id)
        assignment = s.get(m.Assignment, aid)
        for i in range(n):
            student = add_student(s, klass, f"More {i}")
            take_attempt(s, student, assignment, 1, _answers(s, aid, 2))


def _count(app: Flask, client: FlaskClient, path: str) -> tuple[list[str], str]:
    client.get(path)  # caches warm, as in a busy worker
    with statements(app) as seen:
        page = client.get(path)
    assert page.status_code == 200
    return list(seen), page.get_data(as_text=True)


def test_results_page_and_fragment_run_a_bounded_number_of_statements(
    app: Flask, client: FlaskClient
) -> None:
    class_id, aid = _class(app)
    factories.login(client)
    page_path = f"/teacher/assignments/{aid}"
    part_path = f"{page_path}?part=students"

    seen, html = _count(app, client, part_path)
    # The teacher, the assignment, its class and bank (the page's frame and access
    # check), the attempts' heads, the skill sums grouped per attempt and skill, the
    # students: 7 today. No row per slot, no answer's labels or response.
    assert len(seen) <= FRAGMENT_MAX, seen
    assert all("GROUP BY" in s for s in seen if "attempt_slot" in s), seen
    assert not [s for s in seen if "answer.response" in s or "answer.summary" in s], seen
    assert ">Ada<" in html and ">Fay<" in html and "in progress" in html

    page_seen, html = _count(app, client, page_path)
    # The fragment's reads, then the item statistics' aggregates (marks, labels, sets
    # of versions held), the question versions held, and the answers of discernment:
    # 14 today on SQLite; on PostgreSQL the labels are counted with the marks, and the
    # planner settings are set for the counts, on the request's connection and on
    # the one the sets' count runs on beside (quiz.reports.beside), and before each
    # read beside the request's transaction is asked whether it wrote: 18.
    assert len(page_seen) <= PAGE_MAX, page_seen
    assert "Item analysis" in html and "Telling flawed from sound" in html

    _more_students(app, class_id, aid, 4)  # more students, more answers: no more reads
    assert len(_count(app, client, part_path)[0]) == len(seen)
    more, html = _count(app, client, page_path)
    assert len(more) == len(page_seen), more
    assert ">More 3<" in html

"""The results page's statistics and discernment are over exactly the attempts the
report read: an attempt handed in after that read (a student's second attempt, from
another worker) is in none of the later statements, though each sees newly
committed rows (PostgreSQL's READ COMMITTED; pysqlite begins no transaction for a
SELECT). Before, under "highest" with three students handed in, the statistics said
3 attempts but counted 4 per question, and the student's judgements twice."""

from __future__ import annotations

from typing import Any

from flask import Flask

from quiz.reports.report import assignment_report
from quiz.store import models as m
from quiz.store.db import session_scope
from tests import factories
from tests.factories_results import add_student, take_attempt


def _answers(session: Any, assignment_id: int, right_every: int) -> dict[str, str]:
    """Every question of the shipped bank by key: right, or wrong every ``right_every``-th."""
    assignment = session.get(m.Assignment, assignment_id)
    keys = sorted(q.key for q in assignment.bank.questions)
    return {k: "wrong" if i % right_every == 0 else "right" for i, k in enumerate(keys)}


def _figures(report: Any) -> tuple[Any, ...]:
    stats, judged = report.stats, report.judged
    return (
        stats.attempts_analysed,
        stats.attempt_ids,
        [(q.key, q.n, q.mean, q.responses) for q in stats.questions],
        stats.test,
        [(s.student.id, s.counts, s.misconceptions) for s in judged.students],
        judged.total,
        judged.misconceptions,
    )


def test_an_attempt_handed_in_after_the_report_read_is_not_counted(app: Flask) -> None:
    with session_scope(app) as s:
        klass = factories.gen_class(s, factories.gen_teacher(s), "9B Media")
        assignment = factories.gen_assignment(s, klass, attempts_allowed=2, grading="highest")
        aid = assignment.id
        students = [add_student(s, klass, name) for name in ("Ada", "Ben", "Cy")]
        for i, student in enumerate(students):
            take_attempt(s, student, assignment, 1, _answers(s, aid, 2 + i))
        ada = students[0].id
    with session_scope(app) as s:
        before = _figures(assignment_report(s, s.get(m.Assignment, aid)))
    assert before[0] == 3

    with session_scope(app) as s:
        report = assignment_report(s, s.get(m.Assignment, aid))
        assert len(report.analysed) == 3  # the report has read the attempts
        with session_scope(app) as other:  # Ada hands in a second attempt meanwhile
            assignment = other.get(m.Assignment, aid)
            take_attempt(
                other, other.get(m.Student, ada), assignment, 2, _answers(other, aid, 1000)
            )
        during = _figures(report)
    assert [q[1] for q in during[2]] == [3] * len(during[2])
    assert during == before

    with session_scope(app) as s:  # read afresh: Ada's better attempt counts
        after = _figures(assignment_report(s, s.get(m.Assignment, aid)))
    assert after[0] == 3 and after[1] != before[1]

"""The results page, its "Mastery by skill" chart, the grades CSV and the grades by
question agree on a skill's percentage (docs/csv.md, "One report, three rules"),
on a class whose attempts have different maximum marks on a skill: the bank was
edited between attempts (q-single worth 1 mark, then 3).

Average grading counts both of Ada's attempts. Pooled marks (the one definition,
``quiz.domain.itemstats.skill_percent``): (1 + 0) / (1 + 3) = 25%. The mean of
the per-attempt percentages, which the students' table used to show while the
chart pooled, would be (100% + 0%) / 2 = 50%."""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from quiz.domain.banks import parse_bank
from quiz.reports import exports
from quiz.reports.report import assignment_report
from quiz.services import import_bank
from quiz.store import models as m
from quiz.store.db import session_scope
from tests import factories
from tests.factories_results import add_student, bank_text, load_bank, make_assignment, take_attempt


def _weighted(text: str) -> str:
    """The test bank with q-single worth 3 marks instead of 1."""
    old = "    skill: percent\n    prompt: Crime rose 50% from 10 crimes. How many now?\n"
    assert old in text
    return text.replace(old, old + "    points: 3\n", 1)


def _class(app: Flask, grading: str) -> int:
    with session_scope(app) as session:
        teacher = factories.gen_teacher(session)
        klass = factories.gen_class(session, teacher)
        bank = load_bank(session)
        assignment = make_assignment(session, klass, bank, grading=grading)
        ada = add_student(session, klass, "Ada")
        ben = add_student(session, klass, "Ben")
        take_attempt(session, ada, assignment, 1, {"q-single": "right", "q-classify": "right"})
        take_attempt(session, ben, assignment, 1, {"q-single": "right", "q-classify": "half"})
        loaded, errors = parse_bank(_weighted(bank_text()), "results-test.yaml")
        assert loaded is not None, errors
        import_bank(session, loaded)  # edited: a new version of q-single, 3 marks
        session.expire_all()
        assignment = session.get_one(m.Assignment, assignment.id)
        ada = session.get_one(m.Student, ada.id)
        second = take_attempt(session, ada, assignment, 2, {"q-single": "wrong"})
        single = next(s for s in second.slots if s.question_version.question.key == "q-single")
        assert single.points == 3.0  # the attempts' maxima on "percent" differ: 1, then 3
        return assignment.id


def _records(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.mark.parametrize(("grading", "ada_percent"), [("average", 25.0), ("last", 0.0)])
def test_page_chart_and_csv_agree_on_a_skill(
    app: Flask, client, grading: str, ada_percent: float
) -> None:
    aid = _class(app, grading)
    with session_scope(app) as session:
        assignment = session.get_one(m.Assignment, aid)
        report = assignment_report(session, assignment)
        table = {r.student.display_name: r.skill_percent["percent"] for r in report.students}
        mastery = next(s for s in report.stats.skills if s.key == "percent")
        grades = {
            r["student_name"]: r["skill_percent_percent"]
            for r in _records("".join(exports.grades_csv(session, [assignment])))
        }
        book = exports.gradebook(session, assignment, ZoneInfo("UTC"))
        by_question = {
            row[0]: dict(zip(book.header, row, strict=True))["Evaluate percentage claims (%)"]
            for row in book.rows
        }
    assert table == {"Ada": pytest.approx(ada_percent), "Ben": pytest.approx(100.0)}
    assert sorted(mastery.per_student) == pytest.approx(sorted([ada_percent, 100.0]))
    assert grades == {"Ada": str(ada_percent), "Ben": "100.0"}
    assert by_question == {"Ada": ada_percent, "Ben": 100.0}
    assert mastery.mean_percent == pytest.approx((ada_percent + 100.0) / 2)

    factories.login(client)
    page = client.get(f"/teacher/assignments/{aid}").get_data(as_text=True)
    students = page[page.index('id="students"') : page.index('id="wrong-title"')]
    ada_row = students[students.index(">Ada<") :].split("</tr>", 1)[0]
    assert f">{ada_percent:.0f}%</td>" in ada_row
    chart = page[page.index('id="mastery-desc"') :].split("</desc>", 1)[0]
    assert f"Evaluate percentage claims: {(ada_percent + 100.0) / 2:g}%" in chart
    part = client.get(f"/teacher/assignments/{aid}?part=students").get_data(as_text=True)
    assert ada_row in part

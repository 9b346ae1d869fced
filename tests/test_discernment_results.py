"""Discernment and misconceptions on the teacher's results page and in the exports
(issue #22), on both databases: a class with a discerning student, two blanket
sceptics and a credulous one."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from quiz.domain.discernment import Counts
from quiz.reports import judgements
from quiz.store.db import session_scope
from tests import factories
from tests.factories_results import add_student, load_bank, make_assignment, take_attempt

BANK = """\
id: judging
title: Judging sound and flawed sentences
article:
  title: Crime rose 50%
  source: A made-up article for tests.
  text: |
    Police said crime rose 50% last year. This shocking rise is a disgrace.

    The council met on Monday. The city must hire more officers now.
skills:
  percent: Evaluate percentage claims
  reporting: Separate reporting from advocacy
categories:
  attributed: Attributed reporting
  plain: Plain statement
  advocacy: Advocacy
  loaded: Loaded language
plain_category: plain
misconceptions:
  OVERSKEPTIC: Rejects a sound statement out of blanket suspicion.
  ADVOCACY_AS_REPORT: Takes the writer's advocacy for reporting.
  LOADED_BLIND: Misses the writer's emotive verdict.
  MULT_OFFBYONE: Reads an X% increase as X/100 times the start.
  NEVER_PROBED: A misconception no wrong answer tags.
questions:
  - id: q-classify
    type: classify
    skill: reporting
    sound_categories: [attributed, plain]
    prompt: Label each sentence.
    sentences:
      - quote: Police said crime rose 50% last year.
        category: attributed
        feedback: The police said it.
        misconception: OVERSKEPTIC
      - quote: This shocking rise is a disgrace.
        category: loaded
        feedback: Emotive words.
        misconception: LOADED_BLIND
      - quote: The council met on Monday.
        category: plain
        feedback: Checkable.
        misconception: OVERSKEPTIC
      - quote: The city must hire more officers now.
        category: advocacy
        feedback: What should be done.
        misconception: ADVOCACY_AS_REPORT
    explanation: Look for who speaks.
  - id: q-highlight
    type: highlight
    skill: reporting
    judgement: flawed
    paragraphs: [2]
    prompt: Tick the sentence in which the writer says what should be done.
    sentences:
      - quote: The city must hire more officers now.
        feedback: Must.
    distractors:
      - quote: The council met on Monday.
        feedback: A plain statement.
        misconception: OVERSKEPTIC
    explanation: Advocacy says what should be done.
  - id: q-verdict
    type: single
    skill: percent
    prompt: "Crime rose from 10 to 15 crimes: a classmate says that is a 50% rise. Right?"
    options:
      - id: no
        text: "No: big claims in the news are usually wrong."
        feedback: This one checks out.
        misconception: OVERSKEPTIC
        judgement: flawed
      - id: yes
        text: "Yes: 5 is 50% of 10."
        correct: true
        feedback: Right.
        judgement: sound
    explanation: (15 - 10) / 10 = 50%.
  - id: q-calc
    type: single
    skill: percent
    prompt: Crime rose 50% from 10 crimes. How many now?
    options:
      - text: "15"
        correct: true
        feedback: 10 plus half of 10.
      - text: "5"
        feedback: That is 50% of 10.
        misconception: MULT_OFFBYONE
    explanation: New = old × 1.5.
"""

ALL_FLAWED = {
    "q-classify": {
        "label-p1-s1": ["advocacy"],
        "label-p1-s2": ["loaded"],
        "label-p2-s1": ["advocacy"],
        "label-p2-s2": ["advocacy"],
    },
    "q-highlight": {"sentences": ["p2-s1", "p2-s2"]},
    "q-verdict": "wrong",
    "q-calc": "right",
}
RIGHT = {"q-classify": "right", "q-highlight": "right", "q-verdict": "right", "q-calc": "right"}
ALL_SOUND = {
    "q-classify": {
        "label-p1-s1": ["attributed"],
        "label-p1-s2": ["plain"],
        "label-p2-s1": ["plain"],
        "label-p2-s2": ["attributed"],
    },
    "q-verdict": "right",
    "q-calc": "wrong",
}
PLANS = [("Ada", RIGHT), ("Ben", ALL_FLAWED), ("Cy", ALL_SOUND), ("Dot", ALL_FLAWED)]


def _class(app: Flask, plans: list[tuple[str, dict]] = PLANS) -> int:
    with session_scope(app) as session:
        teacher = factories.gen_teacher(session)
        klass = factories.gen_class(session, teacher)
        assignment = make_assignment(session, klass, load_bank(session, BANK))
        for name, answers in plans:
            take_attempt(session, add_student(session, klass, name), assignment, 1, answers)
        return assignment.id


def test_class_judgements_by_student_skill_and_class(app: Flask) -> None:
    aid = _class(app)
    with session_scope(app) as session:
        from quiz.store import models as m

        judged = judgements.class_judgements(session, session.get(m.Assignment, aid))
        by_name = {s.student.display_name: s for s in judged.students}
        # classify: 2 flawed, 2 sound; highlight (paragraph 2): 1 flawed, 1 sound; verdict: sound
        assert by_name["Ada"].counts == Counts(3, 0, 0, 4)
        assert by_name["Ben"].counts == Counts(3, 0, 4, 0)
        assert by_name["Cy"].counts == Counts(0, 2, 0, 3)  # left the highlight unanswered
        sceptic = by_name["Ben"].counts
        assert sceptic.pr == 0.0 and sceptic.distrust == 4 and sceptic.naivete == 0
        # d' = z(3.5/4) - z(4.5/5) = 1.1503 - 1.2816; c = -(1.1503 + 1.2816) / 2
        assert sceptic.d_prime == pytest.approx(-0.1312, abs=1e-3)
        assert sceptic.c == pytest.approx(-1.2159, abs=1e-3)
        assert by_name["Ada"].counts.d_prime == pytest.approx(1.1503 + 1.2816, abs=1e-3)
        assert by_name["Cy"].counts.naivete == 2
        assert judged.total == Counts(9, 2, 8, 7)
        # The class's distrust and naïveté add up the students' own (pooled counts
        # would cancel Ben's and Dot's over-rejection against Cy's over-acceptance).
        assert judged.over() == (8, 2) and judged.total.distrust == 6
        assert judged.over("percent") == (2, 0)
        assert judged.by_skill["percent"] == Counts(0, 0, 2, 2)
        d_mean, c_mean = judged.centre or (None, None)
        assert (
            d_mean == pytest.approx(sum(s.counts.d_prime or 0 for s in judged.students) / 4)
            and c_mean is not None
            and c_mean < 0
        )
        # Misconceptions: OVERSKEPTIC from both sceptics, probed by questions 1, 2, 3.
        top = judged.misconceptions[0]
        assert (top.code, top.students, top.questions, top.probes) == (
            "OVERSKEPTIC",
            2,
            [1, 2, 3],
            [1, 2, 3],
        )
        rows = {r.code: r for r in judged.misconceptions}
        assert rows["MULT_OFFBYONE"].students == 1 and rows["MULT_OFFBYONE"].probes == [4]
        assert "NEVER_PROBED" not in rows
        most = [s.student.display_name for s in judgements.heat_rows(judged, "most")]
        assert most == ["Cy", "Ben", "Dot", "Ada"]  # 3, 1, 1, 0 shown; ties by name


def test_results_page_shows_discernment_and_the_heatmap(app: Flask, client) -> None:
    aid = _class(app)
    factories.login(client)
    page = client.get(f"/teacher/assignments/{aid}").get_data(as_text=True)
    part = page[page.index('id="discernment-title"') : page.index('id="downloads-title"')]
    assert "Telling flawed from sound" in part
    svg = re.search(r"<svg[^>]*aria-labelledby=\"discern-title discern-desc\".*?</svg>", part)
    assert svg is not None
    # One point per student; Ben and Dot answered alike: one point labelled "2, 4".
    assert svg.group(0).count("<circle") == 3 and ">2, 4</text>" in svg.group(0)
    assert all(f"{n}: d′" in svg.group(0) for n in range(1, 5))
    assert "class centre: d′" in svg.group(0)
    assert (
        re.findall(r'font-size="(\d+)"', svg.group(0))
        and min(int(x) for x in re.findall(r'font-size="(\d+)"', svg.group(0))) >= 12
    )
    # The numbers as text beside it, the blanket sceptics named.
    assert '<th scope="row">Ben</th>' in part and '3 of 3</td><td class="num">0 of 4' in part
    assert "than the flawed ones justify: Ben, Dot." in part
    heat = part[part.index('id="heatmap-title"') :]
    assert "Rejects a sound statement out of blanket suspicion." in heat
    assert "heat=most" in heat and '<strong aria-current="true">by name</strong>' in heat
    grid = heat[heat.index('class="data heatmap"') :]
    by_name = [grid.index(f'<th scope="row">{n}</th>') for n in ("Ada", "Ben", "Cy", "Dot")]
    assert by_name == sorted(by_name)
    assert '<td class="num heat-1">1</td>' in grid
    sorted_page = client.get(f"/teacher/assignments/{aid}?heat=most").get_data(as_text=True)
    heat = sorted_page[sorted_page.index('class="data heatmap"') :]
    assert heat.index(">Cy</th>") < heat.index(">Ben</th>") < heat.index(">Ada</th>")
    hostile = client.get(f"/teacher/assignments/{aid}?heat=%00<script>").get_data(as_text=True)
    assert "\x00<script>" not in hostile and "%00" not in hostile  # not echoed
    assert '<strong aria-current="true">by name</strong>' in hostile  # unknown: by name


def test_results_page_without_judgements(app: Flask, client) -> None:
    aid = _class(app, [("Ada", {"q-calc": "right"})])
    factories.login(client)
    page = client.get(f"/teacher/assignments/{aid}").get_data(as_text=True)
    assert "No judgements yet" in page
    assert "No answer has revealed a misconception" in page


def test_scatter_follows_the_chart_conventions() -> None:
    from quiz.reports.charts import discernment_scatter

    svg = str(
        discernment_scatter(
            [("1", 9.0, -9.0), ("2", 0.5, 0.2)], (1.0, -0.5), title="T <x>", id_prefix="s"
        )
    )
    assert 'role="img" aria-labelledby="s-title s-desc"' in svg
    assert '<title id="s-title">T &lt;x&gt;</title>' in svg
    assert "style=" not in svg and "<script" not in svg
    assert min(int(x) for x in re.findall(r'font-size="(\d+)"', svg)) >= 12
    # A point beyond the drawn range sits at its edge, its true numbers in the description.
    assert '<circle cx="12%" cy="34"' in svg and "1: d′ 9.00, c -9.00" in svg
    assert "class centre: d′ 1.00, c -0.50" in svg
    empty = str(discernment_scatter([], None, title="T", id_prefix="e"))
    assert "No judgements yet" in empty and "<circle" not in empty


def test_grades_csv_gains_the_discernment_columns(app: Flask) -> None:
    import csv
    import io

    from quiz.reports import exports
    from quiz.store import models as m

    aid = _class(app)
    with session_scope(app) as session:
        text = "".join(exports.grades_csv(session, [session.get_one(m.Assignment, aid)]))
    rows = {r["student_name"]: r for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))}
    ben = rows["Ben"]
    assert [ben[k] for k in ("hits", "misses", "false_alarms", "correct_acceptances")] == [
        "3",
        "0",
        "4",
        "0",
    ]
    assert float(ben["d_prime"]) == pytest.approx(-0.1312, abs=1e-3)
    assert float(ben["bias_c"]) == pytest.approx(-1.2159, abs=1e-3)
    assert (ben["distrust"], ben["naivete"], ben["misconceptions"]) == ("4", "0", "OVERSKEPTIC")
    cy = rows["Cy"]
    assert cy["naivete"] == "2"
    assert cy["misconceptions"] == "ADVOCACY_AS_REPORT;LOADED_BLIND;MULT_OFFBYONE"


def _student_page(app: Flask, client, answers: dict, feedback: str = "") -> str:
    with session_scope(app) as session:
        teacher = factories.gen_teacher(session)
        klass = factories.gen_class(session, teacher)
        assignment = make_assignment(session, klass, load_bank(session, BANK))
        assignment.feedback = feedback or assignment.feedback
        student = add_student(session, klass, "Ben")
        attempt = take_attempt(session, student, assignment, 1, answers)
        sid, attempt_id = student.id, attempt.id
    with client.session_transaction() as browser:
        browser["class_students"] = [sid]
    response = client.get(f"/attempts/{attempt_id}/results")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_student_results_say_whether_sound_was_rejected_like_flawed(app: Flask, client) -> None:
    page = _student_page(app, client, ALL_FLAWED)
    assert "Sound or flawed: did you tell them apart?" in page
    assert "You called 100% of the flawed statements flawed, and 100% of the sound ones" in page
    assert "You rejected sound statements about as often as flawed ones" in page


def test_student_results_praise_discernment(app: Flask, client) -> None:
    page = _student_page(app, client, RIGHT)
    assert "You rejected flawed statements far more often than sound ones" in page


def test_student_results_say_nothing_of_it_before_feedback_is_due(app: Flask, client) -> None:
    from quiz.store import models as m

    page = _student_page(app, client, ALL_FLAWED, feedback=m.FEEDBACK_NEVER)
    assert "Sound or flawed" not in page and "flawed statements" not in page

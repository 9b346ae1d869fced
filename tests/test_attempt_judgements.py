"""``quiz.reports.judgements.attempt_judgements`` (the grades export's discernment
columns) against each answer judged on its own from the ORM, on both databases:
responses read as JSON text and judged once per distinct (version, text), the
misconception lists decoded once per distinct text, the rows fetched in partitions."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import event, select

from quiz.domain.discernment import Counts, judgements
from quiz.reports import judgements as jm
from quiz.services.content import question_of
from quiz.store import models as m
from quiz.store.db import get_engine, session_scope
from tests import factories
from tests.factories_results import add_student, load_bank, make_assignment, take_attempt
from tests.test_discernment_results import ALL_FLAWED, ALL_SOUND, BANK, RIGHT

# Ben and Dot answer alike (the memo's hits), Eve answers two questions only, Fay
# starts without submitting; Ben takes a second attempt.
PLANS = [
    ("Ada", RIGHT),
    ("Ben", ALL_FLAWED),
    ("Cy", ALL_SOUND),
    ("Dot", ALL_FLAWED),
    ("Eve", {"q-verdict": "wrong", "q-calc": "wrong"}),
    ("Fay", {}),
]


def _attempts(app: Flask) -> list[int]:
    with session_scope(app) as session:
        teacher = factories.gen_teacher(session)
        klass = factories.gen_class(session, teacher)
        assignment = make_assignment(session, klass, load_bank(session, BANK))
        ids = []
        for name, answers in PLANS:
            student = add_student(session, klass, name)
            ids.append(take_attempt(session, student, assignment, 1, answers).id)
            if name == "Ben":
                ids.append(take_attempt(session, student, assignment, 2, ALL_SOUND).id)
        return ids


def _one_by_one(session, attempt_ids: list[int]) -> dict[int, tuple[Counts, dict[str, int]]]:
    """Every answer of the attempts read as an object, judged and counted alone."""
    out: dict[int, tuple[Counts, dict[str, int]]] = {}
    answers = session.scalars(select(m.Answer).where(m.Answer.attempt_id.in_(attempt_ids)))
    for answer in answers:
        slot = session.get_one(m.AttemptSlot, answer.slot_id)
        question = question_of(slot.question_version)
        counts, shown = out.get(answer.attempt_id, (Counts(), {}))
        counts = counts + Counts.of(judgements(question, answer.response))
        if answer.misconception is not None:
            for code in (answer.grade or {}).get("misconceptions") or ():
                shown[code] = shown.get(code, 0) + 1
        out[answer.attempt_id] = (counts, shown)
    return {a: v for a, v in out.items() if v[0].total or v[1]}


@pytest.mark.parametrize("partition", [1, 3, jm.PARTITION])
def test_attempt_judgements_as_each_answer_judged_alone(
    app: Flask, monkeypatch: pytest.MonkeyPatch, partition: int
) -> None:
    ids = _attempts(app)
    monkeypatch.setattr(jm, "PARTITION", partition)
    with session_scope(app) as session:
        got = jm.attempt_judgements(session, ids)
        want = _one_by_one(session, ids)
    nonempty = {a: v for a, v in got.items() if v[0].total or v[1]}
    assert nonempty == want
    assert len(want) == 6  # Fay's attempt says nothing
    ben, dot = ids[1], ids[4]
    assert got[ben] == got[dot] == (Counts(3, 0, 4, 0), {"OVERSKEPTIC": 3})
    with session_scope(app) as session:
        assert jm.attempt_judgements(session, []) == {}


def test_attempt_judgements_reads_with_two_statements(app: Flask) -> None:
    ids = _attempts(app)
    seen: list[str] = []

    def listener(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(get_engine(app), "before_cursor_execute", listener)
    try:
        with session_scope(app) as session:
            jm.attempt_judgements(session, ids)
    finally:
        event.remove(get_engine(app), "before_cursor_execute", listener)
    assert len(seen) == 2

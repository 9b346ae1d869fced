"""A bank's live questions are read and built once per bank version in each process
(``quiz.services.content.bank_questions``, issue #20): a start reads no question
row while the bank is unchanged, and the next start after an edit, a retirement, a
draft or its publication, or a re-import sees the bank as it now is. On SQLite and
PostgreSQL through the ``app`` fixture."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quiz import services
from quiz.domain.banks import parse_bank_data
from quiz.services.attempts import live_for_students
from quiz.store import models as m
from quiz.store.db import session_scope
from tests.factories import gen_assignment, gen_class, gen_teacher, join
from tests.helpers import csrf
from tests.test_hot_path import statements

SHIPPED = Path(__file__).parent.parent / "question_banks" / "ice-assaults-500.yaml"
EDITED, RETIRED, DRAFTED = "pct-multiplier", "pct-times", "base-what-missing"


def _doc() -> dict[str, Any]:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def _import(app: Flask, doc: dict[str, Any]) -> None:
    loaded, errors = parse_bank_data(doc, "ice-assaults-500.yaml")
    assert loaded is not None, errors
    with session_scope(app) as s:
        services.import_bank(s, loaded)


def _start(app: Flask, code: str, aid: int, name: str) -> dict[str, tuple[int, float]]:
    """A new student joins and starts; their attempt's questions: key -> (version, points)."""
    browser: FlaskClient = app.test_client()
    assert join(browser, code, name).status_code == 303
    token = csrf(browser.get("/me").get_data(as_text=True))
    started = browser.post(f"/assignments/{aid}/start", data={"csrf_token": token})
    assert started.status_code == 303
    found = re.match(r"/attempts/(\d+)/q/1$", started.headers["Location"])
    assert found, started.headers["Location"]
    assert browser.get(started.headers["Location"]).status_code == 200
    with session_scope(app) as s:
        attempt = s.get_one(m.Attempt, int(found.group(1)))
        slots = {
            slot.question_version.question.key: (slot.question_version_id, slot.points)
            for slot in attempt.slots
        }
        assert attempt.max_score == sum(points for _v, points in slots.values())
        return slots


def test_the_next_start_after_a_bank_change_sees_the_bank_as_it_now_is(app) -> None:
    with session_scope(app) as s:
        klass = gen_class(s, gen_teacher(s))
        code, aid = klass.join_code, gen_assignment(s, klass, attempts_allowed=0).id
    first = _start(app, code, aid, "Ada")
    assert {EDITED, RETIRED, DRAFTED} <= set(first)
    assert _start(app, code, aid, "Ben") == first  # from the cache: the same versions

    doc = _doc()  # a teacher's edit: one question changed, one gone, one a draft
    edited = next(q for q in doc["questions"] if q["id"] == EDITED)
    edited["points"] = 3
    doc["questions"] = [q for q in doc["questions"] if q["id"] != RETIRED]
    next(q for q in doc["questions"] if q["id"] == DRAFTED)["draft"] = True
    _import(app, doc)
    after = _start(app, code, aid, "Cy")
    assert RETIRED not in after and DRAFTED not in after
    assert after[EDITED][1] == 3 and after[EDITED][0] != first[EDITED][0]
    assert set(after) == set(first) - {RETIRED, DRAFTED}

    _import(app, _doc())  # back as shipped: published, returned, unedited
    again = _start(app, code, aid, "Di")
    assert again == first  # the same versions as before the edit (found by content)


def test_a_start_reads_no_question_while_the_bank_is_unchanged(app) -> None:
    with session_scope(app) as s:
        klass = gen_class(s, gen_teacher(s))
        code, aid = klass.join_code, gen_assignment(s, klass).id
    _start(app, code, aid, "Warm")  # this process has built the bank's questions
    browser = app.test_client()
    assert join(browser, code, "Eve").status_code == 303
    token = csrf(browser.get("/me").get_data(as_text=True))
    with statements(app) as seen:
        started = browser.post(f"/assignments/{aid}/start", data={"csrf_token": token})
    assert started.status_code == 303
    assert not [s for s in seen if "FROM question" in s or "question_version.spec" in s], seen


def test_what_students_get_is_what_live_questions_gives(app) -> None:
    """The cached plain values agree with the mapped rows the authoring pages read:
    the same questions, in order, with the same current versions, drafts left out."""
    doc = _doc()
    doc["id"] = "ice-drafts"
    for q in doc["questions"][::3]:
        q["draft"] = True
    loaded, errors = parse_bank_data(doc, "drafts.yaml")
    assert loaded is not None, errors
    with session_scope(app) as s:
        bank = services.import_bank(s, loaded)
        s.commit()
        rows = services.live_questions(s, bank)
        plain = live_for_students(s, bank)
        assert [(q.key, q.current_version_id) for q in rows] == [
            (q.key, q.version_id) for q in plain
        ]
        assert [q.key for q in plain] == [q["id"] for i, q in enumerate(doc["questions"]) if i % 3]
        versions = s.scalars(
            select(m.QuestionVersion).where(m.QuestionVersion.id.in_([q.version_id for q in plain]))
        ).all()
        by_id = {v.id: v for v in versions}
        for q in plain:
            version = by_id[q.version_id]
            assert (q.skill, q.points) == (version.skill, version.points)
            assert q.question is services.question_of(version)

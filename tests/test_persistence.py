"""Answers survive an application restart; a student resumes from the same browser."""

from __future__ import annotations

from sqlalchemy import select

from quiz.store import models as m
from quiz.store.db import dispose_engines, get_engine, session_scope
from tests.conftest import make_app
from tests.helpers import answer, slot_question, start_practice


def test_answers_survive_a_restart(app, client, tmp_path, database_url):
    attempt_id = start_practice(client, "Grace")
    with session_scope(app) as s:
        slots = list(s.get(m.Attempt, attempt_id).slots)
        for slot in slots:
            _ = slot.question_version.article
    for slot in slots[:3]:
        assert (
            answer(
                client, attempt_id, slot.position, slot_question(slot).key_form(slot.state)
            ).status_code
            == 303
        )
    cookie = client.get_cookie("session")
    assert cookie is not None
    dispose_engines(app)

    restarted = make_app(database_url, tmp_path)
    browser = restarted.test_client()
    browser.set_cookie("session", cookie.value)
    home = browser.get("/").get_data(as_text=True)
    assert "Grace" in home and "Continue where you left off" in home
    assert browser.get(f"/attempts/{attempt_id}").headers["Location"].endswith("/q/4")
    with session_scope(restarted) as s:
        stored = s.scalars(select(m.Answer).where(m.Answer.attempt_id == attempt_id)).all()
        assert len(stored) == 3 and all(a.fraction == 1.0 for a in stored)
    get_engine(restarted).dispose()

"""No key, per-option feedback or explanation reaches a student's page early."""

from __future__ import annotations

import random
import re

from quiz import services
from quiz.store import models as m
from quiz.store.db import session_scope
from tests.helpers import answer, escaped, spec_feedback, start_practice

FORBIDDEN_MARKUP = ("credit", "correct", "data-key", "misconception", "feedback-items")


def _secrets(spec):
    texts = spec_feedback(spec) + [spec["explanation"]]
    return [t for t in texts if t.strip()]


def _check_page(page, spec):
    assert f'<fieldset class="question q-{spec["type"]}' in page, spec["id"]  # the question
    for text in _secrets(spec):
        assert escaped(text) not in page and text not in page, (spec["id"], text[:60])
    tags = " ".join(re.findall(r"<[^>]+>", page)).lower()  # markup only, not prose
    for word in FORBIDDEN_MARKUP:
        assert word not in tags, (spec["id"], word)


def test_no_question_page_leaks_before_feedback_is_due(app, client):
    attempt_id = start_practice(client)
    with session_scope(app) as s:
        slots = list(s.get(m.Attempt, attempt_id).slots)
        specs = [slot.question_version.spec for slot in slots]
    assert len(specs) >= 30
    for slot, spec in zip(slots, specs, strict=True):
        page = client.get(f"/attempts/{attempt_id}/q/{slot.position}").get_data(as_text=True)
        _check_page(page, spec)
        assert "<h3>Why</h3>" not in page and 'class="feedback' not in page


def test_deferred_feedback_stays_hidden_after_answering_until_submission(app, client):
    practice_id = start_practice(client)  # makes the student in this browser
    with session_scope(app) as s:
        practice = s.get(m.Attempt, practice_id)
        attempt = services.start_attempt(
            s,
            practice.student,
            practice.bank,
            feedback=m.FEEDBACK_AFTER_SUBMIT,
            rng=random.Random(1),
        )
        s.flush()
        attempt_id = attempt.id
        slots = [(slot.position, slot.state, slot.question_version.spec) for slot in attempt.slots]
        questions = [services.question_of(slot.question_version) for slot in attempt.slots]
    for (position, state, spec), q in zip(slots[:8], questions[:8], strict=True):
        response = answer(client, attempt_id, position, q.key_form(state))
        assert response.status_code == 303
        page = client.get(f"/attempts/{attempt_id}/q/{position}").get_data(as_text=True)
        _check_page(page, spec)
        assert "disabled" not in page  # the answer may still change
    with session_scope(app) as s:  # the answers were kept, the attempt is still open
        attempt = s.get(m.Attempt, attempt_id)
        assert len(attempt.answers) == 8 and attempt.status == m.ATTEMPT_IN_PROGRESS

"""The whole student journey with the test client, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from quiz.store import models as m
from quiz.store.db import session_scope
from tests.helpers import answer, csrf, slot_question, start_practice


def _attempt(app, attempt_id):
    with session_scope(app) as s:
        attempt = s.get(m.Attempt, attempt_id)
        slots = list(attempt.slots)
        for slot in slots:
            _ = slot.question_version.article
        return attempt, slots


def test_home_lists_the_shipped_quiz(client):
    page = client.get("/").get_data(as_text=True)
    assert "Reading a" in page and "500%" in page
    assert 'name="display_name"' in page and 'for="name-1"' in page


def test_pages_link_an_icon_that_is_served(client):
    """Every page names its icon (browsers otherwise ask for a /favicon.ico that
    does not exist, one 404 per first visit)."""
    page = client.get("/").get_data(as_text=True)
    href = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert href is not None
    with client.get(href.group(1)) as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
        assert icon.get_data(as_text=True).startswith("<svg")


def test_missing_name_re_renders_with_the_error_beside_the_field(client):
    home = client.get("/").get_data(as_text=True)
    response = client.post(
        "/practice/ice-assaults-500", data={"csrf_token": csrf(home), "display_name": "  "}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Please type a name" in page
    assert 'aria-invalid="true"' in page


def test_post_without_csrf_is_refused_with_a_friendly_page(client):
    response = client.post("/practice/ice-assaults-500", data={"display_name": "Eve"})
    assert response.status_code == 400
    assert "Nothing you saved before is lost" in response.get_data(as_text=True)


def test_pages_reuse_a_signed_csrf_token_for_a_minute_per_session(app, client, monkeypatch):
    """quiz.web.app.csrf_token hands the same session the same signed token for up to
    CSRF_REUSE_SECONDS (instead of signing it afresh on every page): it is accepted,
    another browser never gets it nor can use it, and once the minute is over the
    page carries a newly signed one while the earlier page's token still works."""
    import time

    import quiz.web.app

    attempt_id = start_practice(client, "Ada")
    first = csrf(client.get(f"/attempts/{attempt_id}/q/1").get_data(as_text=True))
    # Flask-WTF alone would sign anew with the new time (the token holds the second
    # it was signed in); within the minute the page gets the same token.
    soon = time.time() + 5
    monkeypatch.setattr(time, "time", lambda: soon)
    second = csrf(client.get(f"/attempts/{attempt_id}/q/2").get_data(as_text=True))
    assert first == second

    other = app.test_client()
    other_attempt = start_practice(other, "Bob")
    theirs = csrf(other.get(f"/attempts/{other_attempt}/q/1").get_data(as_text=True))
    assert theirs != first
    refused = other.post(f"/attempts/{other_attempt}/submit", data={"csrf_token": first})
    assert refused.status_code == 400

    monkeypatch.setattr(quiz.web.app, "CSRF_REUSE_SECONDS", 0.0)
    later = time.time() + 120
    monkeypatch.setattr(time, "time", lambda: later)
    fresh = csrf(client.get(f"/attempts/{attempt_id}/q/3").get_data(as_text=True))
    assert fresh != first
    done = client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": first})
    assert done.status_code == 303


def test_full_journey_answer_all_leave_resume_submit_resubmit(app, client):
    attempt_id = start_practice(client, "Ada Lovelace")
    attempt, slots = _attempt(app, attempt_id)
    assert len(slots) >= 30

    # Answer the first half with the key, then leave.
    half = len(slots) // 2
    for slot in slots[:half]:
        form = slot_question(slot).key_form(slot.state)
        response = answer(client, attempt_id, slot.position, form)
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/q/{slot.position}#feedback-{slot.position}")
        page = client.get(f"/attempts/{attempt_id}/q/{slot.position}").get_data(as_text=True)
        assert "Right" in page and "Why" in page, slot.question_version.spec["id"]

    # Leave: the home page offers to continue; resuming lands on the first unanswered.
    home = client.get("/").get_data(as_text=True)
    assert "Continue where you left off" in home
    resumed = client.get(f"/attempts/{attempt_id}")
    assert resumed.headers["Location"].endswith(f"/q/{half + 1}")
    # An answer already given is restored, locked, with its feedback.
    first = client.get(f"/attempts/{attempt_id}/q/1").get_data(as_text=True)
    assert "checked" in first or "value=" in first
    assert "disabled" in first

    # Answer the rest except the last, wrongly where possible, then review.
    for slot in slots[half:-1]:
        form = slot_question(slot).key_form(slot.state)
        assert answer(client, attempt_id, slot.position, form).status_code == 303
    review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "1 question is" in review and f"Question {slots[-1].position}" in review

    # Submit twice (double click / resent form): counted once.
    token = csrf(review)
    first_submit = client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": token})
    assert first_submit.status_code == 303
    with session_scope(app) as s:
        before = s.get(m.Attempt, attempt_id)
        submitted_at, score = before.submitted_at, before.score
    again = client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": token})
    assert again.status_code == 303
    # An answer sent after submission (back button) changes nothing.
    late = client.post(
        f"/attempts/{attempt_id}/q/{slots[-1].position}",
        data={"csrf_token": token, **slot_question(slots[-1]).key_form(slots[-1].state)},
    )
    assert late.status_code == 302 and late.headers["Location"].endswith("/results")
    with session_scope(app) as s:
        after = s.get(m.Attempt, attempt_id)
        assert (after.submitted_at, after.score) == (submitted_at, score)
        assert after.status == m.ATTEMPT_SUBMITTED
        n_answers = s.scalar(select(func.count()).where(m.Answer.attempt_id == attempt_id))
        assert n_answers == len(slots) - 1
        total = s.scalar(select(func.sum(m.Answer.points)).where(m.Answer.attempt_id == attempt_id))
        assert abs(after.score - total) < 1e-9
        assert abs(after.score - (after.max_score - slots[-1].points)) < 1e-6

    results = client.get(f"/attempts/{attempt_id}/results").get_data(as_text=True)
    assert "Your results" in results and "Score by skill" in results
    for skill in ("Evaluate percentage claims", "Spot missing baselines"):
        assert skill in results
    assert "Not answered" in results
    assert re.search(r"Score: [\d.]+ of [\d.]+", results)


def test_wrong_answers_store_fraction_feedback_and_misconception(app, client):
    attempt_id = start_practice(client)
    _attempt_row, slots = _attempt(app, attempt_id)
    tagged = 0
    for slot in slots:
        q = slot_question(slot)
        wrong = q.misconception_form(slot.state)
        if wrong is None:
            continue
        form, code = wrong
        assert answer(client, attempt_id, slot.position, form).status_code == 303
        with session_scope(app) as s:
            row = s.scalar(
                select(m.Answer).where(
                    m.Answer.attempt_id == attempt_id, m.Answer.slot_id == slot.id
                )
            )
            assert row.fraction < 1 and row.misconception == code
            assert row.response and row.grade["feedback"] and row.answered_at.tzinfo is not None
            assert row.points == row.fraction * slot.points
        tagged += 1
    assert tagged >= 5


def test_unreadable_number_asks_again_and_keeps_the_entry(app, client):
    attempt_id = start_practice(client)
    _a, slots = _attempt(app, attempt_id)
    slot = next(s for s in slots if s.question_version.type == "numeric")
    response = answer(client, attempt_id, slot.position, {"value": "5OO"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page and 'value="5OO"' in page
    with session_scope(app) as s:
        assert s.scalar(select(func.count()).select_from(m.Answer)) == 0


def test_another_browser_cannot_see_the_attempt(app, client):
    attempt_id = start_practice(client)
    other = app.test_client()
    assert other.get(f"/attempts/{attempt_id}/q/1").status_code == 404
    assert other.get(f"/attempts/{attempt_id}/results").status_code == 404
    start_practice(other, "Bob")
    assert other.get(f"/attempts/{attempt_id}/review").status_code == 404


def test_a_two_hour_quiz_meets_no_csrf_error(app, client, monkeypatch):
    import time

    attempt_id = start_practice(client)
    review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    token = csrf(review)
    later = time.time() + 2 * 3600 + 60
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": token})
    assert response.status_code == 303

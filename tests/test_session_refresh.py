"""A permanent session's cookie is re-signed when the session changes, and otherwise
at most once per ``SESSION_REFRESH_SECONDS`` (not on every response): a question
page or an answer that changes nothing in it sends no new cookie."""

from __future__ import annotations

from quiz.web import app as web
from tests.helpers import csrf, slot_question, start_practice
from tests.test_student_journey import _attempt


def _sets_cookie(reply) -> bool:
    return any(h.startswith("session=") for h in reply.headers.getlist("Set-Cookie"))


def test_pages_that_change_nothing_send_no_new_cookie(app, client):
    attempt_id = start_practice(client, "Ada")
    page = client.get(f"/attempts/{attempt_id}/q/1")
    assert page.status_code == 200 and not _sets_cookie(page)
    assert not _sets_cookie(client.get("/healthz"))
    _row, slots = _attempt(app, attempt_id)
    form = slot_question(slots[0]).key_form(slots[0].state)
    saved = client.post(
        f"/attempts/{attempt_id}/q/1",
        data={"csrf_token": csrf(page.get_data(as_text=True)), **form},
    )
    assert saved.status_code == 303 and not _sets_cookie(saved)
    # The session is the same one: the next page still knows the student.
    assert client.get(f"/attempts/{attempt_id}/q/2").status_code == 200


def test_an_old_cookie_is_signed_afresh(app, client, monkeypatch):
    attempt_id = start_practice(client, "Ada")
    monkeypatch.setattr(web, "SESSION_REFRESH_SECONDS", 0.0)
    page = client.get(f"/attempts/{attempt_id}/q/1")
    assert _sets_cookie(page)
    cookie = next(h for h in page.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "Expires=" in cookie and "HttpOnly" in cookie


def test_a_changed_session_is_sent_at_once(app, client):
    home = client.get("/").get_data(as_text=True)
    data = {"csrf_token": csrf(home), "display_name": "Ada"}
    started = client.post("/practice/ice-assaults-500", data=data)
    assert started.status_code == 302 and _sets_cookie(started)  # the student is kept


def test_a_forged_or_foreign_cookie_is_an_empty_session(app, client):
    attempt_id = start_practice(client, "Ada")
    client.set_cookie("session", "forged.value.here")
    assert client.get(f"/attempts/{attempt_id}/q/1").status_code == 404

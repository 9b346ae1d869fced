"""Pages are never kept by the browser's cache: Back after a submit asks the server
again (no stale review with its Submit button), Back after a logout on a shared
computer shows nothing of the session. Files and static assets keep their own rules."""

from __future__ import annotations

from flask import Flask

from tests.helpers import csrf, start_practice


def test_every_html_page_says_no_store(app: Flask) -> None:
    client = app.test_client()
    home = client.get("/")
    assert home.mimetype == "text/html" and home.headers["Cache-Control"] == "no-store"
    login = client.get("/teacher/login")
    assert login.status_code == 200 and login.headers["Cache-Control"] == "no-store"
    missing = client.get("/attempts/999999/review")
    assert missing.mimetype == "text/html" and missing.headers["Cache-Control"] == "no-store"


def test_a_students_review_after_submit_is_not_cached(app: Flask) -> None:
    client = app.test_client()
    attempt = start_practice(client, "Ada")
    review = client.get(f"/attempts/{attempt}/review")
    assert review.status_code == 200 and "Submit my answers" in review.get_data(as_text=True)
    assert review.headers["Cache-Control"] == "no-store"
    token = csrf(review.get_data(as_text=True))
    client.post(f"/attempts/{attempt}/submit", data={"csrf_token": token})
    again = client.get(f"/attempts/{attempt}/review")  # what Back asks for
    assert again.status_code == 302 and again.headers["Location"].endswith("/results")


def test_static_files_keep_their_caching(app: Flask) -> None:
    css = app.test_client().get("/static/quiz.css")
    assert css.status_code == 200 and css.headers.get("Cache-Control") != "no-store"
    css.close()

"""The quiz app with the question page taken apart, for bench/pageparts.py.

``make()`` is ``quiz.create_app()`` plus GET routes under ``/bench/`` that each do
one part of what ``GET /attempts/<a>/q/<n>`` does, so that gunicorn can measure
each part's cost against ``/healthz`` in the same process:

- ``/bench/frame``: the site's frame (base.html, with its menu, CSRF token and
  flashed messages), around a one-line body; no database.
- ``/bench/statement``: the browser's session read and ``SELECT 1`` on the request's
  autocommit connection (a pooled connection's checkout, one round trip, the
  checkin): the least any page that reads the database costs.
- ``/bench/read/<a>/<n>``: the question page's own read (``services.attempt_at``
  with its navigation, as the page does it), nothing rendered.
- ``/bench/render/<a>/<n>``: the question page rendered from that read, kept in the
  worker from an earlier request: the page's HTML with no database at all. A
  worker that has not kept attempt ``a`` yet reads all its questions first and
  says so in the reply's ``X-Bench-Read: 1`` header (the benchmark warms every
  worker up before it measures, and counts the replies that still read).

The real page is still ``/attempts/<a>/q/<n>``; every route answers only the
browser whose attempt it is (a 404 otherwise), as the page does. Never served to
anyone but the benchmark: the module lives in bench/, not in the quiz.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, abort
from sqlalchemy import literal, select

from quiz import create_app, services
from quiz.store.db import DriverStatement, autocommit_connection
from quiz.student import question as page
from quiz.student.blueprint import student_ids

ONE = DriverStatement(select(literal(1)))
FRAME = '{% extends "base.html" %}{% block main %}<p>ok</p>{% endblock %}'


def make(test_config: dict[str, Any] | None = None) -> Flask:
    app = create_app(test_config)
    add_frame_and_reads(app)
    add_render(app)
    return app


def add_frame_and_reads(app: Flask) -> None:
    frame = app.jinja_env.from_string(FRAME)  # compiled once, as a template file is

    @app.get("/bench/frame")
    def frame_only() -> str:
        context: dict[str, Any] = {}
        app.update_template_context(context)
        return frame.render(context)

    @app.get("/bench/statement")
    def statement() -> Response:
        student_ids()
        ONE.first(autocommit_connection(), {})
        return Response("ok\n", mimetype="text/plain")

    @app.get("/bench/read/<int:attempt_id>/<int:n>")
    def read(attempt_id: int, n: int) -> Response:
        page.question_at(attempt_id, n, page=True)
        return Response("ok\n", mimetype="text/plain")


def add_render(app: Flask) -> None:
    kept: dict[tuple[int, int], services.QuestionAt] = {}

    def keep(attempt_id: int) -> None:
        """Every question of the attempt, read as its page reads it (none if the
        attempt is not this browser's)."""
        ids = student_ids()
        for n in range(1, 1000):
            try:
                at = services.attempt_at(
                    autocommit_connection(), attempt_id, n, ids, with_navigation=True
                )
            except LookupError:
                break
            kept[(attempt_id, n)] = at

    @app.get("/bench/render/<int:attempt_id>/<int:n>")
    def render(attempt_id: int, n: int) -> Response:
        at = kept.get((attempt_id, n))
        read = at is None
        if read:
            keep(attempt_id)
            at = kept.get((attempt_id, n))
        if at is None or at.attempt.student_id not in student_ids():
            abort(404)
        reply = Response(page.question_page(at), mimetype="text/html")
        if read:
            reply.headers["X-Bench-Read"] = "1"
        return reply

"""Baselines for bench/load.py, served by the same gunicorn settings as the quiz.

``app``: a minimal WSGI endpoint that touches no database: GET returns a small
page with a CSRF-like hidden field and a cookie, POST reads the form and answers
303, like the quiz's answer save. The floor of gunicorn plus the client.

``flask_app``: the same page from Flask with a signed-cookie session and a Jinja
template, still no database: the framework's share (reported for information).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, redirect, render_template_string, request, session

PAGE = (
    b'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Baseline</title>'
    b'</head><body><form method="post" action="/page">'
    b'<input id="csrf_token" name="csrf_token" type="hidden" value="baseline-token">'
    b'<button type="submit">Send</button></form></body></html>\n'
)


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ["REQUEST_METHOD"] == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        environ["wsgi.input"].read(length)
        start_response("303 See Other", [("Location", "/page"), ("Content-Length", "0")])
        return [b""]
    start_response(
        "200 OK",
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(PAGE))),
            ("Set-Cookie", "session=baseline; HttpOnly; Path=/; SameSite=Lax"),
        ],
    )
    return [PAGE]


flask_app = Flask(__name__)
flask_app.config["SECRET_KEY"] = "bench-baseline"

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head><body>
<form method="post" action="/page">
<input id="csrf_token" name="csrf_token" type="hidden" value="{{ token }}">
<button type="submit">Send</button></form></body></html>
"""


@flask_app.route("/", methods=["GET", "POST"])
@flask_app.route("/page", methods=["GET", "POST"])
def page() -> Any:
    session["seen"] = session.get("seen", 0) + 1
    if request.method == "POST":
        request.form.get("csrf_token")
        return redirect("/page", code=303)
    return render_template_string(TEMPLATE, title="Baseline", token="baseline-token")

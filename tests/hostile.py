"""Hostile values for the property-based tests (Hypothesis) and how to send them:
text with control characters, lone surrogates, NUL and 10,000-character values; a
form posted as a careless client encodes it; what the server then receives; and the
one rule every answer must keep: stored, or refused with a message beside a field,
never a 5xx or a traceback."""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import quote_plus

import werkzeug.urls  # noqa: F401 (registers the werkzeug.url_quote error handler)
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from quiz.store.db import session_scope
from tests.factories import gen_teacher, login

HOSTILE = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=70),
    st.text(st.characters(max_codepoint=0x9F), max_size=30),
    st.sampled_from(
        [
            "\x00",
            "Ada\x00Lovelace",
            "\ud800",
            "a\udfffb",
            "x" * 10_000,
            "\r",
            "Ada\rBob",
            "Smith, John",
            " \t\u00a0\u2028 ",
            "=1+1",
            "<script>alert(1)</script>",
            "{{ 7 * 7 }}",
            "\u202eevil",
            "😀" * 30,
            "1e999999",
            "9" * 5000,
            "NaN",
            "-inf",
            "1/0",
            "5OO%",
        ]
    ),
)
PROPERTY = settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
SERIALS = itertools.count()
"""Numbers for unique e-mail addresses within a test session."""


def received(value: str) -> str:
    """What the server receives of ``value`` sent as UTF-8 (surrogatepass): Werkzeug's
    form decoder keeps bytes that are not UTF-8 (a lone surrogate's) percent-encoded."""
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "werkzeug.url_quote")


def squash(value: str) -> str:
    return " ".join(value.split())


def post_raw(client: FlaskClient, url: str, fields: dict[str, Any]) -> Any:
    """POST a urlencoded form whose values may hold lone surrogates, encoded as a
    careless client would (surrogatepass), which the test client's own encoder
    refuses."""
    pairs = []
    for key, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            raw = item.encode("utf-8", "surrogatepass")
            pairs.append(f"{quote_plus(key)}={quote_plus(raw)}")
    return client.post(
        url, data="&".join(pairs).encode(), content_type="application/x-www-form-urlencoded"
    )


def refused_beside_a_field(response: Any) -> None:
    """A 4xx page that names the problem beside a field, with no traceback."""
    page = response.get_data(as_text=True)
    assert response.status_code < 500, page[:2000]
    assert "Traceback" not in page and "Something went wrong" not in page
    if response.status_code == 422:
        assert 'class="error"' in page, page[:3000]


def teacher_client(app: Flask) -> FlaskClient:
    with session_scope(app) as s:
        email = f"t{next(SERIALS)}@example.org"
        gen_teacher(s, email)
    client = app.test_client()
    assert login(client, email).status_code in (302, 303)
    return client

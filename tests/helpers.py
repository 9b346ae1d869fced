"""Small helpers for tests that walk the student's pages with the test client."""

from __future__ import annotations

import re
from html import escape
from typing import Any

from flask.testing import FlaskClient

from quiz import services
from quiz.store import models as m

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def start_practice(client: FlaskClient, name: str = "Ada", slug: str = "ice-assaults-500") -> int:
    """Open the home page, give a name, start; returns the attempt id."""
    home = client.get("/")
    assert home.status_code == 200
    data = {"csrf_token": csrf(home.get_data(as_text=True))}
    if 'name="display_name"' in home.get_data(as_text=True):
        data["display_name"] = name
    response = client.post(f"/practice/{slug}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    match = re.search(r"/attempts/(\d+)", response.headers["Location"])
    assert match
    return int(match.group(1))


def answer(client: FlaskClient, attempt_id: int, n: int, form: dict[str, list[str]]) -> Any:
    page = client.get(f"/attempts/{attempt_id}/q/{n}")
    assert page.status_code == 200
    data: dict[str, Any] = {"csrf_token": csrf(page.get_data(as_text=True))}
    data.update(form)
    return client.post(f"/attempts/{attempt_id}/q/{n}", data=data)


def escaped(text: str) -> str:
    return escape(text, quote=True)


def spec_feedback(spec: dict[str, Any]) -> list[str]:
    """Every feedback string of a question's spec (what must not leak early)."""
    out = []
    for key in ("options", "answers", "wrong", "sentences", "distractors"):
        out += [str(item["feedback"]) for item in spec.get(key, []) if item.get("feedback")]
    if spec.get("otherwise"):
        out.append(str(spec["otherwise"]))
    return out


def slot_question(slot: m.AttemptSlot) -> Any:
    return services.question_of(slot.question_version)

"""Bank authoring and who may use it: a shipped bank is read-only and can be copied; another
teacher gets 404 and a student 403 on every route of a bank, nobody logged in is sent to
the login page, and an upload cannot take over another bank by its id."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from quiz.store import models as m
from quiz.store.db import session_scope
from tests.authoring_helpers import (
    ARTICLE,
    DATA,
    SINGLE_FORM,
    add_single,
    author,
    bank_specs,
    counts,
    new_bank,
    send,
    text_of,
)
from tests.factories import gen_class, join, shipped_bank
from tests.helpers import csrf

# -- copies and read-only banks ----------------------------------------------------------------


def test_a_shipped_bank_is_read_only_and_can_be_copied(app, client):
    author(app, client)
    with session_scope(app) as s:
        shipped = shipped_bank(s)
        shipped_id, n_questions = shipped.id, len([q for q in shipped.questions if not q.retired])
        key = shipped.questions[0].key
    page = text_of(client.get(f"/teacher/banks/{shipped_id}"))
    assert "Shipped bank, read-only" in page and "Copy to my banks" in page
    for url in (
        f"/teacher/banks/{shipped_id}/settings",
        f"/teacher/banks/{shipped_id}/article",
        f"/teacher/banks/{shipped_id}/questions/new/single",
        f"/teacher/banks/{shipped_id}/questions/{key}/edit",
        f"/teacher/banks/{shipped_id}/replace",
    ):
        assert client.get(url).status_code == 403, url
    before = bank_specs(app, shipped_id)
    response = send(client, f"/teacher/banks/{shipped_id}/copy", {}, f"/teacher/banks/{shipped_id}")
    assert response.status_code == 303
    copy_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with session_scope(app) as s:
        copied = s.get(m.Bank, copy_id)
        assert copied.owner_id is not None and copied.title.endswith("(my copy)")
        assert copied.slug.startswith(f"t{copied.owner_id}-")
    assert bank_specs(app, copy_id) == before and len(before) == n_questions
    assert bank_specs(app, shipped_id) == before
    edit = client.get(f"/teacher/banks/{copy_id}/questions/{key}/edit")
    assert edit.status_code == 200  # the copy is the teacher's own: its editor opens
    prompt = next(s["prompt"] for s in before if s["id"] == key)
    assert f"Edit question <code>{key}</code>" in text_of(edit) and prompt in text_of(edit)


# -- who may do what -----------------------------------------------------------------------------


SECRET = "Owner's secret bank"


@pytest.fixture
def owned(app, client):
    """An owner's bank with one question, and a class with a join code."""
    author(app, client, "owner@example.org")
    bank_id = new_bank(client, SECRET, ARTICLE.replace("Residents", "Zanzibarians"))
    assert add_single(client, bank_id).status_code == 303
    client.post("/teacher/logout", data={"csrf_token": csrf(client.get("/teacher/").text)})
    with session_scope(app) as s:
        owner = s.scalar(select(m.Teacher).where(m.Teacher.email == "owner@example.org"))
        code = gen_class(s, owner).join_code
    return {
        "bank_id": bank_id,
        "key": "pct-six",
        "qtype": "single",
        "n": 1,
        "kind": "skills",
        "code": code,
        "layout": "kahoot",  # the spreadsheet exports
        "fmt": "csv",
    }


def _authoring_rules(app):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/teacher/banks")]
    assert len(rules) >= 15
    return rules


def _url(rule, values) -> str:
    return re.sub(r"<(?:[^:<>]+:)?(\w+)>", lambda mt: str(values[mt.group(1)]), rule.rule)


def _visit_all(app, client, owned, token):
    for rule in _authoring_rules(app):
        url = _url(rule, owned)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token, **SINGLE_FORM, "title": "x", "confirm": "yes"}
            response = client.open(url, method=method, data=data if method == "POST" else None)
            body = response.get_data(as_text=True)
            assert SECRET not in body and "Zanzibarians" not in body, (method, url)
            yield rule, method, url, response.status_code


def test_another_teacher_gets_404_on_every_route_of_a_bank(app, client, owned):
    author(app, client, "intruder@example.org")
    token = csrf(client.get("/teacher/banks/new").get_data(as_text=True))
    before = counts(app)
    specs = bank_specs(app, owned["bank_id"])
    for rule, method, url, status in _visit_all(app, client, owned, token):
        if "bank_id" in rule.arguments:
            assert status == 404, (method, url, status)
    assert bank_specs(app, owned["bank_id"]) == specs
    assert counts(app) == before


def test_a_student_gets_403_on_every_route(app, client, owned):
    join(client, owned["code"], "Curious Student")
    token = csrf(client.get("/join").get_data(as_text=True))
    before = counts(app)
    for _rule, method, url, status in _visit_all(app, client, owned, token):
        assert status == 403, (method, url, status)
    assert counts(app) == before


def test_nobody_logged_in_is_sent_to_the_login_page(app, client, owned):
    for rule in _authoring_rules(app):
        response = client.get(_url(rule, owned))
        if "GET" in rule.methods:
            assert response.status_code == 302 and "/teacher/login" in response.headers["Location"]


def test_an_upload_cannot_take_over_another_bank_by_its_id(app, client, owned, tmp_path):
    with session_scope(app) as s:
        owner_slug = s.get(m.Bank, owned["bank_id"]).slug
        shipped_slug = shipped_bank(s).slug
    author(app, client, "intruder@example.org")
    specs = bank_specs(app, owned["bank_id"])
    for slug in (owner_slug, shipped_slug):
        text = (DATA / "good" / "minimal.yaml").read_text().replace("id: minimal", f"id: {slug}")
        response = send(
            client,
            "/teacher/banks/upload",
            {"file": (io.BytesIO(text.encode()), "mine.yaml")},
            "/teacher/banks/",
            content_type="multipart/form-data",
        )
        assert response.status_code == 303
        with session_scope(app) as s:
            new = s.get(m.Bank, int(response.headers["Location"].rsplit("/", 1)[1]))
            assert new.slug.startswith("t") and new.slug not in (owner_slug, shipped_slug)
            assert new.title == "A minimal bank"
    assert bank_specs(app, owned["bank_id"]) == specs
    with session_scope(app) as s:
        assert shipped_bank(s).owner_id is None and shipped_bank(s).title != "A minimal bank"

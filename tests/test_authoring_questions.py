"""Every question type through the forms: create, edit, download and upload
unchanged, preview and grade in memory; and the forms' messages beside fields."""

from __future__ import annotations

import io
import random

import pytest
from sqlalchemy import select

from quiz import services
from quiz.domain.banks import parse_bank
from quiz.store import models as m
from quiz.store.db import session_scope
from tests.authoring_helpers import (
    HIGHLIGHT_FORM,
    SINGLE_FORM,
    author,
    bank_specs,
    counts,
    new_bank,
    send,
    text_of,
)
from tests.question_forms import (
    EXPLAIN,
    FORMS,
    SPECS,
    TYPES,
    create,
    form_values,
)

# FORMS, SPECS and create live in tests/question_forms.py; test_question_rooms imports them
# from here too.
__all__ = ["FORMS", "SPECS", "create"]


@pytest.fixture
def bank_id(app, client) -> int:
    author(app, client)
    return new_bank(client)


def _versions(app, key: str) -> list[int]:
    with session_scope(app) as s:
        q = s.scalar(select(m.Question).where(m.Question.key == key))
        return [v.version for v in q.versions]


@pytest.mark.parametrize("qtype", TYPES)
def test_create_through_the_form(app, client, bank_id, qtype):
    response = create(client, bank_id, qtype)
    assert response.status_code == 303, text_of(response)[:4000]
    assert bank_specs(app, bank_id) == [SPECS[qtype]]
    page = text_of(client.get(f"/teacher/banks/{bank_id}"))
    assert SPECS[qtype]["id"] in page and "Current: version 1" in page


@pytest.mark.parametrize("qtype", TYPES)
def test_edit_shows_what_is_stored_and_saves_a_new_version(app, client, bank_id, qtype):
    assert create(client, bank_id, qtype).status_code == 303
    key = SPECS[qtype]["id"]
    url = f"/teacher/banks/{bank_id}/questions/{key}/edit"
    shown = form_values(client.get(url).get_data(as_text=True))
    shown.pop("csrf_token")
    unchanged = send(client, url, {**shown, "action": "save"})
    assert unchanged.status_code == 303, text_of(unchanged)[:4000]
    assert bank_specs(app, bank_id) == [SPECS[qtype]] and _versions(app, key) == [1]

    shown["prompt"] = ["A clearer prompt?"]
    assert send(client, url, {**shown, "action": "save"}).status_code == 303
    assert bank_specs(app, bank_id) == [{**SPECS[qtype], "prompt": "A clearer prompt?"}]
    assert _versions(app, key) == [1, 2]


@pytest.mark.parametrize("qtype", TYPES)
def test_download_then_upload_changes_nothing(app, client, runner, bank_id, qtype, tmp_path):
    assert create(client, bank_id, qtype).status_code == 303
    response = client.get(f"/teacher/banks/{bank_id}/download.yaml")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    loaded, errors = parse_bank(text, "download.yaml")
    assert not errors and loaded is not None
    assert [q.to_spec() for q in loaded.questions] == [SPECS[qtype]]
    path = tmp_path / "download.yaml"
    path.write_text(text, encoding="utf-8")
    check = runner.invoke(args=["bank", "check", str(path)])
    assert check.exit_code == 0, check.output

    before = counts(app)
    upload = send(
        client,
        f"/teacher/banks/{bank_id}/replace",
        {"file": (io.BytesIO(text.encode()), "download.yaml")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 303, text_of(upload)[:3000]
    assert counts(app) == before  # no new version, article or bank
    assert bank_specs(app, bank_id) == [SPECS[qtype]]


@pytest.mark.parametrize("qtype", TYPES)
def test_preview_grades_in_memory(app, client, bank_id, qtype):
    assert create(client, bank_id, qtype).status_code == 303
    url = f"/teacher/banks/{bank_id}/preview/1"
    page = client.get(url)
    assert page.status_code == 200
    html = text_of(page)
    assert FORMS[qtype]["prompt"] in html and "Check my answer" in html
    with session_scope(app) as s:
        version = s.scalar(select(m.Question).where(m.Question.bank_id == bank_id)).current_version
        question = services.question_of(version)
        state = question.new_state(random.Random(version.sha256))
    before = counts(app)
    right = send(client, url, question.key_form(state))
    assert right.status_code == 200
    html = text_of(right)
    assert "fraction <strong>1</strong>" in html and "Right" in html
    assert EXPLAIN in html or SPECS[qtype]["explanation"] in html
    wrong_form = question.misconception_form(state)
    if wrong_form is not None:
        wrong = text_of(send(client, url, wrong_form[0]))
        assert "fraction <strong>1</strong>" not in wrong
        assert "Watch out for" in wrong
    assert counts(app) == before  # no Attempt, no Answer


def test_preview_asks_again_for_an_unreadable_number(app, client, bank_id):
    assert create(client, bank_id, "numeric").status_code == 303
    response = send(client, f"/teacher/banks/{bank_id}/preview/1", {"value": "5OO"})
    assert response.status_code == 422
    html = text_of(response)
    assert "letter O" in html and 'value="5OO"' in html


def test_add_another_option_keeps_what_was_typed(app, client, bank_id):
    before = counts(app)
    url = f"/teacher/banks/{bank_id}/questions/new/single"
    response = send(client, url, {**SINGLE_FORM, "action": "add-options"})
    assert response.status_code == 200
    html = text_of(response)
    assert 'name="options-3-text"' in html and "Ten plus five times ten." in html
    assert counts(app) == before


def test_problems_are_shown_beside_their_fields_and_nothing_is_saved(app, client, bank_id):
    before = counts(app)
    url = f"/teacher/banks/{bank_id}/questions/new/single"
    data = {**SINGLE_FORM, "options-0-correct": "", "options-1-feedback": "", "points": "lots"}
    response = send(client, url, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "no option is correct" in html
    assert 'id="options-1-feedback-error"' not in html  # feedback is optional
    assert "must be a number, not &#39;lots&#39;" in html
    assert 'value="Ten plus five times ten."' not in html  # a textarea keeps it as text
    assert "Ten plus five times ten." in html
    assert counts(app) == before


def test_sentences_without_feedback_save_with_a_warning(app, client, bank_id):
    """Feedback is optional (issue #17, item 5): the question saves, and the item-writing
    warning says where it is missing."""
    url = f"/teacher/banks/{bank_id}/questions/new/highlight"
    data = {k: v for k, v in HIGHLIGHT_FORM.items() if not k.startswith("s-")}
    shown = text_of(send(client, url, {**data, "action": "refresh"}))
    assert "Feedback for p3-s1" in shown and "Feedback for p1-s1" not in shown
    before = counts(app)
    response = send(client, url, {**data, "action": "run-checks"})
    assert response.status_code == 200
    assert "missing-feedback" in text_of(response)
    response = send(client, url, data)
    assert response.status_code == 303
    assert counts(app) != before


def test_classify_needs_two_sentences(app, client, bank_id):
    data = {**FORMS["classify"], "pick": ["p1-s1"]}
    url = f"/teacher/banks/{bank_id}/questions/new/classify"
    response = send(client, url, data)
    assert response.status_code == 422
    assert "needs at least two sentences" in text_of(response)


def test_duplicate_move_and_delete(app, client, bank_id):
    assert create(client, bank_id, "single").status_code == 303
    assert create(client, bank_id, "text").status_code == 303
    bank_url = f"/teacher/banks/{bank_id}"
    assert send(client, f"{bank_url}/questions/pct-six/duplicate", {}, bank_url).status_code == 303
    assert [s["id"] for s in bank_specs(app, bank_id)] == ["pct-six", "pct-six-1", "denominator"]
    moved = send(client, f"{bank_url}/questions/denominator/move", {"direction": "up"}, bank_url)
    assert moved.status_code == 303
    assert [s["id"] for s in bank_specs(app, bank_id)] == ["pct-six", "denominator", "pct-six-1"]
    delete = f"{bank_url}/questions/pct-six-1/delete"
    assert "retired, not erased" in text_of(client.get(delete))
    assert send(client, delete, {}).status_code == 303
    assert [s["id"] for s in bank_specs(app, bank_id)] == ["pct-six", "denominator"]
    # a new question never takes the key of a retired one
    page = client.get(f"{bank_url}/questions/new/single").get_data(as_text=True)
    assert 'value="single-1"' in page
    before = counts(app)
    taken = send(client, f"{bank_url}/questions/new/single", {**SINGLE_FORM, "qid": "pct-six-1"})
    assert taken.status_code == 422 and "A deleted question of this bank had this id" in text_of(
        taken
    )
    assert counts(app) == before

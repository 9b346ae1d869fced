"""Misconceptions are picked, not typed (issue #17, item 6): the editor's misconception
fields are selects of the bank's catalogue, shown by its text, with "a new one" written
(code and student-facing text) on the same form; an undefined code is never kept."""

from __future__ import annotations

import pytest

from quiz.store import models as m
from quiz.store.db import session_scope
from tests.test_authoring import (
    HIGHLIGHT_FORM,
    SINGLE_FORM,
    author,
    bank_specs,
    counts,
    new_bank,
    send,
    text_of,
)

NEW_TEXT = "A change from 10% to 15% is 5 percentage points, or a 50% rise."


@pytest.fixture
def bank_id(app, client) -> int:
    author(app, client)
    return new_bank(client)


def _url(bank_id: int, qtype: str = "single") -> str:
    return f"/teacher/banks/{bank_id}/questions/new/{qtype}"


def _catalogue(app, bank_id: int) -> dict[str, str]:
    with session_scope(app) as s:
        return dict(s.get(m.Bank, bank_id).misconceptions or {})


def test_the_field_is_a_select_of_the_catalogue_by_its_text(app, client, bank_id):
    html = text_of(client.get(_url(bank_id)))
    text = _catalogue(app, bank_id)["MULT_OFFBYONE"]
    assert '<select id="options-1-misconception" name="options-1-misconception">' in html
    assert f'<option value="MULT_OFFBYONE">{text} (MULT_OFFBYONE)</option>' in html
    assert '<option value="__new__">A new one' in html
    assert 'list="misconception-codes"' not in html  # no free typing


def test_a_typed_undefined_code_is_refused_with_the_way_out(app, client, bank_id):
    before = counts(app)
    response = send(client, _url(bank_id), {**SINGLE_FORM, "options-1-misconception": "NOPE"})
    assert response.status_code == 422
    assert "Pick a misconception from the bank's list" in text_of(response)
    assert 'id="options-1-misconception-error"' in text_of(response)
    assert counts(app) == before


def test_a_new_one_written_on_the_form_joins_the_catalogue(app, client, bank_id):
    data = {
        **SINGLE_FORM,
        "options-1-misconception": "__new__",
        "new_code": " percent-vs-points ",
        "new_text": NEW_TEXT,
    }
    response = send(client, _url(bank_id), data)
    assert response.status_code == 303, text_of(response)[:2000]
    assert _catalogue(app, bank_id)["PERCENT_VS_POINTS"] == NEW_TEXT
    (spec,) = bank_specs(app, bank_id)
    assert spec["options"][1]["misconception"] == "PERCENT_VS_POINTS"
    # the next question picks it from the list
    html = text_of(client.get(_url(bank_id)))
    assert f'<option value="PERCENT_VS_POINTS">{NEW_TEXT} (PERCENT_VS_POINTS)</option>' in html


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"new_code": "9 lives", "new_text": "x"}, "new_code", "capital letters, digits and _"),
        ({"new_code": "---", "new_text": "x"}, "new_code", "cannot be a code"),
        ({"new_code": "PERCENT_VS_POINTS"}, "new_text", "Write what a student reads"),
        ({"new_text": NEW_TEXT}, "new_code", "Give it a code"),
        ({"options-1-misconception": "__new__"}, "new_code", "“A new one” was chosen"),
        ({"options-1-misconception": "__new__"}, "options-1-misconception", "Write the new"),
        ({"new_code": "A" * 41, "new_text": "x"}, "new_code", "At most 40 characters"),
    ],
)
def test_a_bad_new_misconception_is_said_beside_its_field(
    app, client, bank_id, changes, field, words
):
    before = counts(app)
    response = send(client, _url(bank_id), {**SINGLE_FORM, **changes})
    assert response.status_code == 422
    html = text_of(response)
    error = html.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
    assert words in error
    assert counts(app) == before
    assert "PERCENT_VS_POINTS" not in _catalogue(app, bank_id)


def test_an_existing_code_typed_as_new_is_the_same_code(app, client, bank_id):
    data = {**SINGLE_FORM, "options-1-misconception": "__new__", "new_code": "mult offbyone"}
    response = send(client, _url(bank_id), data)
    assert response.status_code == 303, text_of(response)[:2000]
    (spec,) = bank_specs(app, bank_id)
    assert spec["options"][1]["misconception"] == "MULT_OFFBYONE"


def test_sentences_pick_from_the_catalogue_too(app, client, bank_id):
    url = _url(bank_id, "highlight")
    bad = {**HIGHLIGHT_FORM, "s-p1-s3-misconception": "percent-vs-points"}
    response = send(client, url, bad)
    assert response.status_code == 422
    assert "Pick a misconception" in text_of(response).split('id="s-p1-s3-misconception-error"')[1]
    good = {**bad, "s-p1-s3-misconception": "__new__", "new_code": "CALL_AS_FACT", "new_text": "t"}
    response = send(client, url, good)
    assert response.status_code == 303, text_of(response)[:2000]
    (spec,) = bank_specs(app, bank_id)
    assert spec["distractors"][0]["misconception"] == "CALL_AS_FACT"


@pytest.mark.parametrize(
    "hostile",
    ["<script>alert(1)</script>", "X\x00Y", "Ｐ＿Ｐ", "'; DROP TABLE banks; --", "é" * 5000],
)
def test_hostile_new_misconceptions_never_fail(app, client, bank_id, hostile):
    data = {
        **SINGLE_FORM,
        "options-1-misconception": "__new__",
        "new_code": hostile,
        "new_text": hostile,
    }
    response = send(client, _url(bank_id), data)
    assert response.status_code in (303, 422)
    assert "<script>alert" not in response.get_data(as_text=True)
    for code in _catalogue(app, bank_id):
        assert code.isascii() and "\x00" not in code

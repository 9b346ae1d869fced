"""Checks and item-writing warnings in the bank editor: shown beside the question, edited
in the question form, run on save and by "Run the checks", kept through the YAML download."""

from __future__ import annotations

import re

import yaml

from quiz.domain.banks import parse_bank
from tests.test_authoring import (
    SINGLE_FORM,
    author,
    bank_specs,
    counts,
    new_bank,
    send,
    text_of,
)

CHECKS = {
    "checks-0-answer": "60",
    "checks-0-expect": "1",
    "checks-1-answer": "50",
    "checks-1-expect": "0",
    "checks-1-misconception": "MULT_OFFBYONE",
    "checks-2-answer": "50",
    "checks-2-expect": "at least 0.5",
}


def _new(client, bank_id, qtype="single"):
    return f"/teacher/banks/{bank_id}/questions/new/{qtype}"


def _edit(bank_id, key="pct-six"):
    return f"/teacher/banks/{bank_id}/questions/{key}/edit"


def test_checks_are_saved_run_and_shown_with_pass_or_fail(app, client):
    author(app, client)
    bank_id = new_bank(client)
    response = send(client, _new(client, bank_id), {**SINGLE_FORM, **CHECKS}, follow_redirects=True)
    page = text_of(response)
    assert "Question pct-six saved. Its 3 checks: 1 failing." in page
    (spec,) = bank_specs(app, bank_id)
    assert spec["checks"] == [
        {"answer": "60", "fraction": 1},
        {"answer": "50", "fraction": 0, "misconception": "MULT_OFFBYONE"},
        {"answer": "50", "at_least": 0.5},
    ]
    # the bank page: the summary and the failing check beside the question
    assert "3 checks: 1 failing" in page
    assert 'Check 3: expected at least 0.5, got 0 ("50")' in page
    # the editor: each row with its result, the expectation as typed
    page = text_of(client.get(_edit(bank_id)))
    assert page.count("Passes.") == 2
    assert 'Fails:</strong> expected at least 0.5, got 0 ("50")' in page
    assert 'value="at least 0.5"' in page
    # the preview lists them too
    page = text_of(client.get(f"/teacher/banks/{bank_id}/preview/1"))
    assert "This question's checks" in page
    assert "Passes:</strong> “60”, fraction 1" in page
    assert 'Fails:</strong> expected at least 0.5, got 0 ("50")' in page


def test_checks_survive_download_and_upload(app, client):
    author(app, client)
    bank_id = new_bank(client)
    assert send(client, _new(client, bank_id), {**SINGLE_FORM, **CHECKS}).status_code == 303
    body = client.get(f"/teacher/banks/{bank_id}/download.yaml").get_data(as_text=True)
    data = yaml.safe_load(body)
    assert data["questions"][0]["checks"][2] == {"answer": "50", "at_least": 0.5}
    bank, errors = parse_bank(body, "download.yaml")
    assert errors == []
    assert [c.to_spec() for c in bank.questions[0].checks] == data["questions"][0]["checks"]


def test_editing_keeps_removes_and_changes_checks(app, client):
    author(app, client)
    bank_id = new_bank(client)
    assert send(client, _new(client, bank_id), {**SINGLE_FORM, **CHECKS}).status_code == 303
    changed = {
        **SINGLE_FORM,
        **CHECKS,
        "checks-1-answer": "",
        "checks-1-expect": "",
        "checks-1-misconception": "",
        "checks-2-expect": "0 to 0.25",
    }
    response = send(client, _edit(bank_id), changed)
    assert response.status_code == 303
    (spec,) = bank_specs(app, bank_id)
    assert spec["checks"] == [
        {"answer": "60", "fraction": 1},
        {"answer": "50", "at_least": 0, "at_most": 0.25},
    ]


def test_bad_checks_are_shown_beside_their_fields_and_nothing_is_saved(app, client):
    author(app, client)
    bank_id = new_bank(client)
    before = counts(app)
    bad = {
        **SINGLE_FORM,
        "checks-0-answer": "61",
        "checks-0-expect": "1",
        "checks-1-answer": "60",
        "checks-1-expect": "lots",
        "checks-2-answer": "50",
        "checks-2-misconception": "no such code",
        "checks-3-answer": "60",
    }
    response = send(client, _new(client, bank_id), bad)
    assert response.status_code == 422
    page = text_of(response)
    assert "Nothing was saved" in page
    assert "“61” is not the text of an option" in page
    assert "must be a number from 0 to 1, not 'lots'" in page
    assert "Pick a misconception from the bank's list" in page  # a select: issue #17, item 6
    assert "needs at least one of fraction, at_least, at_most, misconception" in page
    assert 'id="checks-1-expect-error"' in page
    assert 'value="lots"' in page  # what was typed is kept
    assert counts(app) == before


def test_run_the_checks_grades_without_saving(app, client):
    author(app, client)
    bank_id = new_bank(client)
    before = counts(app)
    response = send(
        client, _new(client, bank_id), {**SINGLE_FORM, **CHECKS, "action": "run-checks"}
    )
    assert response.status_code == 200
    page = text_of(response)
    assert "Checks run on the question as written: 3 checks: 1 failing. Nothing was saved." in page
    assert page.count("Passes.") == 2
    assert counts(app) == before
    response = send(client, _new(client, bank_id), {**SINGLE_FORM, "action": "run-checks"})
    assert "no checks to run yet" in text_of(response)


def test_add_another_check_row_without_javascript(app, client):
    author(app, client)
    bank_id = new_bank(client)
    page = text_of(client.get(_new(client, bank_id)))
    assert 'name="checks-0-answer"' in page and 'name="checks-1-answer"' not in page
    typed = {**SINGLE_FORM, "checks-0-answer": "60", "action": "add-checks"}
    page = text_of(send(client, _new(client, bank_id), typed))
    assert 'name="checks-1-answer"' in page
    assert re.search(r"<textarea[^>]*name=\"checks-0-answer\"[^>]*>\s*60</textarea>", page)
    assert '<label for="checks-1-expect">Score it must get</label>' in page


def test_classify_and_multiple_answers_one_per_line(app, client):
    author(app, client)
    bank_id = new_bank(client)
    form = {
        "qid": "voices",
        "skill": "reporting",
        "prompt": "Who is speaking?",
        "explanation": "Look for who.",
        "pick": ["p1-s1", "p3-s2"],
        "s-p1-s1-category": "attributed",
        "s-p1-s1-feedback": "The agency said it.",
        "s-p3-s2-category": "unattributed",
        "s-p3-s2-feedback": "Nobody is named.",
        "s-p3-s2-misconception": "ATTRIBUTION_BLIND",
        "checks-0-answer": "p1-s1 = attributed\r\np3-s2 = unattributed",
        "checks-0-expect": "1",
        "checks-1-answer": "p1-s1: unattributed",
        "checks-1-expect": "at most 0.5",
    }
    response = send(client, _new(client, bank_id, "classify"), form)
    assert response.status_code == 303, text_of(response)
    (spec,) = bank_specs(app, bank_id)
    assert spec["checks"] == [
        {"answer": {"p1-s1": "attributed", "p3-s2": "unattributed"}, "fraction": 1},
        {"answer": {"p1-s1": "unattributed"}, "at_most": 0.5},
    ]
    page = text_of(client.get(_edit(bank_id, "voices")))
    assert "p1-s1 = attributed\np3-s2 = unattributed" in page
    assert page.count("Passes.") == 2
    form["checks-1-answer"] = "p1-s1 = opinion"
    response = send(client, _edit(bank_id, "voices"), form)
    assert response.status_code == 422
    assert "unknown category 'opinion'" in text_of(response)


def test_warnings_are_shown_beside_the_question(app, client):
    author(app, client)
    bank_id = new_bank(client)
    untagged = {**SINGLE_FORM, "options-1-misconception": ""}
    response = send(client, _new(client, bank_id), untagged, follow_redirects=True)
    page = text_of(response)
    assert "1 item-writing warning: see beside it." in page
    assert "untagged</code>: no wrong option is tagged with a misconception" in page
    page = text_of(client.get(_edit(bank_id)))
    assert "Item-writing warnings" in page and "no wrong option is tagged" in page
    # fixed in the form, "Run the checks" shows the warnings of the question as written
    response = send(client, _edit(bank_id), {**SINGLE_FORM, "action": "run-checks"})
    assert "no wrong option is tagged" not in text_of(response)


def test_hostile_checks_give_messages_not_errors(app, client):
    author(app, client)
    bank_id = new_bank(client)
    before = counts(app)
    many = {f"checks-{i}-answer": "60" for i in range(101)}
    many |= {f"checks-{i}-expect": "1" for i in range(101)}
    response = send(client, _new(client, bank_id), {**SINGLE_FORM, **many})
    assert response.status_code == 422
    assert "has 101 checks; at most 100 per question" in text_of(response)
    huge = {"checks-0-answer": "6" * 5000, "checks-0-expect": "1e400"}
    response = send(
        client,
        _new(client, bank_id, "text"),
        {
            "qid": "t",
            "skill": "baseline",
            "prompt": "Which?",
            "explanation": "E.",
            "answers-0-text": "the baseline",
            "answers-0-feedback": "Yes.",
            **huge,
        },
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "is 5,000 characters; at most 1,000" in page
    assert "must be a number from 0 to 1" in page
    assert counts(app) == before

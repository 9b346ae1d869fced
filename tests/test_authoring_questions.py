"""Every question type through the forms: create, edit, download and upload
unchanged, preview and grade in memory; and the forms' messages beside fields."""

from __future__ import annotations

import io
import random
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import select

from quiz import services
from quiz.domain.banks import parse_bank
from quiz.questions import TYPES as QUESTION_TYPES
from quiz.store import models as m
from quiz.store.db import session_scope
from tests.test_authoring import (
    HIGHLIGHT_FORM,
    SENTENCES,
    SINGLE_FORM,
    author,
    bank_specs,
    counts,
    new_bank,
    send,
    text_of,
)

EXPLAIN = "Reasoning, shown with the feedback."
FORMS: dict[str, dict[str, Any]] = {
    "single": SINGLE_FORM,
    "multiple": {
        "qid": "which-true",
        "skill": "percent",
        "prompt": "Counts went from 10 to 60. Which statements are true?",
        "explanation": EXPLAIN,
        "options-0-text": "Up by 50",
        "options-0-correct": "y",
        "options-0-feedback": "60 − 10 = 50.",
        "options-1-text": "Six times as many",
        "options-1-correct": "y",
        "options-1-feedback": "60 ÷ 10 = 6.",
        "options-2-text": "Five times as many",
        "options-2-feedback": "60 is six times 10.",
        "options-2-misconception": "MULT_OFFBYONE",
    },
    "numeric": {
        "qid": "pct-change",
        "skill": "percent",
        "unit": "percent",
        "points": "2",
        "prompt": "A count rose from 19 to 275. What is the percent change?",
        "explanation": EXPLAIN,
        "answers-0-value": "1347",
        "answers-0-tolerance": "1",
        "answers-0-feedback": "(275 − 19) ÷ 19 = 13.47.",
        "wrong-0-value": "1447",
        "wrong-0-tolerance": "1",
        "wrong-0-feedback": "That is the ratio, not the change.",
        "wrong-0-misconception": "RATIO_AS_PCT",
        "wrong-1-value": "",
        "otherwise": "Subtract the old value, then divide by it.",
    },
    "text": {
        "qid": "denominator",
        "skill": "baseline",
        "prompt": "Assaults divided by the number of officers: what is that number called?",
        "explanation": EXPLAIN,
        "answers-0-text": "denominator",
        "answers-0-feedback": "Yes.",
        "answers-1-text": "the base",
        "answers-1-credit": "0.5",
        "answers-1-feedback": "Nearly: the word is denominator.",
        "wrong-0-text": "numerator",
        "wrong-0-feedback": "The numerator is on top.",
        "otherwise": "Think of the bottom of the fraction.",
    },
    "classify": {
        "qid": "voices",
        "skill": "reporting",
        "prompt": "Who is speaking in each sentence?",
        "explanation": EXPLAIN,
        "categories": ["attributed", "unattributed"],
        "pick": ["p3-s2", "p1-s1"],
        "s-p1-s1-category": "attributed",
        "s-p1-s1-feedback": "The agency said it.",
        "s-p3-s2-category": "unattributed",
        "s-p3-s2-feedback": "Nobody is named.",
        "s-p3-s2-misconception": "ATTRIBUTION_BLIND",
    },
    "highlight": {**HIGHLIGHT_FORM, "paragraphs": ["1", "3"], "otherwise": "Not a call."},
}
SPECS: dict[str, dict[str, Any]] = {
    "single": {
        "id": "pct-six",
        "type": "single",
        "skill": "percent",
        "prompt": SINGLE_FORM["prompt"],
        "shuffle": True,
        "options": [
            {"id": "a", "text": "60", "correct": True, "feedback": "Ten plus five times ten."},
            {
                "id": "b",
                "text": "50",
                "feedback": "That is 500% *of* 10.",
                "misconception": "MULT_OFFBYONE",
            },
        ],
        "explanation": SINGLE_FORM["explanation"],
    },
    "multiple": {
        "id": "which-true",
        "type": "multiple",
        "skill": "percent",
        "prompt": FORMS["multiple"]["prompt"],
        "shuffle": False,
        "options": [
            {"id": "a", "text": "Up by 50", "correct": True, "feedback": "60 − 10 = 50."},
            {"id": "b", "text": "Six times as many", "correct": True, "feedback": "60 ÷ 10 = 6."},
            {
                "id": "c",
                "text": "Five times as many",
                "feedback": "60 is six times 10.",
                "misconception": "MULT_OFFBYONE",
            },
        ],
        "explanation": EXPLAIN,
    },
    "numeric": {
        "id": "pct-change",
        "type": "numeric",
        "skill": "percent",
        "prompt": FORMS["numeric"]["prompt"],
        "points": 2.0,
        "unit": "percent",
        "answers": [{"value": 1347, "tolerance": 1, "feedback": "(275 − 19) ÷ 19 = 13.47."}],
        "wrong": [
            {
                "value": 1447,
                "tolerance": 1,
                "feedback": "That is the ratio, not the change.",
                "misconception": "RATIO_AS_PCT",
            }
        ],
        "otherwise": "Subtract the old value, then divide by it.",
        "explanation": EXPLAIN,
    },
    "text": {
        "id": "denominator",
        "type": "text",
        "skill": "baseline",
        "prompt": FORMS["text"]["prompt"],
        "answers": [
            {"text": "denominator", "feedback": "Yes."},
            {"text": "the base", "credit": 0.5, "feedback": "Nearly: the word is denominator."},
        ],
        "wrong": [{"text": "numerator", "feedback": "The numerator is on top."}],
        "otherwise": "Think of the bottom of the fraction.",
        "explanation": EXPLAIN,
    },
    "classify": {
        "id": "voices",
        "type": "classify",
        "skill": "reporting",
        "prompt": FORMS["classify"]["prompt"],
        "categories": ["attributed", "unattributed"],
        "sentences": [  # quotes of the whole sentence, in reading order
            {
                "quote": SENTENCES["p1-s1"],
                "category": "attributed",
                "feedback": "The agency said it.",
            },
            {
                "quote": SENTENCES["p3-s2"],
                "category": "unattributed",
                "feedback": "Nobody is named.",
                "misconception": "ATTRIBUTION_BLIND",
            },
        ],
        "explanation": EXPLAIN,
    },
    "highlight": {
        "id": "who-acts",
        "type": "highlight",
        "skill": "reporting",
        "prompt": HIGHLIGHT_FORM["prompt"],
        "paragraphs": [1, 3],
        "sentences": [{"quote": SENTENCES["p3-s1"], "feedback": "Says what officials must do."}],
        "distractors": [{"quote": SENTENCES["p1-s3"], "feedback": "A denial, not a call to act."}],
        "otherwise": "Not a call.",
        "explanation": HIGHLIGHT_FORM["explanation"],
    },
}
TYPES = list(QUESTION_TYPES)  # FORMS and SPECS cover each (tests/test_question_rooms.py)


class _Fields(HTMLParser):
    """The values a browser would send for a form as shown (no button pressed)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values.setdefault(name, []).append(a.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select, self._first_option, self._selected = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self.values.setdefault(self._select, []).append(value)
                self._selected = True

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea:
            value = self.values[self._textarea][-1]
            self.values[self._textarea][-1] = value[1:] if value.startswith("\n") else value
            self._textarea = None
        elif tag == "select" and self._select:
            if not self._selected and self._first_option is not None:
                self.values.setdefault(self._select, []).append(self._first_option)
            self._select = None


def form_values(html: str) -> dict[str, list[str]]:
    start = html.index('class="card question-editor"')
    parser = _Fields()
    parser.feed(html[start : html.index("</form>", start)])
    return parser.values


def create(client, bank_id: int, qtype: str):
    return send(client, f"/teacher/banks/{bank_id}/questions/new/{qtype}", FORMS[qtype])


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

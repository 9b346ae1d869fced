"""Each question type is one room (issue #18): its grading class (``quiz.questions.TYPES``),
its editor (``quiz.questions.editors.EDITORS``), its input template
(``templates/questions/<type>.html``) and its editor template
(``templates/questions/<type>_editor.html``). A type missing from any of them fails here,
and every type's editor page is shown, for a new question and for a stored one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from wtforms import Form

from quiz.questions import TYPES
from quiz.questions.editors import EDITORS, QuestionForm
from tests.test_authoring import author, new_bank, text_of
from tests.test_authoring_questions import FORMS, SPECS, create

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "questions"
_INPUT = re.compile(r"([a-z][a-z0-9_]*)\.html")
_EDITOR = re.compile(r"([a-z][a-z0-9_]*)_editor\.html")


def _templates(pattern: re.Pattern[str]) -> set[str]:
    """The types a kind of template exists for (partials start with ``_``)."""
    found = {pattern.fullmatch(p.name) for p in TEMPLATES.glob("*.html")}
    return {m[1] for m in found if m}


def _own_fields(form: type[QuestionForm]) -> list[str]:
    """The type's own fields: its editor's form's, beside every question's."""
    common = {name for name, _ in QuestionForm()._fields.items()}
    return [name for name in form()._fields if name not in common]


def test_every_registry_covers_exactly_the_types():
    types = set(TYPES)
    assert len(types) >= 6
    assert {cls.type for cls in TYPES.values()} == types
    assert set(EDITORS) == types
    assert all(EDITORS[t].type == t for t in types)
    inputs = _templates(_INPUT) - {t + "_editor" for t in _templates(_EDITOR)}
    assert inputs == types
    assert _templates(_EDITOR) == types
    for qtype, editor in EDITORS.items():
        assert (TEMPLATES.parent / editor.template).is_file(), qtype
        assert issubclass(editor.form, QuestionForm) and issubclass(editor.form, Form)


def test_the_web_tests_cover_exactly_the_types():
    assert set(FORMS) == set(SPECS) == set(TYPES)


def _shows_editor(html: str, qtype: str) -> None:
    editor = EDITORS[qtype]
    assert f": {editor.name.lower()}</h1>" in html
    for name in _own_fields(editor.form):
        assert f'id="{name}' in html or f'name="{name}' in html, (qtype, name)
    for name in ("skill", "prompt", "explanation", "checks-0-answer", "new_code"):
        assert f'name="{name}"' in html, (qtype, name)
    assert editor.answer_hint in html


@pytest.mark.parametrize("qtype", list(TYPES))
def test_the_editor_of_a_new_question_shows_its_types_fields(app, client, qtype):
    author(app, client)
    bank_id = new_bank(client)
    response = client.get(f"/teacher/banks/{bank_id}/questions/new/{qtype}")
    assert response.status_code == 200
    html = text_of(response)
    _shows_editor(html, qtype)
    for other in set(TYPES) - {qtype}:  # "Another type:" links to every other editor
        assert f"/questions/new/{other}" in html


@pytest.mark.parametrize("qtype", list(TYPES))
def test_the_editor_of_a_stored_question_shows_what_it_holds(app, client, qtype):
    author(app, client)
    bank_id = new_bank(client)
    assert create(client, bank_id, qtype).status_code == 303
    key = SPECS[qtype]["id"]
    response = client.get(f"/teacher/banks/{bank_id}/questions/{key}/edit")
    assert response.status_code == 200
    html = text_of(response)
    assert f"Edit question <code>{key}</code>" in html
    _shows_editor(html, qtype)
    assert FORMS[qtype]["prompt"] in html

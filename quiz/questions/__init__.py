"""Question types, as in Moodle's ``question/type/*``. ``TYPES`` maps each stable
``type`` string to its grading class (``questions/<type>.py``: parse its part of a bank,
draw per-attempt state, read a submitted form, grade); its editor is
``questions/editors/<type>.py`` (registered in ``editors.EDITORS``); its templates are
``templates/questions/<type>.html`` (the input) and ``<type>_editor.html`` (the
editor's fields). ``tests/test_question_rooms.py`` fails when one of them is missing.

A new type ``<type>`` (tried with a throwaway ``truefalse``):

* ``questions/<type>.py``: a ``Question`` subclass (the contract is ``base.py``), in
  ``TYPES`` here. Beside parsing and grading it answers what the rest of the app asks:
  ``check_form`` (a bank check's answer as form fields; helpers in ``checkform``),
  ``carries_judgements``/``judgements`` (``judging``) and ``probed_misconceptions``
  (``base.codes_of``). Defaults: checks refused (``tests/questions/test_type_hooks.py``
  asks every type for them), no judgements, none probed. Its row in ``base.py``'s
  table of response shapes.
* ``questions/editors/<type>.py`` in ``editors.EDITORS`` (select choices through
  ``editors.fields.options``: a tuple warns, an error under the tests; a misconception
  select of its own goes in ``code_fields``), and the templates
  ``templates/questions/<type>.html`` and ``<type>_editor.html``.
* ``tests/questions/test_<type>.py``; its form and spec in ``FORMS``/``SPECS`` of
  ``tests/question_forms.py``.
* Outside the room: two questions of it in ``question_banks/ice-assaults-500.yaml``
  (``tests/test_banks.py``; the browser tests walk them) and its part of
  ``question_banks/README.md``. Its ``wrong_answers``/``wrong_answer_noun`` feed the
  bank lint; the bank formats (``quiz/interchange``) leave out a type they have no
  mapping for, with the reason, until one is written there.

Pure: imports ``quiz.domain`` and parsing libraries (the editors WTForms); never
Flask, SQLAlchemy or ``quiz.store``."""

from __future__ import annotations

from quiz.questions.base import BankContext, FeedbackItem, Grade, Problem, Question, Unreadable
from quiz.questions.classify import Classify
from quiz.questions.highlight import Highlight
from quiz.questions.multiple import Multiple
from quiz.questions.numeric import Numeric
from quiz.questions.single import Single
from quiz.questions.text import Text

TYPES: dict[str, type[Question]] = {
    cls.type: cls for cls in (Single, Multiple, Numeric, Classify, Highlight, Text)
}

__all__ = [
    "TYPES",
    "BankContext",
    "FeedbackItem",
    "Grade",
    "Problem",
    "Question",
    "Unreadable",
]

"""Question types, as in Moodle's ``question/type/*``. ``TYPES`` maps each stable
``type`` string to its grading class (``questions/<type>.py``: parse its part of a bank,
draw per-attempt state, read a submitted form, grade); its editor is
``questions/editors/<type>.py`` (registered in ``editors.EDITORS``); its templates are
``templates/questions/<type>.html`` (the input) and ``<type>_editor.html`` (the
editor's fields). ``tests/test_question_rooms.py`` fails when one of them is missing.

A new type: its class here and in ``TYPES``, its editor and ``EDITORS``, the two
templates, its tests (``tests/questions/test_<type>.py``, and its form and spec in
``tests/test_authoring_questions.py``), and its part of ``question_banks/README.md``.

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

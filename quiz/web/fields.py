"""Field helpers every page's forms share (the teacher's class and assignment forms,
authoring, drafting): choices for a select from (value, label) pairs or a dict, and a
list of checkboxes. They are plain WTForms and the question editors use them too, so
they are defined in ``quiz.questions.editors.fields`` (``quiz.questions`` may import
nothing of the web); pages import them from here."""

from __future__ import annotations

from quiz.questions.editors.fields import MultiCheckboxField, options

__all__ = ["MultiCheckboxField", "options"]

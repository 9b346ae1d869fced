"""``single``'s editor: options, one of them correct; another may get partial credit."""

from __future__ import annotations

from quiz.questions.editors.choice import ChoiceEditor


class SingleEditor(ChoiceEditor):
    type = "single"
    name = "Single choice"
    partial_credit = True
    answer_hint = "The option's text, exactly as written above."

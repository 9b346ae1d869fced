"""``multiple``'s editor: options, any number of them correct."""

from __future__ import annotations

from typing import Any

from quiz.questions.editors.base import lines_of
from quiz.questions.editors.choice import ChoiceEditor


class MultipleEditor(ChoiceEditor):
    type = "multiple"
    name = "Multiple select"
    several_right = True
    answer_hint = "The options' texts, one per line, exactly as written above."

    def answer_value(self, text: str) -> Any:
        """One option per line."""
        return lines_of(text)

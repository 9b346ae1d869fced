"""Question types. The registry maps each stable ``type`` string to its class."""

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

"""A check's answer as the form fields a student's browser would send for it
(``answer_form``): each type says how, in its ``Question.check_form`` (the typed text,
an option's text, a list of option texts, quotes or sentence ids, a mapping of quote
to category), with the helpers of ``quiz.questions.checkform``, re-exported here.
Problems go to ``ctx.error``. Pure."""

from __future__ import annotations

from typing import Any

from quiz.domain.article import Article
from quiz.questions.base import BankContext, Path, Question
from quiz.questions.checkform import MAX_ANSWER_ITEMS as MAX_ANSWER_ITEMS
from quiz.questions.checkform import MAX_ANSWER_LENGTH as MAX_ANSWER_LENGTH
from quiz.questions.checkform import describe as describe
from quiz.questions.checkform import plain as plain
from quiz.questions.checkform import short as short


def answer_form(
    question: Question, article: Article, answer: Any, ctx: BankContext, path: Path
) -> dict[str, list[str]]:
    """The form fields a student's browser would send for ``answer`` ({} on a problem)."""
    return question.check_form(article, answer, ctx, path)

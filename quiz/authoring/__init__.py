"""Authoring banks in the browser: a bank's page and settings (``views``), the question
editor (``question_views``: each type's fields from ``quiz.questions.editors.EDITORS``,
so no module here names a question type), previews (``preview_views``), new banks from
an article (``draft_views``), files in and out (``interchange_views``); what changes a
bank (``operations``), its checks and warnings (``quality``), its YAML (``dump``).

May import the domain, the question types and their editors, drafting, interchange,
the store, the use cases (``quiz.services``) and ``quiz.web``'s forms and fields."""

from quiz.authoring import (
    draft_views,  # noqa: F401  (registers "New bank from an article")
    interchange_views,  # noqa: F401  (GIFT, QTI, spreadsheets in and out)
    preview_views,  # noqa: F401  (a question as a student sees it)
)
from quiz.authoring.views import bp

__all__ = ["bp"]

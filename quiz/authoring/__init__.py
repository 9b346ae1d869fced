"""Authoring banks in the browser."""

from quiz.authoring import (
    draft_views,  # noqa: F401  (registers "New bank from an article")
    interchange_views,  # noqa: F401  (GIFT, QTI, spreadsheets in and out)
)
from quiz.authoring.views import bp

__all__ = ["bp"]

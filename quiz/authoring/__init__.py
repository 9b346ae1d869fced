"""Authoring banks in the browser."""

from quiz.authoring.views import bp

__all__ = ["bp"]

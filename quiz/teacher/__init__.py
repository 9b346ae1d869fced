"""The teacher's blueprint."""

from quiz.teacher.views import bp

__all__ = ["bp"]

"""The student's blueprint."""

from quiz.student.views import bp

__all__ = ["bp"]

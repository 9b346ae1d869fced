"""Teachers' accounts: sign-up, log in, log out, and the guard for teacher pages."""

from quiz.auth.views import bp, current_teacher, teacher_required

__all__ = ["bp", "current_teacher", "teacher_required"]

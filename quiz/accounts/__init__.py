"""Teachers' accounts: sign-up, log in, log out, and the guard for teacher pages.

- ``teachers``: accounts as data (create, authenticate, new password, end sessions);
- ``sessions``: a teacher's session and ``teacher_required``;
- ``blueprint``, ``login`` (log in and out), ``account`` (sign up, the account page),
  ``views`` (registers the pages; the names others import);
- ``forms``, ``commands`` (the CLI's ``create-teacher`` and ``set-password``).

May import Flask, ``quiz.store`` and ``quiz.web`` (forms base, time display); nothing
here imports the other blueprints.
"""

from __future__ import annotations

from flask import Blueprint, abort, session

from quiz.accounts.views import bp, current_teacher, teacher_required

__all__ = ["bp", "current_teacher", "guard_teacher_pages", "teacher_required"]


def guard_teacher_pages(blueprint: Blueprint) -> None:
    """Every page of ``blueprint`` needs a logged-in teacher (``g.teacher``). A
    browser that is a student here, and no teacher, is refused outright (403);
    anyone else is sent to the login page."""

    @blueprint.before_request
    def _students_are_not_teachers() -> None:
        if current_teacher() is None and (
            session.get("class_students") or session.get("student_id")
        ):
            abort(403, "This page is for teachers. Teachers log in at /teacher/login.")

    @blueprint.before_request
    @teacher_required
    def _guard() -> None:
        """``g.teacher`` is set by the decorator."""

"""The ``auth`` blueprint's pages, registered by importing their modules (``login``:
log in and out; ``account``: sign up and the account page), and the names other
modules import from here."""

from __future__ import annotations

from quiz.accounts import account, login
from quiz.accounts.account import EMAIL_TAKEN, WRONG_PASSWORD
from quiz.accounts.blueprint import bp
from quiz.accounts.login import BAD_LOGIN, NOTICES
from quiz.accounts.sessions import (
    BACKGROUND_HEADER,
    SESSION_KEYS,
    current_teacher,
    log_in,
    log_out,
    safe_next,
    teacher_required,
)
from quiz.accounts.teachers import (
    EmailTaken,
    authenticate,
    create_teacher,
    end_sessions,
    find_teacher,
    login_key,
    set_password,
)

__all__ = [
    "BACKGROUND_HEADER",
    "BAD_LOGIN",
    "EMAIL_TAKEN",
    "NOTICES",
    "SESSION_KEYS",
    "WRONG_PASSWORD",
    "EmailTaken",
    "account",
    "authenticate",
    "bp",
    "create_teacher",
    "current_teacher",
    "end_sessions",
    "find_teacher",
    "log_in",
    "log_out",
    "login",
    "login_key",
    "safe_next",
    "set_password",
    "teacher_required",
]

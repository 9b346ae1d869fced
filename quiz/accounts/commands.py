"""``flask --app quiz create-teacher EMAIL`` and ``set-password EMAIL``.

The password is never an argument (it would stay in the shell history and show
in the process list): it is asked twice, hidden, on a terminal, or read from the
first line of standard input otherwise (``echo "$PW" | flask ... create-teacher``).
"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from quiz.accounts.forms import PASSWORD_MAX, PASSWORD_MIN, looks_like_email, normalise_email
from quiz.accounts.teachers import EmailTaken, create_teacher, find_teacher, set_password
from quiz.store.db import session_scope
from quiz.web.clidb import needs_database


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def _checked_password() -> str:
    password = _read_password()
    if len(password) < PASSWORD_MIN:
        _fail(f"The password is too short: use at least {PASSWORD_MIN} characters.")
    if len(password) > PASSWORD_MAX:
        _fail(f"The password is too long: use at most {PASSWORD_MAX} characters.")
    return password


@click.command("create-teacher")
@click.argument("email")
@click.option("--name", default="", help="The name students and colleagues see.")
@with_appcontext
@needs_database()
def create_teacher_command(email: str, name: str) -> None:
    """Create a teacher's account. The password is asked for (or read from stdin)."""
    email = normalise_email(email)
    if not looks_like_email(email):
        _fail(f"{email!r} does not look like an e-mail address.")
    with session_scope(current_app._get_current_object()) as db:  # type: ignore[attr-defined]
        if find_teacher(db, email) is not None:
            _fail(f"A teacher with e-mail {email} already exists.")
        password = _checked_password()
        try:
            create_teacher(db, email, password, name)
        except EmailTaken:
            _fail(f"A teacher with e-mail {email} already exists.")
    click.echo(f"Teacher {email} created.")


@click.command("set-password")
@click.argument("email")
@with_appcontext
@needs_database()
def set_password_command(email: str) -> None:
    """Give a teacher a new password (and lift any login block on the account)."""
    email = normalise_email(email)
    with session_scope(current_app._get_current_object()) as db:  # type: ignore[attr-defined]
        teacher = find_teacher(db, email)
        if teacher is None:
            _fail(f"No teacher has the e-mail {email}.")
            return
        set_password(db, teacher, _checked_password())
    click.echo(f"Password of {email} changed.")

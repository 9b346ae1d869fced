"""What every ``flask --app quiz`` command that uses the database shares: before it
runs, the database must answer and its schema must be the one this code expects;
otherwise the command says so in one line, with what to run, and exits 1 (never a
SQLAlchemy traceback). ``needs_database`` marks such a command (tests find them by
the mark: ``uses_database``)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from alembic.util import CommandError
from flask import current_app
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from quiz.store.db import get_engine
from quiz.store.migrate import current_revision, head_revision

SETUP = "flask --app quiz setup"
F = TypeVar("F", bound=Callable[..., Any])


def unreachable(engine: Engine, exc: BaseException) -> str:
    """One line: which database could not be reached, and why (the driver's first line)."""
    cause = getattr(exc, "orig", None) or exc
    reason = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    url = engine.url.render_as_string(hide_password=True)
    return (
        f"The database at {url} cannot be reached ({reason}): check QUIZ_DATABASE_URL "
        "and that the database server is running."
    )


def schema_problem(engine: Engine) -> str | None:
    """Why this database cannot serve a command, in one line with what to run, or None.
    A schema made straight from the models (``create_all``: tests, a developer's
    scratch database) has every table and no migration record: it is current."""
    from quiz.store.db import Base

    try:
        with engine.connect() as connection:
            current = current_revision(connection)
            if current == head_revision():
                return None
            if current is None:
                tables = set(inspect(connection).get_table_names())
                if not tables & set(Base.metadata.tables):
                    return f"The database has no tables yet: run `{SETUP}` first."
                if "alembic_version" not in tables and set(Base.metadata.tables) <= tables:
                    return None
            return (
                f"The database schema is at {current or 'nothing'}, this code needs "
                f"{head_revision()}: run `{SETUP}` first."
            )
    except SQLAlchemyError as exc:
        return unreachable(engine, exc)


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)


def needs_database(check_schema: bool = True) -> Callable[[F], F]:
    """Decorate a command (under ``with_appcontext``): with ``check_schema`` (every
    command but those that make the schema), refuse an unprepared database; always,
    turn a database that cannot be reached, or goes away mid-command, into one line
    and exit 1."""

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> Any:
            engine = get_engine(current_app)
            if check_schema and (problem := schema_problem(engine)) is not None:
                _fail(problem)
            try:
                return command(*args, **kwargs)
            except OperationalError as exc:
                _fail(unreachable(engine, exc))
            except CommandError as exc:  # alembic's own (db revision on an old schema)
                _fail(f"{exc} (run `{SETUP}` first).")

        run.uses_database = True  # type: ignore[attr-defined]
        return run  # type: ignore[return-value]

    return decorate


def uses_database(command: click.Command) -> bool:
    """Whether ``command`` is marked with ``needs_database``."""
    callback = command.callback
    while callback is not None:
        if getattr(callback, "uses_database", False):
            return True
        callback = getattr(callback, "__wrapped__", None)
    return False

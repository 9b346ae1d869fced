"""Schema migrations with Alembic, run on the application's own engine."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _scripts_config() -> Config:
    """A configuration naming the migrations only (no database)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def alembic_config(engine: Engine) -> Config:
    cfg = _scripts_config()
    url = engine.url.render_as_string(hide_password=False)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # configparser syntax
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (an empty database included)."""
    cfg = alembic_config(engine)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several workers or hosts starting at once: one migrates, the others wait.
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(727274)")
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a new migration from the models (a developer's command)."""
    cfg = alembic_config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.revision(cfg, message=message, autogenerate=True)


@cache
def head_revision() -> str:
    """The schema revision this code expects (the newest migration it ships)."""
    head = ScriptDirectory.from_config(_scripts_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migration found in " + str(MIGRATIONS))
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at (None: never migrated)."""
    return MigrationContext.configure(connection).get_current_revision()


def readiness_problem(engine: Engine) -> str | None:
    """What keeps this database from serving the quiz, in a sentence an admin can act
    on, or None: it answers, its schema is at ``head_revision`` and it holds a bank."""
    from quiz.store.models import Bank

    try:
        with engine.connect() as connection:
            current = current_revision(connection)
            if current != head_revision():
                return (
                    f"database schema at {current or 'nothing'}, this code needs "
                    f"{head_revision()}: run `flask --app quiz setup`"
                )
            if connection.scalar(select(Bank.id).limit(1)) is None:
                return "no question bank loaded: run `flask --app quiz setup`"
    except SQLAlchemyError as exc:
        return f"database unreachable ({type(getattr(exc, 'orig', None) or exc).__name__})"
    return None

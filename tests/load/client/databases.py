"""A fresh database for a run: a SQLite file or a private PostgreSQL schema, dropped
afterwards."""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.load.client.common import DEFAULT_PG
from tests.load.client.server import flask_setup


def pg_base_url() -> tuple[str | None, str]:
    """The PostgreSQL server's URL, or None and why not (as tests/conftest.py says it)."""
    url = os.environ.get("QUIZ_TEST_DATABASE_URL") or DEFAULT_PG
    if not url.startswith("postgresql"):
        return None, "QUIZ_TEST_DATABASE_URL is not a postgresql URL"
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        finally:
            engine.dispose()
    except OperationalError as exc:
        first = str(exc).splitlines()[0]
        return None, f"at {make_url(url).render_as_string()}: {first}"
    return url, ""


@contextlib.contextmanager
def fresh_database(kind: str, tmp: Path, pg_url: str | None = None) -> Iterator[str]:
    """A new, empty database prepared with ``flask setup``: a SQLite file in ``tmp``,
    or a schema of its own on PostgreSQL, dropped afterwards."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp / 'load.sqlite'}"
        flask_setup(url)
        yield url
        return
    if kind != "postgresql":
        raise ValueError(kind)
    if pg_url is None:
        pg_url, reason = pg_base_url()
        if pg_url is None:
            raise RuntimeError(f"PostgreSQL not reachable {reason}")
    schema = f"quiz_load_{secrets.token_hex(4)}"
    admin = create_engine(pg_url, pool_pre_ping=True)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        url = make_url(pg_url).update_query_dict({"options": f"-csearch_path={schema}"})
        url_s = url.render_as_string(hide_password=False)
        try:
            flask_setup(url_s)
            yield url_s
        finally:
            _drop_schema(admin, schema)
    finally:
        admin.dispose()


def _drop_schema(admin: Any, schema: str) -> None:
    # After a restart of the server, give it a moment to accept connections again.
    for attempt in range(30):
        try:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            return
        except OperationalError:
            if attempt == 29:
                raise
            time.sleep(1)

"""Fixtures for the load tests: the app under gunicorn (4 workers, like the
deployment guide) on a fresh database made with ``flask --app quiz setup``.

PostgreSQL runs where tests/conftest.py finds a server and skips with its
``SKIP_PG`` reason otherwise. Deselect the whole package with ``-m "not load"``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from quiz.store.db import make_engine
from tests.conftest import _pg_base_url
from tests.load import client as lc

WORKERS = 4


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "load: drives the app under gunicorn with many simulated students (minutes, not seconds)",
    )


@pytest.fixture(scope="session")
def pg_url() -> str:
    """The PostgreSQL server of tests/conftest.py; a skip saying why where there is none."""
    url, reason = _pg_base_url()
    if url is None:
        pytest.skip(reason)
    return url


@dataclass
class Served:
    """The app under gunicorn and the database it serves."""

    kind: str
    database_url: str
    server: lc.Gunicorn
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def base(self) -> tuple[str, int]:
        return self.server.base

    def session(self) -> Session:
        if self._engine is None:
            self._engine = make_engine(self.database_url)
        return Session(self._engine)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


@contextlib.contextmanager
def serve(kind: str, tmp: Path, request: pytest.FixtureRequest) -> Iterator[Served]:
    pg = request.getfixturevalue("pg_url") if kind == "postgresql" else None
    with lc.fresh_database(kind, tmp, pg) as url:
        server = lc.Gunicorn(
            "quiz:create_app()", lc.quiz_env(url), tmp / "gunicorn.log", workers=WORKERS
        )
        served = Served(kind, url, server.start())
        try:
            yield served
        finally:
            served.close()
            server.stop()
            # Shown by pytest only when the test failed: tracebacks of any 500.
            print(f"--- gunicorn log ({kind}), last lines ---\n{server.log_tail(80)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def served_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    """A fresh database and server for one test."""
    with serve(request.param, tmp_path, request) as served:
        yield served


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """One database and server for a module's tests (each test has its own students)."""
    with serve(request.param, tmp_path_factory.mktemp(request.param), request) as served:
        yield served

"""Fixtures: an app on a fresh database per test, on SQLite and on PostgreSQL.

PostgreSQL runs when ``QUIZ_TEST_DATABASE_URL`` names a server (default: the
local one at 127.0.0.1:5432, database ``test``); where none answers, those tests
skip and say why. Under CI (``CI=true``) a skipped PostgreSQL or browser test
fails the run instead.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import settings as hypothesis_settings
from hypothesis.configuration import set_hypothesis_home_dir
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from quiz import create_app
from quiz.domain.banks import LoadedBank, check_paths
from quiz.services import import_bank
from quiz.store.db import Base, dispose_engines, session_scope

# Property-based tests keep nothing in the work tree (no example database, and
# Hypothesis's own files under the system's temporary directory), take no time
# limit per example (a page on PostgreSQL can be slow on a shared machine) and few
# examples unless a test asks for more.
set_hypothesis_home_dir(str(Path(tempfile.gettempdir()) / "quiz-hypothesis"))
hypothesis_settings.register_profile("quiz", database=None, deadline=None, max_examples=25)
hypothesis_settings.load_profile("quiz")

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_BANKS = ROOT / "question_banks"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SKIP_PG = "PostgreSQL not reachable"
SKIP_BROWSER = "Chromium not installed"


def _pg_base_url() -> tuple[str | None, str]:
    url = os.environ.get("QUIZ_TEST_DATABASE_URL") or DEFAULT_PG
    if not url.startswith("postgresql"):
        return None, f"{SKIP_PG}: QUIZ_TEST_DATABASE_URL is not a postgresql URL"
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except OperationalError as exc:
        first = str(exc).splitlines()[0]
        return None, f"{SKIP_PG} at {make_url(url).render_as_string()}: {first}"
    return url, ""


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    """A private schema on the PostgreSQL server, made once per test session."""
    base, reason = _pg_base_url()
    if base is None:
        pytest.skip(reason)
    schema = f"quiz_test_{secrets.token_hex(4)}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    url_s = url.render_as_string(hide_password=False)
    engine = create_engine(url_s)
    Base.metadata.create_all(engine)
    engine.dispose()
    yield url_s
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'quiz.sqlite'}"
        engine = create_engine(url)
        Base.metadata.create_all(engine)
        engine.dispose()
        yield url
        return
    url = request.getfixturevalue("pg_schema_url")
    yield url
    engine = create_engine(url)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


class _ErrorRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.records.append(record)


@pytest.fixture(autouse=True)
def _no_unhandled_exceptions() -> Iterator[None]:
    """A test fails if the app logged an unhandled exception (what a user sees as
    "Something went wrong", HTTP 500), whatever the test itself asserted."""
    handler = _ErrorRecords()
    logger = logging.getLogger("quiz")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    if handler.records:
        first = handler.records[0]
        exc = first.exc_info[1] if first.exc_info else None
        pytest.fail(
            f"the app logged {len(handler.records)} unhandled exception(s) (HTTP 500), "
            f"the first: {first.getMessage()}: {exc!r}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def shipped_banks() -> list[LoadedBank]:
    banks, errors = check_paths([SHIPPED_BANKS])
    assert not errors, "\n".join(map(str, errors))
    return banks


def make_app(database_url: str, instance: Path, **config: object) -> Flask:
    settings: dict[str, object] = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "BANK_PATHS": [str(SHIPPED_BANKS)],
    }
    settings.update(config)
    app = create_app(settings)
    app.instance_path = str(instance)
    return app


@pytest.fixture
def app(database_url: str, tmp_path: Path, shipped_banks: list[LoadedBank]) -> Iterator[Flask]:
    app = make_app(database_url, tmp_path)
    with session_scope(app) as session:
        for bank in shipped_banks:
            import_bank(session, bank)
    yield app
    dispose_engines(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of a page's form, as a browser would send it back."""
    found = _CSRF.search(html) or re.search(
        r'id="csrf_token" name="csrf_token"[^>]*value="([^"]+)"', html
    )
    assert found, "no CSRF token in the page"
    return found.group(1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config._quiz_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")  # type: ignore[attr-defined]


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    """Under CI, PostgreSQL and browser tests must run, not skip."""
    if not getattr(config, "_quiz_ci", False):
        return
    skipped = terminalreporter.stats.get("skipped", [])
    needed = [r for r in skipped if SKIP_PG in str(r.longrepr) or SKIP_BROWSER in str(r.longrepr)]
    if needed:
        terminalreporter.write_line(
            f"CI: {len(needed)} PostgreSQL/browser tests were skipped; they must run in CI.",
            red=True,
        )
        config._quiz_ci_failed = True  # type: ignore[attr-defined]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if not getattr(config, "_quiz_ci", False):
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    skipped = reporter.stats.get("skipped", [])
    if any(SKIP_PG in str(r.longrepr) or SKIP_BROWSER in str(r.longrepr) for r in skipped):
        session.exitstatus = 1

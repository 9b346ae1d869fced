"""``/readyz``: what a monitor asks to know the database can serve the quiz."""

from __future__ import annotations

from quiz.services import import_bank
from quiz.store.db import dispose_engines, get_engine, session_scope
from quiz.store.migrate import head_revision, upgrade
from tests.conftest import make_app


def _ready(app):
    response = app.test_client().get("/readyz")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/plain"
    return response.status_code, response.get_data(as_text=True)


def test_ready_once_migrated_and_a_bank_is_loaded(tmp_path, shipped_banks):
    app = make_app(f"sqlite:///{tmp_path / 'fresh.sqlite'}", tmp_path)
    upgrade(get_engine(app), "0002")  # the code was upgraded, the database not yet
    status, text = _ready(app)
    assert status == 503
    assert text == f"database schema at 0002, this code needs {head_revision()}: " + (
        "run `flask --app quiz setup`\n"
    )
    upgrade(get_engine(app))
    status, text = _ready(app)
    assert status == 503 and text.startswith("no question bank loaded")
    assert "flask --app quiz setup" in text
    with session_scope(app) as s:
        import_bank(s, shipped_banks[0])
    assert _ready(app) == (200, "ok\n")
    dispose_engines(app)


def test_a_schema_behind_the_code_is_not_ready(app):
    """The test databases are made by create_all, never migrated: exactly what a
    deploy that forgot ``setup`` would look like (on SQLite and PostgreSQL)."""
    status, text = _ready(app)
    assert status == 503
    assert f"schema at nothing, this code needs {head_revision()}" in text
    # /healthz stays up: a worker that answers is alive, whatever the database.
    health = app.test_client().get("/healthz")
    assert health.status_code == 200 and health.get_data(as_text=True) == "ok\n"


def test_an_unreachable_database_is_not_ready(tmp_path):
    for url in (
        f"sqlite:///{tmp_path / 'no-such-folder' / 'quiz.sqlite'}",
        "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2",
    ):
        app = make_app(url, tmp_path)
        status, text = _ready(app)
        assert status == 503 and text == "database unreachable (OperationalError)\n", url
        dispose_engines(app)

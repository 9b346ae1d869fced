"""Migrations build exactly the models' schema, on an empty database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from quiz.store import models  # noqa: F401
from quiz.store.db import Base, make_engine
from quiz.store.migrate import upgrade


def test_upgrade_empty_database_matches_models(tmp_path, request):
    url = f"sqlite:///{tmp_path / 'm.sqlite'}"
    _check(url)


def test_upgrade_on_postgresql_matches_models(pg_schema_url):
    # The session schema was made by create_all; migrate a second, empty schema.
    admin = create_engine(pg_schema_url)
    schema = "quiz_mig_" + pg_schema_url.rsplit("quiz_test_", 1)[1][:8]
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = (
        make_url(pg_schema_url)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )
    try:
        _check(url)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _check(url):
    engine = make_engine(url)
    upgrade(engine)
    upgrade(engine)  # a second run (an existing database) changes nothing
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
        assert diff == []
        assert "alembic_version" in inspect(conn).get_table_names()
    engine.dispose()

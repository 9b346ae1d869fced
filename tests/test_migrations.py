"""Migrations build exactly the models' schema, on an empty database."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from quiz.store import models
from quiz.store.db import Base, make_engine
from quiz.store.migrate import MIGRATIONS, upgrade
from tests.test_stats_reads import _class


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


def test_answer_incomplete_is_filled_from_the_grade(database_url):
    """0005 gives the answers stored before it their "incomplete" flag from the words
    their grade keeps (its data step, on SQLite and PostgreSQL: a JSON path each)."""
    step = _migration("0005_answer_incomplete.py")
    engine = make_engine(database_url)
    with sessionmaker(engine, expire_on_commit=False)() as session:
        _class(session, "highest")
        first, second, *_rest = session.scalars(select(models.Answer).order_by(models.Answer.id))
        first.grade = {**first.grade, "incomplete": "1 of 2 labelled"}
        second.grade = {**second.grade, "incomplete": None}  # a grade saying nothing of it
        session.commit()
        ids = (first.id, second.id)
    with engine.begin() as conn:  # as before 0005: no answer flagged
        conn.execute(update(models.Answer).values(incomplete=False))
        step.fill_incomplete(conn)
    with engine.connect() as conn:
        flagged = conn.scalars(select(models.Answer.id).where(models.Answer.incomplete)).all()
        total = conn.scalar(select(func.count()).select_from(models.Answer))
    engine.dispose()
    assert flagged == [ids[0]] and total > 2


def _migration(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, MIGRATIONS / "versions" / name)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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

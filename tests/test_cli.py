"""`flask --app quiz setup`: migrate, load banks, refuse an invalid bank."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, inspect, select

from quiz.store import models as m
from quiz.store.db import dispose_engines, get_engine, session_scope
from tests.conftest import SHIPPED_BANKS, make_app

BROKEN = Path(__file__).parent / "data" / "broken"


def _fresh_app(tmp_path, banks):
    return make_app(f"sqlite:///{tmp_path / 'fresh.sqlite'}", tmp_path, BANK_PATHS=banks)


def test_setup_migrates_and_loads_the_shipped_banks(tmp_path):
    app = _fresh_app(tmp_path, [str(SHIPPED_BANKS)])
    result = app.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    assert "banks loaded" in result.output
    again = app.test_cli_runner().invoke(args=["setup"])  # an existing database
    assert again.exit_code == 0, again.output
    with session_scope(app) as s:
        assert s.scalar(select(func.count()).select_from(m.Bank)) == 1
        assert s.scalar(select(func.count()).select_from(m.Question)) >= 30
    dispose_engines(app)


def test_setup_refuses_an_invalid_bank_and_loads_nothing(tmp_path):
    banks = [str(SHIPPED_BANKS), str(BROKEN / "unknown-skill.yaml")]
    app = _fresh_app(tmp_path, banks)
    result = app.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 1
    assert "unknown-skill.yaml:21: question q-single: skill: unknown skill" in result.output
    assert "will not start" in result.output and "Traceback" not in result.output
    assert "bank" in inspect(get_engine(app)).get_table_names()
    with session_scope(app) as s:
        assert s.scalar(select(func.count()).select_from(m.Bank)) == 0  # not even the good one
    dispose_engines(app)

"""Configuration: generated secret key, QUIZ_* environment overrides."""

from __future__ import annotations

import stat

from quiz import create_app
from quiz.web.config import ensure_secret_key


def test_secret_key_is_generated_once_into_the_instance(tmp_path):
    key = ensure_secret_key(str(tmp_path))
    assert len(key) == 64
    assert ensure_secret_key(str(tmp_path)) == key
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_environment_overrides(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'env.sqlite'}"
    monkeypatch.setenv("QUIZ_SECRET_KEY", "from-env")
    monkeypatch.setenv("QUIZ_DATABASE_URL", url)
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["DATABASE_URL"] == url


def test_default_database_is_sqlite_in_instance(monkeypatch):
    monkeypatch.delenv("QUIZ_DATABASE_URL", raising=False)
    monkeypatch.setenv("QUIZ_SECRET_KEY", "x")
    app = create_app()
    assert app.config["DATABASE_URL"].endswith("/instance/quiz.sqlite")
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None  # a two-hour quiz meets no CSRF error

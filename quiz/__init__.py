"""A media-literacy quiz package: quizzes that teach careful reading of the news."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from quiz.web.config import Defaults, default_database_url, ensure_secret_key, resource_dir


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Defaults, then ``instance/config.py``, then ``QUIZ_*`` environment variables,
    then ``test_config``."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(resource_dir("templates")),
    )
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("QUIZ")
    if test_config is not None:
        app.config.from_mapping(test_config)
    if isinstance(app.config.get("BANK_PATHS"), str):
        app.config["BANK_PATHS"] = [app.config["BANK_PATHS"]]
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = default_database_url(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = ensure_secret_key(app.instance_path)

    from quiz.store import db
    from quiz.web import app as web
    from quiz.web import cli

    db.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    return app

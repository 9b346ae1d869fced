"""Configuration defaults. ``QUIZ_*`` environment variables override them.

``QUIZ_SECRET_KEY`` and ``QUIZ_DATABASE_URL`` (any SQLAlchemy URL) are the two
that matter most; see the README for the rest.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def resource_dir(name: str) -> Path:
    """``templates`` or ``question_banks``: inside the package when installed from a
    wheel, at the top of the source tree when run from a checkout."""
    packaged = PACKAGE_DIR / name
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / name


class Defaults:
    DATABASE_URL: str | None = None  # default: sqlite in the instance folder
    BANK_PATHS: list[str] = [str(resource_dir("question_banks"))]
    # Students keep their identity (and resume attempts) from the same browser.
    PERMANENT_SESSION_LIFETIME = timedelta(days=180)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # also Secure whenever a request comes over HTTPS
    PROXY_FIX = False  # true behind a reverse proxy that sets X-Forwarded-Proto
    # A CSRF token lives as long as the session: a student may take two hours.
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 1024 * 1024
    TIMEZONE = "UTC"  # the school's time zone, for showing and typing times
    SQL_ECHO = False
    ALLOW_SIGNUP = True  # teachers may make their own accounts (QUIZ_ALLOW_SIGNUP=false: no)
    TEACHER_IDLE_MINUTES = 120  # a teacher's session ends after this long without a request
    TEACHER_MAX_HOURS = 12  # ...and this long after logging in, whatever happens
    # How often an open results page fetches its students' table again (0: never).
    RESULTS_REFRESH_SECONDS = 20


def ensure_secret_key(instance_path: str) -> str:
    """Read the instance's secret key, generating it on first start (mode 0600)."""
    path = Path(instance_path) / "secret_key"
    try:
        key = path.read_text().strip()
        if key:
            return key
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    tmp = path.with_name(f".secret_key.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    try:
        os.link(tmp, path)  # atomic: several workers starting at once agree on one key
    except FileExistsError:
        key = path.read_text().strip()
    finally:
        tmp.unlink()
    return key


def default_database_url(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "quiz.sqlite")

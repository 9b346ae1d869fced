"""The ``auth`` blueprint (``/teacher``: log in, sign up, the account page)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/teacher")

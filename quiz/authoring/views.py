"""STUB: replaced by the authoring blueprint."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("authoring", __name__, url_prefix="/teacher/banks")

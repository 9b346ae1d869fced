"""Wiring of the web layer: CSRF, template filters, error pages, security headers."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, current_app, g, has_request_context, render_template, request, session
from flask import url_for as flask_url_for
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map
from werkzeug.wrappers import Request, Response

from quiz.accounts import current_teacher
from quiz.domain import itemstats
from quiz.domain.rendering import markdown, markdown_inline, plural
from quiz.store.db import get_engine
from quiz.store.migrate import readiness_problem
from quiz.web.timeutil import show, show_deadline

csrf = CSRFProtect()

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


# A permanent session's cookie is signed and sent afresh (its lifetime starting
# again) at most this often when nothing in it changed, not on every response: a
# student's 180 days then end up to an hour earlier, and a page or an answer that
# changes nothing skips the JSON, zlib, base64 and HMAC of re-signing it.
SESSION_REFRESH_SECONDS = 3600.0


class _Session(SecureCookieSession):
    signed_at: float | None = None  # when the cookie it came from was signed (epoch s)


class SessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions (nothing kept in a worker's memory), marked Secure
    whenever the request came over HTTPS, even if the config does not say so, and
    re-signed when changed or ``SESSION_REFRESH_SECONDS`` after they were signed."""

    session_class = _Session
    _serializers: dict[tuple[Any, ...], URLSafeTimedSerializer] = {}

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (
            has_request_context() and request.is_secure
        )

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's, built once per key (it built one twice a request)."""
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        found = self._serializers.get(key)
        if found is None:
            found = super().get_signing_serializer(app)
            if found is None:
                return None
            if len(self._serializers) >= 16:
                self._serializers.clear()
            self._serializers[key] = found
        return found

    def open_session(self, app: Flask, request: Request) -> _Session | None:
        """Flask's, keeping when the cookie was signed."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return _Session()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return _Session()
        session = _Session(data)
        session.signed_at = signed.timestamp()
        return session

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed = getattr(session, "signed_at", None)
        return signed is None or time.time() - signed >= SESSION_REFRESH_SECONDS


_fixed_urls: dict[tuple[str, str, tuple[tuple[str, str], ...]], str] = {}


def fixed_url(endpoint: str, **values: Any) -> str:
    """``url_for`` for a link with no per-request part (the page frame's menu, the
    style sheet and script), built once per mount point of the app.

    A URL depends only on the app's routes and where it is mounted
    (``request.script_root``), so the built string is kept; every page's frame
    links to the same six places, and building them cost about 50 µs a page."""
    key = (request.script_root, endpoint, tuple(sorted(values.items())))
    url = _fixed_urls.get(key)
    if url is None:
        if len(_fixed_urls) >= 256:
            _fixed_urls.clear()
        url = _fixed_urls[key] = flask_url_for(endpoint, **values)
    return url


# How long a signed CSRF token is handed out again to the same session.
CSRF_REUSE_SECONDS = 60.0
_signed_tokens: dict[tuple[Any, str], tuple[str, float]] = {}


def csrf_token() -> str:
    """Flask-WTF's ``generate_csrf``, its signed token reused for the same session
    for up to ``CSRF_REUSE_SECONDS``.

    A token is the session's secret token, signed with a timestamp; Flask-WTF signs
    it afresh on every page (about 65 µs: JSON, zlib, base64, HMAC). Handing out
    the same signed token for a minute is what a page left open for a minute does:
    the token is checked exactly as before (the signature, and its age against
    ``WTF_CSRF_TIME_LIMIT``, which it reaches at most a minute earlier). Only the
    session that holds the secret token gets its signed form back."""
    field = current_app.config["WTF_CSRF_FIELD_NAME"]
    if field in g:
        return str(g.get(field))
    key = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    secret = session.get(field)
    now = time.monotonic()
    if isinstance(secret, str):
        hit = _signed_tokens.get((key, secret))
        if hit is not None and now - hit[1] < CSRF_REUSE_SECONDS:
            setattr(g, field, hit[0])
            return hit[0]
    token = generate_csrf()
    secret = session.get(field)
    if isinstance(secret, str):
        if len(_signed_tokens) >= 10_000:
            _signed_tokens.clear()
        _signed_tokens[(key, secret)] = (token, now)
    return token


# Path ids are bounded to the tables' id column, INTEGER: 32-bit signed on
# PostgreSQL (a larger value is "integer out of range" there) and within SQLite's
# 64-bit one (which raised OverflowError above 2**63 - 1). A larger id, or a
# negative one, matches no rule and is a plain 404 on both.
ID_MAX = 2**31 - 1


class IdConverter(IntegerConverter):
    """Werkzeug's ``int`` converter bounded to 0..``ID_MAX``, registered as the app's
    ``int``: every rule with ``<int:...>`` answers 404 for a larger number."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 0)
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)


def _plain(text: str, status: int = 200) -> Response:
    """A line of plain text that no cache keeps (the health checks)."""
    return Response(
        text + "\n", status=status, mimetype="text/plain", headers={"Cache-Control": "no-store"}
    )


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.url_map.converters["int"] = IdConverter  # before any rule is added
    if app.config.get("PROXY_FIX"):
        # Behind a reverse proxy: trust one hop of X-Forwarded-For/-Proto/-Host.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    csrf.init_app(app)
    app.jinja_env.filters["md"] = markdown
    app.jinja_env.filters["md_inline"] = markdown_inline
    app.jinja_env.filters["plural"] = plural
    app.jinja_env.globals["percent"] = itemstats.score_percent

    from quiz.accounts import bp as auth_bp
    from quiz.authoring import bp as authoring_bp
    from quiz.classes.pages import bp as teacher_bp
    from quiz.student import bp as student_bp

    app.register_blueprint(student_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(teacher_bp)
    app.register_blueprint(authoring_bp)
    app.jinja_env.globals["show_time"] = show
    app.jinja_env.globals["show_deadline"] = show_deadline
    app.jinja_env.globals["fixed_url"] = fixed_url
    # In place of Flask-WTF's own, which it sets as a global and as a context
    # processor (this one, registered later, wins).
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})
    app.jinja_env.globals["current_teacher"] = current_teacher

    @app.get("/healthz")
    def healthz() -> Response:
        """Liveness for a load balancer or a supervisor: the worker answers. Touches no
        database (a database outage shows as 503 pages, not as a dead worker)."""
        return _plain("ok")

    @app.get("/readyz")
    def readyz() -> Response:
        """Readiness for monitoring: 200 ``ok`` when the database answers, its schema
        is the one this code expects and a bank is loaded; otherwise 503 and what to
        do, in plain text. One short query each time: not for a liveness check."""
        problem = readiness_problem(get_engine(app))
        if problem is not None:
            app.logger.warning("not ready: %s", problem)
        return _plain("ok") if problem is None else _plain(problem, 503)

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError) -> tuple[str, int]:
        return render_template(
            "error.html",
            code=400,
            title="Please try again",
            message=(
                "This page was open in a way we could not check (the form expired or cookies "
                "were cleared). Nothing you saved before is lost: go back, reload the page and "
                "send it again."
            ),
        ), 400

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> tuple[str, int]:
        code = exc.code or 500
        titles = {404: "Page not found", 403: "Not allowed", 400: "Bad request"}
        return render_template(
            "error.html", code=code, title=titles.get(code, exc.name), message=exc.description
        ), code

    @app.errorhandler(OperationalError)
    def _db_down(exc: OperationalError) -> tuple[str, int]:
        app.logger.error("database unavailable: %s", exc)
        return render_template(
            "error.html",
            code=503,
            title="Back in a moment",
            message=(
                "The quiz cannot reach its database just now. Your saved answers are safe; "
                "please try again in a minute."
            ),
        ), 503

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> tuple[str, int]:
        app.logger.exception("unexpected error")
        return render_template(
            "error.html",
            code=500,
            title="Something went wrong",
            message=("Sorry, something went wrong on our side. Your saved answers are safe."),
        ), 500

    app.after_request(security_headers)


def security_headers(response: Response) -> Response:
    """Headers on every response; a view's own values win."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html":
        # A page is of one moment: Back after submitting must ask again (not show
        # the stale review with its Submit button), and Back after logging out on
        # a shared computer must not show the answers or a class from the cache.
        response.headers.setdefault("Cache-Control", "no-store")
    return response

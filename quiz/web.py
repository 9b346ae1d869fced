"""Wiring of the web layer: CSRF, template filters, error pages, security headers."""

from __future__ import annotations

from flask import Flask, has_request_context, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from quiz.auth import current_teacher
from quiz.rendering import markdown, markdown_inline
from quiz.timeutil import show

csrf = CSRFProtect()

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


class SessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions (nothing kept in a worker's memory), marked Secure
    whenever the request came over HTTPS, even if the config does not say so."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (
            has_request_context() and request.is_secure
        )


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    if app.config.get("PROXY_FIX"):
        # Behind a reverse proxy: trust one hop of X-Forwarded-For/-Proto/-Host.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    csrf.init_app(app)
    app.jinja_env.filters["md"] = markdown
    app.jinja_env.filters["md_inline"] = markdown_inline
    app.jinja_env.globals["percent"] = lambda part, whole: (100.0 * part / whole) if whole else 0.0

    from quiz.auth import bp as auth_bp
    from quiz.authoring import bp as authoring_bp
    from quiz.student import bp as student_bp
    from quiz.teacher import bp as teacher_bp

    app.register_blueprint(student_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(teacher_bp)
    app.register_blueprint(authoring_bp)
    app.jinja_env.globals["show_time"] = show
    app.jinja_env.globals["current_teacher"] = current_teacher

    @app.get("/healthz")
    def healthz() -> Response:
        """Liveness for a load balancer or a supervisor: the worker answers. Touches no
        database (a database outage shows as 503 pages, not as a dead worker)."""
        return Response("ok\n", mimetype="text/plain", headers={"Cache-Control": "no-store"})

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

    @app.after_request
    def _security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

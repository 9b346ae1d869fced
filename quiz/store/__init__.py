"""Database wiring: the engine and sessions (``db``), the tables (``models``),
schema migrations (``migrate``, ``migrations/``) and the rate-limit table.

``db`` also binds the engine and a request-scoped session to the Flask app.
May import SQLAlchemy, Alembic and Flask's app object; never a view, a use case or
the domain.
"""

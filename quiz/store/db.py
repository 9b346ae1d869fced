"""Database engine, sessions and the declarative base."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from typing import Any, NoReturn, TypeVar

from flask import Flask, g
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Connection, CursorResult, Dialect, Engine, Result
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    ResourceClosedError,
    SQLAlchemyError,
)
from sqlalchemy.orm import DeclarativeBase, Session, make_transient_to_detached, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE run by ``Session.execute`` matched (its result
    is a ``CursorResult``, though typed as a plain ``Result``)."""
    return result.rowcount if isinstance(result, CursorResult) else 0


def make_engine(url: str, echo: bool = False, **options: Any) -> Engine:
    kwargs: dict[str, Any] = {"echo": echo, "future": True, **options}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name != "sqlite":
        _ping_when_idle(engine)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # WAL lets readers and one writer work at once; the busy timeout makes
            # concurrent writers wait instead of failing with "database is locked".
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

    return engine


# A pooled connection unused for this long is checked (one round trip) before use.
PING_AFTER_IDLE_SECONDS = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use if it has been idle a while (SQLAlchemy's
    ``pool_pre_ping`` checks it every time: a tenth of a busy worker's time here).
    A dead one is replaced at once. A connection that died while in steady use (the
    server restarted under load) fails its request with the 503 page, and the pool
    then drops every connection older than the failure, so the next request, in
    every worker, gets a fresh one."""

    @event.listens_for(engine, "connect")
    def _connected(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is not None and time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("the database closed an idle connection") from exc


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"], echo=app.config.get("SQL_ECHO", False))
    app.extensions["quiz_engine"] = engine
    app.extensions["quiz_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    # On PostgreSQL, a second engine whose pooled connections stay in autocommit
    # (``autocommit_connection``); no connection is opened until one is used. On
    # SQLite, the engine itself.
    autocommit = engine
    if engine.dialect.name == "postgresql":
        autocommit = make_engine(
            app.config["DATABASE_URL"],
            echo=app.config.get("SQL_ECHO", False),
            isolation_level="AUTOCOMMIT",
        )
    app.extensions["quiz_autocommit_engine"] = autocommit

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        connection: Connection | None = g.pop("db_autocommit", None)
        # The database may have gone away mid-request: the error page is already
        # chosen, and the pool drops the broken connection.
        if session is not None:
            with suppress(SQLAlchemyError):
                session.close()
        if connection is not None:
            with suppress(SQLAlchemyError):
                connection.close()


def get_engine(app: Flask) -> Engine:
    return app.extensions["quiz_engine"]


def _autocommit_engine(app: Flask) -> Engine:
    return app.extensions["quiz_autocommit_engine"]


def engines(app: Flask) -> list[Engine]:
    """The app's engines: the main one, and the autocommit one if it is another."""
    main, autocommit = get_engine(app), _autocommit_engine(app)
    return [main] if autocommit is main else [main, autocommit]


def dispose_engines(app: Flask) -> None:
    """Close every pooled connection of the app's engines (tests, shutdown)."""
    for engine in engines(app):
        engine.dispose()


def get_session() -> Session:
    """The request's session, opened on first use and closed at teardown."""
    from flask import current_app

    if "db_session" not in g:
        g.db_session = current_app.extensions["quiz_sessionmaker"]()
    return g.db_session


def autocommit_connection() -> Connection:
    """The request's connection outside any transaction (PostgreSQL), for the
    busiest requests, the question page and the answer save: no BEGIN, COMMIT or
    ROLLBACK round trips, and psycopg keeps its prepared statements, which any
    ROLLBACK makes it drop, so that PostgreSQL plans their queries once per
    connection instead of on every request. It comes from a pool of its own whose
    connections stay in autocommit: switching a pooled connection there and back
    cost about 70 µs a request. Each statement is its own transaction: a write of
    more than one statement needs a transaction (``session_scope``); a single
    guarded statement (the first answer to a question, ``services.save_answer``)
    is atomic as it is. On SQLite, a connection of the one engine."""
    if "db_autocommit" not in g:
        from flask import current_app

        g.db_autocommit = _autocommit_engine(current_app).connect()
    return g.db_autocommit


def autocommit_session() -> Session:
    """Make the request's session (``get_session``) one on ``autocommit_connection``
    and return it (the answer save: its one write, a guarded INSERT, is atomic on
    its own); call before anything opens the session. A session so made refuses to
    change an answer (``services.NotInTransaction``)."""
    if "db_session" in g:
        raise RuntimeError("autocommit_session() after the request's session was opened")
    connection = autocommit_connection()
    g.db_session = Session(
        bind=connection,
        expire_on_commit=False,
        info={"autocommit": connection.dialect.name == "postgresql"},
    )
    return g.db_session


_Row = TypeVar("_Row")


def add_as_loaded(session: Session, row: _Row) -> _Row:
    """``row``, a mapped object made from the values a Core INSERT just wrote (with its
    id), in the session as if it had been loaded: persistent, nothing to flush. A
    busy write (a join, a start) INSERTs plain values: a mapped object's flush cost
    more than the statement."""
    make_transient_to_detached(row)
    session.add(row)
    return row


def commit_driver(connection: Connection) -> None:
    """Commit what a ``DriverStatement`` wrote on ``connection``: SQLAlchemy's
    transaction if one began on it, else the one SQLite's driver began by itself;
    on the autocommit connection of PostgreSQL there is nothing to commit."""
    if connection.in_transaction():
        connection.commit()
        return
    driver = connection.connection.dbapi_connection
    if driver is not None and getattr(driver, "autocommit", False) is not True:
        driver.commit()


@contextmanager
def session_scope(app: Flask) -> Iterator[Session]:
    """A session outside a request (CLI commands, setup): commit or roll back."""
    session: Session = app.extensions["quiz_sessionmaker"]()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def request_transaction() -> Iterator[Session]:
    """During a request, a transaction of its own beside the request's session (a
    write of more than one statement: a changed answer, a draft, a hand-in): commit
    or roll back."""
    from flask import current_app

    with session_scope(current_app) as session:
        yield session


_REQUIRED: Any = object()


class DriverStatement:
    """A statement compiled once per database dialect and run straight on the DB-API
    cursor, for the one row the busiest requests read or write: the question page's
    read and the answer's guarded INSERT.

    SQLAlchemy's own execution of the question page's statement cost about 190 µs
    of CPU against 70 µs for the same prepared statement on psycopg's cursor, and
    the answer's INSERT about 190 µs (measured in process): most of it is building
    an execution context and the result's metadata from the cursor's description
    on every call. Values go in and come out as SQLAlchemy would pass them (its own
    type processors are applied: JSON, ``UTCDateTime``); errors come out as its
    exceptions, and a lost connection is handled as it handles one (the pool
    renews itself). Listeners of the engine's ``before_cursor_execute`` and
    ``after_cursor_execute`` events (statement logs, tracing, the tests' statement
    counts) see it as they see any other statement. ``tests/test_hot_path.py``
    compares its rows with SQLAlchemy's."""

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        self._plans: dict[str, _Plan] = {}

    def _plan(self, dialect: Dialect) -> _Plan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            plan = self._plans[dialect.name] = _Plan(self.statement, dialect)
        return plan

    def first(self, connection: Connection, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row the statement returns for ``params``, or None, on a
        SQLAlchemy ``Connection`` (the statement's own transaction, if any)."""
        plan = self._plan(connection.dialect)
        args = plan.arguments(params)
        cursor = None
        try:
            driver = connection.connection.dbapi_connection
            if driver is None:  # invalidated, and not yet reconnected: as SQLAlchemy says
                raise ResourceClosedError("This Connection's DBAPI connection was invalidated")
            cursor = driver.cursor()
            dispatch = connection.dispatch
            if dispatch.before_cursor_execute:
                dispatch.before_cursor_execute(connection, cursor, plan.sql, args, None, False)
            cursor.execute(plan.sql, args)
            if dispatch.after_cursor_execute:
                dispatch.after_cursor_execute(connection, cursor, plan.sql, args, None, False)
            row = cursor.fetchone()
            processors = None if row is None else plan.processors(cursor)
            cursor.close()
        except Exception as exc:  # any error: re-raised, wrapped, by the call below
            raise_as_sqlalchemy(connection, exc, plan.sql, args, cursor)
        if row is None or processors is None:
            return None
        return tuple(v if p is None else p(v) for p, v in zip(processors, row, strict=True))


def raise_as_sqlalchemy(
    connection: Connection, error: Exception, sql: str, args: Any, cursor: Any
) -> NoReturn:
    """Raise a driver's error from a statement run on the DB-API cursor as SQLAlchemy
    raises one from its own statements, with its public API: wrapped in its exception
    classes (``DBAPIError.instance``: the 503 page catches OperationalError,
    ``save_answer`` IntegrityError). A lost connection (``Dialect.is_disconnect``) is
    invalidated, and the engine's pool replaced (``Engine.dispose``), so that every
    connection opened before the failure is dropped and the next request gets a fresh
    one; any other error closes the cursor and, outside a transaction, rolls the
    driver's connection back (nothing to roll back in autocommit)."""
    dialect = connection.dialect
    dbapi_error = dialect.loaded_dbapi.Error
    live = not connection.closed and not connection.invalidated
    disconnect = (
        live
        and isinstance(error, dbapi_error)
        and dialect.is_disconnect(error, connection.connection.dbapi_connection, cursor)
    )
    wrapped = DBAPIError.instance(
        sql,
        args,
        error,
        dbapi_error,
        hide_parameters=connection.engine.hide_parameters,
        connection_invalidated=disconnect,
        dialect=dialect,
    )
    if disconnect:
        connection.engine.dispose()
        connection.invalidate(error)
    else:
        if cursor is not None:
            with suppress(Exception):
                cursor.close()
        driver = connection.connection.dbapi_connection if live else None
        if driver is not None and not connection.in_transaction():
            with suppress(dbapi_error):
                driver.rollback()
    raise wrapped from error


class _Plan:
    """One statement for one dialect: its SQL, how to pass its parameters, how to read
    its columns."""

    def __init__(self, statement: Any, dialect: Dialect) -> None:
        self.statement = statement
        self.dialect = dialect
        compiled = statement.compile(dialect=dialect)
        binds = compiled.bind_names  # BindParameter -> its name in the SQL
        # Literal-execute parameters (a separator, say) are rendered into the SQL here.
        expanded = compiled.construct_expanded_state(
            {b.key: None for b in binds if b.required}, escape_names=False
        )
        self.sql: str = expanded.statement
        self.order: tuple[str, ...] | None = (
            tuple(expanded.positiontup or ()) if dialect.positional else None
        )
        wanted = set(self.order) if self.order is not None else set(expanded.parameters)
        self.binds = [
            (
                name,
                b.key,
                _REQUIRED if b.required else b.effective_value,
                b.type.dialect_impl(dialect).bind_processor(dialect),
            )
            for b, name in binds.items()
            if name in wanted
        ]
        self._processors: list[Any] | None = None

    def arguments(self, params: Mapping[str, Any]) -> Any:
        values = {}
        for name, key, default, process in self.binds:
            value = params[key] if default is _REQUIRED else params.get(key, default)
            values[name] = value if process is None else process(value)
        if self.order is not None:
            return tuple(values[n] for n in self.order)
        return values

    def processors(self, cursor: Any) -> list[Any]:
        """Each column's result processor (built on the first row, from the driver's
        column types, which some of them need)."""
        if self._processors is None:
            self._processors = [
                c.type.dialect_impl(self.dialect).result_processor(self.dialect, d[1])
                for c, d in zip(self.statement.exported_columns, cursor.description, strict=True)
            ]
        return self._processors

"""A report's independent statements run side by side, each on a connection of its
own in a worker thread, while the request's thread runs the others.

Item statistics of a large class are a few statements that each take the database
a few hundred milliseconds (10,000 attempts: the answers' marks counted per question
version and total, their labels per version, the sets of versions the attempts
hold, the skill sums per attempt; issue #20). None needs another's result, and the
database runs each on one core: side by side they take the time of the longest,
not of their sum. Both drivers wait for the server
or run SQLite's engine without holding Python's GIL, so a worker thread is enough.

Only statements over committed rows may go beside: a second connection does not
see what the request's own transaction wrote and has not committed. The reports
read after ``finish_overdue``, which commits. In-memory SQLite (one database per
connection) never goes beside: the read runs on the session's connection when its
result is first asked for.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

__all__ = ["Beside", "beside", "can_go_beside"]

T = TypeVar("T")

WORKERS = 3
"""Worker threads per process: a report sends at most three statements beside."""

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    """The process's pool, made on first use (after a server forks its workers, so
    no thread is forked with them)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="quiz-beside")
        return _pool


def _forget_pool() -> None:
    """In a forked child (a server that loaded the app, then forked its workers): the
    parent's pool has no threads here, so the child makes its own."""
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_pool)


def can_go_beside(session: Session) -> bool:
    """A second connection sees what this session sees: the database is a file or a
    server, not in-memory SQLite; and the session holds no change, pending or
    written, that its transaction has not committed. What the transaction wrote is
    asked of the database, whatever wrote it (the ORM, a Core statement on the
    session's connection, plain SQL): SQLite is in a transaction only once it has
    written (pysqlite begins none for a SELECT); PostgreSQL assigns a transaction id
    only at its first write (``txid_current_if_assigned()``, one short query)."""
    if session.new or session.dirty or session.deleted:
        return False
    bind = session.get_bind()
    if not isinstance(bind, Engine):
        return False
    if bind.dialect.name == "sqlite":
        database = bind.url.database or ""
        if not database or ":memory:" in database or "mode=memory" in str(bind.url):
            return False
    if not session.in_transaction():
        return True
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        return not conn.connection.dbapi_connection.in_transaction  # type: ignore[union-attr]
    if conn.dialect.name == "postgresql":
        return bool(conn.exec_driver_sql("SELECT txid_current_if_assigned() IS NULL").scalar())
    return False


class Beside(Generic[T]):
    """One read, started beside (``beside``) or deferred; ``result()`` waits for it
    and returns its value (or raises its error) in the caller's thread."""

    def __init__(self, session: Session, read: Callable[[Connection], T]) -> None:
        self._session = session
        self._read = read
        self._future: Future[T] | None = None
        if can_go_beside(session):
            engine = session.get_bind()
            assert isinstance(engine, Engine)
            self._future = _executor().submit(self._run, engine)

    def _run(self, engine: Engine) -> T:
        with engine.connect() as conn:
            return self._read(conn)

    def result(self) -> T:
        if self._future is None:  # deferred: run it here, once
            future: Future[T] = Future()
            try:
                future.set_result(self._read(self._session.connection()))
            except Exception as exc:
                future.set_exception(exc)
            self._future = future
        return self._future.result()


def beside(session: Session, read: Callable[[Connection], T]) -> Beside[T]:
    """Start ``read`` on a connection of its own in a worker thread, if it can go
    beside (``can_go_beside``), else run it on the session's connection when its
    ``result()`` is first asked for."""
    return Beside(session, read)

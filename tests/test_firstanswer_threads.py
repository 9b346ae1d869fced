"""The per-process attempt cache of ``services.firstanswer`` under threads (``flask
run``, gthread workers): many threads missing at once, with a bound of two, each
push out the oldest kept attempt; none fails (two picking the same oldest key was a
KeyError, a 500 and the answer lost; a change of size while one looked for the
oldest a RuntimeError), and the bound holds."""

from __future__ import annotations

import sys
import threading
from datetime import datetime

import pytest

from quiz.services import firstanswer
from quiz.store import models as m


class _Result:
    def __init__(self, rows: list[tuple]) -> None:
        self.rows = rows

    def all(self) -> list[tuple]:
        return self.rows


class _Connection:
    """What ``_known_attempt`` asks of a connection: attempt n, student n's, its
    feedback after submitting (its header only); never in a transaction."""

    engine = object()

    def execute(self, _stmt, params) -> _Result:
        aid = params["attempt_id"]
        return _Result([(aid, m.FEEDBACK_AFTER_SUBMIT, datetime(2026, 1, 1))])

    def in_transaction(self) -> bool:
        return False


@pytest.fixture(autouse=True)
def _nothing_known():
    firstanswer.forget_known()
    yield
    firstanswer.forget_known()


def test_many_threads_missing_at_once_keep_the_bound(monkeypatch):
    monkeypatch.setattr(firstanswer, "KNOWN_ATTEMPTS", 2)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # a thread switch between any two bytecodes, nearly
    errors: list[BaseException] = []
    connection = _Connection()
    start = threading.Barrier(16)

    def miss(first: int) -> None:
        start.wait()
        try:
            for aid in range(first, first + 40_000, 16):
                known = firstanswer._known_attempt(connection, aid)  # type: ignore[arg-type]
                assert known is not None and known.student_id == aid
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=miss, args=(k,)) for k in range(16)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert len(firstanswer._known) <= 2


def test_an_attempt_of_another_browser_is_not_kept(monkeypatch):
    connection = _Connection()
    monkeypatch.setattr(firstanswer, "autocommit_connection", lambda: connection)
    assert firstanswer.save_first(7, 1, {8}, {}) is None  # attempt 7 is student 7's
    assert (id(connection.engine), 7) not in firstanswer._known
    assert firstanswer.save_first(7, 1, {7}, {}) is None  # not immediate feedback
    assert (id(connection.engine), 7) in firstanswer._known

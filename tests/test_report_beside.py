"""A report's independent statements run beside (quiz.reports.beside): on a
connection of their own in a worker thread, on a file or server database, with the
same figures as when every statement runs on the request's connection; never when
the session holds a change its transaction has not committed, nor on in-memory
SQLite; a failure beside is raised in the caller."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from quiz import services
from quiz.reports import beside as beside_module
from quiz.reports.beside import beside, can_go_beside
from quiz.reports.report import assignment_report
from quiz.store import models as m
from quiz.store.db import make_engine
from tests.test_stats_reads import _class
from tests.test_stats_reads import session as session  # the fixture, on both databases


def _figures(session: Session, assignment: m.Assignment) -> tuple[str, str, str]:
    session.expire_all()
    report = assignment_report(session, assignment)
    report.read_ahead()
    return repr(report.stats), repr(report.students), repr(report.pooled_skills)


def test_statistics_beside_equal_those_read_on_one_connection(session, monkeypatch) -> None:
    _bank, assignment, _a = _class(session, "average")
    engine = session.get_bind()
    threads: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        if "GROUP BY" in statement:
            threads.append(threading.current_thread().name)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert can_go_beside(session)
        together = _figures(session, assignment)
        # the skill sums, the sets' count and (SQLite) the labels' ran on the workers'
        beside_n = 2 if engine.dialect.name == "postgresql" else 3
        assert sum(name.startswith("quiz-beside") for name in threads) == beside_n, threads
        threads.clear()
        monkeypatch.setattr(beside_module, "can_go_beside", lambda _s: False)
        alone = _figures(session, assignment)
        assert not [name for name in threads if name.startswith("quiz-beside")], threads
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert together == alone
    assert "attempts_analysed=7" in together[0]


def test_a_change_not_committed_keeps_every_read_on_the_session(session) -> None:
    _bank, assignment, _a = _class(session, "highest")
    assert can_go_beside(session)
    assignment.grading = "last"  # pending
    assert not can_go_beside(session)
    session.flush()  # flushed, not committed: another connection would not see it
    assert not can_go_beside(session)
    threads: list[str] = []

    def seen(_conn, _cursor, _statement, *_args):
        threads.append(threading.current_thread().name)

    event.listen(session.get_bind(), "before_cursor_execute", seen)
    try:
        stats = assignment_report(session, assignment).stats
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", seen)
    assert "last" in stats.which_attempts
    assert threads and all(name == threading.current_thread().name for name in threads)
    session.commit()
    assert can_go_beside(session)
    session.execute(update(m.Assignment).where(m.Assignment.id == assignment.id).values(title="x"))
    assert not can_go_beside(session)  # a bulk UPDATE through the session
    session.rollback()
    assert can_go_beside(session)
    session.scalar(select(m.Assignment.title))  # a read begins no write
    assert can_go_beside(session)
    conn = session.connection()  # a Core write on the session's connection, then plain SQL
    conn.execute(update(m.Assignment).where(m.Assignment.id == assignment.id).values(title="y"))
    assert not can_go_beside(session)
    session.rollback()
    session.connection().exec_driver_sql("UPDATE assignment SET title = 'z'")
    assert not can_go_beside(session)
    session.commit()
    assert can_go_beside(session)


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///:memory:", "sqlite:///file::memory:?uri=true"]
)
def test_in_memory_sqlite_is_never_beside(url: str) -> None:
    engine = make_engine(url)
    try:
        m.Base.metadata.create_all(engine)
        with Session(engine) as s:
            assert not can_go_beside(s)
            read = beside(s, lambda conn: conn.scalar(select(func.count()).select_from(m.Bank)))
            assert read.result() == 0  # on the session's own database, tables and all
    finally:
        engine.dispose()


@pytest.mark.parametrize("go", [True, False])
def test_a_failure_beside_is_raised_in_the_caller(session, monkeypatch, go: bool) -> None:
    monkeypatch.setattr(beside_module, "can_go_beside", lambda _s: go)

    def broken(conn):
        conn.exec_driver_sql("SELECT 1")
        raise ValueError("broken read")

    read = beside(session, broken)
    for _ in range(2):  # and again: the failure is kept, not retried
        with pytest.raises(ValueError, match="broken read"):
            read.result()


def test_an_attempt_handed_in_after_the_sums_began_has_its_sums(session) -> None:
    """The skill sums start beside before the attempts are read: an attempt handed
    in between is submitted in the table, and its sums are read apart (not left
    empty, which would drop it from mastery by skill)."""
    _bank, assignment, _a = _class(session, "average")
    running = session.scalars(
        select(m.Attempt).where(m.Attempt.status == m.ATTEMPT_IN_PROGRESS)
    ).one()
    report = assignment_report(session, assignment)
    report.read_ahead()
    ahead = report._sums_ahead
    assert ahead is not None and running.id not in ahead.result()  # read before the hand-in
    with Session(session.get_bind()) as other:
        assert services.submit_attempt(other, other.get_one(m.Attempt, running.id))
    sums = report.skill_sums  # the attempts are read now: it is submitted
    assert running.id in sums and sums[running.id]
    assert sums == dict(assignment_report(session, assignment).skill_sums)
    assert running.student_id in report.pooled_skills

"""Faults under load, each with its defined outcome.

(a) A gunicorn worker killed with SIGKILL mid-run: the request it held fails, the
    client retries, gunicorn starts a new worker; every answer is stored once.
(b) PostgreSQL stopped mid-run, then started: requests during the outage get the
    503 page ("Back in a moment"), the app reconnects by itself (same workers, no
    restart), nothing saved before is lost, every answer is stored once.
Races from one browser, each with its defined outcome: ``test_races.py``.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from quiz.store import models as m
from tests.load import client as lc
from tests.load.conftest import Served, serve

pytestmark = pytest.mark.load

CONCURRENCY = 24
FAULT_STUDENTS = 24
FAULT_QUESTIONS = 10
BACK_IN_A_MOMENT = "Back in a moment"


def _check_run(served: Served, run: lc.Run, orphans_allowed: int = 0) -> dict[str, Any]:
    assert not run.failures, run.failures[:5]
    assert len(run.journeys) == FAULT_STUDENTS
    report = lc.verify_database(served.database_url, run.journeys, orphans_allowed)
    assert report["problems"] == [], report["problems"][:10]
    assert report["answers"] == report["answers_in_db"] == FAULT_STUDENTS * FAULT_QUESTIONS
    return report


def _crowd(served: Served, retry: lc.Retry | None = None) -> lc.Crowd:
    return lc.Crowd(
        served.base,
        served.database_url,
        FAULT_STUDENTS,
        CONCURRENCY,
        FAULT_QUESTIONS,
        retry=retry,
        deadline=180,
    )


# -- (a) a worker killed --------------------------------------------------------------


def test_worker_killed_mid_run(served_app: Served) -> None:
    server = served_app.server
    crowd = _crowd(served_app).start()
    try:
        total = FAULT_STUDENTS * (2 * FAULT_QUESTIONS + 5)
        crowd.wait_until(total // 3)
        before = set(server.worker_pids())
        victims = []
        # One kill of a worker caught holding a request. Should the client still have
        # got its answer (the worker had written it but not yet closed), kill again,
        # at most 3 in all, until a client saw its request fail.
        for _ in range(3):
            victims.append(server.kill_worker_mid_request())
            server.wait_for_workers(timeout=30)
            time.sleep(0.5)
            if any(e.status == 0 for e in crowd.exchanges()):
                break
        run = crowd.wait()
    finally:
        crowd.stop()
    after = set(server.worker_pids())
    print(json.dumps({"db": served_app.kind, "killed": victims, **run.summary()}))

    assert len(after) == server.workers and not set(victims) & after
    assert after != before  # gunicorn replaced the dead worker
    dropped = [e for e in run.exchanges if e.status == 0]
    assert dropped, "no client request failed when the worker died"
    # The failures were dropped connections, retried; no 5xx on the way.
    assert not [e for e in run.exchanges if e.status >= 500]
    # A killed "start" may leave a student with an empty attempt: at most one per kill.
    _check_run(served_app, run, orphans_allowed=len(victims))


# -- (b) PostgreSQL restarted ---------------------------------------------------------


TEARDOWN_500 = (
    "product bug: quiz/store/db.py _close_session (teardown_appcontext) calls session.close(), "
    "whose ROLLBACK raises OperationalError (AdminShutdown / server closed the connection) "
    "when PostgreSQL ended the connection during the request; the exception escapes "
    "Flask's error handlers and gunicorn answers a bare 500 'Internal Server Error' "
    "instead of the 503 page. Fix: catch SQLAlchemyError around session.close() there "
    "(the pool has already invalidated the connection)."
)


def _pg_cluster(url: str) -> tuple[str, str]:
    """(version, cluster) of the local cluster serving ``url``; skip when there is none
    this process may restart."""
    if shutil.which("pg_ctlcluster") is None or shutil.which("pg_lsclusters") is None:
        pytest.skip("restarting PostgreSQL needs pg_ctlcluster (Debian's postgresql-common)")
    if os.geteuid() != 0:
        pytest.skip("restarting PostgreSQL needs root")
    parsed = make_url(url)
    if parsed.host not in (None, "", "127.0.0.1", "localhost", "::1"):
        pytest.skip(f"PostgreSQL at {parsed.host} is not on this machine")
    port = str(parsed.port or 5432)
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[2] == port and fields[3] == "online":
            return fields[0], fields[1]
    pytest.skip(f"no online local cluster on port {port} in pg_lsclusters")


def _pg_ctl(version: str, cluster: str, action: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, action],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _ensure_pg_running(version: str, cluster: str) -> None:
    if _pg_ctl(version, cluster, "status").returncode != 0:
        done = _pg_ctl(version, cluster, "start")
        assert done.returncode == 0, done.stderr


def _restart_lock() -> Any:
    """One PostgreSQL restart at a time on this machine (several test runs at once)."""
    fh = open("/tmp/quiz-load-pg-restart.lock", "w")  # noqa: SIM115 (closed by the caller)
    fcntl.flock(fh, fcntl.LOCK_EX)
    return fh


def _wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.2)


def _answers_snapshot(served: Served) -> dict[tuple[int, int], tuple[Any, ...]]:
    with served.session() as s:
        rows = s.execute(
            select(
                m.Answer.attempt_id,
                m.Answer.slot_id,
                m.Answer.id,
                m.Answer.response,
                m.Answer.points,
                m.Answer.answered_at,
                m.Answer.updated_at,
            )
        ).all()
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}


def _status(base: tuple[str, int], path: str = "/") -> tuple[int, str]:
    try:
        status, _h, body = lc.raw_request(base, "GET", path, timeout=10)
    except OSError as exc:
        return 0, str(exc)
    return status, body.decode(errors="replace")


def test_postgresql_restart_mid_run(pg_url: str, tmp_path, request) -> None:
    version, cluster = _pg_cluster(pg_url)
    with serve("postgresql", tmp_path, request) as served:
        server = served.server
        workers = set(server.worker_pids())
        # A student who saved an answer before the outage, and will try during it.
        probe = lc.Browser(served.base, retry=lc.NO_RETRY)
        attempt_id = lc.start_practice(probe, "Probe")
        keys = lc.Keys(served.database_url)
        try:
            forms = keys.forms(attempt_id)
        finally:
            keys.close()
        lc.answer_question(probe, attempt_id, 1, forms[0])
        q2 = lc.expect(probe.get(lc.QUESTION, f"/attempts/{attempt_id}/q/2"), 200, "q2")

        crowd = _crowd(served, retry=lc.Retry(tries=40, max_delay=1.0, budget=90)).start()
        request.addfinalizer(crowd.stop)
        crowd.wait_until(FAULT_STUDENTS * (2 * FAULT_QUESTIONS + 5) // 3)
        saved = _answers_snapshot(served)
        served.close()  # the test's own pool: reconnect after the restart
        outage: dict[str, Any] = {}
        lock = _restart_lock()
        try:
            t_stop = time.perf_counter()
            done = _pg_ctl(version, cluster, "stop")
            assert done.returncode == 0, done.stderr
            # During the outage: the friendly 503, for a newcomer and for the probe.
            home = lc.Browser(served.base, retry=lc.NO_RETRY).get(lc.HOME, "/")
            page = probe.get(lc.QUESTION, f"/attempts/{attempt_id}/q/2")
            post = probe.post(
                lc.ANSWER,
                f"/attempts/{attempt_id}/q/2",
                {"csrf_token": [q2.csrf()], **forms[1]},
            )
            time.sleep(1.5)  # let the crowd meet the outage too
            outage = {"home": home.status, "question": page.status, "answer": post.status}
        finally:
            t_start = time.perf_counter()
            try:
                _ensure_pg_running(version, cluster)
            finally:
                lock.close()
        for p in (home, page, post):
            assert p.status == 503 and BACK_IN_A_MOMENT in p.text, (p.status, p.text[:300])

        # The app reconnects by itself: same workers, no restart.
        _wait_for(lambda: _status(served.base)[0] == 200, 60, "the app did not come back")
        recovered = time.perf_counter() - t_start
        run = crowd.wait()
        print(
            json.dumps(
                {"outage": outage, "recovered_s": round(recovered, 2), **run.summary()},
                default=str,
            )
        )
        assert set(server.worker_pids()) == workers

        in_outage = [
            e for e in run.exchanges if t_stop <= e.started + e.seconds and e.started <= t_start
        ]
        assert any(e.status == 503 for e in in_outage), "no client met the outage"
        friendly = [e for e in run.exchanges if e.status == 503]
        assert all(BACK_IN_A_MOMENT in e.error for e in friendly)
        # Any other 5xx must be the known teardown problem (see TEARDOWN_500), which
        # makes this test xfail at the end, once everything else is checked.
        others = [e for e in run.exchanges if e.status >= 500 and e.status != 503]
        log = server.log_path.read_text(errors="replace")
        bare = [e for e in others if "Internal Server Error" in e.error]
        assert len(bare) == len(others), [(e.kind, e.status, e.error[:200]) for e in others]
        if bare:
            assert "in _close_session" in log, "a bare 500 without the teardown traceback"

        # Nothing saved before the outage is lost or changed.
        after = _answers_snapshot(served)
        lost = {k: v for k, v in saved.items() if after.get(k) != v}
        assert not lost, list(lost.items())[:5]
        # The probe goes on: its answer 1 is there, answer 2 is saved now.
        lc.answer_question(probe, attempt_id, 2, forms[1])
        with served.session() as s:
            stored = s.scalars(select(m.Answer).where(m.Answer.attempt_id == attempt_id)).all()
        assert len(stored) == 2
        journeys = [*run.journeys]
        report = lc.verify_database(
            served.database_url,
            journeys,
            # The probe's attempt (not submitted: checked above), and a start that
            # met the outage after its student was stored (the retry makes another).
            orphans_allowed=3,
        )
        problems = [p for p in report["problems"] if f"orphan attempt {attempt_id} " not in p]
        assert problems == [], problems[:10]
        assert report["answers"] == FAULT_STUDENTS * FAULT_QUESTIONS
        assert not bare, f"{len(bare)} bare 500(s) during the outage: {TEARDOWN_500}"

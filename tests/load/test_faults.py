"""Faults under load, and the races a student can cause, each with its defined outcome.

(a) A gunicorn worker killed with SIGKILL mid-run: the request it held fails, the
    client retries, gunicorn starts a new worker; every answer is stored once.
(b) PostgreSQL stopped mid-run, then started: requests during the outage get the
    503 page ("Back in a moment"), the app reconnects by itself (same workers, no
    restart), nothing saved before is lost, every answer is stored once.
(c) Races from one browser:
    * double submission (concurrent POSTs to /submit): all are redirected to the
      results, the attempt is closed once, its score is its answers' points;
    * two tabs answering the same questions, in opposite orders, with different
      answers (practice, immediate feedback): for each question the first answer
      stored wins and is final; the other tab's POST is redirected to that
      question's feedback, which shows the stored answer; nothing is overwritten;
    * an answer posted after submission: redirected (302) to the results, nothing
      changes;
    * an answer racing the submission: either stored before the attempt closed
      (and counted in the score) or refused with a redirect to the results (and
      not stored); never stored but left out of the score.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import selectinload

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


# -- (c) races from one browser ------------------------------------------------------------


class Student:
    """One browser with a started practice attempt, and its right and wrong answers."""

    def __init__(self, served: Served, name: str, retry: lc.Retry = lc.NO_RETRY) -> None:
        self.served = served
        self.browser = lc.Browser(served.base, retry=retry)
        self.attempt_id = lc.start_practice(self.browser, name)
        keys = lc.Keys(served.database_url)
        try:
            self.right = keys.forms(self.attempt_id)
            self.wrong = keys.wrong_forms(self.attempt_id)
        finally:
            keys.close()

    def path(self, tail: str) -> str:
        return f"/attempts/{self.attempt_id}/{tail}"

    def token(self, n: int = 1) -> str:
        return lc.expect(self.browser.get(lc.QUESTION, self.path(f"q/{n}")), 200, "page").csrf()

    def post_answer(self, n: int, form: dict[str, list[str]], token: str) -> lc.Page:
        return self.browser.post(lc.ANSWER, self.path(f"q/{n}"), {"csrf_token": [token], **form})

    def submit(self, token: str) -> lc.Page:
        return self.browser.post(lc.SUBMIT, self.path("submit"), {"csrf_token": [token]})

    def attempt(self) -> m.Attempt:
        with self.served.session() as s:
            attempt = s.scalar(
                select(m.Attempt)
                .where(m.Attempt.id == self.attempt_id)
                .options(
                    selectinload(m.Attempt.slots)
                    .selectinload(m.AttemptSlot.question_version)
                    .selectinload(m.QuestionVersion.article),
                    selectinload(m.Attempt.answers),
                )
            )
            assert attempt is not None
            s.expunge_all()
            return attempt

    def answers(self) -> dict[int, m.Answer]:
        """Stored answers by slot position."""
        attempt = self.attempt()
        position = {slot.id: slot.position for slot in attempt.slots}
        return {position[a.slot_id]: a for a in attempt.answers}


def _at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together by a barrier; their results."""
    barrier = threading.Barrier(len(calls))

    def go(call: Callable[[], Any]) -> Any:
        barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(go, call) for call in calls]
        return [f.result(timeout=120) for f in futures]


def _snapshot(student: Student) -> tuple[Any, ...]:
    attempt = student.attempt()
    answers = sorted(
        (a.slot_id, json.dumps(a.response, sort_keys=True), a.points, a.updated_at)
        for a in attempt.answers
    )
    return attempt.status, attempt.score, attempt.submitted_at, tuple(answers)


def test_double_submit_counts_once(shared_app: Served) -> None:
    student = Student(shared_app, "Double")
    token = student.token()
    for n in (1, 2, 3):
        lc.expect(student.post_answer(n, student.right[n - 1], token), 303, f"answer {n}")
    pages = _at_once(*[lambda: student.submit(token)] * 8)
    assert [p.status for p in pages] == [303] * 8
    assert all(p.location.endswith(student.path("results")) for p in pages)
    attempt = student.attempt()
    assert attempt.status == m.ATTEMPT_SUBMITTED
    assert lc.check_attempt(attempt, expected=3) == []
    first = _snapshot(student)
    # A later resend (back button) changes nothing either.
    lc.expect(student.submit(token), 303, "resubmit", student.path("results"))
    assert _snapshot(student) == first
    results = lc.expect(student.browser.get(lc.RESULTS, student.path("results")), 200, "results")
    assert "Something went wrong" not in results.text


def test_two_tabs_out_of_order_first_answer_wins(shared_app: Served) -> None:
    # The tabs resend a request that failed with a 5xx, as a student would after
    # the "Back in a moment" page (see test_simultaneous_answers_to_one_attempt).
    student = Student(shared_app, "Two tabs", retry=lc.Retry(tries=5, budget=30))
    n_questions = 12
    chosen = [n for n in range(1, n_questions + 1) if student.wrong[n - 1] is not None]
    sent: dict[str, dict[int, Any]] = {"A": {}, "B": {}}

    def tab(name: str, order: list[int], forms: list[Any]) -> None:
        for n in order:
            page = lc.expect(student.browser.get(lc.QUESTION, student.path(f"q/{n}")), 200, "q")
            reply = student.post_answer(n, forms[n - 1], page.csrf())
            lc.expect(reply, 303, f"tab {name} answer {n}", student.path(f"q/{n}"))
            sent[name][n] = forms[n - 1]

    # Tab A answers 1..12 right; tab B answers 12..1 wrong, at the same time.
    _at_once(
        lambda: tab("A", chosen, student.right),
        lambda: tab("B", list(reversed(chosen)), student.wrong),
    )
    stored = student.answers()
    assert sorted(stored) == chosen  # exactly one answer per question
    questions = {s.position: s for s in student.attempt().slots}
    winners = {}
    for n in chosen:
        a = stored[n]
        assert a.answered_at == a.updated_at  # never overwritten
        q = lc.question_of(questions[n].question_version)
        state = questions[n].state
        winner = [t for t in ("A", "B") if q.read_response(sent[t][n], state) == a.response]
        assert winner, f"question {n}: stored {a.response}, sent neither"
        winners[n] = winner[0]
    resent = [(e.kind, e.status) for e in student.browser.log if e.status >= 500]
    print(json.dumps({"db": shared_app.kind, "winner_by_question": winners, "5xx": resent}))
    # Final: tab B sends its answer again to every question: nothing changes, and
    # the page it lands on shows the stored answer with its feedback, locked.
    before = _snapshot(student)
    token = student.token()
    for n in chosen:
        lc.expect(student.post_answer(n, student.wrong[n - 1], token), 303, "resend")
    assert _snapshot(student) == before
    page = student.browser.get(lc.QUESTION, student.path(f"q/{chosen[0]}")).text
    assert "Check my answer" not in page


DEADLOCK = (
    "product bug on PostgreSQL: save_answer INSERTs the answer (its foreign key takes "
    "FOR KEY SHARE on the attempt row), then _ensure_open takes SELECT ... FOR UPDATE "
    "on the same row; two saves of one attempt at once each wait for the other's key "
    "share: 'deadlock detected', shown as the 503 page and the answer not stored. "
    "Fix in quiz/services/answers.py: with_for_update(key_share=True) (FOR NO KEY UPDATE)."
)


def test_simultaneous_answers_to_one_attempt(shared_app: Served, request) -> None:
    """Four questions of one attempt answered at the same instant (two tabs, or a
    quick student on a slow network), eight times: every answer is stored, no 5xx."""
    student = Student(shared_app, "Simultaneous")
    token = student.token()
    statuses: Counter[int] = Counter()
    for first in range(1, 33, 4):
        replies = _at_once(
            *[
                lambda n=n: student.post_answer(n, student.right[n - 1], token)
                for n in range(first, first + 4)
            ]
        )
        statuses.update(r.status for r in replies)
    print(json.dumps({"db": shared_app.kind, "statuses": statuses}))
    assert statuses == {303: 32}
    assert sorted(student.answers()) == list(range(1, 33))


def test_two_tabs_same_question_at_once(shared_app: Served) -> None:
    student = Student(shared_app, "Same time")
    token = student.token()
    chosen = [n for n in range(1, 11) if student.wrong[n - 1] is not None]
    for n in chosen:
        replies = _at_once(
            lambda n=n: student.post_answer(n, student.right[n - 1], token),
            lambda n=n: student.post_answer(n, student.wrong[n - 1], token),
        )
        assert [r.status for r in replies] == [303, 303]
    stored = student.answers()
    assert sorted(stored) == chosen
    assert all(a.answered_at == a.updated_at for a in stored.values())
    # Each question holds one of the two answers sent, graded as stored.
    assert lc.check_attempt(student.attempt(), expected=len(chosen), submitted=False) == []
    wins = Counter("right" if a.fraction == 1.0 else "wrong" for a in stored.values())
    print(json.dumps({"db": shared_app.kind, "same_time_outcomes": wins}))


def test_answer_after_submit_changes_nothing(shared_app: Served) -> None:
    student = Student(shared_app, "Late")
    token = student.token()
    for n in (1, 2, 3):
        lc.expect(student.post_answer(n, student.right[n - 1], token), 303, f"answer {n}")
    lc.expect(student.submit(token), 303, "submit", student.path("results"))
    before = _snapshot(student)
    # A changed answer to question 1, and a first answer to question 4.
    for n, form in ((1, student.wrong[0]), (4, student.right[3])):
        assert form is not None
        reply = student.post_answer(n, form, token)
        lc.expect(reply, 302, f"late answer {n}", student.path("results"))
    assert _snapshot(student) == before
    assert lc.check_attempt(student.attempt(), expected=3) == []


def test_answer_racing_submit_is_counted_or_refused(shared_app: Served) -> None:
    outcomes: Counter[str] = Counter()
    for i in range(8):
        student = Student(shared_app, f"Racer {i}")
        token = student.token()
        for n in (1, 2):
            lc.expect(student.post_answer(n, student.right[n - 1], token), 303, f"answer {n}")
        answer, submit = _at_once(
            lambda s=student, t=token: s.post_answer(3, s.right[2], t),
            lambda s=student, t=token: s.submit(t),
        )
        lc.expect(submit, 303, "submit", student.path("results"))
        attempt = student.attempt()
        stored = len(attempt.answers)
        if answer.status == 303:
            outcomes["stored and counted"] += 1
            assert stored == 3
        else:
            lc.expect(answer, 302, "refused answer", student.path("results"))
            outcomes["refused"] += 1
            assert stored == 2
        # Whatever the order, the score is the points of what is stored.
        assert lc.check_attempt(attempt, expected=stored) == []
    print(json.dumps({"db": shared_app.kind, "answer_vs_submit": outcomes}))

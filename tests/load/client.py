"""A load client for the student's pages, and the gunicorn server it talks to.

Standard library only on the HTTP side: ``http.client`` with one connection per
request (gunicorn's sync workers close every connection anyway), a small cookie
jar per simulated student, a ``ThreadPoolExecutor`` for concurrency. The right
answers come from the database through the app's own code
(``question_of(version).key_form(slot.state)``), the way the test process can
read the same database as the server.

Used by ``tests/load`` and by ``bench/load.py``. Traffic goes to loopback only;
every loop is bounded in count and in time.
"""

from __future__ import annotations

import contextlib
import http.client
import math
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import psutil
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from quiz.questions import Question
from quiz.services import article_of, question_of
from quiz.store import models as m
from quiz.store.db import make_engine

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_BANKS = ROOT / "question_banks"
SLUG = "ice-assaults-500"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
LOOPBACK = "127.0.0.1"

CSRF_RE = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
ATTEMPT_RE = re.compile(r"/attempts/(\d+)")

# Request kinds, as reported by the benchmark.
HOME, START, QUESTION, ANSWER, REVIEW, SUBMIT, RESULTS = (
    "home",
    "start",
    "question",
    "answer",
    "review",
    "submit",
    "results",
)


class LoadError(AssertionError):
    """A simulated student met a response it cannot go on from."""


# -- the server ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def quiz_env(database_url: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZ_")}
    env.update(
        {
            "QUIZ_DATABASE_URL": database_url,
            "QUIZ_SECRET_KEY": "load-" + secrets.token_hex(16),
            "QUIZ_BANK_PATHS": f'["{SHIPPED_BANKS}"]',
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra or {})
    return env


def flask_setup(database_url: str, timeout: float = 120) -> None:
    """``flask --app quiz setup`` on a fresh database: migrations, then the banks."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "quiz", "setup"],
        cwd=ROOT,
        env=quiz_env(database_url),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask setup failed:\n{done.stdout}\n{done.stderr}")


def children_of(pid: int) -> list[int]:
    """Live pids whose parent is ``pid`` (gunicorn's workers); zombies left out."""
    try:
        children = psutil.Process(pid).children()
    except psutil.NoSuchProcess:
        return []
    found = []
    for child in children:
        with contextlib.suppress(psutil.NoSuchProcess):
            if child.status() != psutil.STATUS_ZOMBIE:
                found.append(child.pid)
    return sorted(found)


class Gunicorn:
    """``gunicorn -w N -b 127.0.0.1:<free port> APP`` in a process group of its own,
    killed with all its workers on exit."""

    def __init__(
        self,
        app: str,
        env: Mapping[str, str],
        log_path: Path,
        workers: int = 4,
        timeout: int = 60,
        cwd: Path = ROOT,
        ready_path: str = "/",
    ) -> None:
        self.app = app
        self.env = dict(env)
        self.log_path = log_path
        self.workers = workers
        self.timeout = timeout
        self.cwd = cwd
        self.ready_path = ready_path
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    @property
    def base(self) -> tuple[str, int]:
        return LOOPBACK, self.port

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(self.workers),
            "-b",
            f"{LOOPBACK}:{self.port}",
            "--timeout",
            str(self.timeout),
            "--graceful-timeout",
            "5",
            "--no-control-socket",
            self.app,
        ]

    def start(self, wait: float = 60.0) -> Gunicorn:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            self.command(),
            cwd=self.cwd,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a process group: the master and all its workers
        )
        deadline = time.monotonic() + wait
        while True:
            if self.proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"gunicorn exited at start:\n{self.log_tail()}")
            try:
                status, _h, _b = raw_request(self.base, "GET", self.ready_path, timeout=5)
                if status == 200 and len(self.worker_pids()) >= self.workers:
                    return self
            except (OSError, http.client.HTTPException):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not answer within {wait}s:\n{self.log_tail()}")
            time.sleep(0.1)

    def worker_pids(self) -> list[int]:
        return children_of(self.proc.pid) if self.proc is not None else []

    def kill_worker(self) -> int:
        """SIGKILL one worker (gunicorn's master starts a new one)."""
        pids = self.worker_pids()
        if not pids:
            raise RuntimeError("no gunicorn worker to kill")
        victim = random.choice(pids)
        os.kill(victim, signal.SIGKILL)
        return victim

    def holds_request(self, pid: int) -> bool:
        """Whether worker ``pid`` holds a client's connection (a request in hand)."""
        try:
            connections = psutil.Process(pid).net_connections(kind="tcp")
        except psutil.NoSuchProcess:
            return False
        return any(
            c.status == psutil.CONN_ESTABLISHED and c.laddr and c.laddr.port == self.port
            for c in connections
        )

    def kill_worker_mid_request(self, timeout: float = 10.0) -> int:
        """SIGKILL a worker while it holds a request, so that the request dies with it.

        Each worker in turn is frozen (SIGSTOP) and looked at: one holding a client's
        connection is killed as it stands; any other is let go (SIGCONT). A sync worker
        answers in a few milliseconds, so a worker picked at random is often between
        two requests and its death would fail nothing. Falls back to a random worker
        when none is caught with a request within ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for pid in self.worker_pids():
                try:
                    os.kill(pid, signal.SIGSTOP)
                except ProcessLookupError:
                    continue
                if self.holds_request(pid):
                    os.kill(pid, signal.SIGKILL)
                    return pid
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)
            time.sleep(0.005)
        return self.kill_worker()

    def wait_for_workers(self, n: int | None = None, timeout: float = 30) -> list[int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if len(pids) >= (n or self.workers):
                return pids
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn has {len(self.worker_pids())} workers after {timeout}s")

    def stop(self) -> None:
        """Kill the whole process group, master and workers; never leaves one behind."""
        proc, self.proc = self.proc, None
        if proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=15)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # stragglers (a worker that hung)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# -- databases -------------------------------------------------------------------------


def pg_base_url() -> tuple[str | None, str]:
    """The PostgreSQL server's URL, or None and why not (as tests/conftest.py says it)."""
    url = os.environ.get("QUIZ_TEST_DATABASE_URL") or DEFAULT_PG
    if not url.startswith("postgresql"):
        return None, "QUIZ_TEST_DATABASE_URL is not a postgresql URL"
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        finally:
            engine.dispose()
    except OperationalError as exc:
        first = str(exc).splitlines()[0]
        return None, f"at {make_url(url).render_as_string()}: {first}"
    return url, ""


@contextlib.contextmanager
def fresh_database(kind: str, tmp: Path, pg_url: str | None = None) -> Iterator[str]:
    """A new, empty database prepared with ``flask setup``: a SQLite file in ``tmp``,
    or a schema of its own on PostgreSQL, dropped afterwards."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp / 'load.sqlite'}"
        flask_setup(url)
        yield url
        return
    if kind != "postgresql":
        raise ValueError(kind)
    if pg_url is None:
        pg_url, reason = pg_base_url()
        if pg_url is None:
            raise RuntimeError(f"PostgreSQL not reachable {reason}")
    schema = f"quiz_load_{secrets.token_hex(4)}"
    admin = create_engine(pg_url, pool_pre_ping=True)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        url = make_url(pg_url).update_query_dict({"options": f"-csearch_path={schema}"})
        url_s = url.render_as_string(hide_password=False)
        try:
            flask_setup(url_s)
            yield url_s
        finally:
            _drop_schema(admin, schema)
    finally:
        admin.dispose()


def _drop_schema(admin: Any, schema: str) -> None:
    # After a restart of the server, give it a moment to accept connections again.
    for attempt in range(30):
        try:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            return
        except OperationalError:
            if attempt == 29:
                raise
            time.sleep(1)


# -- HTTP ------------------------------------------------------------------------------


def raw_request(
    base: tuple[str, int],
    method: str,
    path: str,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request on a new connection: status, headers, body."""
    conn = http.client.HTTPConnection(base[0], base[1], timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=dict(headers or {}))
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, resp.headers, data
    finally:
        conn.close()


@dataclass
class Exchange:
    """One HTTP exchange as a client saw it (a retried request has several)."""

    kind: str
    method: str
    status: int  # 0: no response (connection error or timeout)
    started: float  # perf_counter
    seconds: float
    tries: int  # 1 for the first try
    error: str = ""  # no response: why; a 5xx: the start of its body


@dataclass
class Retry:
    """How hard a client tries: bounded in count and in time, with backoff."""

    tries: int = 10
    first_delay: float = 0.05
    max_delay: float = 2.0
    budget: float = 45.0  # seconds, all tries of one request together

    def delay(self, n: int) -> float:
        base = min(self.max_delay, self.first_delay * 2 ** (n - 1))
        return base * (0.5 + random.random() / 2)


NO_RETRY = Retry(tries=1)


class Page:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def csrf(self) -> str:
        found = CSRF_RE.search(self.text)
        if not found:
            raise LoadError(f"no CSRF token in a {self.status} page")
        return found.group(1)


class Browser:
    """One simulated student's browser: a cookie jar, no redirect following."""

    def __init__(
        self,
        base: tuple[str, int],
        retry: Retry | None = None,
        timeout: float = 60,
        log: list[Exchange] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.base = base
        self.retry = retry or Retry()
        self.timeout = timeout
        self.stop = stop  # set: give up at the next request (a test ending early)
        self.cookies: dict[str, str] = {}
        self.log: list[Exchange] = [] if log is None else log
        self._lock = threading.Lock()  # two "tabs" may share one browser

    def _cookie_header(self) -> str:
        with self._lock:
            return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _keep_cookies(self, headers: http.client.HTTPMessage) -> None:
        for header in headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            with self._lock:
                for name, morsel in jar.items():
                    if morsel["max-age"] == "0" or morsel.value == "":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        form: Mapping[str, Any] | None = None,
        retry: Retry | None = None,
    ) -> Page:
        """Send, retrying a connection error or a 5xx (bounded, with backoff)."""
        retry = retry or self.retry
        body = urlencode(form, doseq=True).encode() if form is not None else None
        started_all = time.monotonic()
        n = 0
        while True:
            n += 1
            if self.stop is not None and self.stop.is_set():
                raise LoadError("stopped")
            headers = {"Cookie": self._cookie_header(), "Accept": "text/html"}
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            t0 = time.perf_counter()
            try:
                status, resp_headers, data = raw_request(
                    self.base, method, path, body, headers, self.timeout
                )
                error = ""
            except (OSError, http.client.HTTPException) as exc:
                status, resp_headers, data = 0, None, b""
                error = f"{type(exc).__name__}: {exc}"
            seconds = time.perf_counter() - t0
            if status >= 500:
                error = data[:400].decode("utf-8", errors="replace")
            self.log.append(Exchange(kind, method, status, t0, seconds, n, error))
            if resp_headers is not None:
                self._keep_cookies(resp_headers)
            if status and status < 500:
                return Page(status, resp_headers, data)  # type: ignore[arg-type]
            spent = time.monotonic() - started_all
            if status and n >= retry.tries:
                return Page(status, resp_headers, data)  # type: ignore[arg-type]
            if n >= retry.tries or spent >= retry.budget:
                raise LoadError(
                    f"{method} {path} failed {n} times in {spent:.1f}s; last: "
                    f"{status or error}: {data[:300]!r}"
                )
            time.sleep(retry.delay(n))

    def get(self, kind: str, path: str, **kw: Any) -> Page:
        return self.request(kind, "GET", path, **kw)

    def post(self, kind: str, path: str, form: Mapping[str, Any], **kw: Any) -> Page:
        return self.request(kind, "POST", path, form, **kw)


def expect(page: Page, status: int, what: str, location: str | None = None) -> Page:
    if page.status != status:
        raise LoadError(f"{what}: expected {status}, got {page.status}: {page.text[:300]!r}")
    if location is not None and not urlsplit(page.location).path.endswith(location):
        raise LoadError(f"{what}: redirected to {page.location!r}, expected …{location}")
    return page


# -- the right answers, read through the app's own code ---------------------------------


class Keys:
    """The key of every slot of an attempt, as form fields, from the database.

    A read that fails because the database is away (a PostgreSQL restart) is
    tried again for up to ``patience`` seconds."""

    def __init__(self, database_url: str, patience: float = 60.0) -> None:
        self.engine = make_engine(database_url)
        self.Session = sessionmaker(self.engine, expire_on_commit=False)
        self.patience = patience

    def questions(self, attempt_id: int) -> list[tuple[Question, dict[str, Any]]]:
        """(question, slot state) of each slot, in position order."""
        deadline = time.monotonic() + self.patience
        while True:
            try:
                with self.Session() as s:
                    slots = s.scalars(
                        select(m.AttemptSlot)
                        .where(m.AttemptSlot.attempt_id == attempt_id)
                        .order_by(m.AttemptSlot.position)
                        .options(selectinload(m.AttemptSlot.question_version))
                    ).all()
                    return [(question_of(slot.question_version), slot.state) for slot in slots]
            except OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def forms(self, attempt_id: int) -> list[dict[str, list[str]]]:
        return [q.key_form(state) for q, state in self.questions(attempt_id)]

    def wrong_forms(self, attempt_id: int) -> list[dict[str, list[str]] | None]:
        """A wrong answer per slot (one that reveals a misconception), or None."""
        out: list[dict[str, list[str]] | None] = []
        for q, state in self.questions(attempt_id):
            found = q.misconception_form(state)
            out.append(found[0] if found else None)
        return out

    def close(self) -> None:
        self.engine.dispose()


# -- one student's journey -------------------------------------------------------------


@dataclass
class Journey:
    """What one student did: attempt, questions answered, the answers sent."""

    name: str
    attempt_id: int = 0
    answered: int = 0
    sent: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    seconds: float = 0.0


def start_practice(browser: Browser, name: str, slug: str = SLUG) -> int:
    home = expect(browser.get(HOME, "/"), 200, "home page")
    form = {"csrf_token": home.csrf()}
    if 'name="display_name"' in home.text:
        form["display_name"] = name
    started = browser.post(START, f"/practice/{slug}", form)
    expect(started, 302, "start")
    found = ATTEMPT_RE.search(started.location)
    if not found:
        raise LoadError(f"start redirected to {started.location!r}")
    return int(found.group(1))


def answer_question(
    browser: Browser, attempt_id: int, n: int, form: Mapping[str, list[str]]
) -> Page:
    """GET question ``n``, then POST ``form`` with the page's CSRF token. In practice
    (immediate feedback) the answer redirects (303) to the same question's feedback:
    a browser would GET it again; the client does not (the next GET is question n+1)."""
    page = expect(browser.get(QUESTION, f"/attempts/{attempt_id}/q/{n}"), 200, f"question {n}")
    data = {"csrf_token": [page.csrf()], **form}
    saved = browser.post(ANSWER, f"/attempts/{attempt_id}/q/{n}", data)
    return expect(saved, 303, f"answer {n}", f"/attempts/{attempt_id}/q/{n}")


def review_and_submit(browser: Browser, attempt_id: int) -> Page:
    review = expect(browser.get(REVIEW, f"/attempts/{attempt_id}/review"), 200, "review")
    done = browser.post(SUBMIT, f"/attempts/{attempt_id}/submit", {"csrf_token": review.csrf()})
    expect(done, 303, "submit", f"/attempts/{attempt_id}/results")
    results = browser.get(RESULTS, f"/attempts/{attempt_id}/results")
    return expect(results, 200, "results")


def student_journey(
    base: tuple[str, int],
    keys: Keys,
    name: str,
    questions: int | None = None,
    retry: Retry | None = None,
    log: list[Exchange] | None = None,
    stop: threading.Event | None = None,
) -> Journey:
    """Home, start, every question (or the first ``questions``) answered right,
    review, submit, results."""
    t0 = time.perf_counter()
    browser = Browser(base, retry=retry, log=log, stop=stop)
    journey = Journey(name)
    journey.attempt_id = start_practice(browser, name)
    forms = keys.forms(journey.attempt_id)
    for n, form in enumerate(forms[:questions] if questions else forms, start=1):
        answer_question(browser, journey.attempt_id, n, form)
        journey.sent[n] = form
        journey.answered += 1
    results = review_and_submit(browser, journey.attempt_id)
    if "Back in a moment" in results.text:
        raise LoadError("results page is the 503 page")
    journey.seconds = time.perf_counter() - t0
    return journey


@dataclass
class Run:
    journeys: list[Journey]
    failures: list[str]
    exchanges: list[Exchange]
    seconds: float

    def statuses(self) -> Counter[int]:
        return Counter(e.status for e in self.exchanges)

    def server_errors(self) -> list[Exchange]:
        """Exchanges that a client saw fail: a 5xx or no response at all."""
        return [e for e in self.exchanges if e.status == 0 or e.status >= 500]

    def summary(self) -> dict[str, Any]:
        return {
            "students": len(self.journeys),
            "failed": len(self.failures),
            "requests": len(self.exchanges),
            "retried": sum(1 for e in self.exchanges if e.tries > 1),
            "seconds": round(self.seconds, 2),
            "rps": round(len(self.exchanges) / self.seconds, 1) if self.seconds else 0,
            "statuses": {str(k): v for k, v in sorted(self.statuses().items())},
        }


class Crowd:
    """``students`` journeys, ``concurrency`` at a time, run in the background so
    that a test can break things meanwhile; ``wait`` returns the :class:`Run`."""

    def __init__(
        self,
        base: tuple[str, int],
        database_url: str,
        students: int,
        concurrency: int,
        questions: int | None = None,
        retry: Retry | None = None,
        deadline: float = 600.0,
    ) -> None:
        self.base = base
        self.database_url = database_url
        self.students = students
        self.concurrency = concurrency
        self.questions = questions
        self.retry = retry
        self.deadline = deadline
        self.logs: list[list[Exchange]] = [[] for _ in range(students)]
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._run: Run | None = None
        self._error: BaseException | None = None

    def requests_done(self) -> int:
        return sum(len(log) for log in self.logs)

    def exchanges(self) -> list[Exchange]:
        return [e for log in self.logs for e in list(log)]

    def run(self) -> Run:
        keys = Keys(self.database_url)
        t0 = time.perf_counter()
        journeys: list[Journey] = []
        failures: list[str] = []
        try:
            with ThreadPoolExecutor(self.concurrency, thread_name_prefix="student") as pool:
                futures = [
                    pool.submit(
                        student_journey,
                        self.base,
                        keys,
                        f"Student {i:03d}",
                        self.questions,
                        self.retry,
                        self.logs[i],
                        self.stopping,
                    )
                    for i in range(self.students)
                ]
                end = time.monotonic() + self.deadline
                for i, future in enumerate(futures):
                    try:
                        journeys.append(future.result(timeout=max(1.0, end - time.monotonic())))
                    except Exception as exc:  # reported, asserted by the caller
                        failures.append(f"student {i}: {type(exc).__name__}: {exc}")
                        future.cancel()
        finally:
            keys.close()
        return Run(journeys, failures, self.exchanges(), time.perf_counter() - t0)

    def start(self) -> Crowd:
        def target() -> None:
            try:
                self._run = self.run()
            except BaseException as exc:  # re-raised in wait
                self._error = exc

        self._thread = threading.Thread(target=target, name="crowd", daemon=True)
        self._thread.start()
        return self

    def wait_until(self, requests: int, timeout: float = 120) -> None:
        """Until the crowd has sent ``requests`` requests (or it ended)."""
        deadline = time.monotonic() + timeout
        while self.requests_done() < requests:
            if self._thread is not None and not self._thread.is_alive():
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {self.requests_done()} requests after {timeout}s")
            time.sleep(0.05)

    def stop(self) -> None:
        """Make every student give up at its next request (a test that failed early)."""
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(60)

    def wait(self) -> Run:
        assert self._thread is not None
        self._thread.join(self.deadline + 60)
        if self._error is not None:
            raise self._error
        if self._run is None:
            raise TimeoutError("the crowd did not finish")
        return self._run


def run_students(
    base: tuple[str, int],
    database_url: str,
    students: int,
    concurrency: int,
    questions: int | None = None,
    retry: Retry | None = None,
) -> Run:
    return Crowd(base, database_url, students, concurrency, questions, retry).run()


# -- checks on the stored data ---------------------------------------------------------


def verify_database(
    database_url: str,
    journeys: Sequence[Journey],
    orphans_allowed: int = 0,
) -> dict[str, Any]:
    """Every journey's attempt: submitted, each slot answered exactly once with what
    was sent, and a score that equals its stored responses graded afresh. Any other
    attempt in the database (a start whose response was lost, retried) must hold no
    answer, and there may be at most ``orphans_allowed`` of them."""
    engine = make_engine(database_url)
    problems: list[str] = []
    try:
        with Session(engine) as s:
            dupes = s.execute(
                select(m.Answer.attempt_id, m.Answer.slot_id, func.count())
                .group_by(m.Answer.attempt_id, m.Answer.slot_id)
                .having(func.count() > 1)
            ).all()
            if dupes:
                problems.append(f"answers stored twice: {dupes[:10]}")
            ids = {j.attempt_id for j in journeys}
            attempts = s.scalars(
                select(m.Attempt).options(
                    selectinload(m.Attempt.slots)
                    .selectinload(m.AttemptSlot.question_version)
                    .selectinload(m.QuestionVersion.article),
                    selectinload(m.Attempt.answers),
                )
            ).all()
            by_id = {a.id: a for a in attempts}
            others = [a for a in attempts if a.id not in ids]
            if len(others) > orphans_allowed:
                problems.append(
                    f"{len(others)} attempts that no client finished (allowed {orphans_allowed})"
                )
            problems += [f"orphan attempt {a.id} has answers" for a in others if a.answers]
            total_answers = 0
            for j in journeys:
                attempt = by_id.get(j.attempt_id)
                if attempt is None:
                    problems.append(f"attempt {j.attempt_id} missing")
                    continue
                problems += check_attempt(attempt, expected=j.answered, sent=j.sent)
                total_answers += len(attempt.answers)
            stored = s.scalar(select(func.count()).select_from(m.Answer))
    finally:
        engine.dispose()
    return {
        "problems": problems,
        "attempts": len(journeys),
        "answers": total_answers,
        "answers_in_db": stored,
        "orphan_attempts": len(others),
    }


def check_attempt(
    attempt: m.Attempt,
    expected: int | None = None,
    sent: Mapping[int, Mapping[str, list[str]]] | None = None,
    submitted: bool = True,
) -> list[str]:
    """Problems with one attempt: not submitted, wrong number of answers, an answer
    not the one sent, a stored mark or a score other than its responses graded afresh.
    ``submitted=False``: an attempt still open (no status or score to check)."""
    problems = []
    tag = f"attempt {attempt.id}"
    if submitted and attempt.status != m.ATTEMPT_SUBMITTED:
        problems.append(f"{tag}: status {attempt.status}")
    slots = {slot.id: slot for slot in attempt.slots}
    answers = list(attempt.answers)
    if expected is not None and len(answers) != expected:
        problems.append(f"{tag}: {len(answers)} answers stored, {expected} expected")
    if len({a.slot_id for a in answers}) != len(answers):
        problems.append(f"{tag}: a slot answered twice")
    total = 0.0
    for a in answers:
        slot = slots[a.slot_id]
        question = question_of(slot.question_version)
        grade = question.grade(a.response, article_of(slot.question_version.article))
        total += grade.fraction * slot.points
        if not math.isclose(a.points, grade.fraction * slot.points, abs_tol=1e-9):
            problems.append(f"{tag}: slot {slot.position} stored {a.points} points")
        if sent is not None and slot.position in sent:
            want = question.read_response(sent[slot.position], slot.state)
            if want != a.response:
                problems.append(f"{tag}: slot {slot.position} stored {a.response}, sent {want}")
    score_ok = attempt.score is not None and math.isclose(attempt.score, total, abs_tol=1e-6)
    if submitted and not score_ok:
        problems.append(f"{tag}: score {attempt.score}, graded afresh {total}")
    return problems


# -- figures ---------------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of sorted values (q in 0..100)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def latency_figures(exchanges: Sequence[Exchange], wall: float | None = None) -> dict[str, Any]:
    """Count, requests/second over the span (or ``wall``), p50/p95/p99 in ms."""
    if not exchanges:
        return {"n": 0}
    lat = sorted(e.seconds for e in exchanges)
    span = wall or (
        max(e.started + e.seconds for e in exchanges) - min(e.started for e in exchanges)
    )
    return {
        "n": len(lat),
        "rps": round(len(lat) / span, 1) if span > 0 else None,
        "p50_ms": round(percentile(lat, 50) * 1000, 1),
        "p95_ms": round(percentile(lat, 95) * 1000, 1),
        "p99_ms": round(percentile(lat, 99) * 1000, 1),
    }


def by_kind(exchanges: Sequence[Exchange]) -> dict[str, list[Exchange]]:
    grouped: dict[str, list[Exchange]] = defaultdict(list)
    for e in exchanges:
        grouped[e.kind].append(e)
    return grouped

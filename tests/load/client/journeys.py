"""Students' journeys: the right answers read through the app's own code (``Keys``), one
student's practice attempt, and a crowd of them at once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import selectinload, sessionmaker

from quiz.questions import Question
from quiz.services import question_of
from quiz.store import models as m
from quiz.store.db import make_engine
from tests.load.client.browser import Browser, Exchange, Page, Retry, expect
from tests.load.client.common import (
    ANSWER,
    ATTEMPT_RE,
    HOME,
    QUESTION,
    RESULTS,
    REVIEW,
    SLUG,
    START,
    SUBMIT,
    LoadError,
)


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

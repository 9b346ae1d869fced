"""A load client for the student's pages, and the gunicorn server it talks to.

Standard library only on the HTTP side: ``http.client`` with one connection per
request (gunicorn's sync workers close every connection anyway), a small cookie
jar per simulated student, a ``ThreadPoolExecutor`` for concurrency. The right
answers come from the database through the app's own code
(``question_of(version).key_form(slot.state)``), the way the test process can
read the same database as the server.

Used by ``tests/load`` and by ``bench/load.py``. Traffic goes to loopback only;
every loop is bounded in count and in time.

A package split by meaning: ``common``, ``server`` (gunicorn), ``databases``,
``browser`` (HTTP), ``journeys`` (students), ``checks`` (stored data, figures); every
public name is importable from here (``from tests.load import client as lc``). May import
the quiz's services, models and ``store.db`` (for the right answers and the checks).
"""

from __future__ import annotations

from tests.load.client.browser import (
    NO_RETRY,
    Browser,
    Exchange,
    Page,
    Retry,
    expect,
    raw_request,
)
from tests.load.client.checks import (
    by_kind,
    check_attempt,
    latency_figures,
    percentile,
    verify_database,
)
from tests.load.client.common import (
    ANSWER,
    ATTEMPT_RE,
    CSRF_RE,
    DEFAULT_PG,
    HOME,
    LOOPBACK,
    QUESTION,
    RESULTS,
    REVIEW,
    ROOT,
    SHIPPED_BANKS,
    SLUG,
    START,
    SUBMIT,
    LoadError,
)
from tests.load.client.databases import (
    fresh_database,
    pg_base_url,
)
from tests.load.client.journeys import (
    Crowd,
    Journey,
    Keys,
    Run,
    answer_question,
    review_and_submit,
    run_students,
    start_practice,
    student_journey,
)
from tests.load.client.server import (
    Gunicorn,
    children_of,
    flask_setup,
    free_port,
    quiz_env,
)

__all__ = [
    "ANSWER",
    "ATTEMPT_RE",
    "CSRF_RE",
    "DEFAULT_PG",
    "HOME",
    "LOOPBACK",
    "NO_RETRY",
    "QUESTION",
    "RESULTS",
    "REVIEW",
    "ROOT",
    "SHIPPED_BANKS",
    "SLUG",
    "START",
    "SUBMIT",
    "Browser",
    "Crowd",
    "Exchange",
    "Gunicorn",
    "Journey",
    "Keys",
    "LoadError",
    "Page",
    "Retry",
    "Run",
    "answer_question",
    "by_kind",
    "check_attempt",
    "children_of",
    "expect",
    "flask_setup",
    "free_port",
    "fresh_database",
    "latency_figures",
    "percentile",
    "pg_base_url",
    "quiz_env",
    "raw_request",
    "review_and_submit",
    "run_students",
    "start_practice",
    "student_journey",
    "verify_database",
]

"""PostgreSQL connections that die in the pool (a server restart, an idle timeout):
an idle one is checked and replaced before use; one that dies in steady use costs
its request the friendly 503 page, and the next request is served again."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from quiz.store import db
from tests.helpers import start_practice


def _kill_pooled_connections(app: Flask, url: str) -> int:
    """Terminate, from outside, the server side of every connection in the app's
    pools (the main one and the autocommit one of the busiest pages)."""
    held = [
        engine.raw_connection()
        for engine in db.engines(app)
        for _ in range(engine.pool.checkedin())
    ]
    pids = []
    for conn in held:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            pids.append(cur.fetchone()[0])
        conn.commit()
    for conn in held:
        conn.close()  # back to the pool, still looking alive
    admin = create_engine(url)
    try:
        with admin.connect() as conn:
            for pid in pids:
                conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        admin.dispose()
    return len(pids)


@pytest.fixture
def pg_only(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("about PostgreSQL connections (SQLite has none to lose)")
    return database_url


def test_idle_connection_that_died_is_replaced_before_use(app, client, pg_only, monkeypatch):
    attempt_id = start_practice(client, "Ada")
    assert client.get(f"/attempts/{attempt_id}/q/1").status_code == 200
    assert _kill_pooled_connections(app, pg_only) >= 1
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)  # every pooled one counts as idle
    page = client.get(f"/attempts/{attempt_id}/q/2")
    assert page.status_code == 200, page.get_data(as_text=True)[:300]
    assert 'aria-current="step">2<' in page.get_data(as_text=True)  # question 2, read afresh


def test_connection_that_died_in_steady_use_costs_one_request(app, client, pg_only):
    attempt_id = start_practice(client, "Grace")
    assert client.get(f"/attempts/{attempt_id}/q/1").status_code == 200
    assert _kill_pooled_connections(app, pg_only) >= 1
    first = client.get(f"/attempts/{attempt_id}/q/2")
    assert first.status_code == 503
    assert "Back in a moment" in first.get_data(as_text=True)
    again = client.get(f"/attempts/{attempt_id}/q/2")
    assert again.status_code == 200
    assert 'aria-current="step">2<' in again.get_data(as_text=True)  # question 2, read afresh

"""bench/pageparts.py takes the question page apart (bench/_partsapp.py): each part
must do what the page does, and no more, or its ratios say nothing of the page."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from quiz.services import import_bank
from quiz.store.db import dispose_engines, session_scope
from tests.conftest import ROOT
from tests.helpers import start_practice
from tests.test_hot_path import statements

sys.path.insert(0, str(ROOT / "bench"))
import _partsapp  # bench/ is not a package


@pytest.fixture
def parts(database_url: str, tmp_path: Path, shipped_banks) -> Iterator[Flask]:
    app = _partsapp.make(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "BANK_PATHS": [str(ROOT / "question_banks")],
        }
    )
    app.instance_path = str(tmp_path)
    with session_scope(app) as session:
        for bank in shipped_banks:
            import_bank(session, bank)
    yield app
    dispose_engines(app)


def test_render_is_the_page_itself(parts):
    client = parts.test_client()
    attempt = start_practice(client)
    for n in (1, 2, 7):
        page = client.get(f"/attempts/{attempt}/q/{n}")
        rendered = client.get(f"/bench/render/{attempt}/{n}")  # read now, kept
        again = client.get(f"/bench/render/{attempt}/{n}")  # from the kept read
        assert page.status_code == rendered.status_code == again.status_code == 200
        assert rendered.get_data() == page.get_data() == again.get_data()
        assert f"Question {n} of " in page.get_data(as_text=True)


def test_read_runs_the_pages_statement_and_renders_nothing(parts):
    client = parts.test_client()
    attempt = start_practice(client)
    client.get(f"/attempts/{attempt}/q/3")  # the caches are warm, as in a busy worker
    with statements(parts) as page_sql:
        client.get(f"/attempts/{attempt}/q/3")
    with statements(parts) as read_sql:
        reply = client.get(f"/bench/read/{attempt}/3")
    assert reply.status_code == 200 and reply.get_data() == b"ok\n"
    assert read_sql == page_sql and len(read_sql) == 1
    with statements(parts) as first_sql:  # reads every question of the attempt
        first = client.get(f"/bench/render/{attempt}/3")
    with statements(parts) as again_sql:  # renders from memory
        again = client.get(f"/bench/render/{attempt}/5")
    assert first.headers["X-Bench-Read"] == "1" and "X-Bench-Read" not in again.headers
    assert len(first_sql) > 5 and set(first_sql) == set(page_sql) and again_sql == []


def test_statement_and_frame(parts):
    client = parts.test_client()
    start_practice(client)
    with statements(parts) as sql:
        assert client.get("/bench/statement").get_data() == b"ok\n"
    assert len(sql) == 1 and sql[0].upper().startswith("SELECT")
    frame = client.get("/bench/frame").get_data(as_text=True)
    assert 'class="site-nav"' in frame and "Join a class" in frame and "<p>ok</p>" in frame


def test_another_browser_gets_nothing(parts):
    owner, stranger = parts.test_client(), parts.test_client()
    attempt = start_practice(owner)
    assert owner.get(f"/bench/render/{attempt}/1").status_code == 200  # kept now
    start_practice(stranger, name="Bea")
    assert stranger.get(f"/bench/read/{attempt}/1").status_code == 404
    assert stranger.get(f"/bench/render/{attempt}/1").status_code == 404
    assert stranger.get(f"/attempts/{attempt}/q/1").status_code == 404

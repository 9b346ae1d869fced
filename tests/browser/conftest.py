"""A live server on loopback and headless Chromium (Debian's package) via Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from quiz.services import import_bank
from quiz.store.db import dispose_engines, session_scope
from tests.conftest import SKIP_BROWSER, make_app

CHROMIUM = os.environ.get("QUIZ_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        pytest.skip(f"{SKIP_BROWSER}: {CHROMIUM} not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class LiveServer:
    def __init__(self, url: str, app) -> None:
        self.url = url
        self.app = app


@pytest.fixture
def live_server(tmp_path: Path, shipped_banks) -> Iterator[LiveServer]:
    """The app on SQLite, served over real HTTP on a free loopback port."""
    from sqlalchemy import create_engine

    from quiz.store.db import Base

    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    app = make_app(url, tmp_path)
    with session_scope(app) as session:
        for bank in shipped_banks:
            import_bank(session, bank)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    server.shutdown()
    thread.join(timeout=5)
    dispose_engines(app)


@pytest.fixture
def shot(request: pytest.FixtureRequest):
    """Save a full-page screenshot as a test artefact: shot(page, "name")."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    prefix = request.node.name.replace("/", "_")

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{prefix}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take

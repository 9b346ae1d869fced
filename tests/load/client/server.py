"""The gunicorn server the load client talks to: its environment, its setup, starting,
watching and stopping it."""

from __future__ import annotations

import contextlib
import http.client
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import psutil

from tests.load.client.browser import raw_request
from tests.load.client.common import LOOPBACK, ROOT, SHIPPED_BANKS


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

"""HTTP on loopback: one request (``raw_request``), what was exchanged, retries, a page,
and a simulated student's browser (cookies, CSRF)."""

from __future__ import annotations

import http.client
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit

from tests.load.client.common import CSRF_RE, LoadError


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

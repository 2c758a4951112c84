"""A polite HTTP client: robots.txt, a per-host rate limit, conditional requests, retries
with back-off, time-outs and a cap on the size of a body. Thread-safe."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import httpx
from protego import Protego

from sitegen import __version__
from sitegen.fetch.identity import host

USER_AGENT = f"sitegen/{__version__} (news archive)"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_BYTES = 5 * 1024 * 1024


class FetchFailure(Exception):
    """A request that gave nothing usable; the message says why."""


@dataclass(frozen=True)
class Response:
    status: int
    url: str  # after redirects
    headers: httpx.Headers
    body: bytes
    reason: str = ""


@dataclass
class Options:
    user_agent: str = USER_AGENT
    timeout: float = 20.0
    retries: int = 2  # after the first attempt
    backoff: float = 2.0  # seconds before the first retry; doubled for each next one
    max_bytes: int = MAX_BYTES
    delays: dict[str, float] = field(default_factory=dict)  # host: seconds between requests


class Client:
    """Requests through one connection pool, each host at most once per its delay."""

    def __init__(self, options: Options):
        self.options = options
        self.http = httpx.Client(follow_redirects=True, timeout=options.timeout,
                                 headers={"User-Agent": options.user_agent,
                                          "Accept-Encoding": "gzip, deflate"})
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._robots: dict[str, Protego | None] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self.requests = 0  # sent, retries and robots.txt included

    def close(self) -> None:
        self.http.close()

    def _wait(self, where: str, delay: float) -> None:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(where, now))
            self._next[where] = slot + delay
            self.requests += 1
        if slot > now:
            time.sleep(slot - now)

    def delay(self, url: str) -> float:
        return self.options.delays.get(host(url), 1.0)

    def get(self, url: str, headers: dict[str, str] | None = None) -> Response:
        """GET ``url`` (redirects followed), retrying time-outs, lost connections, 429 and
        5xx with back-off; FetchFailure if it never gave an answer worth reading."""
        attempt = 0
        while True:
            self._wait(host(url), self.delay(url))
            try:
                response = self._send(url, headers or {})
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                reason = ("timed out" if isinstance(exc, httpx.TimeoutException)
                          else f"connection failed ({exc})")
                if attempt >= self.options.retries:
                    raise FetchFailure(reason) from None
            else:
                if response.status not in RETRY_STATUS or attempt >= self.options.retries:
                    return response
            time.sleep(self.options.backoff * 2**attempt)
            attempt += 1

    def _send(self, url: str, headers: dict[str, str]) -> Response:
        with self.http.stream("GET", url, headers=headers) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > self.options.max_bytes:
                raise FetchFailure(f"the body is {int(length):,} bytes, more than the "
                                   f"{self.options.max_bytes:,} allowed")
            chunks: list[bytes] = []
            size = 0
            if response.status_code == 200:
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.options.max_bytes:
                        raise FetchFailure(f"the body is more than the "
                                           f"{self.options.max_bytes:,} bytes allowed")
                    chunks.append(chunk)
            return Response(response.status_code, str(response.url), response.headers,
                            b"".join(chunks), response.reason_phrase)

    def allowed(self, url: str, agent: str | None = None) -> bool:
        """Whether the host's robots.txt lets ``agent`` (else the default user agent) fetch
        ``url``. An unreachable robots.txt (5xx, time-out) means nothing is fetched from the
        host (RFC 9309); a missing one (4xx) means everything may be."""
        where = host(url)
        with self._lock:
            lock = self._robots_locks.setdefault(where, threading.Lock())
        with lock:
            if where not in self._robots:
                self._robots[where] = self._read_robots(url)
        rules = self._robots[where]
        return rules is not None and rules.can_fetch(url, agent or self.options.user_agent)

    def _read_robots(self, url: str) -> Protego | None:
        parts = httpx.URL(url)
        try:
            response = self.get(str(parts.copy_with(path="/robots.txt", query=None,
                                                    fragment=None)))
        except FetchFailure:
            return None
        if response.status >= 500:
            return None
        text = response.body.decode("utf-8", "replace") if response.status == 200 else ""
        rules = Protego.parse(text)
        crawl_delay = rules.crawl_delay(self.options.user_agent)
        if crawl_delay:
            with self._lock:
                where = host(url)
                self.options.delays[where] = max(self.delay(url), float(crawl_delay))
        return rules

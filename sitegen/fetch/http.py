"""A polite HTTP client: robots.txt, a per-host rate limit, conditional requests, retries
with back-off, time-outs and a cap on the size of a body. Thread-safe."""

from __future__ import annotations

import threading
import time
import zlib
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

import httpx
from protego import Protego

from sitegen import __version__
from sitegen.fetch.identity import host

USER_AGENT = f"sitegen/{__version__} (news archive)"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 10
MAX_BYTES = 5 * 1024 * 1024
# The longest wait a Retry-After header is obeyed with in the run; a server that asks for
# more is left alone until the next round.
MAX_RETRY_AFTER = 60.0


class FetchFailure(Exception):
    """A request that gave nothing usable; the message says why."""


class Blocked(FetchFailure):
    """robots.txt does not allow the address (the one asked for, or one it redirected to)."""


@dataclass(frozen=True)
class Response:
    status: int
    url: str  # after redirects
    headers: httpx.Headers  # as sent, Content-Encoding included
    body: bytes  # decoded (gzip, deflate)
    reason: str = ""
    raw: bytes = b""  # the body as sent, before decoding: what a WARC record holds
    retry_after: float | None = None  # seconds the server asked to wait (429, 503)


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
        self.http = httpx.Client(follow_redirects=False, timeout=options.timeout,
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

    def get(self, url: str, headers: dict[str, str] | None = None, *,
            agent: str | None = None, robots: bool = True) -> Response:
        """GET ``url``, following up to ten redirects; each address, the first and each one
        a redirect leads to, is asked of its host's robots.txt first (for ``agent``, else
        the client's user agent) unless ``robots`` is false, and raises Blocked if it says
        no. FetchFailure if no answer worth reading came."""
        for _ in range(MAX_REDIRECTS + 1):
            if robots and not self.allowed(url, agent):
                raise Blocked(f"robots.txt does not allow {url}")
            response = self._attempts(url, headers or {})
            location = response.headers.get("Location")
            if response.status not in REDIRECT_STATUS or not location:
                return response
            try:
                url = str(httpx.URL(url).join(location))
            except httpx.InvalidURL:
                raise FetchFailure(f"HTTP {response.status} to an invalid address") from None
            if httpx.URL(url).scheme not in ("http", "https"):
                raise FetchFailure(f"HTTP {response.status} to a non-web address")
        raise FetchFailure(f"more than {MAX_REDIRECTS} redirects")

    def _attempts(self, url: str, headers: dict[str, str]) -> Response:
        """One address, retrying time-outs, lost connections, 429 and 5xx with back-off (or
        after the time the server asked for, if it is not too long)."""
        attempt = 0
        while True:
            self._wait(host(url), self.delay(url))
            pause = self.options.backoff * 2**attempt
            try:
                response = self._send(url, headers)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                reason = ("timed out" if isinstance(exc, httpx.TimeoutException)
                          else f"connection failed ({exc})")
                if attempt >= self.options.retries:
                    raise FetchFailure(reason) from None
            except (httpx.HTTPError, httpx.InvalidURL) as exc:  # not worth asking again
                raise FetchFailure(f"the request failed ({exc})") from None
            else:
                asked = response.retry_after
                if (response.status not in RETRY_STATUS or attempt >= self.options.retries
                        or (asked is not None and asked > MAX_RETRY_AFTER)):
                    return response
                if asked is not None:  # every request to the host waits, not just this one
                    pause = max(pause, asked)
                    with self._lock:
                        where = host(url)
                        self._next[where] = max(self._next.get(where, 0.0),
                                                time.monotonic() + asked)
            time.sleep(pause)
            attempt += 1

    def _send(self, url: str, headers: dict[str, str]) -> Response:
        limit = self.options.max_bytes
        with self.http.stream("GET", url, headers=headers) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > limit:
                raise FetchFailure(f"the body is {int(length):,} bytes, more than the "
                                   f"{limit:,} allowed")
            chunks: list[bytes] = []
            size = 0
            if response.status_code == 200:
                for chunk in response.iter_raw():
                    size += len(chunk)
                    if size > limit:
                        raise FetchFailure(f"the body is more than the {limit:,} bytes "
                                           "allowed")
                    chunks.append(chunk)
            raw = b"".join(chunks)
            body = decode(raw, response.headers.get("Content-Encoding", ""), limit)
            return Response(response.status_code, str(response.url), response.headers,
                            body, response.reason_phrase, raw,
                            retry_after(response.headers.get("Retry-After", "")))

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
                                                    fragment=None)), robots=False)
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


def decode(raw: bytes, encoding: str, limit: int) -> bytes:
    """The body as the page's bytes: ``raw`` undone of each Content-Encoding (gzip,
    deflate; the client asks for no other), never more than ``limit`` bytes of it."""
    body = raw
    for coding in reversed([c.strip().lower() for c in encoding.split(",") if c.strip()]):
        if coding == "identity":
            continue
        if coding in ("gzip", "x-gzip"):
            waiting = [zlib.MAX_WBITS | 16]
        elif coding == "deflate":  # zlib-wrapped as the standard says, or raw as some send
            waiting = [zlib.MAX_WBITS, -zlib.MAX_WBITS]
        else:
            raise FetchFailure(f"the body is sent as {coding!r}, which sitegen does not read")
        for wbits in waiting:
            inflate = zlib.decompressobj(wbits)
            try:
                out = inflate.decompress(body, limit + 1)
            except zlib.error:
                continue
            if len(out) <= limit and not inflate.eof:  # cut short
                continue
            if len(out) > limit:
                raise FetchFailure(f"the body is more than the {limit:,} bytes allowed once "
                                   "decompressed")
            body = out
            break
        else:
            raise FetchFailure(f"the body is not valid {coding}")
    return body


def retry_after(value: str) -> float | None:
    """The seconds a Retry-After header asks for (a number, or an HTTP date)."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())

"""A real HTTP server on 127.0.0.1 for the fetch tests: routes that change between rounds,
and a log of every request it was sent (path and headers)."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None
    location: str | None = None
    delay: float = 0.0  # seconds before answering (a time-out)
    gzip: bool = False  # sent gzipped (the same bytes each time) if the client accepts it
    headers: dict[str, str] = field(default_factory=dict)
    encoded: str | None = None  # a Content-Encoding for the body as it is (no compression)


@dataclass
class Site:
    routes: dict[str, Page | Callable[[], Page]] = field(default_factory=dict)
    log: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)  # time.monotonic() of each request
    base: str = ""

    def paths(self) -> list[str]:
        return [path for path, _ in self.log]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            site.times.append(time.monotonic())
            site.log.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = site.routes.get(self.path)
            page = route() if callable(route) else route
            if page is None:
                page = Page(404, b"<html><body>Not found</body></html>")
            if page.delay:
                time.sleep(page.delay)
            if page.status == 200 and (
                    (page.etag and self.headers.get("If-None-Match") == page.etag)
                    or (page.last_modified
                        and self.headers.get("If-Modified-Since") == page.last_modified)):
                self.send_response(304)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = page.body
            self.send_response(page.status)
            if page.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
                body = gzip.compress(body, mtime=0)
                self.send_header("Content-Encoding", "gzip")
            if page.encoded:
                self.send_header("Content-Encoding", page.encoded)
            for name, value in page.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (("ETag", page.etag), ("Last-Modified", page.last_modified),
                                ("Location", page.location)):
                if value:
                    self.send_header(name, value)
            self.end_headers()
            with suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    return Handler


@contextmanager
def serve() -> Iterator[Site]:
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def http_date(seconds: float) -> str:
    return formatdate(seconds, usegmt=True)


CHROME_TOP = ("<header><nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport"
              "</a></nav></header>")
CHROME_BOTTOM = ("<footer><p>Copyright Example News. All rights reserved.</p><p>Follow us on "
                 "social media</p></footer>")


def article(title: str, paragraphs: list[str], canonical: str | None = None) -> bytes:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{link}"
            f"</head><body>{CHROME_TOP}<main><article><h1>{title}</h1>{body}</article></main>"
            f"{CHROME_BOTTOM}</body></html>").encode()


def rss(items: list[str]) -> bytes:
    entries = "".join(f"<item><title>Item</title><link>{u}</link></item>" for u in items)
    return (f"<?xml version='1.0'?><rss version='2.0'><channel><title>Example</title>"
            f"<link>http://example.com/</link><description>d</description>{entries}"
            f"</channel></rss>").encode()


def atom(items: list[str]) -> bytes:
    entries = "".join(f"<entry><title>Item</title><id>{u}</id><link href='{u}'/>"
                      f"<updated>2025-01-01T00:00:00Z</updated></entry>" for u in items)
    return (f"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
            f"<title>Example</title><id>urn:x</id><updated>2025-01-01T00:00:00Z</updated>"
            f"{entries}</feed>").encode()

"""Follow every internal link, stylesheet, script, image and feed of a served site."""

from __future__ import annotations

import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

LINK_ATTRS = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"),
              ("source", "src"), ("form", "action")}


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if (tag, name) in LINK_ATTRS and value:
                self.found.append(value)


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def links_of(html: bytes) -> list[str]:
    parser = Links()
    parser.feed(html.decode("utf-8"))
    return parser.found


def crawl(start: str) -> tuple[dict[str, int], dict[str, list[str]]]:
    """(status of every internal URL reached, pages that link to each) from ``start``."""
    origin = urlsplit(start)
    status: dict[str, int] = {}
    referrers: dict[str, list[str]] = {}
    queue = [start]
    while queue:
        url = queue.pop()
        if url in status:
            continue
        code, kind, body = fetch(url)
        status[url] = code
        if code != 200 or "html" not in kind:
            continue
        for link in links_of(body):
            target = urldefrag(urljoin(url, link)).url
            parts = urlsplit(target)
            if parts.scheme not in ("http", "https") or parts.netloc != origin.netloc:
                continue
            referrers.setdefault(target, []).append(url)
            if target not in status:
                queue.append(target)
    return status, referrers

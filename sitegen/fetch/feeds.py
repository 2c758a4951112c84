"""Article addresses from an RSS or Atom feed (feedparser)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import feedparser

from sitegen.fetch.identity import canonical


class FeedError(Exception):
    """A feed that lists nothing readable."""


def links(data: bytes, base: str) -> list[str]:
    """The canonical addresses of the feed's items, in feed order, each once."""
    parsed = feedparser.parse(data, response_headers={"content-location": base})
    if not parsed.entries:
        if parsed.bozo and not parsed.feed:
            raise FeedError(f"not an RSS or Atom feed ({parsed.get('bozo_exception')})")
        return []
    found: list[str] = []
    for entry in parsed.entries:
        link = entry.get("link") or next((item.get("href") for item in entry.get("links", [])
                                          if item.get("rel") == "alternate"), None)
        if isinstance(link, str) and link.startswith(("http://", "https://")):
            url = canonical(link)
            if url not in found:
                found.append(url)
    return found


def wanted(url: str, include: Sequence[re.Pattern[str]],
           exclude: Sequence[re.Pattern[str]]) -> bool:
    """Whether ``url`` passes the source's include and exclude patterns."""
    if include and not any(p.search(url) for p in include):
        return False
    return not any(p.search(url) for p in exclude)

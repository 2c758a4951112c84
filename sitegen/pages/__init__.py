"""Every page of the site: its URL, the template that draws it, and what it shows.

``articles`` plans the pages of one article, which depend only on that article (and the
site's settings), so they can be rendered, cached and written independently. ``lists`` and
``dates`` plan the pages that list articles and versions; they are made from the
:class:`~sitegen.model.Catalog` of summaries alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Page:
    url: str  # site-relative, e.g. "bbc/c9wpy9x890wo/v1/"
    template: str
    context: dict[str, Any]
    updated: datetime | None = None  # when what the page shows last changed (sitemap)
    listed: bool = True  # in the sitemap (404.html is not)


def recent_first(articles):  # type: ignore[no-untyped-def]
    """Most recently changed first; ties broken by id so the order never varies."""
    return sorted(articles, key=lambda a: (-a.latest.fetched.timestamp(), a.source, a.id))

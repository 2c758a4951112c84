"""The site's URL scheme (its permalinks) and relative links between pages.

Every URL here is site-relative ("bbc/c9wpy9x890wo/v1/") and pages link to each other with
relative paths, so the same output works at a domain root and under GitHub Pages' /<repo>/.
The scheme is documented in docs/urls.md; changing it breaks readers' links.
"""

from __future__ import annotations

import posixpath
from datetime import date

# Names the site uses for its own pages inside a scope (the whole site, or one source): an
# article folder may not take one of them, and neither may a source (at the top level).
SCOPE_NAMES = frozenset({"page", "archive", "lists", "feed.atom", "feed.rss", "index.html"})
RESERVED = SCOPE_NAMES | {"static", "feeds", "search", "pagefind", "sitemap.xml",
                          "robots.txt", "404.html", "CNAME"}


NOT_FOUND = "404.html"


def home() -> str:
    return ""


def source(source_id: str) -> str:
    return f"{source_id}/"


def article(source_id: str, article_id: str) -> str:
    return f"{source_id}/{article_id}/"


def version(source_id: str, article_id: str, number: int) -> str:
    return f"{source_id}/{article_id}/v{number}/"


def diff(source_id: str, article_id: str, old: int, new: int) -> str:
    return f"{source_id}/{article_id}/diff/{old}-{new}/"


def compare(source_id: str, article_id: str) -> str:
    """Any two versions compared in the browser (articles with three or more versions)."""
    return f"{source_id}/{article_id}/compare/"


def search() -> str:
    return "search/"


def scope(source_id: str | None) -> str:
    """The root of a scope: "" for the whole site, "bbc/" for one source."""
    return "" if source_id is None else f"{source_id}/"


def paged(url: str, page: int) -> str:
    """Page ``page`` (from 1) of a paginated list whose first page is at ``url``."""
    return url if page == 1 else f"{url}page/{page}/"


def archive_index(scope_url: str) -> str:
    return f"{scope_url}archive/"


def year(scope_url: str, number: int) -> str:
    return f"{scope_url}archive/{number:04d}/"


def month(scope_url: str, number_year: int, number: int) -> str:
    return f"{scope_url}archive/{number_year:04d}/{number:02d}/"


def day(scope_url: str, when: date) -> str:
    return f"{scope_url}archive/{when:%Y/%m/%d}/"


def list_page(scope_url: str, name: str) -> str:
    return f"{scope_url}lists/{name}/"


def static(name: str) -> str:
    return f"static/{name}"


def output_path(url: str) -> str:
    """The file a URL is written to: directory URLs get an index.html."""
    return url + "index.html" if url == "" or url.endswith("/") else url


def relative(from_url: str, to_url: str) -> str:
    """A link from the page at ``from_url`` to ``to_url``, both site-relative."""
    from_dir = from_url if from_url == "" or from_url.endswith("/") else posixpath.dirname(from_url)
    start = from_dir.rstrip("/") or "."
    target = to_url.rstrip("/") or "."
    rel = posixpath.relpath(target, start)
    if to_url == "" or to_url.endswith("/"):
        return "./" if rel == "." else rel + "/"
    return rel

"""The site's URL scheme (its permalinks) and relative links between pages.

Every URL here is site-relative ("bbc/c9wpy9x890wo/v1/") and pages link to each other with
relative paths, so the same output works at a domain root and under GitHub Pages' /<repo>/.
The scheme is documented in docs/urls.md; changing it breaks readers' links.
"""

from __future__ import annotations

import posixpath

# Top-level names the site uses for itself; a source folder may not take one of them.
RESERVED = frozenset({"static", "feeds", "search", "pagefind", "archive", "lists", "sitemap.xml",
                      "robots.txt", "404.html", "index.html", "CNAME"})


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


def search() -> str:
    return "search/"


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

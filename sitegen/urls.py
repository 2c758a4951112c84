"""The site's URL scheme (its permalinks) and relative links between pages.

Every URL here is site-relative ("bbc/c9wpy9x890wo/v1/") and pages link to each other with
relative paths, so the same output works at a domain root and under GitHub Pages' /<repo>/.
The scheme is documented in docs/urls.md; changing it breaks readers' links.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

# Names the site uses for its own pages inside a scope (the whole site, or one source): an
# article folder may not take one of them, and neither may a source (at the top level).
SCOPE_NAMES = frozenset({"page", "archive", "lists", "feed.atom", "feed.rss", "index.html"})
RESERVED = SCOPE_NAMES | {"static", "feeds", "search", "pagefind", "sitemap.xml",
                          "robots.txt", "404.html", "CNAME", "sources", "stories"}


NOT_FOUND = "404.html"


def home() -> str:
    return ""


def source(source_id: str) -> str:
    return f"{source_id}/"


def article(source_id: str, article_id: str) -> str:
    return f"{source_id}/{article_id}/"


def version(source_id: str, article_id: str, number: int) -> str:
    return f"{source_id}/{article_id}/v{number}/"


def change(source_id: str, article_id: str, number: int) -> str:
    """What changed in version ``number`` (from 1): a section of its page. The diff pages
    that showed it before (``diff/<N-1>-<N>/``) are sent there by 404.html."""
    return f"{source_id}/{article_id}/v{number}/#changes"


def sources() -> str:
    return "sources/"


def compare(source_id: str, article_id: str, old: int | None = None,
            new: int | None = None) -> str:
    """Any two versions compared in the browser (articles with three or more versions),
    ``old`` against ``new`` if given."""
    pair = f"?from={old}&to={new}" if old is not None and new is not None else ""
    return f"{source_id}/{article_id}/compare/{pair}"


def stories() -> str:
    """Every story told by more than one source."""
    return "stories/"


def story(slug: str) -> str:
    return f"stories/{slug}/"


def story_compare(slug: str, earlier: str, later: str) -> str:
    """Two related articles of a story side by side (``earlier`` and ``later`` are article
    keys, "source/id"): the earlier at the version the later matches best."""
    return f"stories/{slug}/{later}/vs/{earlier}/"


def stories_feed() -> str:
    return "stories/feed.rss"


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


def feed(scope_url: str, kind: str) -> str:
    """A scope's feed ("feed.atom", "bbc/feed.rss"); an article's is under its folder."""
    return f"{scope_url}feed.{kind}"


def article_feed(source_id: str, article_id: str, kind: str) -> str:
    return f"{source_id}/{article_id}/feed.{kind}"


def headlines_feed(kind: str) -> str:
    return f"feeds/headlines.{kind}"


def static(name: str) -> str:
    return f"static/{name}"


def output_path(url: str) -> str:
    """The file a URL is written to: directory URLs get an index.html."""
    return url + "index.html" if url == "" or url.endswith("/") else url


@lru_cache(maxsize=8192)  # the same links recur on every page of a folder
def relative(from_url: str, to_url: str) -> str:
    """A link from the page at ``from_url`` to ``to_url``, both site-relative."""
    here = from_url.split("/")[:-1]  # the folders the page is in ("a/b/" -> ["a", "b"])
    there = to_url.split("/")
    common = 0
    for a, b in zip(here, there[:-1], strict=False):
        if a != b:
            break
        common += 1
    parts = [".."] * (len(here) - common) + there[common:]
    if parts[-1] == "":  # a folder URL keeps its slash
        return "/".join(parts) if len(parts) > 1 else "./"
    return "/".join(parts)

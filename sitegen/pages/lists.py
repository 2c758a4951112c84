"""The pages that list articles: home, sources, ranked lists, search and 404.

Every list is paginated (``page_size`` items a page), so no page grows with the archive,
and the latest-changes and ranked lists stop at ``list_limit`` articles (the date archive
holds every version): one new version then changes a few pages of each list, not every
page between the article's old place and the top.
The whole site and each source are *scopes*: each has its own latest-changes pages, date
archive and ranked lists, at the same paths under its root.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo
from functools import partial
from typing import Any

from sitegen import urls
from sitegen.model import ArticleSummary, Catalog, SourceSummary
from sitegen.pages import Page, recent_first
from sitegen.pages.dates import Event, by_day, date_pages
from sitegen.pages.paginate import paginate
from sitegen.search import shard_count


@dataclass(frozen=True)
class Ranking:
    """A ranked list of articles, such as the most edited. (Plain data, so that pages that
    show one can be sent to worker processes.)"""

    name: str  # its URL segment
    title: str
    description: str


def ranked(articles: Sequence[ArticleSummary]) -> dict[str, list[ArticleSummary]]:
    """Every ranked list, by its name: the articles it holds, in order. Each article's
    figures are worked out once for the three lists (this runs over every article of the
    archive whenever any of them changed)."""
    edited: list[tuple[tuple, ArticleSummary]] = []  # type: ignore[type-arg]
    largest: list[tuple[tuple, ArticleSummary]] = []  # type: ignore[type-arg]
    headlines: list[tuple[tuple, ArticleSummary]] = []  # type: ignore[type-arg]
    keyed = {"most-edited": edited, "largest-changes": largest, "headline-rewrites": headlines}
    for a in articles:
        if a.changes == 0:
            continue
        latest, key = -a.latest.fetched.timestamp(), a.key
        edited.append(((-len(a.versions), latest, key), a))
        change = a.largest_change
        if change is not None and change.words_changed:
            largest.append(((-change.words_changed, latest, key), a))
        titles = a.headline_changes
        if titles:
            headlines.append(((-titles, latest, key), a))
    # The keys end with the article's key, which is unique: summaries are never compared.
    return {name: [a for _, a in sorted(found)] for name, found in keyed.items()}


RANKINGS = (
    Ranking("most-edited", "Most edited",
            "Articles with the most stored versions, most recently changed first among equals."),
    Ranking("largest-changes", "Largest changes",
            "Articles by the largest single change between two of their versions, in words "
            "added and removed."),
    Ranking("headline-rewrites", "Headline rewrites",
            "Articles whose headline changed, those rewritten most often first."),
)


SIDEBAR_SOURCES = 20  # the home page names the sources with the most versions; all have a list


def activity(days: dict[date, list[Event]]) -> dict[date, tuple[int, int]]:
    """(first seen, changes) per local day, for the activity chart."""
    found = {}
    for day, events in days.items():
        firsts = sum(1 for e in events if not e.version.number)
        found[day] = (firsts, len(events) - firsts)
    return found


def _ends(items: Sequence[ArticleSummary], limit: int, number: int, count: int
          ) -> dict[str, int]:
    """What page ``number`` of ``count`` says about a list cut at ``limit``: the first page
    how many articles there are in all, the last how many are left out. (Only there: a
    count that changes with every new article stays off the pages in between.)"""
    found = {}
    if number == 1:
        found["listed_of"] = len(items)
    if number == count and len(items) > limit:
        found["left_out"] = len(items) - limit
    return found


def scope_pages(scope_url: str, source: SourceSummary | None, articles: list[ArticleSummary],
                zone: tzinfo, page_size: int, limit: int,
                extra: dict, first: dict | None = None  # type: ignore[type-arg]
                ) -> list[Page]:
    """A scope's latest-changes pages, ranked lists and date archive. ``first`` is added to
    the context of the first latest-changes page only: what changes with every new version
    anywhere (the archive's totals) is kept off the other pages, so that one new version
    does not re-render every list page."""
    template = "index.html" if source is None else "source.html"
    name = source.name if source else None
    ordered = recent_first(articles)
    newest = ordered[0].latest.fetched if ordered else None
    days = by_day(articles, zone)
    chart = activity(days)
    pages = []
    for items, pagination in paginate(ordered[:limit], page_size, scope_url):
        context = {**extra, "source": source, "articles": items, "pagination": pagination,
                   "scope_url": scope_url, "rankings": RANKINGS,
                   "activity": chart if pagination.number == 1 else None,
                   **_ends(ordered, limit, pagination.number, pagination.count),
                   **((first or {}) if pagination.number == 1 else {})}
        pages.append(Page(pagination.url, template, context, newest))
    lists = ranked(articles)
    for ranking in RANKINGS:
        found = lists[ranking.name]
        base = urls.list_page(scope_url, ranking.name)
        for items, pagination in paginate(found[:limit], page_size, base):
            pages.append(Page(pagination.url, "list.html",
                              {**extra, "scope_url": scope_url, "scope_name": name,
                               "ranking": ranking, "articles": items, "pagination": pagination,
                               **_ends(found, limit, pagination.number, pagination.count)},
                              newest))
    pages += date_pages(scope_url, name, days, page_size, extra)
    return pages


@dataclass(frozen=True)
class Scope:
    """The list pages of the whole site or of one source, planned only when asked: a build
    plans again only the scopes whose ``inputs`` changed (one new version changes the whole
    site's lists and its source's, not the other sources')."""

    name: str  # "" for the whole site, else the source's id
    inputs: tuple[Any, ...]  # everything its pages are made from, beside the site's config
    plan: Callable[[], list[Page]]


def list_scopes(catalog: Catalog, zone: tzinfo, page_size: int, base_path: str, *,
                limit: int, search: bool = True) -> list[Scope]:
    """The scopes of every page that lists articles: the whole site, then each source."""
    by_source: dict[str, list[ArticleSummary]] = {s.id: [] for s in catalog.sources}
    for article in catalog.articles:
        by_source[article.source].append(article)

    def site() -> list[Page]:
        names = {s.id: s.name for s in catalog.sources}
        busiest = sorted(catalog.sources, key=lambda s: (-s.versions, s.id))[:SIDEBAR_SOURCES]
        totals = {"sources": busiest, "source_count": len(catalog.sources),
                  "totals": {"articles": len(catalog.articles),
                             "versions": catalog.version_count}}
        pages = scope_pages(urls.home(), None, list(catalog.articles), zone, page_size, limit,
                            {"source_names": names}, totals)
        pages.append(Page(urls.NOT_FOUND, "404.html", {"link_base": base_path}, listed=False))
        for items, pagination in paginate(catalog.sources, page_size, urls.sources()):
            pages.append(Page(pagination.url, "sources.html",
                              {"sources": items, "pagination": pagination}, pages[0].updated))
        if search:
            pages.append(Page(urls.search(), "search.html",
                              {"shards": shard_count(len(catalog.articles))}, pages[0].updated))
        return pages

    scopes = [Scope("", (catalog.sources, catalog.articles), site)]
    for source in catalog.sources:
        articles = by_source[source.id]
        scopes.append(Scope(source.id, (source, articles),
                            partial(scope_pages, urls.scope(source.id), source, articles, zone,
                                    page_size, limit, {"source_names": None})))
    return scopes


"""The pages that list articles: home, sources, ranked lists, search and 404.

Every list is paginated (``page_size`` items a page), so no page grows with the archive.
The whole site and each source are *scopes*: each has its own latest-changes pages, date
archive and ranked lists, at the same paths under its root.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, tzinfo

from sitegen import urls
from sitegen.model import ArticleSummary, Catalog, SourceSummary
from sitegen.pages import Page, recent_first
from sitegen.pages.dates import by_day, date_pages, local_day
from sitegen.pages.paginate import paginate
from sitegen.search import shard_count


@dataclass(frozen=True)
class Ranking:
    """A ranked list of articles, such as the most edited. (Plain data, so that pages that
    show one can be sent to worker processes.)"""

    name: str  # its URL segment
    title: str
    description: str

    def select(self, a: ArticleSummary) -> bool:
        if self.name == "most-edited":
            return a.changes > 0
        if self.name == "largest-changes":
            return a.largest_change is not None and a.largest_change.words_changed > 0
        return a.headline_changes > 0

    def order(self, a: ArticleSummary) -> tuple:  # type: ignore[type-arg]
        latest = -a.latest.fetched.timestamp()
        if self.name == "most-edited":
            return (-len(a.versions), latest, a.key)
        if self.name == "largest-changes":
            return (-a.largest_change.words_changed, latest, a.key)  # type: ignore[union-attr]
        return (-a.headline_changes, latest, a.key)


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


def activity(articles: Sequence[ArticleSummary], zone: tzinfo) -> dict[date, tuple[int, int]]:
    """(first seen, changes) per local day, for the activity chart."""
    firsts: Counter[date] = Counter()
    changes: Counter[date] = Counter()
    for article in articles:
        for version in article.versions:
            day = local_day(version.fetched, zone)
            (changes if version.number else firsts)[day] += 1
    return {d: (firsts[d], changes[d]) for d in sorted(firsts.keys() | changes.keys())}


def scope_pages(scope_url: str, source: SourceSummary | None, articles: list[ArticleSummary],
                zone: tzinfo, page_size: int, extra: dict,  # type: ignore[type-arg]
                first: dict | None = None) -> list[Page]:  # type: ignore[type-arg]
    """A scope's latest-changes pages, ranked lists and date archive. ``first`` is added to
    the context of the first latest-changes page only: what changes with every new version
    anywhere (the archive's totals) is kept off the other pages, so that one new version
    does not re-render every list page."""
    template = "index.html" if source is None else "source.html"
    name = source.name if source else None
    ordered = recent_first(articles)
    newest = ordered[0].latest.fetched if ordered else None
    chart = activity(articles, zone)
    pages = []
    for items, pagination in paginate(ordered, page_size, scope_url):
        context = {**extra, "source": source, "articles": items, "pagination": pagination,
                   "scope_url": scope_url, "rankings": RANKINGS,
                   "activity": chart if pagination.number == 1 else None,
                   **((first or {}) if pagination.number == 1 else {})}
        pages.append(Page(pagination.url, template, context, newest))
    for ranking in RANKINGS:
        ranked = sorted((a for a in articles if ranking.select(a)), key=ranking.order)
        base = urls.list_page(scope_url, ranking.name)
        for items, pagination in paginate(ranked, page_size, base):
            pages.append(Page(pagination.url, "list.html",
                              {**extra, "source": source, "scope_url": scope_url,
                               "scope_name": name, "ranking": ranking, "articles": items,
                               "pagination": pagination},
                              newest))
    pages += date_pages(scope_url, name, by_day(articles, zone), page_size, extra)
    return pages


def list_pages(catalog: Catalog, zone: tzinfo, page_size: int, base_path: str, *,
               search: bool = True) -> list[Page]:
    """Every page that lists articles, for the whole site and for each source."""
    names = {s.id: s.name for s in catalog.sources}
    busiest = sorted(catalog.sources, key=lambda s: (-s.versions, s.id))[:SIDEBAR_SOURCES]
    totals = {"sources": busiest, "source_count": len(catalog.sources),
              "totals": {"articles": len(catalog.articles), "versions": catalog.version_count}}
    pages = scope_pages(urls.home(), None, list(catalog.articles), zone, page_size,
                        {"source_names": names}, totals)
    pages.append(Page(urls.NOT_FOUND, "404.html", {"link_base": base_path}, listed=False))
    for items, pagination in paginate(catalog.sources, page_size, urls.sources()):
        pages.append(Page(pagination.url, "sources.html",
                          {"sources": items, "pagination": pagination}, pages[0].updated))
    if search:
        pages.append(Page(urls.search(), "search.html",
                          {"shards": shard_count(len(catalog.articles))}, pages[0].updated))
    by_source: dict[str, list[ArticleSummary]] = {s.id: [] for s in catalog.sources}
    for article in catalog.articles:
        by_source[article.source].append(article)
    for source in catalog.sources:
        pages += scope_pages(urls.scope(source.id), source, by_source[source.id], zone,
                             page_size, {"source_names": None})
    return pages

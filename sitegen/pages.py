"""Every page of the site: its URL, the template that draws it, and what it shows.

Pages of one article depend only on that article (and the site's settings), so they can be
rendered, cached and written independently; list pages depend on summaries of all articles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sitegen import urls
from sitegen.model import Archive, Article, Source


@dataclass(frozen=True)
class Page:
    url: str  # site-relative, e.g. "bbc/c9wpy9x890wo/v1/"
    template: str
    context: dict[str, Any]
    updated: datetime | None = None  # when what the page shows last changed (sitemap)
    listed: bool = True  # in the sitemap (404.html is not)


def recent_first(articles: list[Article]) -> list[Article]:
    """Most recently changed first; ties broken by id so the order never varies."""
    return sorted(articles, key=lambda a: (-a.latest.fetched.timestamp(), a.source, a.id))


def article_pages(article: Article, source: Source) -> list[Page]:
    """The history page and one page per version."""
    context = {"article": article, "source": source}
    pages = [Page(urls.article(article.source, article.id), "article.html", context,
                  article.latest.fetched)]
    for version in article.versions:
        pages.append(Page(urls.version(article.source, article.id, version.number),
                          "version.html", {**context, "version": version}, version.fetched))
    return pages


def list_pages(archive: Archive, base_path: str, *, search: bool = True) -> list[Page]:
    """The home page, the 404 page, the search page and one page per source.

    404.html is served by hosts for any missing URL at any depth, so its links cannot be
    relative: they start from ``base_path``, the path of the site's base_url ("/repo/").
    """
    everything = recent_first(archive.articles())
    names = {s.id: s.name for s in archive.sources}
    newest = everything[0].latest.fetched if everything else None
    pages = [Page(urls.home(), "index.html",
                  {"articles": everything, "sources": archive.sources, "source_names": names,
                   "archive": archive}, newest),
             Page(urls.NOT_FOUND, "404.html", {"link_base": base_path}, listed=False)]
    if search:
        pages.append(Page(urls.search(), "search.html", {}, newest))
    for source in archive.sources:
        articles = recent_first(list(source.articles))
        pages.append(Page(urls.source(source.id), "source.html",
                          {"source": source, "articles": articles},
                          articles[0].latest.fetched if articles else None))
    return pages

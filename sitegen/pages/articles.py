"""The pages of one article: its history and one page per version."""

from __future__ import annotations

from datetime import datetime

from sitegen import urls
from sitegen.model import Article, ArticleSummary, SourceInfo
from sitegen.pages import Page


def article_pages(article: Article, source: SourceInfo) -> list[Page]:
    context = {"article": article, "source": source}
    pages = [Page(urls.article(article.source, article.id), "article.html", context,
                  article.latest.fetched)]
    for version in article.versions:
        pages.append(Page(urls.version(article.source, article.id, version.number),
                          "version.html", {**context, "version": version}, version.fetched))
    return pages


def sitemap_entries(summary: ArticleSummary) -> list[tuple[str, datetime]]:
    """(URL, last change) of every page :func:`article_pages` makes, from the summary."""
    entries = [(urls.article(summary.source, summary.id), summary.latest.fetched)]
    entries += [(urls.version(summary.source, summary.id, v.number), v.fetched)
                for v in summary.versions]
    return entries

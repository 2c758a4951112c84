"""The pages of one article: its history and one page per version."""

from __future__ import annotations

from sitegen import urls
from sitegen.model import Article, SourceSummary
from sitegen.pages import Page


def article_pages(article: Article, source: SourceSummary) -> list[Page]:
    context = {"article": article, "source": source}
    pages = [Page(urls.article(article.source, article.id), "article.html", context,
                  article.latest.fetched)]
    for version in article.versions:
        pages.append(Page(urls.version(article.source, article.id, version.number),
                          "version.html", {**context, "version": version}, version.fetched))
    return pages

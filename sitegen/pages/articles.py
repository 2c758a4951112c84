"""The pages of one article: its history, one page per version, and one per diff."""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup

from sitegen import urls
from sitegen.diff import Diff
from sitegen.model import Article, ArticleSummary, SourceInfo
from sitegen.pages import Page
from sitegen.render import markdown


def article_pages(article: Article, source: SourceInfo, diffs: dict[tuple[int, int], Diff],
                  summary: ArticleSummary) -> list[Page]:
    # Each body is rendered once; the pages take it with their own heading levels.
    bodies = [markdown.render(v.body) for v in article.versions]
    context = {"article": article, "source": source, "summary": summary,
               "first_latest": (0, len(article.versions) - 1) in diffs
               and len(article.versions) > 2}
    pages = [Page(urls.article(article.source, article.id), "article.html",
                  {**context, "latest_html": Markup(markdown.shift_headings(bodies[-1], 2))},
                  article.latest.fetched)]
    for version in article.versions:
        pages.append(Page(urls.version(article.source, article.id, version.number),
                          "version.html",
                          {**context, "version": version,
                           "change": summary.versions[version.number],
                           "body_html": Markup(markdown.shift_headings(bodies[version.number], 1))},
                          version.fetched))
    for (a, b), diff in sorted(diffs.items()):
        old, new = article.versions[a], article.versions[b]
        pages.append(Page(urls.diff(article.source, article.id, a, b), "diff.html",
                          {**context, "old": old, "new": new, "diff": diff,
                           "change": summary.versions[b]},
                          new.fetched))
    return pages


def sitemap_entries(summary: ArticleSummary) -> list[tuple[str, datetime]]:
    """(URL, last change) of every page :func:`article_pages` makes, from the summary."""
    s, a, versions = summary.source, summary.id, summary.versions
    entries = [(urls.article(s, a), summary.latest.fetched)]
    entries += [(urls.version(s, a, v.number), v.fetched) for v in versions]
    entries += [(urls.diff(s, a, v.number - 1, v.number), v.fetched) for v in versions[1:]]
    if len(versions) > 2:
        entries.append((urls.diff(s, a, 0, len(versions) - 1), summary.latest.fetched))
    return entries

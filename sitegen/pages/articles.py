"""The pages of one article: its history, one page per version (with what changed in it),
and (from three versions on) a page comparing any two versions in the browser."""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup

from sitegen import urls
from sitegen.diff import Diff
from sitegen.diff.engine import parsed
from sitegen.model import Article, ArticleSummary, SourceInfo
from sitegen.pages import Page
from sitegen.pages.compare import compare_context, has_compare
from sitegen.render import markdown
from sitegen.stories.records import ToldBlock


def article_pages(article: Article, source: SourceInfo, diffs: dict[tuple[int, int], Diff],
                  summary: ArticleSummary, told: ToldBlock | None = None) -> list[Page]:
    """``diffs`` holds each version's diff from the one before it, by (n - 1, n); ``told``
    is the history page's "Also told by" (the article's relations to other sources')."""
    context = {"article": article, "source": source, "summary": summary,
               "has_compare": has_compare(len(article.versions))}
    pages = [Page(urls.article(article.source, article.id), "article.html",
                  {**context, "told": told}, article.latest.fetched)]
    for version in article.versions:
        n = version.number
        pages.append(Page(urls.version(article.source, article.id, n), "version.html",
                          {**context, "version": version, "change": summary.versions[n],
                           "diff": diffs.get((n - 1, n)),
                           "body_html": Markup(markdown.headings_from(body_html(version.body),
                                                                      2))},
                          version.fetched))
    if context["has_compare"]:
        pages.append(Page(urls.compare(article.source, article.id), "compare.html",
                          {**context, "compare": compare_context(article)},
                          article.latest.fetched))
    return pages


def body_html(text: str) -> str:
    """A body's HTML, a block at a time where that gives the same HTML (the versions of an
    article share most blocks, and the diff has just cut them)."""
    pieces = parsed(text).pieces()
    return markdown.render(text) if pieces is None else markdown.render_pieces(pieces)


def sitemap_entries(summary: ArticleSummary) -> list[tuple[str, datetime]]:
    """(URL, last change) of every page :func:`article_pages` makes, from the summary."""
    s, a, versions = summary.source, summary.id, summary.versions
    entries = [(urls.article(s, a), summary.latest.fetched)]
    entries += [(urls.version(s, a, v.number), v.fetched) for v in versions]
    if has_compare(len(versions)):
        entries.append((urls.compare(s, a), summary.latest.fetched))
    return entries

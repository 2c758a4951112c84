"""The pages of one article: its history, one page per version, one per diff, and (from
three versions on) a page comparing any two versions in the browser."""

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


def article_pages(article: Article, source: SourceInfo, diffs: dict[tuple[int, int], Diff],
                  summary: ArticleSummary) -> list[Page]:
    # Each body is rendered once; the pages take it with their own heading levels.
    bodies = [body_html(v.body) for v in article.versions]
    context = {"article": article, "source": source, "summary": summary,
               "first_latest": (0, len(article.versions) - 1) in diffs
               and len(article.versions) > 2,
               "has_compare": has_compare(len(article.versions))}
    pages = [Page(urls.article(article.source, article.id), "article.html",
                  {**context, "latest_html": Markup(markdown.headings_from(bodies[-1], 3))},
                  article.latest.fetched)]
    for version in article.versions:
        pages.append(Page(urls.version(article.source, article.id, version.number),
                          "version.html",
                          {**context, "version": version,
                           "change": summary.versions[version.number],
                           "body_html": Markup(markdown.headings_from(bodies[version.number], 2))},
                          version.fetched))
    for (a, b), diff in sorted(diffs.items()):
        old, new = article.versions[a], article.versions[b]
        pages.append(Page(urls.diff(article.source, article.id, a, b), "diff.html",
                          {**context, "old": old, "new": new, "diff": diff,
                           "change": summary.versions[b]},
                          new.fetched))
    if context["has_compare"]:
        pages.append(Page(urls.compare(article.source, article.id), "compare.html",
                          {**context, "compare": compare_context(article, list(diffs))},
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
    entries += [(urls.diff(s, a, v.number - 1, v.number), v.fetched) for v in versions[1:]]
    if len(versions) > 2:
        entries.append((urls.diff(s, a, 0, len(versions) - 1), summary.latest.fetched))
    if has_compare(len(versions)):
        entries.append((urls.compare(s, a), summary.latest.fetched))
    return entries

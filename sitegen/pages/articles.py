"""The pages of one article: its history, one page per version (with what changed in it),
and (from three versions on) a page comparing any two versions in the browser."""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup

from sitegen import urls
from sitegen.diff import Diff
from sitegen.diff.engine import parsed
from sitegen.model import Article, ArticleSummary, SourceInfo, Version
from sitegen.pages import Page
from sitegen.pages.compare import compare_context, has_compare
from sitegen.provenance import text_sha256
from sitegen.render import markdown
from sitegen.stories.records import ToldBlock


def article_pages(article: Article, source: SourceInfo, diffs: dict[tuple[int, int], Diff],
                  summary: ArticleSummary, told: ToldBlock | None = None) -> list[Page]:
    """``diffs`` holds each version's diff from the one before it, by (n - 1, n); ``told``
    is the history page's "Also told by" (the article's relations to other sources')."""
    context = _context(article, source, summary)
    pages = [history_page(article, source, summary, told)]
    for version in article.versions:
        n = version.number
        pages.append(Page(urls.version(article.source, article.id, n), "version.html",
                          {**context, "version": version, "change": summary.versions[n],
                           "hashes": hashes(version),
                           "diff": diffs.get((n - 1, n)),
                           "body_html": Markup(markdown.headings_from(body_html(version.body),
                                                                      2))},
                          version.fetched))
    if context["has_compare"]:
        pages.append(Page(urls.compare(article.source, article.id), "compare.html",
                          {**context, "compare": compare_context(article)},
                          article.latest.fetched))
    return pages


def history_page(article: Article, source: SourceInfo, summary: ArticleSummary,
                 told: ToldBlock | None = None) -> Page:
    """The article's history page: the only one of its pages that shows when sitegen fetch
    last checked it and what other sources told the story, so the only one made again when
    no more than that changed."""
    return Page(urls.article(article.source, article.id), "article.html",
                {**_context(article, source, summary), "told": told}, article.latest.fetched)


def _context(article: Article, source: SourceInfo, summary: ArticleSummary) -> dict:
    """What every page of the article is given."""
    return {"article": article, "source": source, "summary": summary,
            "has_compare": has_compare(len(article.versions))}


# Short: every version page carries them (docs/export.md says the rest).
TEXT_NOTE = "Of the text (Markdown, UTF-8) as sitegen export holds it; sitegen verify checks it."
RESPONSE_NOTE = "Of the HTTP response body the text was extracted from, as the server sent it."


def hashes(version: Version) -> list[tuple[str, str, str]]:
    """(label, hex SHA-256, what it is of) for the version page's provenance facts."""
    found = [("Text SHA-256", text_sha256(version.body), TEXT_NOTE)]
    response = version.extra.get("response_sha256")
    if isinstance(response, str) and response:
        found.append(("Response SHA-256", response, RESPONSE_NOTE))
    return found


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

"""One article's whole build: parse, diff, render, and write what changed.

This is the unit of work that is cached and run in parallel. It depends only on the
article's files, its source's description and the site's settings, so worker processes can
do it independently; they write pages straight into the staging folder and send back only
a small :class:`~sitegen.cache.ArticleRecord`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from sitegen import feeds, hosting, urls
from sitegen.cache import ArticleRecord, blob_path, load_blob, save_blob
from sitegen.config import Config
from sitegen.content.loader import ArticleFiles, load_article
from sitegen.diff import Diff, diff_versions
from sitegen.errors import Problem
from sitegen.fingerprint import digest_bytes
from sitegen.model import Article, ArticleSummary, SourceInfo
from sitegen.output import write_file
from sitegen.pages import Page
from sitegen.pages.articles import article_pages, sitemap_entries
from sitegen.render.theme import Theme
from sitegen.search import document, document_path


@dataclass(frozen=True)
class Settings:
    """What every job of one build shares."""

    project: Path
    config: Config
    search: bool
    render_key: str
    site: Path  # staging folder for pages
    docs: Path  # staging folder for search documents
    diffs: Path | None  # the diff cache, None when caching is off
    entries: Path  # where each article's feed entries are kept for the scope feeds
    templates: Path | None = None  # where compiled templates are kept, None when caching is off


@dataclass(frozen=True)
class Task:
    spec: ArticleFiles
    source: SourceInfo
    content_key: str
    old_pages: dict[str, str]  # what the output holds now (skip writing identical bytes)
    old_search_doc: str | None


_settings: Settings | None = None
_theme: Theme | None = None


def init(settings: Settings) -> None:
    """Set up a worker (or the main process) for a build's jobs. A process that is set up
    for these settings already (the main process again, or a worker forked from it) keeps
    its theme and the templates it has compiled."""
    global _settings, _theme
    if settings == _settings and _theme is not None:
        return
    _settings = settings
    _made.clear()
    _theme = Theme(settings.project, settings.config, settings.templates)
    _theme.set_global("search_enabled", settings.search)


_made: set[str] = set()  # folders this process has created in the staging folder


def _write(root: Path, rel: str, data: bytes) -> None:
    write_file(root, rel, data, _made)


def entries_blob(folder: Path, record: ArticleRecord) -> Path:
    return blob_path(folder, record.entries_key, "entries")


def pairs(count: int) -> list[tuple[int, int]]:
    """The diffs every article gets: each version against the one before, and the first
    against the latest when they are not neighbours."""
    found = [(n - 1, n) for n in range(1, count)]
    return found + ([(0, count - 1)] if count > 2 else [])


def diffs_of(article: Article, name: str, folder: Path | None
             ) -> dict[tuple[int, int], Diff]:
    """The article's diffs, from the cache when this content was diffed by this code before
    (``name`` is the record's ``diffs_key``): a template change re-renders without
    re-diffing."""
    blob = blob_path(folder, name, "diffs") if folder else None
    if blob is not None:
        cached = load_blob(blob)
        if isinstance(cached, dict):
            return cached
    versions = article.versions
    diffs = {(a, b): diff_versions(versions[a], versions[b]) for a, b in pairs(len(versions))}
    if blob is not None:
        save_blob(blob, diffs)
    return diffs


def run(task: Task) -> tuple[ArticleRecord, list[Problem], int]:
    """Build one article: its record, any template problems, and how many files it wrote."""
    assert _settings is not None and _theme is not None, "init() first"
    settings, theme = _settings, _theme
    max_bytes = settings.config.max_file_size
    article, problems = load_article(task.spec, max_bytes)
    record = ArticleRecord(task.content_key, settings.render_key, None, problems, {}, None)
    if article is None:
        return record, [], 0
    written = 0
    diffs = diffs_of(article, record.diffs_key, settings.diffs)
    record.summary = ArticleSummary.of(article, {b: d for (a, b), d in diffs.items() if b == a + 1},
                                       task.content_key)
    record.sitemap = hosting.sitemap_block(settings.config, sitemap_entries(record.summary))
    template_problems: set[Problem] = set()
    for page in article_pages(article, task.source, diffs, record.summary):
        try:
            html = theme.render(page.template, {**page.context, "page_url": page.url})
        except jinja2.TemplateError as exc:
            template_problems.add(theme.problem_from(exc, page.template))
            continue
        data = html.encode("utf-8")
        path = urls.output_path(page.url)
        sha = digest_bytes(data)
        record.pages[path] = sha
        record.size += len(data)
        if task.old_pages.get(path) != sha:
            _write(settings.site, path, data)
            written += 1
    if settings.config.base_url:
        blob = entries_blob(settings.entries, record)
        made = load_blob(blob)  # made for this content, code and configuration before
        if not isinstance(made, list):
            made = feeds.entries(article, task.source, diffs, settings.config)
            save_blob(blob, made)
        latest = feeds.newest(made, settings.config.feed_entries)
        files = feeds.feed_files(
            settings.config, urls.article(article.source, article.id) + "feed",
            f"{article.title} · {task.source.name}",
            f"Every change to “{article.title}” ({task.source.name}), as sitegen recorded it.",
            urls.article(article.source, article.id), latest)
        for path, data in files.items():
            sha = digest_bytes(data)
            record.pages[path] = sha
            record.size += len(data)
            if task.old_pages.get(path) != sha:
                _write(settings.site, path, data)
                written += 1
    if settings.search:
        doc = document(article, task.source, settings.config.language.split("-")[0].lower())
        data = doc.encode("utf-8")
        record.search_doc = digest_bytes(data)
        if record.search_doc != task.old_search_doc:
            _write(settings.docs, document_path(task.spec.key), data)
    record.seal()
    return record, sorted(template_problems), written


def run_many(tasks: list[Task]) -> list[tuple[ArticleRecord, list[Problem], int]]:
    return [run(task) for task in tasks]


def render_lists(pages: list[tuple[str, Page, str | None]]
                 ) -> list[tuple[str, str | None, int, Problem | None]]:
    """Render list pages (path, page, sha of what the output holds): for each, (path, sha of
    the new bytes or None, their size, problem); only pages whose bytes changed are
    written."""
    assert _settings is not None and _theme is not None, "init() first"
    out: list[tuple[str, str | None, int, Problem | None]] = []
    for path, page, old in pages:
        try:
            html = _theme.render(page.template, {**page.context, "page_url": page.url})
        except jinja2.TemplateError as exc:
            out.append((path, None, 0, _theme.problem_from(exc, page.template)))
            continue
        data = html.encode("utf-8")
        sha = digest_bytes(data)
        if sha != old:
            _write(_settings.site, path, data)
        out.append((path, sha, len(data), None))
    return out


__all__ = ["Settings", "Task", "init", "load_blob", "run", "run_many", "save_blob"]

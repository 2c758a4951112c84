"""One article's whole build: parse, diff, render, and write what changed.

This is the unit of work that is cached and run in parallel. It depends only on the
article's files, its source's description and the site's settings, so worker processes can
do it independently; they write pages straight into the staging folder and send back only
a small :class:`~sitegen.cache.ArticleRecord`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import jinja2

from sitegen import feeds, urls
from sitegen.cache import ArticleRecord, blob_path, load_blob, save_blob
from sitegen.config import Config
from sitegen.content.loader import ArticleFiles, load_article
from sitegen.diff import Diff, diff_versions
from sitegen.errors import Problem
from sitegen.fingerprint import digest_bytes
from sitegen.model import Article, ArticleSummary, SourceInfo
from sitegen.output import write_file
from sitegen.pages import Page
from sitegen.pages.articles import article_pages, history_page
from sitegen.provenance import manifest_block
from sitegen.render.theme import Theme
from sitegen.search import document, document_path
from sitegen.stories.records import ToldBlock
from sitegen.stories.signature import signature_of


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
    entries: Path  # where this build's jobs keep each article's feed entries for the scope feeds


@dataclass(frozen=True)
class Task:
    spec: ArticleFiles
    source: SourceInfo
    content_key: str
    old_pages: dict[str, str]  # what the output holds now (skip writing identical bytes)
    old_search_doc: str | None
    told: ToldBlock | None = None  # what its history page's "Also told by" shows
    checks: str = ""  # when sitegen fetch last checked it and is due next
    # When only what the history page alone shows changed (the fetch checks, "Also told
    # by"): the article's record as it is; only the history page is made again.
    history_only: ArticleRecord | None = None


_settings: Settings | None = None
_theme: Theme | None = None


def init(settings: Settings) -> None:
    """Set up a worker (or the main process) for a build's jobs. A process that is set up
    for these settings already (the main process again, or a worker forked from it) keeps
    its theme and the templates it has compiled, and so does one whose next build has the
    same theme and configuration (a preview server's): templates are compiled in memory
    only, never kept on disk."""
    global _settings, _theme
    if settings == _settings and _theme is not None:
        return
    _settings = settings
    _made.clear()
    theme = Theme(settings.project, settings.config)
    if _theme is None or (_theme.project, _theme.config, _theme.key) != (
            theme.project, theme.config, theme.key):
        _theme = theme
    _theme.set_global("search_enabled", settings.search)


_made: set[str] = set()  # folders this process has created in the staging folder


def _write(root: Path, rel: str, data: bytes) -> None:
    write_file(root, rel, data, _made)


def entries_blob(folder: Path, record: ArticleRecord) -> Path:
    """Where this build's job keeps the article's feed entries, for the scope feeds."""
    return folder / f"{record.entries_key}.json.z"


def pairs(count: int) -> list[tuple[int, int]]:
    """The diffs every article gets: each version against the one before (any other pair
    is compared in the browser, on the compare page)."""
    return [(n - 1, n) for n in range(1, count)]


def diffs_of(article: Article, name: str, folder: Path | None
             ) -> tuple[dict[tuple[int, int], Diff], str | None]:
    """The article's diffs, from the cache when this content was diffed by this code before
    (``name`` is the record's ``diffs_key``): a template change re-renders without
    re-diffing. Also why a cached blob was not used, if it was there and unusable."""
    blob = blob_path(folder, name) if folder else None
    versions = article.versions
    wanted = pairs(len(versions))
    unusable = None
    if blob is not None:
        cached, unusable = load_blob(blob, list[tuple[int, int, Diff]])
        if cached is not None:
            found = {(a, b): diff for a, b, diff in cached}
            if sorted(found) == sorted(wanted) and all(
                    diff.holds(versions[a], versions[b]) for (a, b), diff in found.items()):
                return found, None
            unusable = "not the diffs of this article's versions"
    diffs = {(a, b): diff_versions(versions[a], versions[b]) for a, b in wanted}
    if blob is not None:
        save_blob(blob, [(a, b, diff) for (a, b), diff in diffs.items()])
    return diffs, unusable and f"{blob_path(Path('diffs'), name).as_posix()}: {unusable}"


class Outcome(NamedTuple):
    """What one article's job sends back."""

    record: ArticleRecord
    problems: list[Problem]  # of the templates (the content's are in the record)
    written: int  # files written
    warning: str | None = None  # a cached blob that was not used, and why


def told_key(told: ToldBlock | None) -> str:
    """What a history page's "Also told by" block is made from, as a key ("" for none)."""
    return "" if told is None else digest_bytes(repr(told).encode())


def run(task: Task) -> Outcome:
    """Build one article: its record, any template problems, and how many files it wrote."""
    assert _settings is not None and _theme is not None, "init() first"
    settings, theme = _settings, _theme
    config = settings.config
    article, problems = load_article(task.spec, config.max_file_size, config.max_paragraphs)
    record = ArticleRecord(task.content_key, settings.render_key, None, problems, {}, None,
                           checks=task.checks)
    if article is None:
        return Outcome(record, [], 0)
    kept = task.history_only
    record.told_key = told_key(task.told)
    written = 0
    template_problems: set[Problem] = set()
    diffs: dict[tuple[int, int], Diff] = {}
    unusable = None
    if kept is not None and kept.summary is not None:
        # The same content: its summary, signature, manifest lines and other pages stand.
        record.summary, record.story, record.manifest = kept.summary, kept.story, kept.manifest
        record.pages, record.search_doc = dict(kept.pages), kept.search_doc
        record.size = kept.size - kept.history_size
        pages = [history_page(article, task.source, record.summary, task.told)]
    else:
        kept = None
        record.story = signature_of(article)
        diffs, unusable = diffs_of(article, record.diffs_key, settings.diffs)
        record.summary = ArticleSummary.of(article, {b: d for (_, b), d in diffs.items()},
                                           task.content_key)
        record.manifest = manifest_block(article)
        pages = article_pages(article, task.source, diffs, record.summary, task.told)
    for page in pages:
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
        if page.template == "article.html":
            record.history_size = len(data)
        if task.old_pages.get(path) != sha:
            _write(settings.site, path, data)
            written += 1
    if kept is not None:  # its feed and search document are as they were
        record.seal()
        return Outcome(record, sorted(template_problems), written, unusable)
    if settings.config.base_url:
        made = feeds.entries(article, task.source, diffs, settings.config)
        save_blob(entries_blob(settings.entries, record), made)
        latest = feeds.newest(made, settings.config.feed_entries)
        files = feeds.feed_files(
            settings.config, urls.article(article.source, article.id) + "feed",
            f"{article.title} · {task.source.name}",
            f"Every change to “{article.title}” ({task.source.name}), as sitegen recorded it.",
            urls.article(article.source, article.id), latest, formats=("rss",))
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
    return Outcome(record, sorted(template_problems), written, unusable)


def run_many(tasks: list[Task]) -> list[Outcome]:
    return [run(task) for task in tasks]


def entries_many(tasks: list[Task]) -> list[str | None]:
    """Make the feed entries of articles this build did not rebuild (for the scope feeds:
    entries are kept only for the build that made them, never read from the cache, since
    they are HTML); for each, a cached blob that was not used, and why."""
    assert _settings is not None, "init() first"
    settings, found = _settings, []
    for task in tasks:
        article, _ = load_article(task.spec, settings.config.max_file_size,
                                  settings.config.max_paragraphs)
        record = ArticleRecord.of_keys(task.content_key, settings.render_key)
        if article is None:  # its record says it has a summary: its files changed since
            found.append(f"{task.spec.key} changed during the build")
            continue
        diffs, unusable = diffs_of(article, record.diffs_key, settings.diffs)
        save_blob(entries_blob(settings.entries, record),
                  feeds.entries(article, task.source, diffs, settings.config))
        found.append(unusable)
    return found


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


__all__ = ["Outcome", "Settings", "Task", "entries_many", "init", "run", "run_many"]

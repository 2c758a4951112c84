"""The stages of a build that has work to do, in the order :func:`sitegen.build.build` runs
them: article jobs in worker processes, list pages, feeds of the whole archive and of each
source, the search index in parts; and the :class:`Writer` that stages only changed files.

Apart from ``build.py`` so that a rebuild with nothing to do never loads them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

from sitegen import feeds, hosting, job, search_ahead, urls
from sitegen.cache import ArticleRecord, Cache, ListScope, State, feeds_part, load_blob
from sitegen.config import Config
from sitegen.errors import BuildError, Problem, SitegenError
from sitegen.fingerprint import digest_bytes, key, stable
from sitegen.model import Catalog, SourceInfo, SourceSummary
from sitegen.output import make_folder, write_file
from sitegen.pages import Page
from sitegen.pages.articles import sitemap_entries
from sitegen.pages.lists import list_scopes
from sitegen.search import Indexing, close_all, document_path, part_of, shard_count, shard_of

PARALLEL_FROM = 24  # fewer items than this are built in this process
# List pages cost 1-3 ms each and their contexts (article summaries) must be pickled for a
# worker: starting the pool for fewer pages than this costs more than it saves (one new
# version re-renders 50-90 list pages of a large archive: 0.14-0.20 s here, 0.18-0.24 s
# in two workers).
LISTS_PARALLEL_FROM = 100
# Pagefind runs at once, at most: each holds one part of the index in memory (393,540 KB for
# 1,250 articles here), so a machine with many cores must not run one per core.
SEARCH_PARALLEL = 4
T = TypeVar("T")
R = TypeVar("R")
# The feed entries the last build's scope feeds used, by entries key, kept in this process
# only (never on disk: they are HTML): a preview's next build takes them from here instead
# of making them again for each article the feeds list. Replaced by each build's.
_entries: dict[str, dict[int, feeds.Entry]] = {}


Progress = Callable[[str, int, int], None]  # (what, done, total)


def quiet(what: str, done: int, total: int) -> None:
    pass


def map_chunks(work: Callable[[list[T]], list[R]], items: list[T], settings: job.Settings,
         jobs: int, progress: Progress = quiet, what: str = "",
         parallel_from: int = PARALLEL_FROM) -> list[R]:
    """``work`` over ``items`` in chunks, in worker processes when there are enough items
    (``parallel_from``) to be worth starting them; results in the order of ``items``."""
    size = max(4, min(64, len(items) // (max(jobs, 1) * 8) or 1))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    results: list[R] = []
    progress(what, 0, len(items))
    if jobs <= 1 or len(items) < parallel_from:
        job.init(settings)
        for chunk in chunks:
            results += work(chunk)
            progress(what, len(results), len(items))
        return results
    # fork is fastest, but not safe in a process that runs other threads (sitegen serve).
    method = "fork" if threading.active_count() == 1 and os.name == "posix" else "spawn"
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method),
                             initializer=job.init, initargs=(settings,)) as pool:
        for done in pool.map(work, chunks):
            results += done
            progress(what, len(results), len(items))
    return results


def run_jobs(tasks: list[job.Task], settings: job.Settings, jobs: int,
              progress: Progress = quiet) -> list[job.Outcome]:
    return map_chunks(job.run_many, tasks, settings, jobs, progress, "Building articles")


def make_entries(tasks: list[job.Task], settings: job.Settings, jobs: int) -> list[str]:
    """The feed entries of articles this build did not rebuild (``job.entries_many``); what
    it found unusable in the cache."""
    return [w for w in map_chunks(job.entries_many, tasks, settings, jobs) if w]


class Writer:
    """Collects the hashes of the files made beside the articles' pages (lists, feeds,
    search index, host files; ``old`` is the previous build's) and writes into staging
    whatever differs from the output."""

    def __init__(self, staging: Path, old: dict[str, str], full: bool):
        self.staging, self.old, self.full = staging, old, full
        self.manifest: dict[str, str] = {}
        self.written = 0
        self.bytes = 0  # of every file added
        self._made: set[str] = set()

    def add(self, path: str, data: bytes) -> str:
        sha = digest_bytes(data)
        self.manifest[path] = sha
        self.bytes += len(data)
        if self.full or self.old.get(path) != sha:
            write_file(self.staging, path, data, self._made)
            self.written += 1
        return sha


def scope_feeds(writer: Writer, config: Config, catalog: Catalog, state: State,
                records: dict[str, ArticleRecord], folder: Path, render_key: str
                ) -> list[str]:
    """The feeds of the whole archive, of each source and of headline rewrites; returns the
    articles whose entries this build has not made (nothing is written then: see
    :func:`make_entries`). A feed whose
    entries and settings are those of the last build is not made again (``state.feeds``
    holds the key of each feed's inputs): one new version changes two or three feeds."""
    if not config.base_url:
        return []
    count = config.feed_entries
    # Newest first: plain tuples sort in C (source, id and number are unique together, so
    # the summaries at the end are never compared).
    versions = sorted([(-v.fetched.timestamp(), a.source, a.id, -v.number, a)
                       for a in catalog.articles for v in a.versions])
    scopes: dict[str, list[tuple[str, int]]] = {"": []}
    headlines: list[tuple[str, int]] = []
    for _, source, article, negative, summary in versions:
        number = -negative
        key_ = f"{source}/{article}"
        if len(scopes[""]) < count:
            scopes[""].append((key_, number))
        scopes.setdefault(source, [])
        if len(scopes[source]) < count:
            scopes[source].append((key_, number))
        if (len(headlines) < count and number
                and summary.versions[number - 1].title != summary.versions[number].title):
            headlines.append((key_, number))
    newest = catalog.articles and max(a.latest.fetched for a in catalog.articles)
    fallback = newest or feeds.EPOCH
    title = config.title
    # (name, title, description, page, entries, with the source's name)
    wanted = [("feed", f"{title}: latest changes", f"Every change {title} recorded, newest "
               "first.", urls.home(), scopes[""], True),
              ("feeds/headlines", f"{title}: headline rewrites",
               "Only the versions whose headline changed.",
               urls.list_page("", "headline-rewrites"), headlines, True)]
    wanted += [(f"{source.id}/feed", f"{source.name}: latest changes · {title}",
                f"Every change {title} recorded at {source.name}.", urls.source(source.id),
                scopes.get(source.id, []), False) for source in catalog.sources]
    keys: dict[str, str] = {}
    todo = []
    for name, *details, items, with_source in wanted:
        keys[name] = key(feeds_part(render_key), name, details, with_source,
                         None if items else fallback,
                         [(records[k].entries_key, n) for k, n in items])
        paths = [f"{name}.atom", f"{name}.rss"]
        if state.feeds.get(name) == keys[name] and all(p in writer.old for p in paths):
            writer.manifest.update((p, writer.old[p]) for p in paths)
        else:
            todo.append((name, *details, items, with_source))
    needed = {k for *_, items, _ in todo for k, _ in items}
    loaded: dict[str, dict[int, feeds.Entry]] = {}
    missing = []
    for article in sorted(needed):
        kept = _entries.get(records[article].entries_key)
        if kept is not None:
            loaded[article] = kept
            continue
        made, _ = load_blob(job.entries_blob(folder, records[article]), list[feeds.Entry])
        if made is None:
            missing.append(article)
            continue
        loaded[article] = {e.number: e for e in made}
    if missing:
        return missing
    listed = {records[k].entries_key for *_, items, _ in wanted for k, _ in items}
    kept = {**_entries, **{records[k].entries_key: made for k, made in loaded.items()}}
    _entries.clear()
    _entries.update((k, made) for k, made in kept.items() if k in listed)
    for name, feed_title, description, page, items, with_source in todo:
        files = feeds.feed_files(config, name, feed_title, description, page,
                                 [loaded[k][n] for k, n in items], fallback,
                                 with_source=with_source)
        for path, data in files.items():
            writer.add(path, data)
    state.feeds = keys
    return []


def sitemap_blocks(config: Config, records: dict[str, ArticleRecord]) -> list[tuple[str, str]]:
    """Each article's sitemap lines (``hosting.sitemap_block``), made from its summary: the
    cache keeps no markup."""
    return [(urls.article(r.summary.source, r.summary.id),
             hosting.sitemap_block(config, sitemap_entries(r.summary)))
            for r in records.values() if r.summary]


def disk_size(output: Path, paths: Iterable[str]) -> int:
    total = 0
    for path in paths:
        with contextlib.suppress(OSError):
            total += (output / path).stat().st_size
    return total


def catalog_of(infos: dict[str, SourceInfo], records: dict[str, ArticleRecord]) -> Catalog:
    summaries = [r.summary for r in records.values() if r.summary is not None]
    counts: dict[str, list[int]] = {sid: [0, 0] for sid in infos}
    for summary in summaries:
        counts[summary.source][0] += 1
        counts[summary.source][1] += len(summary.versions)
    sources = tuple(SourceSummary(i.id, i.name, i.url, i.description, *counts[sid])
                    for sid, i in sorted(infos.items()))
    return Catalog(sources, tuple(sorted(summaries, key=lambda a: (a.source, a.id))))


def render_lists(writer: Writer, config: Config, catalog: Catalog, state: State, full: bool,
           search: bool, render_key: str, settings: job.Settings, jobs: int,
           progress: Progress = quiet) -> tuple[list[tuple[str, object]], int]:
    """Render the list pages whose inputs changed (in the worker processes when there are
    many); their sitemap entries and count. A scope (the whole site, a source) whose inputs
    did not change is not even planned: its record says what its pages were."""
    old_pages = {path: made for scope in state.lists.values()
                 for path, made in scope.pages.items()}
    fresh: dict[str, ListScope] = {}
    todo: list[tuple[str, Page, str | None]] = []
    owner: dict[str, tuple[ListScope, str]] = {}  # path to render -> (its scope, input key)
    memo: dict[int, object] = {}
    for scope in list_scopes(catalog, config.tz, config.page_size, config.base_path,
                             limit=config.list_limit, search=search):
        scope_key = key(render_key, stable(scope.inputs, memo))
        old = state.lists.get(scope.name)
        if (not full and old and old.key == scope_key
                and all(writer.old.get(path) == sha for path, (_, sha) in old.pages.items())):
            writer.manifest.update((path, sha) for path, (_, sha) in old.pages.items())
            fresh[scope.name] = old
            continue
        planned = scope.plan()
        record = fresh[scope.name] = ListScope(
            scope_key, {}, [(p.url, p.updated) for p in planned if p.listed])
        for page in planned:
            path = urls.output_path(page.url)
            inputs = key(render_key, page.template, page.url, stable(page.context, memo))
            made = old_pages.get(path)
            if not full and made and made[0] == inputs and writer.old.get(path) == made[1]:
                writer.manifest[path] = made[1]
                record.pages[path] = made
            else:
                todo.append((path, page, None if full else writer.old.get(path)))
                owner[path] = (record, inputs)
    problems: set[Problem] = set()
    for path, sha, size, trouble in map_chunks(job.render_lists, todo, settings, jobs,
                                               progress, "Rendering lists",
                                               LISTS_PARALLEL_FROM):
        if trouble is not None:
            problems.add(trouble)
            continue
        assert sha is not None
        writer.manifest[path] = sha
        writer.bytes += size
        record, inputs = owner[path]
        record.pages[path] = (inputs, sha)
        if full or writer.old.get(path) != sha:
            writer.written += 1
    if problems:
        raise BuildError(sorted(problems))
    state.lists = fresh
    entries = [entry for scope in fresh.values() for entry in scope.sitemap]
    return entries, sum(len(scope.pages) for scope in fresh.values())


def search_runs(jobs: int) -> int:
    """Pagefind runs at once, for ``jobs`` workers."""
    return max(1, min(jobs, SEARCH_PARALLEL))


class SearchParts:
    """The parts of the search index to make again, indexed while the rest of the build goes
    on: :func:`start_search` starts Pagefind (a process of its own) on the first parts, the
    build renders its list pages meanwhile, and :meth:`finish` waits for each part in turn,
    starting the next, and adds their files to the writer. :meth:`close` stops whatever
    still runs (a build that fails)."""

    def __init__(self, keys: dict[int, str], todo: list[Indexing], unchanged: dict[str, str],
                 keep: Callable[[], None], at_once: int):
        self.keys, self.todo, self.unchanged, self.keep = keys, todo, unchanged, keep
        self.at_once = at_once
        self._start_more()

    def _start_more(self, done: int = 0) -> None:
        """Start parts, in order from ``done``, until ``at_once`` are running. A part
        started before the build loaded its record (search_ahead) may be further on: the
        part waited for next is started even then, one run more than at_once."""
        running = sum(1 for part in self.todo[done:] if part.started)
        for n, part in enumerate(self.todo[done:]):
            if part.started:
                continue
            if running >= self.at_once and n > 0:
                break
            part.start()
            running += 1

    def finish(self, writer: Writer) -> tuple[dict[int, str], Callable[[], None]]:
        """Every part in the writer; the key of each part, and what to call once the new
        output is published, to keep this build's documents in the cache (not before: a
        build that fails must leave the cache's documents as the last good build's)."""
        writer.manifest.update(self.unchanged)
        for n, part in enumerate(self.todo):  # in order, so that the output is always the same
            for path, data in part.result().items():
                writer.add(path, data)
            self._start_more(n + 1)
        return self.keys, self.keep

    def close(self) -> None:
        close_all(self.todo)


def _sweep(folder: Path, wanted: set[str]) -> None:
    """Remove from ``folder`` every file not ``wanted`` (relative paths) and the folders
    left empty, such as those of an earlier cache format's layout."""
    for parent, _, names in os.walk(folder, topdown=False):
        rel = os.path.relpath(parent, folder)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        for name in names:
            if prefix + name not in wanted:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(parent, name))
        if parent != str(folder):
            with contextlib.suppress(OSError):  # not empty, or gone: left alone
                os.rmdir(parent)


Remake = Callable[[str], bytes | None]  # an article's search document, from its files


def start_search(store: Cache, state: State, records: dict[str, ArticleRecord], staged: Path,
                 config: Config, search: bool, full: bool, jobs: int = 1,
                 ahead: dict[int, search_ahead.Ahead] | None = None,
                 remake: Remake | None = None,
                 extra: dict[str, str] | None = None) -> SearchParts:
    """Start re-indexing the parts of the index whose documents changed, ``jobs`` Pagefind
    runs at a time (one run keeps about 1.4 cores busy; SEARCH_PARALLEL at most). A part
    already running from ``ahead`` is taken over if it indexes what this build would;
    every other run there is stopped. A document that the cache lost is made again with
    ``remake``. ``extra`` (name -> sha) are documents beside the articles' that this build
    wrote into ``staged`` (the stories'): indexed in the parts, not counted for their
    number."""
    ahead = dict(ahead or {})  # what is left in it once the parts are planned is stopped
    try:
        return _start_search(store, state, records, staged, config, search, full, jobs,
                             ahead, remake, extra or {})
    finally:
        search_ahead.close(ahead)  # the runs not taken over


def _remake(article: str, staged: Path, folder: Path, rel: str, remake: Remake | None
            ) -> None:
    data = remake(article) if remake is not None else None
    if data is None:
        raise SitegenError(f"the search document of {article} is missing from {folder} and "
                           "could not be made again from its files; delete "
                           f"{folder.parent.name}/ and build again")
    write_file(staged, rel, data, set())


def _start_search(store: Cache, state: State, records: dict[str, ArticleRecord],
                  staged: Path, config: Config, search: bool, full: bool, jobs: int,
                  ahead: dict[int, search_ahead.Ahead], remake: Remake | None,
                  extra: dict[str, str]) -> SearchParts:
    if not search:
        return SearchParts({}, [], {}, lambda: None, 1)
    folder = store.search_docs if store.enabled else staged
    indexed = {k: r.search_doc for k, r in records.items() if r.search_doc}
    count = shard_count(len(indexed))  # the search page knows it from the articles alone
    indexed.update(extra)

    def keep() -> None:
        if not store.enabled:
            return
        made: set[str] = set()
        for path in sorted(p for p in staged.rglob("*.html")):
            target = f"{folder}/{path.relative_to(staged).as_posix()}"
            make_folder(target, made)
            os.replace(path, target)
        if full or not state.search_keys:  # no previous index to go by: sweep the folder
            _sweep(folder, {document_path(k) for k in indexed})
        else:  # the documents of the articles that had one and have none now
            for name in sorted(state.articles.keys() - indexed.keys()):
                path = folder / document_path(name)
                path.unlink(missing_ok=True)
                with contextlib.suppress(OSError):  # a source with no documents left
                    path.parent.rmdir()

    parts: dict[int, list[tuple[str, str]]] = {n: [] for n in range(count)}
    for article, doc in sorted(indexed.items()):
        parts[shard_of(article, count)].append((article, doc))
    keys = {n: key(config.language, count, docs) for n, docs in parts.items()}
    built: dict[int, dict[str, str]] = {n: {} for n in range(count)}
    for path, sha in state.files.items():
        part = part_of(path)
        if part is not None and part < count:
            built[part][path] = sha
    unchanged: dict[str, str] = {}
    todo: list[Indexing] = []
    try:
        for shard in parts:
            if not full and keys[shard] == state.search_keys.get(shard) and built[shard]:
                unchanged.update(built[shard])
                continue
            early = ahead.get(shard)
            if early is not None and early.matches(count, parts[shard], staged):
                todo.append(ahead.pop(shard).part)
                continue
            documents = []
            for article, _ in parts[shard]:
                rel = document_path(article)
                source = staged / rel  # made by this build, else kept from an earlier one
                if not source.exists():
                    source = folder / rel
                    if not source.exists():  # lost from the cache: made again
                        _remake(article, staged, folder, rel, remake)
                        source = staged / rel
                documents.append((source, rel))
            todo.append(Indexing(config.language, shard, documents, staged.parent))
        search_ahead.close(ahead)  # before more start: never more runs than at once
        return SearchParts(keys, todo, unchanged, keep, search_runs(jobs))
    except BaseException:
        close_all(todo)
        raise

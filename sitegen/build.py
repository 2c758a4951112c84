"""``sitegen build``: load and validate everything, then render and write what changed.

Phase one reads the config, finds every article and decides from content hashes which
articles must be rebuilt (all of them without a cache); their jobs parse, validate, diff and
render them, in parallel processes, writing only into a staging folder. If any content
problem turns up, the staging folder is dropped and nothing is written (unless
``keep_going``). Phase two renders the list pages whose inputs changed, the search index and
the host files, then either swaps the staging folder in as the whole new site or, when the
output is a complete previous build, moves the changed files into it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sitegen import feeds, hosting, job, urls
from sitegen.cache import ArticleRecord, Cache, State, load_blob
from sitegen.config import Config, check_base_url, load_config, normalise_base_url
from sitegen.content.loader import scan
from sitegen.content.source import FILENAME as SOURCE_FILE
from sitegen.content.source import load_source_meta
from sitegen.errors import BuildError, Problem, SitegenError, problem
from sitegen.fingerprint import Digests, code_version, digest_bytes, files_key, key, stable
from sitegen.model import Catalog, SourceInfo, SourceSummary
from sitegen.output import apply_changes, check_output, discard, new_staging, read_marker, swap_in
from sitegen.pages import Page
from sitegen.pages.articles import sitemap_entries
from sitegen.pages.lists import list_pages
from sitegen.render.theme import Theme
from sitegen.search import in_shard, index_folder, shard_count, shard_of

PARALLEL_FROM = 24  # fewer items than this are built in this process
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class BuildResult:
    sources: int
    articles: int
    versions: int
    pages: int
    files: int
    bytes: int
    seconds: float
    output: Path
    warnings: list[str]
    skipped: list[Problem]  # with keep_going: the problems of what was left out
    rebuilt: int = 0  # articles parsed and rendered by this build
    reused: int = 0  # articles taken from the cache unchanged
    written: int = 0  # files written (or replaced) in the output
    deleted: int = 0  # files removed from the output

    @property
    def hit_rate(self) -> float | None:
        total = self.rebuilt + self.reused
        return self.reused / total if total else None


def resolve_config(project: Path, base_url: str | None) -> Config:
    config, problems = load_config(project)
    if problems:
        raise BuildError(problems)
    if base_url is not None:
        message = check_base_url(base_url)
        if message:
            raise SitegenError(f"--base-url {message} (got {base_url!r})")
        config = Config(**{**config.__dict__, "base_url": normalise_base_url(base_url)})
    return config


def theme_key(theme: Theme) -> str:
    files = [p for folder in theme.folders for p in sorted(folder.rglob("*")) if p.is_file()]
    return files_key(files)


def _sources(project: Path, folders: list[tuple[str, Path]]
             ) -> tuple[dict[str, SourceInfo], list[Problem]]:
    infos, problems = {}, []
    for sid, folder in folders:
        meta, found = load_source_meta(folder / SOURCE_FILE,
                                       (folder / SOURCE_FILE).relative_to(project).as_posix())
        problems += found
        infos[sid] = SourceInfo(sid, meta.name or sid, meta.url, meta.description)
    return infos, problems


Progress = Callable[[str, int, int], None]  # (what, done, total)


def _quiet(what: str, done: int, total: int) -> None:
    pass


def _map(work: Callable[[list[T]], list[R]], items: list[T], settings: job.Settings,
         jobs: int, progress: Progress = _quiet, what: str = "") -> list[R]:
    """``work`` over ``items`` in chunks, in worker processes when there are enough items
    to be worth starting them; results in the order of ``items``."""
    size = max(4, min(64, len(items) // (max(jobs, 1) * 8) or 1))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    results: list[R] = []
    progress(what, 0, len(items))
    if jobs <= 1 or len(items) < PARALLEL_FROM:
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


def _run_jobs(tasks: list[job.Task], settings: job.Settings, jobs: int,
              progress: Progress = _quiet) -> list[tuple[ArticleRecord, list[Problem], int]]:
    return _map(job.run_many, tasks, settings, jobs, progress, "Building articles")


class _Writer:
    """Collects the new manifest and writes into staging whatever differs from the output."""

    def __init__(self, staging: Path, old: dict[str, str], full: bool):
        self.staging, self.old, self.full = staging, old, full
        self.manifest: dict[str, str] = {}
        self.written = 0

    def add(self, path: str, data: bytes) -> str:
        sha = digest_bytes(data)
        self.manifest[path] = sha
        if self.full or self.old.get(path) != sha:
            target = self.staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            self.written += 1
        return sha


def build(project: Path, output: Path | None = None, *, base_url: str | None = None,
          overwrite: bool = False, search: bool = True, keep_going: bool = False,
          cache: bool = True, jobs: int | None = None, progress: Progress = _quiet,
          on_publish: Callable[[], None] | None = None) -> BuildResult:
    """Build the site of ``project`` into ``output`` (default ``project/site``).

    Any problem in the content stops the build before anything is written, unless
    ``keep_going``: then every valid file is built and the problems of the others are
    returned in ``BuildResult.skipped``. ``search=False`` skips the search index (and the
    search page and form). ``cache=False`` ignores and does not update ``.sitegen-cache/``.
    ``jobs`` is the number of worker processes (default: one per CPU). ``progress`` is
    called as work is done, with what is being done and how much of it. ``on_publish`` is
    called once everything is ready, just before the output is changed (a preview server
    clears its error page then, so that no reader sees the new site under the old error).
    """
    started = time.perf_counter()
    project = project.resolve()
    output = (output if output is not None else project / "site").absolute()
    config = resolve_config(project, base_url)
    check_output(project, output, overwrite=overwrite)
    theme = Theme(project, config)
    theme.env.globals["search_enabled"] = search
    jobs = jobs or os.cpu_count() or 1
    store = Cache(project, output, enabled=cache)
    state = store.load()
    render_key = key(code_version(), theme_key(theme), stable(config), search)

    content = project / "content"
    if not content.is_dir():
        raise BuildError([problem("content", f"no content/ folder in {project}; create it, "
                                             "or run 'sitegen new' to start a project")])
    folders, specs, problems = scan(project, content)
    infos, found = _sources(project, folders)
    problems += found

    full = not (cache and state.build_id and read_marker(output) == state.build_id)
    if full:
        state = State(digests=state.digests)
    digests = Digests(state.digests)
    tasks: list[job.Task] = []
    records: dict[str, ArticleRecord] = {}
    for spec in specs:
        info = infos[spec.source]
        content_key = key(spec.source, spec.id, stable(info), config.max_file_size,
                          [(rel, digests.of(rel, path)) for rel, path in spec.files])
        old = state.articles.get(f"{spec.source}/{spec.id}")
        if old and old.content_key == content_key and old.render_key == render_key:
            records[f"{spec.source}/{spec.id}"] = old
        else:
            tasks.append(job.Task(spec, info, content_key, old.pages if old else {},
                                  old.search_doc if old else None))
    removed = set(state.articles) - {f"{s.source}/{s.id}" for s in specs}
    reused = len(records)

    if not full and not tasks and not removed and render_key == state.render_key:
        if digests.read:  # same contents with new times (a fresh checkout): remember them
            state.digests = digests.used
            store.save(state)
        return _unchanged(state, records, problems, keep_going, output, config, started)

    staging = new_staging(output)
    docs = Path(tempfile.mkdtemp(prefix=".sitegen-docs-", dir=output.parent))
    entries = store.entries if cache else docs / ".entries"
    try:
        settings = job.Settings(project, config, search, render_key, staging, docs,
                                store.diffs if cache else None, entries)
        template_problems: set[Problem] = set()
        job_writes = 0
        results = _run_jobs(tasks, settings, jobs, progress)
        for task, (record, trouble, count) in zip(tasks, results, strict=True):
            records[f"{task.spec.source}/{task.spec.id}"] = record
            template_problems.update(trouble)
            job_writes += count
        if template_problems:
            raise BuildError(sorted(template_problems))
        for record in records.values():
            problems += record.problems
        if problems and not keep_going:
            raise BuildError(problems)
        records = dict(sorted(records.items()))
        catalog = _catalog(infos, records)
        writer = _Writer(staging, state.manifest, full)
        lists, pages = _lists(writer, config, catalog, state, full, search, render_key,
                              settings, jobs, progress)
        for name, path in theme.static_files.items():
            writer.add(urls.static(name), path.read_bytes())
        missing = _scope_feeds(writer, config, catalog, records, entries)
        if missing:  # saved entries that went missing: build those articles again
            by_key = {f"{s.source}/{s.id}": s for s in specs}
            again = [job.Task(by_key[k], infos[by_key[k].source], records[k].content_key,
                              records[k].pages, records[k].search_doc) for k in missing]
            for task, (record, _, count) in zip(again, _run_jobs(again, settings, jobs),
                                                strict=True):
                records[f"{task.spec.source}/{task.spec.id}"] = record
                job_writes += count
            if _scope_feeds(writer, config, catalog, records, entries):
                raise SitegenError("feed entries could not be saved in .sitegen-cache/; "
                                   "check that it is writable, or build with --no-cache")
        for record in records.values():
            writer.manifest.update(record.pages)
        pages += sum(1 for r in records.values() for p in r.pages if p.endswith(".html"))
        entries = [e for r in records.values() if r.summary for e in sitemap_entries(r.summary)]
        for path, data in hosting.host_files(config, entries + lists).items():
            writer.add(path, data)
        progress("Indexing for search", 0, 1)
        search_keys = _search(writer, store, state, records, docs, removed, config, search,
                              full)
        progress("Indexing for search", 1, 1)
        build_id = key(sorted(writer.manifest.items()))
        gone = sorted(set(state.manifest) - set(writer.manifest))
        if on_publish is not None:
            on_publish()
        if full:
            swap_in(staging, output, build_id)
        else:
            apply_changes(output, staging, gone, build_id)
    except BaseException:
        discard(staging)
        raise
    finally:
        discard(docs)
    size = _size(output, writer.manifest)
    if cache:
        _forget_unused(store, {r.content_key for r in records.values()})
    store.save(State(build_id=build_id, render_key=render_key, digests=digests.used,
                     articles=records, lists=state.lists, manifest=writer.manifest,
                     search_keys=search_keys, bytes=size))
    return BuildResult(
        sources=len(catalog.sources), articles=len(catalog.articles),
        versions=catalog.version_count, pages=pages, files=len(writer.manifest), bytes=size,
        seconds=time.perf_counter() - started, output=output,
        warnings=hosting.warnings(config, size), skipped=sorted(problems),
        rebuilt=len(tasks), reused=reused, written=writer.written + job_writes,
        deleted=0 if full else len(gone))


def _forget_unused(store: Cache, keys: set[str]) -> None:
    """Drop cached diffs and feed entries of content that no article has any more."""
    for folder in (store.diffs, store.entries):
        for blob in folder.glob("*/*") if folder.exists() else []:
            if blob.stem not in keys:
                blob.unlink(missing_ok=True)


def _scope_feeds(writer: _Writer, config: Config, catalog: Catalog,
                 records: dict[str, ArticleRecord], folder: Path) -> list[str]:
    """The feeds of the whole archive, of each source and of headline rewrites; returns the
    articles whose saved entries are missing (nothing is written then)."""
    if not config.base_url:
        return []
    count = config.feed_entries
    versions = sorted(((v.fetched, a.source, a.id, v.number, a) for a in catalog.articles
                       for v in a.versions),
                      key=lambda t: (-t[0].timestamp(), t[1], t[2], -t[3]))
    scopes: dict[str, list[tuple[str, int]]] = {"": []}
    headlines: list[tuple[str, int]] = []
    for _, source, article, number, summary in versions:
        key_ = f"{source}/{article}"
        if len(scopes[""]) < count:
            scopes[""].append((key_, number))
        scopes.setdefault(source, [])
        if len(scopes[source]) < count:
            scopes[source].append((key_, number))
        if (len(headlines) < count and number
                and summary.versions[number - 1].title != summary.versions[number].title):
            headlines.append((key_, number))
    needed = {k for items in (*scopes.values(), headlines) for k, _ in items}
    loaded: dict[str, dict[int, feeds.Entry]] = {}
    missing = []
    for article in sorted(needed):
        made = load_blob(job.entries_blob(folder, records[article].content_key))
        if not isinstance(made, list):
            missing.append(article)
            continue
        loaded[article] = {e.number: e for e in made}
    if missing:
        return missing
    newest = catalog.articles and max(a.latest.fetched for a in catalog.articles)
    fallback = newest or feeds.EPOCH
    title = config.title

    def pick(items: list[tuple[str, int]]) -> list[feeds.Entry]:
        return [loaded[k][n] for k, n in items]

    files = feeds.feed_files(config, "feed", f"{title}: latest changes",
                             f"Every change {title} recorded, newest first.", urls.home(),
                             pick(scopes[""]), fallback, with_source=True)
    files |= feeds.feed_files(config, "feeds/headlines", f"{title}: headline rewrites",
                              "Only the versions whose headline changed.",
                              urls.list_page("", "headline-rewrites"), pick(headlines),
                              fallback, with_source=True)
    for source in catalog.sources:
        files |= feeds.feed_files(config, f"{source.id}/feed",
                                  f"{source.name}: latest changes · {title}",
                                  f"Every change {title} recorded at {source.name}.",
                                  urls.source(source.id), pick(scopes.get(source.id, [])),
                                  fallback)
    for path, data in files.items():
        writer.add(path, data)
    return []


def _size(output: Path, manifest: dict[str, str]) -> int:
    total = 0
    for path in manifest:
        with contextlib.suppress(OSError):
            total += (output / path).stat().st_size
    return total


def _catalog(infos: dict[str, SourceInfo], records: dict[str, ArticleRecord]) -> Catalog:
    summaries = [r.summary for r in records.values() if r.summary is not None]
    counts: dict[str, list[int]] = {sid: [0, 0] for sid in infos}
    for summary in summaries:
        counts[summary.source][0] += 1
        counts[summary.source][1] += len(summary.versions)
    sources = tuple(SourceSummary(i.id, i.name, i.url, i.description, *counts[sid])
                    for sid, i in sorted(infos.items()))
    return Catalog(sources, tuple(sorted(summaries, key=lambda a: (a.source, a.id))))


def _lists(writer: _Writer, config: Config, catalog: Catalog, state: State, full: bool,
           search: bool, render_key: str, settings: job.Settings, jobs: int,
           progress: Progress = _quiet) -> tuple[list[tuple[str, object]], int]:
    """Render the list pages whose inputs changed (in the worker processes when there are
    many); their sitemap entries and count."""
    planned = list_pages(catalog, config.tz, config.page_size, config.base_path, search=search)
    fresh: dict[str, tuple[str, str]] = {}
    todo: list[tuple[str, Page, str | None]] = []
    inputs: dict[str, str] = {}
    memo: dict[int, object] = {}
    for page in planned:
        path = urls.output_path(page.url)
        inputs[path] = key(render_key, page.template, page.url, stable(page.context, memo))
        old = state.lists.get(path)
        if not full and old and old[0] == inputs[path] and writer.old.get(path) == old[1]:
            writer.manifest[path] = old[1]
            fresh[path] = old
        else:
            todo.append((path, page, None if full else writer.old.get(path)))
    problems: set[Problem] = set()
    for path, sha, trouble in _map(job.render_lists, todo, settings, jobs, progress,
                                   "Rendering lists"):
        if trouble is not None:
            problems.add(trouble)
            continue
        assert sha is not None
        writer.manifest[path] = sha
        fresh[path] = (inputs[path], sha)
        if full or writer.old.get(path) != sha:
            writer.written += 1
    if problems:
        raise BuildError(sorted(problems))
    state.lists = fresh
    return [(p.url, p.updated) for p in planned if p.listed], len(planned)


def _search(writer: _Writer, store: Cache, state: State, records: dict[str, ArticleRecord],
            staged: Path, removed: set[str], config: Config, search: bool, full: bool
            ) -> dict[int, str]:
    """Bring the search documents up to date and re-index the parts of the index whose
    documents changed; the key of each part."""
    if not search:
        return {}
    folder = store.search_docs if store.enabled else staged
    if store.enabled:
        for path in sorted(p for p in staged.rglob("*.html")):
            target = folder / path.relative_to(staged)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
        wanted = {urls.output_path(urls.article(*k.split("/", 1)))
                  for k, r in records.items() if r.search_doc}
        for path in sorted(folder.rglob("*.html")) if folder.exists() else []:
            if path.relative_to(folder).as_posix() not in wanted:
                path.unlink()
    indexed = {k: r.search_doc for k, r in records.items() if r.search_doc}
    count = shard_count(len(indexed))
    parts: dict[int, list[tuple[str, str]]] = {n: [] for n in range(count)}
    for article, doc in sorted(indexed.items()):
        parts[shard_of(article, count)].append((article, doc))
    keys = {n: key(config.language, count, docs) for n, docs in parts.items()}
    for shard, docs in parts.items():
        old = {p: h for p, h in state.manifest.items() if in_shard(p, shard)}
        if not full and keys[shard] == state.search_keys.get(shard) and old:
            writer.manifest.update(old)
            continue
        with tempfile.TemporaryDirectory(prefix="sitegen-shard-") as tmp:
            for article, _ in docs:  # this part's documents, linked (or copied) together
                rel = urls.output_path(urls.article(*article.split("/", 1)))
                target = Path(tmp) / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(folder / rel, target)
                except OSError:
                    shutil.copyfile(folder / rel, target)
            for path, data in index_folder(Path(tmp), config.language, shard).items():
                writer.add(path, data)
    return keys


def _unchanged(state: State, records: dict[str, ArticleRecord], problems: list[Problem],
               keep_going: bool, output: Path, config: Config, started: float) -> BuildResult:
    """Nothing to do: the output is the complete build of exactly these inputs."""
    for record in records.values():
        problems += record.problems
    if problems and not keep_going:
        raise BuildError(problems)
    summaries = [r.summary for r in records.values() if r.summary]
    pages = sum(1 for p in state.manifest if p.endswith(".html"))
    size = state.bytes
    return BuildResult(
        sources=len({s.source for s in summaries}), articles=len(summaries),
        versions=sum(len(s.versions) for s in summaries), pages=pages,
        files=len(state.manifest), bytes=size, seconds=time.perf_counter() - started,
        output=output, warnings=hosting.warnings(config, size), skipped=sorted(problems),
        rebuilt=0, reused=len(records), written=0, deleted=0)

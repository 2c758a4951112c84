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
import functools
import gc
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen import hosting, provenance, urls
from sitegen.cache import ArticleRecord, Cache, Quick, State, render_key_of
from sitegen.config import Config, check_base_url, load_config, normalise_base_url
from sitegen.content.loader import ArticleFiles, scan
from sitegen.content.source import FILENAME as SOURCE_FILE
from sitegen.content.source import load_source_meta
from sitegen.errors import BuildError, Problem, SitegenError, problem
from sitegen.fingerprint import Digests, code_version, digest_bytes, key, stable
from sitegen.model import SourceInfo
from sitegen.output import (
    apply_changes,
    check_output,
    discard,
    new_staging,
    read_marker,
    replace_whole,
    swap_in,
)
from sitegen.removal import BACKGROUND_FROM
from sitegen.render.theme import Theme

if TYPE_CHECKING:
    from sitegen.stages import Progress


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


def _sources(project: Path, folders: list[tuple[str, Path]]
             ) -> tuple[dict[str, SourceInfo], list[Problem]]:
    infos, problems = {}, []
    for sid, folder in folders:
        meta, found = load_source_meta(folder / SOURCE_FILE,
                                       (folder / SOURCE_FILE).relative_to(project).as_posix())
        problems += found
        infos[sid] = SourceInfo(sid, meta.name or sid, meta.url, meta.description)
    return infos, problems


def _unfreeze_after(function: Callable[..., BuildResult]) -> Callable[..., BuildResult]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> BuildResult:
        try:
            return function(*args, **kwargs)
        finally:
            gc.unfreeze()
    return wrapper


@_unfreeze_after
def build(project: Path, output: Path | None = None, *, base_url: str | None = None,
          overwrite: bool = False, search: bool = True, keep_going: bool = False,
          cache: bool = True, jobs: int | None = None, progress: Progress | None = None,
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
    store = Cache(project, output, enabled=cache)
    # The theme's files and static assets; its templates are compiled by the jobs (job.init).
    theme = Theme(project, config)
    jobs = jobs or os.cpu_count() or 1
    quick = store.load_quick()
    render_key = render_key_of(code_version(), stable(config), theme.key, search)

    content = project / "content"
    if not content.is_dir():
        raise BuildError([problem("content", f"no content/ folder in {project}; create it, "
                                             "or run 'sitegen new' to start a project")])
    folders, specs, problems = scan(project, content)
    infos, found = _sources(project, folders)
    problems += found
    digests = Digests(quick.digests)
    keys = _content_keys(specs, infos, digests, config)
    # When sitegen fetch last checked each article: only its history page shows it, so it is
    # kept out of the content key (a fetch round that found nothing new re-diffs nothing).
    checks = {spec.key: _checks(spec) for spec in specs}

    full = not (cache and quick.build_id and read_marker(output) == quick.build_id)
    sources_key = key(stable(infos))  # a source without articles is in no article's key
    if (not full and keys == quick.keys and checks == quick.checks
            and render_key == quick.render_key and sources_key == quick.sources):
        # Same contents with new times (a fresh checkout): remember them. (A file read again
        # only because it was new at the last build, and still the same, is no reason to.)
        if digests.relearned:
            quick.digests = digests.used
            store.save(quick, store.load_state(quick))
        if store.unclaimed_file.exists():  # left by failed builds since the last good one
            store.forget_unused([ArticleRecord.of_keys(k, render_key) for k in keys.values()],
                                [])
        return _unchanged(quick, problems, keep_going, output, config, started)

    # Imported here, not at the top: a rebuild with nothing to do never loads the renderers.
    from sitegen import job, search_ahead, stages
    from sitegen.stories import update as stories_step

    progress = progress or stages.quiet
    staging = new_staging(output)
    # Search documents move into the cache once the output is published: staged beside it,
    # so that the move is a rename even when the output is on another file system.
    if cache:
        store.folder.mkdir(parents=True, exist_ok=True)
    docs = Path(tempfile.mkdtemp(prefix=".sitegen-docs-",
                                 dir=store.folder if cache else output.parent))
    entries = docs / ".entries"  # each article's feed entries, for this build's feeds
    indexing: stages.SearchParts | None = None
    tasks: list[job.Task] = []
    ahead: dict[int, search_ahead.Ahead] = {}
    by_key = {s.key: s for s in specs}
    try:
        # A small change's search parts are re-indexed from now on, beside the rest.
        if search and not full:
            ahead = search_ahead.start(store, quick, keys, by_key, infos, config,
                                       stages.search_runs(jobs))
        state = State() if full else store.load_state(quick)
        if state.build_id != quick.build_id:  # the record is unreadable: build everything
            full, state = True, State()
        # The record's million objects live as long as the build: out of the garbage
        # collector's sight, it no longer walks them over and over (a third of the time of
        # one new version at 10,000 articles). Undone when the build ends, for a preview
        # server's next build.
        gc.freeze()
        records: dict[str, ArticleRecord] = {}
        for spec in specs:
            old = state.articles.get(spec.key)
            same = old and old.content_key == keys[spec.key] and old.render_key == render_key
            if same and old.checks == checks[spec.key]:
                records[spec.key] = old
            else:
                tasks.append(job.Task(spec, infos[spec.source], keys[spec.key],
                                      old.pages if old else {},
                                      old.search_doc if old else None,
                                      state.stories.told.get(spec.key), checks[spec.key],
                                      old if same else None))
        reused = len(records)

        settings = job.Settings(project, config, search, render_key, staging, docs,
                                store.diffs if cache else None, entries)
        template_problems: set[Problem] = set()
        job_writes = 0
        results = stages.run_jobs(tasks, settings, jobs, progress)
        for task, outcome in zip(tasks, results, strict=True):
            records[task.spec.key] = outcome.record
            template_problems.update(outcome.problems)
            job_writes += outcome.written
            if outcome.warning:
                store.warnings.append(outcome.warning)
        if template_problems:
            raise BuildError(sorted(template_problems))
        for record in records.values():
            problems += record.problems
        if problems and not keep_going:
            raise BuildError(problems)
        records = dict(sorted(records.items()))
        found = stories_step.find(records, state, by_key, infos, settings, jobs)
        job_writes += found.written
        catalog = stages.catalog_of(infos, records)
        writer = stages.Writer(staging, state.files, full)
        missing = stages.scope_feeds(writer, config, catalog, state, records, entries,
                                       render_key)
        if missing:  # articles not rebuilt whose entries a feed needs: made now
            store.warnings += stages.make_entries(
                [job.Task(by_key[k], infos[by_key[k].source], records[k].content_key,
                          records[k].pages, records[k].search_doc) for k in missing],
                settings, jobs)
            if stages.scope_feeds(writer, config, catalog, state, records, entries,
                                  render_key):
                raise SitegenError(f"feed entries could not be kept in {entries.parent}; "
                                   "check that there is room on the disk")
        # Pagefind indexes the changed parts (in processes of its own) while the list pages
        # are made: every search document is written by now.
        story_docs = (stories_step.search_documents(found, docs, config.language.split("-")[0]
                                                    .lower()) if search else {})
        indexing = stages.start_search(
            store, state, records, docs, config, search, full, jobs, ahead,
            lambda k: search_ahead.document_of(by_key[k], infos[by_key[k].source], config),
            story_docs)
        lists, pages = stages.render_lists(writer, config, catalog, state, full, search,
                                           render_key, settings, jobs, progress)
        lists += stories_step.pages(writer, found, state, settings)
        pages += len(state.stories.pages)
        for name, path in theme.static_files.items():
            writer.add(urls.static(name), path.read_bytes())
        pages += sum(1 for r in records.values() for p in r.pages if p.endswith(".html"))
        blocks = stages.sitemap_blocks(config, records)
        for path, data in hosting.host_files(config, lists, blocks).items():
            writer.add(path, data)
        # The manifest is made of the versions' files alone (sorting and compressing 50,000
        # lines takes 0.3 s): kept while no article's content changed.
        manifest_key = key(render_key, sorted(keys.items()))
        if (not full and state.manifest == manifest_key
                and provenance.MANIFEST in writer.old):
            writer.manifest[provenance.MANIFEST] = writer.old[provenance.MANIFEST]
        else:
            writer.add(provenance.MANIFEST,
                       provenance.manifest_file(r.manifest for r in records.values()))
        progress("Indexing for search", 0, 1)
        search_keys, keep_documents = indexing.finish(writer)
        progress("Indexing for search", 1, 1)
        build_id = output_key(writer.manifest, records)
        gone = _gone(state, writer.manifest, records)
        if on_publish is not None:
            on_publish()
        grown = size = None
        total = len(writer.manifest) + sum(len(r.pages) for r in records.values())
        background = total >= BACKGROUND_FROM  # the previous site removed after the build
        if full:
            swap_in(staging, output, build_id, background)
        elif 2 * (writer.written + job_writes) > total:  # most files changed: swap folders
            size = replace_whole(output, staging, _all_files(writer.manifest, records),
                                 build_id, background)
        else:
            grown = apply_changes(output, staging, gone, build_id)
        keep_documents()
    except BaseException:
        discard(staging)
        # What the jobs saved stays for the next build (most likely the same content once a
        # problem is fixed); noted, so that a later build drops it if no article uses it.
        store.note_unclaimed([(t.content_key, render_key) for t in tasks])
        raise
    finally:
        with contextlib.ExitStack() as cleanup:  # each step runs, whatever the others raise
            cleanup.callback(discard, docs)
            cleanup.callback(search_ahead.close, ahead)  # early runs the build did not take
            if indexing is not None:
                cleanup.callback(indexing.close)
    previous = quick.counts.get("bytes")
    if full:  # every file was written by this build, which counted its bytes
        size = writer.bytes + sum(r.size for r in records.values())
    elif size is None:  # (replace_whole measured the new output)
        size = (previous + grown if grown is not None and previous is not None
                else stages.disk_size(output, _all_files(writer.manifest, records)))
    store.forget_unused(records.values(), None if full else state.articles.values())
    counts = {"sources": len(catalog.sources), "articles": len(catalog.articles),
              "versions": catalog.version_count, "pages": pages,
              "files": len(writer.manifest) + sum(len(r.pages) for r in records.values()),
              "bytes": size}
    store.save(Quick(build_id=build_id, render_key=render_key, digests=digests.used, keys=keys,
                     checks=checks,
                     sources=sources_key, counts=counts,
                     problems=[p for r in records.values() for p in r.problems]),
               State(build_id=build_id, articles=records, lists=state.lists,
                     files=writer.manifest, search_keys=search_keys, feeds=state.feeds,
                     manifest=manifest_key,
                     stories=state.stories))
    return BuildResult(
        **counts, seconds=time.perf_counter() - started, output=output,
        warnings=[*store.warnings, *hosting.warnings(config, size)], skipped=sorted(problems),
        rebuilt=len(tasks), reused=reused, written=writer.written + job_writes,
        deleted=0 if full else len(gone))


def output_key(files: dict[str, str], records: dict[str, ArticleRecord]) -> str:
    """The build's id, which the output's marker carries: a hash of every output file's path
    and hash, the articles' pages by the hash of each article's list of them (made by its
    job) rather than one by one (150,000 of them at 10,000 articles)."""
    lines = [*(f"{path} {sha}" for path, sha in sorted(files.items())),
             *(f"{name} {r.pages_key}" for name, r in sorted(records.items()))]
    return digest_bytes("\n".join(lines).encode())


def _all_files(files: dict[str, str], records: dict[str, ArticleRecord]) -> list[str]:
    """Every file of the build's output: the articles' pages and all the others."""
    return [*files, *(p for r in records.values() for p in r.pages)]


def _gone(state: State, files: dict[str, str], records: dict[str, ArticleRecord]) -> list[str]:
    """The previous output's files this build did not make. A record taken over unchanged
    made the same pages, so only the other files and the pages of the articles rebuilt or
    removed are looked at."""
    made = set(files)
    candidates = set(state.files) - made
    for name, old in state.articles.items():
        new = records.get(name)
        if new is not old:
            candidates.update(old.pages)
            if new is not None:
                made.update(new.pages)
    return sorted(candidates - made)


def _content_keys(specs: list[ArticleFiles], infos: dict[str, SourceInfo], digests: Digests,
                  config: Config) -> dict[str, str]:
    """Each article's content key: its files' hashes, its source's details, the limits."""
    per_source = {sid: stable(info) for sid, info in infos.items()}
    limits = (config.max_file_size, config.max_paragraphs)
    return {spec.key: key(spec.source, spec.id, per_source[spec.source], limits,
                          [(rel, digests.of(rel, path)) for rel, path in spec.files])
            for spec in specs}


def _checks(spec: ArticleFiles) -> str:
    """When sitegen fetch last checked the article and when it is due next ("" if never)."""
    if spec.checked is None and spec.due is None:
        return ""
    return f"{spec.checked and spec.checked.isoformat()} {spec.due and spec.due.isoformat()}"


def _unchanged(quick: Quick, problems: list[Problem], keep_going: bool, output: Path,
               config: Config, started: float) -> BuildResult:
    """Nothing to do: the output is the complete build of exactly these inputs."""
    problems = problems + quick.problems
    if problems and not keep_going:
        raise BuildError(problems)
    return BuildResult(
        **quick.counts, seconds=time.perf_counter() - started, output=output,
        warnings=hosting.warnings(config, quick.counts["bytes"]), skipped=sorted(problems),
        rebuilt=0, reused=len(quick.keys), written=0, deleted=0)

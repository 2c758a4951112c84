"""One fetch round: read the feeds, check what is due, offer each page to the importers'
session (which stores a version only when the text changed), and move the schedule.

Pages are fetched by a small pool of threads; everything that writes (the session, the state
files) runs on the calling thread, one result at a time. Version files are written
atomically by the store and the state files are replaced atomically, after every few
results and on the way out of an interrupted run: a killed run at worst leaves an article
checked again next time, which the session then finds unchanged.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sitegen.content import reading
from sitegen.content.frontmatter import parse
from sitegen.content.names import name_problem
from sitegen.content.source import FILENAME as SOURCE_FILE
from sitegen.content.source import SourceMeta
from sitegen.errors import SitegenError
from sitegen.fetch import feeds, schedule, warc
from sitegen.fetch.http import Blocked, Client, FetchFailure, Options, Response
from sitegen.fetch.identity import canonical, folder_name, host
from sitegen.ingest.extract import InputError, html_to_markdown
from sitegen.ingest.session import Candidate, Session
from sitegen.ingest.store import SUFFIX
from sitegen.ingest.times import file_stem

MIN_WORDS = 25  # fewer words than this is not an article: the extraction failed
SHRINK = 0.3  # a text under this share of the last one seen: the page's markup changed
SAVE_EVERY = 5.0  # seconds between writes of the state files during a run
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class Summary:
    feeds: int = 0
    checked: int = 0
    new_articles: int = 0
    new_versions: int = 0
    unchanged: int = 0
    not_modified: int = 0
    failed: int = 0
    removed: int = 0
    blocked: int = 0  # robots.txt said no
    failures: list[str] = field(default_factory=list)  # "url: reason"
    succeeded: int = 0  # requests that got an answer (feeds and pages)

    def line(self) -> str:
        return (f"{self.feeds} feeds read, {self.checked} articles checked: "
                f"{self.new_articles} new articles, {self.new_versions} new versions, "
                f"{self.unchanged} unchanged, {self.not_modified} not modified, "
                f"{self.failed} failed")


@dataclass
class Job:
    source: str
    url: str  # canonical address as known before the request
    name: str | None  # folder name, None for an article not tracked yet
    headers: dict[str, str]
    agent: str | None = None  # the source's own user_agent


@dataclass
class Result:
    job: Job
    response: Response | None = None
    failure: str | None = None
    blocked: bool = False
    when: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))


class Round:
    """One ``sitegen fetch`` over a project."""

    def __init__(self, project: Path, *, every: bool = False, options: Options | None = None,
                 workers: int = 4, report: Callable[[str], None] = lambda _line: None,
                 warc: Path | None = None):
        self.project = project
        self.session = Session(project, title_fallback=False)
        self.every = every
        self.options = options or Options()
        self.workers = workers
        self.report = report
        self.summary = Summary()
        self.warc = warc
        self.sources: dict[str, tuple[SourceMeta, schedule.State]] = {}
        self._saved = time.monotonic()

    def load(self) -> None:
        """Every source's rules and state; a broken _source.yaml or state file stops here,
        before any request."""
        content = self.session.content
        if not content.is_dir():
            raise SitegenError(f"{self.project} has no content/ folder; run 'sitegen new' first")
        for folder in sorted(p for p in content.iterdir() if p.is_dir()):
            if name_problem(folder.name, "source"):
                continue
            meta, problem = self.session.rules(folder.name)
            if problem:
                raise SitegenError(f"{problem}; nothing was fetched")
            rel = f"content/{folder.name}/{schedule.FILENAME}"
            state = schedule.load(folder / schedule.FILENAME, rel)
            if meta.feeds or state.articles:
                self.sources[folder.name] = (meta, state)
                for url in (*meta.feeds, *(e.url for e in state.articles.values())):
                    self.options.delays.setdefault(host(url), meta.rate_limit)

    def run(self, progress: Callable[[int, int], None] | None = None) -> Summary:
        self.load()
        if not self.sources:
            raise SitegenError(f"no source has feeds: add 'feeds:' to a content/<source>/"
                               f"{SOURCE_FILE} (see docs/content-format.md)")
        client = Client(self.options)
        self.archive = warc.Archive(self.warc) if self.warc else None
        try:
            jobs = [*self._read_feeds(client), *self._due()]
            pool = ThreadPoolExecutor(max_workers=self.workers)
            try:
                futures = [pool.submit(self._fetch, client, job) for job in jobs]
                for done, future in enumerate(as_completed(futures), 1):
                    self._handle(future)
                    if progress:
                        progress(done, len(jobs))
                    if time.monotonic() - self._saved > SAVE_EVERY:
                        self.save()
            finally:
                pool.shutdown(wait=False, cancel_futures=True)
        finally:
            self.save()
            client.close()
            if self.archive:
                self.archive.close()
        self.requests = client.requests
        return self.summary

    def save(self) -> None:
        for _meta, state in self.sources.values():
            if state.articles or state.feeds:
                state.save()
        self._saved = time.monotonic()

    def _read_feeds(self, client: Client) -> Iterator[Job]:
        """Read each feed (conditionally); a job for each article URL not tracked yet."""
        for source, (meta, state) in self.sources.items():
            known = state.by_url()
            for feed in meta.feeds:
                validators = state.feeds.get(feed, {})
                try:
                    agent = {"User-Agent": meta.user_agent} if meta.user_agent else {}
                    response = client.get(feed, {**_conditional(validators), **agent},
                                          agent=meta.user_agent)
                    if response.status == 304:
                        self.summary.feeds += 1
                        self.summary.succeeded += 1
                        self.report(f"{feed}: feed not modified")
                        continue
                    if response.status != 200:
                        raise FetchFailure(_status(response))
                    found = feeds.links(response.body, response.url)
                except (FetchFailure, feeds.FeedError) as exc:
                    self._fail(feed, str(exc))
                    continue
                self.summary.feeds += 1
                self.summary.succeeded += 1
                state.feeds[feed] = _validators(response)
                self.report(f"{feed}: feed lists {len(found)} articles")
                for url in found:
                    if url not in known and feeds.wanted(url, meta.include, meta.exclude):
                        known[url] = ""
                        self.options.delays.setdefault(host(url), meta.rate_limit)
                        yield Job(source, url, None, {}, meta.user_agent)

    def _due(self) -> Iterator[Job]:
        now = datetime.now(UTC)
        for source, (meta, state) in self.sources.items():
            for name in sorted(state.articles):
                entry = state.articles[name]
                if self.every or (entry.due is not None and entry.due <= now):
                    headers = _conditional({"etag": entry.etag or "",
                                            "last_modified": entry.last_modified or ""})
                    yield Job(source, entry.url, name, headers, meta.user_agent)

    def _fetch(self, client: Client, job: Job) -> Result:
        """On a worker thread: the request only; nothing is written here."""
        try:
            agent = {"User-Agent": job.agent} if job.agent else {}
            return Result(job, client.get(job.url, {**job.headers, **agent}, agent=job.agent))
        except Blocked as exc:
            return Result(job, failure=str(exc), blocked=True)
        except FetchFailure as exc:
            return Result(job, failure=str(exc))

    def _fail(self, url: str, reason: str) -> None:
        self.summary.failed += 1
        self.summary.failures.append(f"{url}: {reason}")
        self.report(f"{url}: failed: {reason}")

    def _handle(self, future: Future[Result]) -> None:
        result = future.result()
        job, response = result.job, result.response
        meta, state = self.sources[job.source]
        entry = state.articles.get(job.name) if job.name else None
        if result.blocked:
            self.summary.blocked += 1
            self.report(f"{job.url}: not fetched: {result.failure}")
            return
        self.summary.checked += 1
        if response is None or result.failure:
            return self._failed(job, entry, result.when, result.failure or "no answer", meta)
        self.summary.succeeded += response.status in (200, 304, 404, 410)
        if response.status == 304 and entry is not None:
            self.summary.not_modified += 1
            entry.problem = None
            entry.checked_now(result.when, False, meta.schedule)
            self.report(f"{job.url}: not modified (304)")
            return None
        if response.status in (404, 410):
            if entry is not None:
                self.summary.removed += 1
                entry.removed = f"{response.status} at {result.when.isoformat()}"
                entry.checked = result.when
                entry.due = None
            return self._failed(job, entry, result.when, f"HTTP {response.status}: removed "
                                "at the source; its stored versions are kept", meta)
        if response.status != 200:
            return self._failed(job, entry, result.when, _status(response), meta)
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind and kind not in HTML_TYPES:
            return self._failed(job, entry, result.when, f"not an HTML page ({kind})", meta)
        if self.archive:
            self.archive.add(response)
        self._page(job, entry, response, result.when, meta, state)
        return None

    def _failed(self, job: Job, entry: schedule.Entry | None, when: datetime, reason: str,
                meta: SourceMeta) -> None:
        if entry is not None and entry.removed is None:
            entry.failed(when, reason, meta.schedule)
        elif entry is not None:
            entry.problem = reason
        self._fail(job.url, reason)

    def _page(self, job: Job, entry: schedule.Entry | None, response: Response,
              when: datetime, meta: SourceMeta, state: schedule.State) -> None:
        try:
            extracted = html_to_markdown(response.body)
        except InputError as exc:
            return self._failed(job, entry, when, str(exc), meta)
        words = len(extracted.body.split())
        if words < MIN_WORDS:
            return self._failed(job, entry, when, f"the extracted text is only {words} words; "
                                "not stored (has the page's markup changed?)", meta)
        if entry is not None and entry.words and words < entry.words * SHRINK:
            return self._failed(job, entry, when, f"the extracted text is {words} words, down "
                                f"from {entry.words}; not stored (has the page's markup "
                                "changed?)", meta)
        url = canonical(extracted.url or response.url)
        name = job.name
        if name is None:  # a new article, unless a redirect or rel=canonical says otherwise
            index = state.by_url()
            name = index.get(url) or index.get(canonical(response.url))
            if name is None:
                name = self._folder(job.source, url, state)
                state.articles[name] = schedule.Entry(url=url)
                self.summary.new_articles += 1
            entry = state.articles[name]
        assert entry is not None
        if url != entry.url and url not in state.by_url():  # moved: its new address
            entry.aliases.append(entry.url)
            entry.url = url
        for alias in {job.url, canonical(response.url)} - {entry.url, *entry.aliases}:
            entry.aliases.append(alias)
        if (self.session.content / job.source / name / f"{file_stem(when)}.md").exists():
            when = datetime.now(UTC)  # a second check within the second: keep them apart
        digest = hashlib.sha256(response.raw).hexdigest()  # of the bytes as sent
        outcome = self.session.offer(job.source, name, Candidate(
            response.url, when, response.body, "html", extracted.title, entry.url,
            extra={"response_sha256": digest}, body=extracted.body))
        if outcome.kind in ("error", "skipped"):
            return self._failed(job, entry, when, outcome.message, meta)
        changed = outcome.kind == "added"
        self.summary.new_versions += changed
        self.summary.unchanged += not changed
        entry.removed = entry.problem = None
        entry.words = words
        validators = _validators(response)
        entry.etag = validators.get("etag")
        entry.last_modified = validators.get("last_modified")
        entry.checked_now(when, changed, meta.schedule)
        self.report(f"{job.url}: {outcome.message}")
        return None


    def _folder(self, source: str, url: str, state: schedule.State) -> str:
        """The folder for a new article: its URL's slug, unless another article holds it.
        A folder whose latest version has this URL is this article's (the state file was
        lost or the entry deleted): it is taken up again, not duplicated."""
        taken = set(state.articles)
        name = folder_name(url, taken)
        folder = self.session.content / source / name
        if folder.is_dir() and _stored_url(folder) != url:
            name = folder_name(url, taken | {name})
        return name


def _stored_url(folder: Path) -> str | None:
    """The url of the latest version file (by name) in an article folder."""
    for path in sorted(folder.glob(f"*{SUFFIX}"), reverse=True):
        try:
            data, _ = parse(reading.read_file(path), path.name)
        except reading.Unreadable:
            continue
        if data is not None:
            return data.url
    return None


def _status(response: Response) -> str:
    """A failed answer's status, and how long the server asked to be left alone."""
    if response.retry_after is None:
        return f"HTTP {response.status}"
    return f"HTTP {response.status}, asked to wait {response.retry_after:.0f} s"


def _validators(response: Response) -> dict[str, str]:
    found = {"etag": response.headers.get("ETag"),
             "last_modified": response.headers.get("Last-Modified")}
    return {k: v for k, v in found.items() if v}


def _conditional(validators: dict[str, str]) -> dict[str, str]:
    headers = {}
    if validators.get("etag"):
        headers["If-None-Match"] = validators["etag"]
    if validators.get("last_modified"):
        headers["If-Modified-Since"] = validators["last_modified"]
    return headers

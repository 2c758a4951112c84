"""Where every importer ends: deciding whether a version is new, and writing it if so.

A candidate version is compared, after normalisation, with the article's stored versions
around its time. Identical to the one before it (or the one after it): nothing is written.
Identical to an earlier one (a flip-flop): it is stored with ``reverts_to``, the ``fetched``
time of that earlier version, which stays valid however many versions are inserted later.
A scraped error page is not offered at all (``sitegen.ingest.errorpage``): it is skipped.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import chain
from pathlib import Path
from typing import Literal

from sitegen.content import reading
from sitegen.content.frontmatter import parse
from sitegen.content.source import FILENAME as SOURCE_FILE
from sitegen.content.source import SourceMeta, load_source_meta
from sitegen.errors import SitegenError, problem
from sitegen.ingest import errorpage, normalise, titles
from sitegen.ingest.extract import Extracted, InputError, convert
from sitegen.ingest.store import SUFFIX, StoreError, article_folder, render, write_version
from sitegen.ingest.times import iso
from sitegen.links import link_problem

REVERT_KEY = "reverts_to"


@dataclass(frozen=True)
class Candidate:
    """One version offered for import: the raw input and what is known about it."""

    origin: str  # names the input in messages: a file path, or repo:path@commit
    fetched: datetime
    data: bytes
    fmt: str  # text | markdown | html
    title: str | None = None  # given by the user or by meta.json; wins over the input's own
    url: str | None = None
    extra: dict[str, str] = field(default_factory=dict)  # more front matter, e.g. commit
    body: str | None = None  # a Markdown body made already (an item of a data file): used as
    # it is, instead of converting ``data``, and it may be empty


def too_big(size: int) -> str:
    """What an import says of an input over the limit (not read further, not stored)."""
    return f"is {size:,} bytes, over the limit of {reading.LIMIT:,}: not imported"


@dataclass(frozen=True)
class Outcome:
    kind: Literal["added", "unchanged", "skipped", "error"]
    origin: str
    article: str  # source/article
    message: str  # what happened, in words
    path: str | None = None  # project-relative: the file written, or the identical one
    number: int | None = None  # that file's version number (from 0, in fetched order)
    reverts_to: int | None = None  # for a revert: the number of the version it repeats
    # Added before this many versions stored before the run: their numbers, and with them
    # their permalinks (vN/, diff/M-N/), went up by one.
    renumbered: int = 0
    # An error caused by the project, not by the input (a broken _source.yaml or stored
    # version, a failed write): fixing the project and importing again brings the version in.
    retry: bool = False

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


@dataclass
class Tally:
    """The running totals a summary reports."""

    added: int = 0
    unchanged: int = 0
    reverts: int = 0  # counted in ``added`` too: a revert is a stored version
    skipped: list[str] = field(default_factory=list)  # error pages, said once each
    errors: list[str] = field(default_factory=list)
    articles: set[str] = field(default_factory=set)
    retry: int = 0  # errors caused by the project (Outcome.retry), counted in ``errors`` too
    repeated: int = 0  # errors an earlier run reported, not in ``errors`` (import-git)
    renumbering: int = 0  # versions added before versions stored earlier (Outcome.renumbered)
    # What makes an error the same as one reported before, where it is not its line: the
    # kind of a problem that recurs in many items (import-git --id), whatever its count.
    same: dict[str, str] = field(default_factory=dict)

    def count(self, outcome: Outcome) -> None:
        if outcome.kind == "error":
            self.errors.append(str(outcome))
            self.retry += outcome.retry
            return
        if outcome.kind == "skipped":
            self.skipped.append(str(outcome))
            return
        self.articles.add(outcome.article)
        if outcome.kind == "added":
            self.added += 1
            self.reverts += outcome.reverts_to is not None
            self.renumbering += outcome.renumbered > 0
        else:
            self.unchanged += 1


@dataclass
class _Stored:
    fetched: datetime
    key: str
    title: str
    path: str
    error_page: bool = False  # stored before error pages were skipped: not a title to keep
    url: str | None = None
    new: bool = False  # written by this run


class ArticleState:
    """An article's stored versions, read once, as comparison keys in fetched order."""

    def __init__(self, project: Path, folder: Path, rules: SourceMeta):
        self.project = project
        self.folder = folder
        self.rules = rules
        self.versions: list[_Stored] = []
        self.times: list[datetime] = []  # the versions' fetched times, for bisect
        self.broken: str | None = None
        if folder.is_dir():
            self._read()

    def _read(self) -> None:
        content = (self.project / "content").resolve()
        for path in sorted(self.folder.iterdir()):
            if path.name.startswith(".") or path.suffix != SUFFIX:
                continue
            rel = path.relative_to(self.project).as_posix()
            message = link_problem(path, content, "content/")
            if message:
                self.broken = f"{rel}: {message}"
                return
            if not path.is_file():
                continue
            try:
                raw = reading.read_file(path)
            except reading.Unreadable as exc:
                self.broken = f"{rel}: {exc.message}"
                return
            data, problems = parse(raw, rel)
            if data is None:
                self.broken = str(problems[0])
                return
            # A headline left in the body by an older import is not text to compare.
            key = normalise.key(data.title, titles.drop(data.body, data.title), self.rules)
            error = errorpage.error_page(data.body, data.title) is not None
            self.versions.append(_Stored(data.fetched, key, data.title, rel, error, data.url))
        self.versions.sort(key=lambda v: v.fetched)
        self.times = [v.fetched for v in self.versions]

    def title_at(self, moment: datetime) -> str | None:
        """The headline the article had at ``moment`` (or, before its first version, the
        first one it had), if it has any version. A stored version that looks like an error
        page ("404") never lends its title."""
        found = self._at(moment, lambda v: not v.error_page)
        return found.title if found else None

    def url_at(self, moment: datetime) -> str | None:
        """The address the article had at ``moment`` (or, before its first version with
        one, the first it had): a capture that does not give one keeps it."""
        found = self._at(moment, lambda v: bool(v.url))
        return found.url if found else None

    def _at(self, moment: datetime, wanted: Callable[[_Stored], bool]) -> _Stored | None:
        """The latest version at or before ``moment`` that is ``wanted``, else the first."""
        i = bisect.bisect_right(self.times, moment)
        for j in chain(range(i - 1, -1, -1), range(i, len(self.versions))):
            if wanted(self.versions[j]):
                return self.versions[j]
        return None

    def offer(self, where: str, title: str, body: str, fetched: datetime,
              fields: dict[str, object]) -> Outcome:
        """Store the version unless it repeats a neighbour; what happened."""
        key = normalise.key(title, body, self.rules)
        i = bisect.bisect_left(self.times, fetched)
        if i < len(self.versions) and self.versions[i].fetched == fetched:
            same = self.versions[i]
            if same.key == key:
                return Outcome("unchanged", "", where, f"already stored as version {i} "
                               f"({same.path})", same.path, i)
            return Outcome("error", "", where, (
                f"{same.path} was fetched at the same time ({iso(fetched)}) and has different "
                "text; nothing is overwritten: correct the time or remove one of them"))
        if i > 0 and self.versions[i - 1].key == key:
            same = self.versions[i - 1]
            return Outcome("unchanged", "", where, f"unchanged since version {i - 1} "
                           f"({same.path})", same.path, i - 1)
        if i < len(self.versions) and self.versions[i].key == key:  # an import out of order
            same = self.versions[i]
            return Outcome("unchanged", "", where, f"same as the later version {i} "
                           f"({same.path})", same.path, i)
        older = next((j for j in range(i - 2, -1, -1) if self.versions[j].key == key), None)
        if older is not None:
            fields = {**fields, REVERT_KEY: self.versions[older].fetched}
        text = render(title, fetched, body, fields)
        path = write_version(self.project, self.folder, title, fetched, text).as_posix()
        url = str(fields["url"]) if fields.get("url") else None
        self.versions.insert(i, _Stored(fetched, key, title, path, url=url, new=True))
        self.times.insert(i, fetched)
        moved = sum(not v.new for v in self.versions[i + 1 :])
        revert = f", a revert to version {older}" if older is not None else ""
        return Outcome("added", "", where, f"added {path} (version {i}{revert})", path, i,
                       older, renumbered=moved)


class Session:
    """One import run into one project: source rules and article states, read once each."""

    def __init__(self, project: Path, *, title_fallback: bool):
        if not (project / "sitegen.yaml").is_file() and not (project / "content").is_dir():
            raise SitegenError(f"{project} is not a sitegen project (it has no sitegen.yaml "
                               f"and no content/ folder); run 'sitegen new {project}' first, "
                               "or point -C at the project")
        self.project = project
        self.content = project / "content"
        message = link_problem(self.content, project.resolve(), "the project",
                               "make content/ a folder in the project")
        if message:
            raise SitegenError(f"{self.content}: {message}")
        self.title_fallback = title_fallback  # imports name an untitled article by its id
        self.tally = Tally()
        self._rules: dict[str, tuple[SourceMeta, str | None]] = {}
        self._articles: dict[str, ArticleState] = {}
        self._folders: dict[str, Path] = {}  # source/article: its folder, checked once

    def rules(self, source: str) -> tuple[SourceMeta, str | None]:
        """The source's _source.yaml, and its first problem if it has any."""
        if source not in self._rules:
            rel = f"content/{source}/{SOURCE_FILE}"
            file = self.content / source / SOURCE_FILE
            message = link_problem(file, self.content.resolve(), "content/")
            meta, problems = ((SourceMeta(), [problem(rel, message)]) if message
                              else load_source_meta(file, rel))
            self._rules[source] = (meta, str(sorted(problems)[0]) if problems else None)
        return self._rules[source]

    def offer(self, source: str, article: str, candidate: Candidate) -> Outcome:
        """Import one candidate version; the outcome is also counted in ``tally``."""
        outcome = replace(self._offer(source, article, candidate), origin=candidate.origin)
        self.tally.count(outcome)
        return outcome

    def _offer(self, source: str, article: str, candidate: Candidate) -> Outcome:
        where = f"{source}/{article}"

        def error(message: str, retry: bool = False) -> Outcome:
            return Outcome("error", "", where, message, retry=retry)

        rules, problem = self.rules(source)
        if problem:
            return error(f"not imported: fix {problem}", retry=True)
        folder = self._folders.get(where)
        if folder is None:
            try:
                folder = self._folders[where] = article_folder(self.content, source, article)
            except StoreError as exc:
                return error(str(exc), retry=True)
        if len(candidate.data) > reading.LIMIT:  # as add and the snapshots are limited
            return error(too_big(len(candidate.data)))
        try:
            extracted: Extracted = (Extracted(normalise.clean(candidate.body))
                                    if candidate.body is not None
                                    else convert(candidate.data, candidate.fmt))
        except InputError as exc:
            return error(str(exc))
        body = normalise.body(extracted.body, rules)
        if not body and candidate.body is None:
            return error(f"nothing is left once the page chrome named in content/{source}/"
                         f"{SOURCE_FILE} is dropped")
        reason = errorpage.error_page(body, candidate.title, extracted.title)
        if reason:
            return Outcome("skipped", "", where, f"not stored: it looks like an error page, "
                           f"not the article ({reason})")
        key = str(folder)
        if key not in self._articles:
            self._articles[key] = ArticleState(self.project, folder, rules)
        state = self._articles[key]
        if state.broken:
            return error(f"not added to {where}: its stored versions must load first: "
                         f"{state.broken}", retry=True)
        title = normalise.clean_title(candidate.title or "") or extracted.title \
            or state.title_at(candidate.fetched) or (article if self.title_fallback else "")
        if not title:
            return error("no title: plain text has none of its own; give one with --title")
        body = titles.drop(body, title)  # a heading repeating the title: the page shows it
        url = candidate.url or extracted.url or state.url_at(candidate.fetched)
        fields: dict[str, object] = {"url": url, **candidate.extra}
        try:
            return state.offer(where, title, body, candidate.fetched, fields)
        except (StoreError, OSError) as exc:
            return error(f"not written: {exc}", retry=True)

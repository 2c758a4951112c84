"""The loaded archive: sources, articles and their versions, validated and ordered.

Everything the render phase needs is here, so rendering never touches the input files. The
objects are immutable and hold no links to each other beyond ids, so an article can be cached
or sent to a worker process on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple


@dataclass(frozen=True, slots=True)
class Version:
    """One stored capture of an article, numbered from 0 in ``fetched`` order."""

    number: int
    path: str  # project-relative, posix separators: names the file in messages
    fetched: datetime  # always timezone-aware
    title: str
    body: str  # Markdown source, line ends normalised to \n
    url: str | None = None
    published: datetime | date | None = None
    byline: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # other front-matter keys


class _History:
    """What an article and its summary both answer from their ``versions``."""

    __slots__ = ()
    source: str
    id: str
    versions: tuple[Any, ...]

    @property
    def first(self) -> Any:
        return self.versions[0]

    @property
    def latest(self) -> Any:
        return self.versions[-1]

    @property
    def title(self) -> str:
        """The current headline."""
        return self.latest.title

    @property
    def changes(self) -> int:
        return len(self.versions) - 1

    @property
    def key(self) -> str:
        return f"{self.source}/{self.id}"


@dataclass(frozen=True, slots=True)
class Article(_History):
    source: str
    id: str
    versions: tuple[Version, ...]  # at least one, in fetched order
    checked: datetime | None = None  # sitegen fetch's last check (content/<source>/_fetch.yaml)
    due: datetime | None = None  # its next one; None once it is no longer checked

    @property
    def url(self) -> str | None:
        """The article's address at its source: the latest one any version recorded."""
        for version in reversed(self.versions):
            if version.url:
                return version.url
        return None


@dataclass(frozen=True, slots=True)
class Source:
    """An outlet: a folder of articles, described by its optional ``_source.yaml``."""

    id: str
    name: str
    url: str | None
    description: str | None
    articles: tuple[Article, ...]  # sorted by id

    @property
    def versions(self) -> int:
        return sum(len(a.versions) for a in self.articles)


@dataclass(frozen=True, slots=True)
class Archive:
    sources: tuple[Source, ...]  # sorted by id

    def articles(self) -> list[Article]:
        return [a for s in self.sources for a in s.articles]

    @property
    def version_count(self) -> int:
        return sum(s.versions for s in self.sources)


class VersionSummary(NamedTuple):
    """A version as lists show it, with the size of the change that made it (from the
    diff against the previous version; none for version 0).

    A named tuple, not a dataclass: the cache record holds one for every version of the
    archive, and tuples are pickled and loaded several times faster (see
    ``ArticleSummary.__reduce__``)."""

    number: int
    fetched: datetime
    title: str
    significance: str | None = None  # none, cosmetic, minor or major
    words_added: int = 0
    words_removed: int = 0
    share: float = 0.0  # of the text changed
    reverts_to: int | None = None  # the earlier version whose text this one restores

    @property
    def words_changed(self) -> int:
        return self.words_added + self.words_removed


@dataclass(frozen=True, slots=True)
class ArticleSummary(_History):
    """What list pages need of an article, without its text: small enough to hold for a
    hundred thousand articles, and all a list page depends on (so it can be cached)."""

    source: str
    id: str
    versions: tuple[VersionSummary, ...]
    url: str | None = None
    # The content key of the files it was made from, when known: it stands for the whole
    # summary in the keys of list pages (see fingerprint.stable), which is much quicker.
    fingerprint: str = field(default="", compare=False, repr=False)

    @classmethod
    def of(cls, article: Article, changes: dict[int, Any] | None = None,
           fingerprint: str = "") -> ArticleSummary:
        """``changes`` maps a version number to the diff that led to it (from the one before)."""
        changes = changes or {}
        by_time = {v.fetched: v.number for v in article.versions}
        versions = []
        for v in article.versions:
            diff = changes.get(v.number)
            target = v.extra.get("reverts_to")
            reverts = by_time.get(target) if isinstance(target, datetime) else None
            if diff is None:
                versions.append(VersionSummary(v.number, v.fetched, v.title, reverts_to=reverts))
            else:
                stats = diff.stats
                versions.append(VersionSummary(
                    v.number, v.fetched, v.title, diff.significance, stats.words_added,
                    stats.words_removed, stats.changed_share, reverts))
        return cls(article.source, article.id, tuple(versions), article.url, fingerprint)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as plain tuples: a slots dataclass pickles through dataclasses.fields(),
        # and the cache record holds a summary of every article of the archive.
        return (_summary, (self.source, self.id, tuple(map(tuple, self.versions)), self.url,
                           self.fingerprint))

    @property
    def largest_change(self) -> VersionSummary | None:
        changed = [v for v in self.versions[1:] if v.significance]
        return max(changed, key=lambda v: (v.words_changed, v.number)) if changed else None

    @property
    def headline_changes(self) -> int:
        return sum(1 for a, b in zip(self.versions, self.versions[1:], strict=False)
                   if a.title != b.title)


def _summary(source: str, id_: str, versions: tuple[tuple[Any, ...], ...], url: str | None,
             fingerprint: str) -> ArticleSummary:
    """An unpickled summary: tuple.__new__ makes each version without the named tuple's
    own (Python) constructor."""
    return ArticleSummary(source, id_, tuple([tuple.__new__(VersionSummary, v) for v in versions]),
                          url, fingerprint)


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """A source as an article's pages show it (its name, not its counts)."""

    id: str
    name: str
    url: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """A source as list pages show it: its description and its counts."""

    id: str
    name: str
    url: str | None
    description: str | None
    articles: int
    versions: int

    @classmethod
    def of(cls, source: Source) -> SourceSummary:
        return cls(source.id, source.name, source.url, source.description,
                   len(source.articles), source.versions)


@dataclass(frozen=True)
class Catalog:
    """Everything list pages are made from: every source and article, summarised."""

    sources: tuple[SourceSummary, ...]  # sorted by id
    articles: tuple[ArticleSummary, ...]  # sorted by source, then id

    @classmethod
    def of(cls, archive: Archive) -> Catalog:
        return cls(tuple(SourceSummary.of(s) for s in archive.sources),
                   tuple(ArticleSummary.of(a) for a in archive.articles()))

    @property
    def version_count(self) -> int:
        return sum(s.versions for s in self.sources)

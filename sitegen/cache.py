"""The persistent build cache in ``.sitegen-cache/``: what the last build made, and from what.

It lets a build skip every article whose files did not change: neither parsed, nor diffed,
nor rendered, nor written. It never changes what a build produces: a build with the cache
gives the same bytes as one without (a test compares them).

Nothing in it is trusted more than ``content/``: a contributor can commit a crafted cache, and
CI restores it. So it holds data only, JSON decoded by msgspec into exactly the types below
(anything else is refused), never code (no pickle, no marshal) and never markup: what a build
writes from it (titles, URLs, times) is escaped where it is output, like text from
``content/``, and a cached diff is used only if it is a diff of the very texts it belongs to
(``sitegen.job.diffs_of``). Anything unreadable, from another version of the format, or not
of these types is ignored, with a warning, and made again.
"""

from __future__ import annotations

import contextlib
import hashlib
import operator
import os
import tempfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from sitegen.errors import Problem
from sitegen.fingerprint import Seen, digest_bytes, key
from sitegen.model import ArticleSummary
from sitegen.stories.records import Signature, StoriesState

FORMAT = 17
FOLDER = ".sitegen-cache"
# A cached blob is at most this large once decompressed: a crafted one cannot fill memory.
BLOB_LIMIT = 256_000_000

T = TypeVar("T")


@dataclass
class ArticleRecord:
    """What one article contributed to the last build."""

    content_key: str
    render_key: str
    summary: ArticleSummary | None  # None if no version was valid
    problems: list[Problem]
    pages: dict[str, str]  # output path -> sha256 of its bytes
    search_doc: str | None  # sha256 of its search document
    pages_key: str = ""  # a hash of ``pages`` (see seal), for the build's id
    size: int = 0  # bytes of its files in the output
    checks: str = ""  # when sitegen fetch last checked it and is due next (its history page)
    manifest: str = ""  # its versions' lines in the site's manifest (sitegen.provenance)
    story: Signature | None = None  # what finding stories compares it by
    told_key: str = ""  # a key of the "Also told by" block its history page shows
    history_size: int = 0  # bytes of its history page (see job.Task.history_only)

    @classmethod
    def of_keys(cls, content_key: str, render_key: str) -> ArticleRecord:
        """A record of nothing but its keys: what names an article's saved diffs (see
        :meth:`Cache.forget_unused`)."""
        return cls(content_key, render_key, None, [], {}, None)

    @property
    def diffs_key(self) -> str:
        """What names its saved diffs: its content and the code that diffed it."""
        return digest_bytes(f"{self.content_key}/{code_part(self.render_key)}".encode())

    @property
    def entries_key(self) -> str:
        """What its feed entries are made from: its content, the code and the configuration
        (they hold absolute links made from base_url), not the theme."""
        return digest_bytes(f"{self.content_key}/{feeds_part(self.render_key)}".encode())

    def seal(self) -> None:
        """Set ``pages_key`` once the pages are all made."""
        self.pages_key = digest_bytes("\n".join(
            f"{path} {sha}" for path, sha in sorted(self.pages.items())).encode())


@dataclass
class Quick:
    """What a build needs to see that nothing changed, and to report on it.

    Saved apart from (before) the :class:`State` in the same file, so that a no-change
    rebuild of a large archive reads a few megabytes, not the record of every page."""

    format: int = FORMAT
    build_id: str = ""  # also in the output's marker: the output is what this record says
    render_key: str = ""
    # content file -> (size, modification and change times, sha256): fingerprint.Digests
    digests: dict[str, Seen] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # article -> its content key
    checks: dict[str, str] = field(default_factory=dict)  # article -> its checks (see build)
    sources: str = ""  # a key of every source's details
    counts: dict[str, int] = field(default_factory=dict)  # what BuildResult reports
    problems: list[Problem] = field(default_factory=list)  # of the articles, with keep_going


@dataclass
class ListScope:
    """What the list pages of one scope (the whole site, or a source) were made from and
    made: a scope whose inputs are unchanged is neither planned nor rendered again."""

    key: str  # of everything its pages are made from
    pages: dict[str, tuple[str, str]]  # output path -> (key of the page's inputs, sha256)
    sitemap: list[tuple[str, datetime | None]]  # (url, last change) of its listed pages


@dataclass
class State:
    build_id: str = ""  # the same as its Quick's
    articles: dict[str, ArticleRecord] = field(default_factory=dict)
    lists: dict[str, ListScope] = field(default_factory=dict)  # by scope: "" or a source id
    # Every output file beside the articles' pages (their records hold those) -> sha256.
    files: dict[str, str] = field(default_factory=dict)
    search_keys: dict[int, str] = field(default_factory=dict)  # part of the index -> key
    feeds: dict[str, str] = field(default_factory=dict)  # a scope's feed -> key of its inputs
    stories: StoriesState = field(default_factory=StoriesState)
    manifest: str = ""  # key of what manifest.tsv.gz was made from


class _Format(msgspec.Struct):
    """The first field of the first line, read before the rest is decoded as a Quick: a
    record of another format is ignored without a word."""

    format: int = 0


class Cache:
    """The cache of one project, for one output folder (a preview server's output and
    ``site/`` each have their own record; the diffs are shared)."""

    def __init__(self, project: Path, output: Path, enabled: bool = True):
        self.folder = project / FOLDER
        self.enabled = enabled
        self.name = hashlib.sha256(str(output.absolute()).encode()).hexdigest()[:12]
        self.warnings: list[str] = []  # what was found unusable, for the build to report

    @property
    def diffs(self) -> Path:
        return self.folder / "diffs"

    @property
    def search_docs(self) -> Path:
        return self.folder / f"search-{self.name}"

    @property
    def state_file(self) -> Path:
        return self.folder / f"state-{self.name}.json"

    @property
    def unclaimed_file(self) -> Path:
        return self.folder / f"unclaimed-{self.name}.txt"

    def warn(self, path: Path, why: str) -> None:
        self.warnings.append(f"{FOLDER}/{path.relative_to(self.folder).as_posix()} was "
                             f"ignored ({why}); what it held is made again")

    def note_unclaimed(self, made: list[tuple[str, str]] | None) -> None:
        """Remember the (content key, render key) of articles whose diffs a failed build
        saved, which no record names; None forgets them all."""
        if not self.enabled:
            return
        if made is None:
            self.unclaimed_file.unlink(missing_ok=True)
            return
        with contextlib.suppress(OSError):  # at worst the blobs stay until a full build
            self.folder.mkdir(parents=True, exist_ok=True)
            with self.unclaimed_file.open("a", encoding="utf-8") as handle:
                handle.writelines(f"{content} {render}\n" for content, render in made)

    def unclaimed(self) -> list[ArticleRecord]:
        """What :meth:`note_unclaimed` remembered, as records of nothing but their keys."""
        try:
            lines = self.unclaimed_file.read_text(encoding="utf-8").split()
        except (OSError, UnicodeDecodeError):
            return []
        return [ArticleRecord.of_keys(content, render)
                for content, render in zip(lines[::2], lines[1::2], strict=False)]

    def forget_unused(self, records: Iterable[ArticleRecord],
                      previous: Iterable[ArticleRecord] | None) -> None:
        """Drop cached diffs that no article uses any more: those the ``previous`` records
        and failed builds since (:meth:`note_unclaimed`) used and ``records`` do not, or,
        with no previous build, any in the cache (a full sweep, which costs a listing of
        every blob)."""
        if not self.enabled:
            return
        name = operator.attrgetter("diffs_key")
        keys = {name(r) for r in records}
        if previous is not None:
            for gone in {name(r) for r in [*previous, *self.unclaimed()]} - keys:
                blob_path(self.diffs, gone).unlink(missing_ok=True)
        elif self.diffs.exists():
            for blob in self.diffs.glob("*/*"):
                if blob.name.split(".", 1)[0] not in keys:
                    blob.unlink(missing_ok=True)
        self.note_unclaimed(None)

    def load_quick(self) -> Quick:
        """The summary of the last build (empty if there is none, or it cannot be used)."""
        if not self.enabled:
            return Quick()
        try:
            with self.state_file.open("rb") as handle:
                first = handle.readline()
        except FileNotFoundError:
            return Quick()
        except OSError as exc:
            self.warn(self.state_file, exc.strerror or str(exc))
            return Quick()
        try:
            if msgspec.json.decode(first, type=_Format).format != FORMAT:
                return Quick()  # another version's record: not even read on
            return msgspec.json.decode(first, type=Quick)
        except msgspec.DecodeError as exc:
            self.warn(self.state_file, f"not a record of a build: {exc}")
            return Quick()

    def load_state(self, quick: Quick) -> State:
        """The whole record of the build ``quick`` (from :meth:`load_quick`) summarises; an
        empty one if the file no longer holds it."""
        if not (self.enabled and quick.build_id):
            return State()
        try:
            with self.state_file.open("rb") as handle:
                handle.readline()
                state = msgspec.json.decode(handle.read(), type=State)
        except OSError as exc:
            self.warn(self.state_file, exc.strerror or str(exc))
            return State()
        except msgspec.DecodeError as exc:
            self.warn(self.state_file, f"not a record of a build: {exc}")
            return State()
        return state if state.build_id == quick.build_id else State()

    def save(self, quick: Quick, state: State) -> None:
        if not self.enabled:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / ".gitignore").write_text("*\n")
        data = msgspec.json.encode(quick) + b"\n" + msgspec.json.encode(state) + b"\n"
        _write_atomically(self.state_file, data)
        # Where earlier versions of sitegen kept a pickle of the record: never read, removed.
        (self.folder / f"state-{self.name}.pickle").unlink(missing_ok=True)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a new file renamed over it (workers write blobs
    concurrently; a reader sees the old file or the new one, never half of one)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def render_key_of(code: str, config: Any, theme: str, search: bool) -> str:
    """A build's render key, in three parts, each a hash: of the code; of the code and the
    configuration; of the theme and the search option. An article is rendered again when
    any part changes, and what the cache keeps of it is named by the parts it depends on
    (``ArticleRecord.diffs_key``): a new version of sitegen diffs again, a theme change only
    renders again."""
    return ".".join((key(code)[:20], key(code, config)[:20], key(theme, search)[:20]))


def code_part(render_key: str) -> str:
    """What of a render key the diffs depend on: the code."""
    return render_key.split(".", 1)[0]


def feeds_part(render_key: str) -> str:
    """What of a render key the feeds depend on: the code and the configuration."""
    return render_key.rsplit(".", 1)[0]


def blob_path(folder: Path, name: str) -> Path:
    """Where the cache keeps the diffs of one article's content (``name`` is the record's
    ``diffs_key``)."""
    return folder / name[:2] / f"{name}.json.z"


def save_blob(path: Path, value: Any) -> None:
    """Write ``value`` as compressed JSON, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(path, zlib.compress(msgspec.json.encode(value), 1))


def load_blob(path: Path, kind: type[T]) -> tuple[T | None, str | None]:
    """What :func:`save_blob` wrote, if it is a ``kind``: (the value, None), (None, None) if
    there is no such file, or (None, why it cannot be used)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, exc.strerror or str(exc)
    try:
        inflate = zlib.decompressobj()
        raw = inflate.decompress(data, BLOB_LIMIT)
        if inflate.unconsumed_tail or not inflate.eof:
            return None, "not a whole compressed blob, or larger than the limit"
        return msgspec.json.decode(raw, type=kind), None
    except (zlib.error, msgspec.DecodeError) as exc:
        return None, str(exc)

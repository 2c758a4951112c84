"""The persistent build cache in ``.sitegen-cache/``: what the last build made, and from what.

It lets a build skip every article whose files did not change: neither parsed, nor diffed,
nor rendered, nor written. It never changes what a build produces: a build with the cache
gives the same bytes as one without (a test compares them). Anything unreadable or from
another version of the format is ignored and rebuilt.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import operator
import os
import pickle
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sitegen.errors import Problem
from sitegen.fingerprint import Seen, digest_bytes, key
from sitegen.model import ArticleSummary

FORMAT = 12
FOLDER = ".sitegen-cache"


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
    sitemap: str = ""  # its pages' sitemap lines (hosting.sitemap_block)
    size: int = 0  # bytes of its files in the output

    @classmethod
    def of_keys(cls, content_key: str, render_key: str) -> ArticleRecord:
        """A record of nothing but its keys: what names an article's saved diffs and feed
        entries (see :meth:`Cache.forget_unused`)."""
        return cls(content_key, render_key, None, [], {}, None)

    @property
    def diffs_key(self) -> str:
        """What names its saved diffs: its content and the code that diffed it."""
        return digest_bytes(f"{self.content_key}/{code_part(self.render_key)}".encode())

    @property
    def entries_key(self) -> str:
        """What names its saved feed entries: its content, the code and the configuration
        (they hold absolute links made from base_url: two outputs built with different
        --base-url share the cache), not the theme."""
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
    # The records as they were loaded, pickled: an unchanged record is saved again as these
    # bytes, not pickled afresh (most records are unchanged from one build to the next).
    pickled: dict[str, tuple[ArticleRecord, bytes]] = field(default_factory=dict, repr=False,
                                                             compare=False)

    def __getstate__(self) -> dict[str, Any]:
        """Each record pickled on its own: the record is saved after every build."""
        records: dict[str, bytes] = {}
        for name, record in self.articles.items():
            known = self.pickled.get(name)
            records[name] = (known[1] if known is not None and known[0] is record
                             else pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
        return {"build_id": self.build_id, "records": records, "lists": self.lists,
                "files": self.files, "search_keys": self.search_keys, "feeds": self.feeds}

    def __setstate__(self, saved: dict[str, Any]) -> None:
        self.build_id, self.lists = saved["build_id"], saved["lists"]
        self.search_keys, self.files = saved["search_keys"], saved["files"]
        self.feeds = saved["feeds"]
        self.articles, self.pickled = {}, {}
        for name, data in saved["records"].items():
            record = self.articles[name] = pickle.loads(data)
            self.pickled[name] = (record, data)


class Cache:
    """The cache of one project, for one output folder (a preview server's output and
    ``site/`` each have their own record; the diffs are shared)."""

    def __init__(self, project: Path, output: Path, enabled: bool = True):
        self.folder = project / FOLDER
        self.enabled = enabled
        self.name = hashlib.sha256(str(output.absolute()).encode()).hexdigest()[:12]
        # Where the record's file (by its identity) had its State, as load_quick saw it: the
        # whole record is then read from there, the Quick not unpickled twice (0.08 s at
        # 10,000 articles).
        self._state_at: tuple[tuple[int, int, int, int], int, Quick] | None = None

    @property
    def diffs(self) -> Path:
        return self.folder / "diffs"

    @property
    def entries(self) -> Path:
        return self.folder / "entries"

    @property
    def templates(self) -> Path:
        """Jinja's compiled templates (each checked against its source when loaded)."""
        return self.folder / "templates"

    @property
    def search_docs(self) -> Path:
        return self.folder / f"search-{self.name}"

    @property
    def state_file(self) -> Path:
        return self.folder / f"state-{self.name}.pickle"

    @property
    def unclaimed_file(self) -> Path:
        return self.folder / f"unclaimed-{self.name}.txt"

    def note_unclaimed(self, made: list[tuple[str, str]] | None) -> None:
        """Remember the (content key, render key) of articles whose diffs and feed entries
        a failed build saved, which no record names; None forgets them all."""
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
        except OSError:
            return []
        return [ArticleRecord.of_keys(content, render)
                for content, render in zip(lines[::2], lines[1::2], strict=False)]

    def forget_unused(self, records: Iterable[ArticleRecord],
                      previous: Iterable[ArticleRecord] | None) -> None:
        """Drop cached diffs and feed entries that no article uses any more: those the
        ``previous`` records and failed builds since (:meth:`note_unclaimed`) used and
        ``records`` do not, or, with no previous build, any in the cache (a full sweep, which
        costs a listing of every blob)."""
        if not self.enabled:
            return
        records = list(records)
        previous = None if previous is None else [*previous, *self.unclaimed()]
        for folder, kind, field_ in ((self.diffs, "diffs", "diffs_key"),
                                     (self.entries, "entries", "entries_key")):
            name = operator.attrgetter(field_)
            keys = {name(r) for r in records}
            if previous is not None:
                for gone in {name(r) for r in previous} - keys:
                    blob_path(folder, gone, kind).unlink(missing_ok=True)
                continue
            for blob in folder.glob("*/*") if folder.exists() else []:
                if blob.stem not in keys:
                    blob.unlink(missing_ok=True)
        self.note_unclaimed(None)

    def load_quick(self) -> Quick:
        """The summary of the last build (empty if there is none, or it cannot be read)."""
        quick, _ = self._load(whole=False)
        return quick

    def load(self) -> tuple[Quick, State]:
        """The summary and the whole record of the last build."""
        return self._load(whole=True)

    def _load(self, whole: bool) -> tuple[Quick, State]:
        if not self.enabled:
            return Quick(), State()
        try:
            with self.state_file.open("rb") as handle, _no_gc():
                known, self._state_at = self._state_at, None
                identity = _identity(os.fstat(handle.fileno()))
                if whole and known is not None and known[0] == identity:
                    handle.seek(known[1])
                    quick = known[2]
                else:
                    quick = pickle.load(handle)
                if not (isinstance(quick, Quick) and quick.format == FORMAT):
                    return Quick(), State()  # another version's record: not even read on
                if whole:
                    state = pickle.load(handle)
                else:
                    self._state_at, state = (identity, handle.tell(), quick), State()
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
                TypeError, ValueError, KeyError):
            return Quick(), State()
        if not isinstance(state, State) or (whole and state.build_id != quick.build_id):
            return Quick(), State()
        return quick, state

    def save(self, quick: Quick, state: State) -> None:
        if not self.enabled:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / ".gitignore").write_text("*\n")
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".state-")
        with os.fdopen(fd, "wb") as handle, _no_gc():
            pickle.dump(quick, handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.state_file)


def _identity(stat: os.stat_result) -> tuple[int, int, int, int]:
    """A file's identity: a record saved since (a new file, renamed over) differs."""
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """The garbage collector paused: loading a record makes millions of objects, none of
    them garbage, and the collector would otherwise walk them again and again (3x slower)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def render_key_of(code: str, config: Any, theme: str, search: bool) -> str:
    """A build's render key, in three parts, each a hash: of the code; of the code and the
    configuration; of the theme and the search option. An article is rendered again when
    any part changes, and what the cache keeps of it is named by the parts it depends on
    (``ArticleRecord.diffs_key``, ``entries_key``): a new version of sitegen diffs again,
    a theme change only renders again."""
    return ".".join((key(code)[:20], key(code, config)[:20], key(theme, search)[:20]))


def code_part(render_key: str) -> str:
    """What of a render key the diffs depend on: the code."""
    return render_key.split(".", 1)[0]


def feeds_part(render_key: str) -> str:
    """What of a render key the feeds depend on: the code and the configuration."""
    return render_key.rsplit(".", 1)[0]


def blob_path(folder: Path, name: str, kind: str) -> Path:
    """Where the cache keeps what was made of one article's content: its ``diffs`` or its
    feed ``entries`` (``name`` is the record's ``diffs_key`` or ``entries_key``)."""
    return folder / name[:2] / f"{name}.{kind}"


def save_blob(path: Path, value: Any) -> None:
    """Write a compressed pickle atomically (workers write these concurrently)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".blob-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1))
    os.replace(tmp, path)


def load_blob(path: Path) -> Any:
    with contextlib.suppress(OSError, zlib.error, pickle.UnpicklingError, EOFError,
                             AttributeError, ImportError, TypeError, ValueError):
        return pickle.loads(zlib.decompress(path.read_bytes()))
    return None

"""The persistent build cache in ``.sitegen-cache/``: what the last build made, and from what.

It lets a build skip every article whose files did not change: neither parsed, nor diffed,
nor rendered, nor written. It never changes what a build produces: a build with the cache
gives the same bytes as one without (a test compares them). Anything unreadable or from
another version of the format is ignored and rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.errors import Problem
from sitegen.model import ArticleSummary

FORMAT = 4
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


@dataclass
class Quick:
    """What a build needs to see that nothing changed, and to report on it.

    Saved apart from (before) the :class:`State` in the same file, so that a no-change
    rebuild of a large archive reads a few megabytes, not the record of every page."""

    format: int = FORMAT
    build_id: str = ""  # also in the output's marker: the output is what this record says
    render_key: str = ""
    # content file -> (size, modification time, sha256)
    digests: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # article -> its content key
    counts: dict[str, int] = field(default_factory=dict)  # what BuildResult reports
    problems: list[Problem] = field(default_factory=list)  # of the articles, with keep_going


@dataclass
class State:
    build_id: str = ""  # the same as its Quick's
    articles: dict[str, ArticleRecord] = field(default_factory=dict)
    lists: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (input key, sha)
    manifest: dict[str, str] = field(default_factory=dict)  # every output file -> sha256
    search_keys: dict[int, str] = field(default_factory=dict)  # part of the index -> key
    bytes: int = 0  # the output's size


class Cache:
    """The cache of one project, for one output folder (a preview server's output and
    ``site/`` each have their own record; the diffs are shared)."""

    def __init__(self, project: Path, output: Path, enabled: bool = True):
        self.folder = project / FOLDER
        self.enabled = enabled
        self.name = hashlib.sha256(str(output.absolute()).encode()).hexdigest()[:12]

    @property
    def diffs(self) -> Path:
        return self.folder / "diffs"

    @property
    def entries(self) -> Path:
        return self.folder / "entries"

    @property
    def search_docs(self) -> Path:
        return self.folder / f"search-{self.name}"

    @property
    def state_file(self) -> Path:
        return self.folder / f"state-{self.name}.pickle"

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
            with self.state_file.open("rb") as handle:
                quick = pickle.load(handle)
                state = pickle.load(handle) if whole else State()
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
                TypeError, ValueError):
            return Quick(), State()
        if not (isinstance(quick, Quick) and quick.format == FORMAT
                and isinstance(state, State)) or (whole and state.build_id != quick.build_id):
            return Quick(), State()
        return quick, state

    def save(self, quick: Quick, state: State) -> None:
        if not self.enabled:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / ".gitignore").write_text("*\n")
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".state-")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(quick, handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.state_file)


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

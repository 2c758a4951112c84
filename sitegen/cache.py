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

FORMAT = 2
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
class State:
    format: int = FORMAT
    build_id: str = ""  # also in the output's marker: the output is what this state says
    render_key: str = ""
    digests: dict[str, tuple[int, int, str]] = field(default_factory=dict)
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

    def load(self) -> State:
        if not self.enabled:
            return State()
        try:
            with self.state_file.open("rb") as handle:
                state = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
                TypeError, ValueError):
            return State()
        return state if isinstance(state, State) and state.format == FORMAT else State()

    def save(self, state: State) -> None:
        if not self.enabled:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / ".gitignore").write_text("*\n")
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".state-")
        with os.fdopen(fd, "wb") as handle:
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

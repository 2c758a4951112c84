"""Content hashes: what decides whether cached work can be reused.

Keys are made from file *contents*, never from modification times (a CI checkout resets
them). Times only decide whether a file must be read again to learn its hash: a file whose
size, modification and change times are unchanged since the last build is not re-read,
unless it was changed just before that build (``RACY_NS``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.util
import os
import pickle
import sys
import time
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent


def digest_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key(*parts: Any) -> str:
    """A stable hash of plain values (strings, numbers, tuples, lists, dicts, None)."""
    return hashlib.sha256(pickle.dumps(parts, protocol=4)).hexdigest()


# The libraries whose versions shape the output (markdown-it-py's HTML, Jinja2's, the feeds,
# the YAML read, Pagefind's index, the stories' MinHash, bands and sentence similarity): the
# folders they are installed in are listed.
_LIBRARIES = ("markdown_it", "mdurl", "jinja2", "markupsafe", "feedgenerator", "yaml",
              "pagefind", "rensa", "datasketch", "rapidfuzz")


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the code that makes the output: sitegen's own files, the Python version,
    and the distributions installed where its libraries are (each ``.dist-info`` folder
    names one with its version). A new version of any of them invalidates every cache;
    installing something unrelated there costs one full re-render. (The folder listings,
    not ``importlib.metadata``: 1 ms against 160 ms, in every build.)"""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        h.update(path.relative_to(PACKAGE).as_posix().encode())
        h.update(path.read_bytes())
    h.update(sys.version.encode())
    folders = set()
    for name in _LIBRARIES:
        spec = importlib.util.find_spec(name)  # found, not imported
        if spec is not None and spec.origin:
            folders.add(Path(spec.origin).parent.parent)
    for folder in sorted(folders):
        with contextlib.suppress(OSError):
            h.update("\n".join(sorted(n for n in os.listdir(folder)
                                      if n.endswith(".dist-info"))).encode())
    return h.hexdigest()


def files_key(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(str(path).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


# A file changed less than this before the build began may change again with the same
# modification time (file systems keep times to 2 s on FAT, 1 s on HFS+ and ext3, a clock
# tick on some kernels): its hash is not trusted by the next build, as git treats a "racily
# clean" file.
RACY_NS = 2_000_000_000
UNTRUSTED = -1  # the time remembered for such a file: it never matches, so it is read again

Seen = tuple[int, int, int, str]  # a file's size, modification and change times, sha256


class Digests:
    """sha256 of content files, remembered with the size and times they had when read. The
    change time is there because the modification time can be set back (``cp -p``,
    ``rsync -t``, ``touch -r``) over an edit that kept the size; those tools cannot set the
    change time, which git compares too."""

    def __init__(self, known: dict[str, Seen] | None = None):
        self.known = known or {}
        self.used: dict[str, Seen] = {}
        self.read = 0  # files read to hash them (cache misses)
        # Of those, the ones that say something new: a file read again only because it
        # was new at the last build, and still the same, does not (a build with nothing
        # else to do need not save the whole record for it; the next build that saves
        # anyway remembers it as trusted).
        self.relearned = 0
        self.trust_before = time.time_ns() - RACY_NS  # before anything is looked at

    def of(self, rel: str, path: str) -> str:
        stat = os.stat(path)
        seen = self.known.get(rel)
        if (seen and seen[0] == stat.st_size and seen[1] == stat.st_mtime_ns
                and seen[2] == stat.st_ctime_ns):
            self.used[rel] = seen
            return seen[3]
        self.read += 1
        with open(path, "rb") as handle:
            value = digest_bytes(handle.read())
        trusted = max(stat.st_mtime_ns, stat.st_ctime_ns) < self.trust_before
        self.used[rel] = (stat.st_size, stat.st_mtime_ns if trusted else UNTRUSTED,
                          stat.st_ctime_ns, value)
        if not (seen and seen[1] == UNTRUSTED and seen[0] == stat.st_size
                and seen[3] == value):
            self.relearned += 1
        return value


@cache  # one entry per dataclass type
def _field_names(kind: type) -> tuple[str, ...]:
    # dataclasses.fields() builds its answer on every call; keys walk thousands of values.
    return tuple(f.name for f in dataclasses.fields(kind))


def stable(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """``value`` as plain, picklable data with a stable meaning, for keys of page inputs:
    dataclasses by their fields (or their ``fingerprint``, if they carry one), functions by
    name, times in ISO form. ``memo`` remembers frozen dataclasses already seen (the same
    summaries appear on many list pages)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(stable(v, memo) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), stable(v, memo)) for k, v in value.items()))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if dataclasses.is_dataclass(value):
        known = getattr(value, "fingerprint", "")
        if known:  # made from files whose key is this (and by this code): the key stands for it
            return (type(value).__name__, known)
        if memo is not None and id(value) in memo:
            return memo[id(value)][1]
        made = (type(value).__name__, *(stable(getattr(value, name), memo)
                                        for name in _field_names(type(value))))
        if memo is not None:
            memo[id(value)] = (value, made)  # the value is kept so that its id stays its own
        return made
    if callable(value):
        return getattr(value, "__qualname__", repr(value))
    return repr(value)

"""Reading a file sitegen is given: an ordinary file only, and never more than a limit.

Version files, ``sitegen.yaml``, ``_source.yaml``, snapshots to import and the input of
``sitegen add`` and ``sitegen diff`` may come from a scraper or a contributor. A FIFO among
them would hang the command on ``open`` (no writer) or on ``read``; ``/dev/zero`` or a huge
file would be read whole before any check. So a file is opened without blocking, refused
unless it is a regular file, and read up to one byte past the limit (a file can grow
between ``fstat`` and ``read``).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

LIMIT = 10_000_000  # bytes: the default of max_file_size, the build's limit for a version
ARTICLE = "check that it really is one article, or raise max_file_size in sitegen.yaml"
NOT_ORDINARY = ("not an ordinary file (a FIFO, a device or a socket), so it is not read: "
                "replace it with an ordinary file")
SETTINGS = "a settings file is a few lines of YAML: check that this is the right file"
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class Unreadable(Exception):
    """Why a file was not read: a message to follow its name."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_file(path: str | Path, limit: int = LIMIT, hint: str = ARTICLE) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them; ``hint`` says
    what to do about a larger one."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        raise Unreadable(f"cannot be read ({exc.strerror or exc}); check that it exists and "
                         "its permissions") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise Unreadable("is a folder, where a file was expected: replace it with a file")
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(f"is {NOT_ORDINARY}")
        if info.st_size > limit:
            raise Unreadable(f"is {info.st_size:,} bytes, over the limit of {limit:,}: {hint}")
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as handle:
        return _bounded(handle, limit, hint)


def read_stream(stream: BinaryIO, limit: int = LIMIT, hint: str = ARTICLE) -> bytes:
    """What ``stream`` (standard input) holds, refused past ``limit`` bytes without
    reading on."""
    return _bounded(stream, limit, hint)


def _bounded(handle: BinaryIO, limit: int, hint: str) -> bytes:
    try:
        data = handle.read(limit + 1)
    except OSError as exc:
        raise Unreadable(f"cannot be read ({exc.strerror or exc})") from None
    if data is None:  # a non-blocking stream with nothing yet
        return b""
    if len(data) > limit:
        raise Unreadable(f"is more than {limit:,} bytes, over the limit: {hint}")
    return data

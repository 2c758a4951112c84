"""Writing version files: only inside ``content/``, never over an existing file, and always
in a form the loader accepts.

A file is written under a hidden temporary name in its article folder (the loader skips
names starting with '.') and then hard-linked to its final name, which fails if that name
exists: a reader never sees half a file, and nothing is ever overwritten.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import secrets
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from sitegen.content.frontmatter import parse
from sitegen.content.names import name_problem
from sitegen.ingest.times import file_stem, iso

SUFFIX = ".md"


class StoreError(Exception):
    """A version file cannot be written where it was asked for."""


def article_folder(content: Path, source: str, article: str) -> Path:
    """``content/<source>/<article>``, checked to be a valid place inside ``content/``."""
    message = name_problem(source, "source") or name_problem(article, "article")
    if message:
        raise StoreError(message)
    folder = content / source / article
    real = content.resolve()
    for part in (content / source, folder):
        if part.is_symlink() and not part.resolve().is_relative_to(real):
            raise StoreError(f"{part} is a symbolic link to a place outside content/; "
                             "nothing is written through it")
        if part.exists() and not part.is_dir():
            raise StoreError(f"{part} exists and is not a folder")
    return folder


# Values that PyYAML writes as they are (plain), and reads back as the same text: a headline
# of words and ordinary punctuation, an http(s) address, a commit id with a letter in it.
# Written directly: the dumper costs a third of an import of a data file's many versions.
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.'’‘“”!?()&%/+-]*[A-Za-z0-9.!?)’”%]|[A-Za-z]|"
                    r"https?://[A-Za-z0-9._~:/?&=%+,;@!$()*-]+|(?=[0-9]*[a-f])[0-9a-f]{40}")
_PLAIN_NOT = re.compile(r"(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|"
                        r"on|On|ON|off|Off|OFF|null|Null|NULL)|.*(?:  |--|\.\.\.).*")


def _yaml_line(key: str, value: str) -> str:
    """One ``key: value`` line, quoted by PyYAML as needed, so any text round-trips."""
    if _PLAIN.fullmatch(value) and not _PLAIN_NOT.fullmatch(value):
        return f"{key}: {value}"
    return yaml.safe_dump({key: value}, allow_unicode=True, width=2**31,
                          default_flow_style=False).rstrip("\n")


def render(title: str, fetched: datetime, body: str, fields: dict[str, Any]) -> str:
    """A version file's text. Datetimes are written as unquoted ISO 8601 timestamps (as the
    loader reads ``fetched``); everything else goes through PyYAML's safe dumper."""
    lines = ["---", _yaml_line("title", title), f"fetched: {iso(fetched)}"]
    for key, value in fields.items():
        if value is None:
            continue
        lines.append(f"{key}: {iso(value)}" if isinstance(value, datetime)
                     else _yaml_line(key, str(value)))
    return "\n".join([*lines, "---", body])


def _place(tmp: str, target: Path, data: bytes) -> bool:
    """Give the written temporary file the name ``target``; False if that name is taken."""
    try:
        os.link(tmp, target)
        return True
    except FileExistsError:
        return False
    except OSError:  # no hard links on this file system: an exclusive create does the job
        try:
            with open(target, "xb") as handle:
                handle.write(data)
            return True
        except FileExistsError:
            return False


def _temporary(folder: Path) -> tuple[int, str]:
    """A new hidden file in ``folder``, open for writing. Made with the mode any new file
    gets (0666 less the umask, like the other files of the project), not mkstemp's 0600."""
    while True:
        path = folder / f".sitegen-{secrets.token_hex(8)}.tmp"
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), str(path)
        except FileExistsError:
            continue


@functools.lru_cache(maxsize=8)
def _real(path: Path) -> Path:
    """``content/`` resolved, once per import rather than once per version written."""
    return path.resolve()


def write_version(project: Path, folder: Path, title: str, fetched: datetime, text: str) -> Path:
    """Write a new version file named by its time into ``folder``; its project-relative path.

    The text is parsed as the loader will parse it before anything is written, so a file
    sitegen writes is always one sitegen can read.
    """
    data = text.encode("utf-8")
    stem = file_stem(fetched)
    rel_folder = folder.relative_to(project).as_posix()
    check, problems = parse(data, f"{rel_folder}/{stem}{SUFFIX}")
    if check is None or check.fetched != fetched or check.title != title:
        detail = "; ".join(str(p) for p in problems) or "title or fetched did not round-trip"
        raise StoreError(f"internal error: the version file would not load ({detail})")
    folder.mkdir(parents=True, exist_ok=True)
    if not folder.resolve().is_relative_to(_real(project / "content")):
        raise StoreError(f"{folder} is outside content/; nothing written")
    fd, tmp = _temporary(folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        for n in range(1, 100):
            name = f"{stem}{SUFFIX}" if n == 1 else f"{stem}-{n}{SUFFIX}"
            if _place(tmp, folder / name, data):
                return (folder / name).relative_to(project)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    raise StoreError(f"{rel_folder}/{stem}{SUFFIX} and 98 alternative names exist already")

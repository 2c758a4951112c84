"""Request paths to files: decoded once, and never a way out of the served folder.

A preview server is still a web server on the user's machine. A crafted path must not read a
file beside the site, whether it says ``..``, ``%2e%2e``, uses a backslash, or goes through a
symbolic link inside the output; anything that is not plainly a file inside the build is
simply "not found". URLs map to files the way GitHub Pages maps them, so that what works here
works there: ``dir/`` serves ``dir/index.html``, ``dir`` redirects to ``dir/``, and ``page``
falls back to ``page.html``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

RESERVED = "/__sitegen__/"  # the server's own files; never part of a site
_SEGMENT = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@-]+")


def normalise_base_path(value: str) -> str:
    """``repo``, ``/repo`` or ``/repo/`` become ``/repo/``; ``""`` and ``/`` become ``/``.

    Raises ValueError naming the problem: the base path is typed by a person, and a
    mistake here would otherwise show up as every page being "not found".
    """
    segments = [s for s in value.strip().split("/") if s]
    for segment in segments:
        if segment in (".", "..") or not _SEGMENT.fullmatch(segment):
            raise ValueError(f"{value!r} is not a usable URL path; give one like /repo/ "
                             "(letters, digits, '-', '_', '.' and '~' between slashes)")
    if segments and "/" + segments[0] + "/" == RESERVED:
        raise ValueError(f"{RESERVED} is reserved for the preview server's own files")
    return "/" + "".join(s + "/" for s in segments)


def decode(raw_path: str) -> str | None:
    """The request path percent-decoded exactly once; None if it cannot be a site path.

    Decoding once means ``%252e%252e`` is the literal name ``%2e%2e`` (not found), never
    ``..``. NUL bytes, backslashes (a Windows separator, and never in our URLs) and invalid
    UTF-8 are refused outright.
    """
    if not raw_path.startswith("/"):
        return None
    try:
        path = unquote(raw_path, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\x00" in path or "\\" in path:
        return None
    return path


def segments_of(path: str) -> list[str] | None:
    """The non-empty segments of a decoded path, or None if any is ``.`` or ``..``."""
    segments = [s for s in path.split("/") if s]
    if any(s in (".", "..") for s in segments):
        return None
    return segments


def url_of(segments: list[str], base: str, *, slash: bool) -> str:
    """A path-only URL (percent-encoded) for a redirect; never ``//host``-shaped."""
    path = base + "/".join(quote(s, safe="") for s in segments)
    return path + "/" if slash and segments else path


def _inside(path: Path, root_real: str) -> bool:
    """Whether ``path``, with every symbolic link followed, is within ``root_real``."""
    real = os.path.realpath(path)
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


@dataclass(frozen=True)
class Target:
    """What a site path names: a file to send, a folder that needs its slash, or nothing."""

    file: Path | None = None
    add_slash: bool = False


def find(root: Path, segments: list[str], *, trailing_slash: bool) -> Target:
    """Map URL segments (already checked by :func:`segments_of`) to a file under ``root``."""
    try:
        return _find(root, segments, trailing_slash)
    except (OSError, ValueError):  # a name too long for the file system, and the like
        return Target()


def _find(root: Path, segments: list[str], trailing_slash: bool) -> Target:
    root_real = os.path.realpath(root)
    candidate = root.joinpath(*segments)  # segments are non-empty and contain no "/"
    if not _inside(candidate, root_real):
        return Target()
    if candidate.is_dir():
        if segments and not trailing_slash:
            return Target(add_slash=True)
        candidate = candidate / "index.html"
    elif trailing_slash:
        return Target()
    elif not candidate.is_file() and segments:
        candidate = candidate.with_name(candidate.name + ".html")
    if candidate.is_file() and _inside(candidate, root_real):
        return Target(file=candidate)
    return Target()

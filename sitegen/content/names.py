"""Folder-name rules for sources and articles: they become URL path segments."""

from __future__ import annotations

import re

from sitegen import urls

_NAME = re.compile(r"[A-Za-z0-9._-]+")
# A name becomes a folder in the site and part of file names beside it (the search's
# ``<article>.html``, the cache's records): file systems take 255 bytes a name.
MAX_LENGTH = 200


def name_problem(name: str, kind: str) -> str | None:
    """Why ``name`` cannot be a source or article folder, or None if it can."""
    allowed = "letters, digits, '-', '_' and '.'"
    if name.startswith(("_", ".")):
        return (f"{kind} folder name {name!r} starts with {name[0]!r}; such names are not "
                f"allowed (use {allowed}, not starting with '.' or '_')")
    if not _NAME.fullmatch(name):
        bad = sorted({c for c in name if not (c.isascii() and (c.isalnum() or c in "._-"))})
        shown = " ".join(repr(c) for c in bad)
        return (f"{kind} folder name {name!r} contains {shown}; rename the folder using "
                f"only {allowed}")
    if len(name) > MAX_LENGTH:
        return (f"{kind} folder name {name[:40]!r}… is {len(name):,} characters long, over "
                f"the limit of {MAX_LENGTH}; rename the folder with a shorter name")
    reserved = urls.RESERVED if kind == "source" else urls.SCOPE_NAMES
    if name in reserved:
        owner = "site's" if kind == "source" else "source's"
        return (f"{kind} folder name {name!r} is reserved for the {owner} own pages; rename "
                f"the folder (reserved: {', '.join(sorted(reserved))})")
    return None

"""Folder-name rules for sources and articles: they become URL path segments."""

from __future__ import annotations

import re

from sitegen import urls

_NAME = re.compile(r"[A-Za-z0-9._-]+")


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
    reserved = urls.RESERVED if kind == "source" else urls.SCOPE_NAMES
    if name in reserved:
        owner = "site's" if kind == "source" else "source's"
        return (f"{kind} folder name {name!r} is reserved for the {owner} own pages; rename "
                f"the folder (reserved: {', '.join(sorted(reserved))})")
    return None

"""Symbolic links: sitegen reads nothing through a link that leads out of where it is.

A project is often filled by contributors and built unattended (CI publishing to Pages), so
a committed link such as ``themes/x/static/passwd -> /etc/passwd`` or ``content -> /etc``
must not publish what it points to. The rule is the same everywhere: ``content/``,
``themes/`` and ``sitegen.yaml`` may not lead out of the project; a link inside
``content/``, a theme's folder or a folder being imported may not lead out of that folder.
"""

from __future__ import annotations

import os
from pathlib import Path


def link_problem(path: Path, root: Path, where: str, fix: str = "copy the file in instead"
                 ) -> str | None:
    """Why ``path`` may not be read, if it is a symbolic link leading out of ``root`` (an
    absolute, resolved path, named ``where`` in the message); None if it may."""
    if not path.is_symlink():
        return None
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # a loop: Python 3.11 raises RuntimeError, later OSError
        return "symbolic link that leads back to itself; it is not read: remove it"
    if target.is_relative_to(root):
        return None
    return f"symbolic link to a place outside {where}; it is not read: {fix}"


def links_out(folder: Path, where: str) -> list[tuple[Path, str]]:
    """Every symbolic link under ``folder`` (none is followed) that leads out of it, with
    the reason, in path order."""
    real = folder.resolve()
    found = []
    for top, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(top, name)
            message = link_problem(path, real, where)
            if message:
                found.append((path, message))
    return sorted(found)

"""``sitegen new``: a working project a user can build at once."""

from __future__ import annotations

import shutil
from pathlib import Path

from sitegen.errors import SitegenError

TEMPLATE = Path(__file__).resolve().parent / "scaffold"
RENAMES = {"gitignore": ".gitignore"}  # dotfiles are not reliably shipped as package data


def create_project(target: Path) -> list[Path]:
    """Copy the scaffold into ``target`` (which must be absent or empty); the files written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise SitegenError(f"{target} already exists and is not empty; "
                           "give a new folder name, e.g. 'sitegen new my-archive'")
    written: list[Path] = []
    for path in sorted(TEMPLATE.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts:
            continue
        rel = path.relative_to(TEMPLATE)
        rel = rel.with_name(RENAMES.get(rel.name, rel.name))
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
        written.append(dest)
    return written

"""``sitegen new``: a working project a user can build at once."""

from __future__ import annotations

import json
import shutil
from importlib import metadata
from pathlib import Path

from sitegen.errors import SitegenError

TEMPLATE = Path(__file__).resolve().parent / "scaffold"
# Dotfiles and dot-folders are not reliably shipped as package data: renamed on the way out.
RENAMES = {"gitignore": ".gitignore", "github": ".github"}
REQUIREMENTS_HEAD = ("# How the GitHub Pages workflow (.github/workflows/pages.yml) "
                     "installs sitegen.\n")
UNKNOWN_ORIGIN = (
    "# This sitegen was installed from a local folder, which GitHub's runners cannot reach:\n"
    "# add a line saying where your sitegen comes from, for example\n"
    "#   sitegen @ git+https://github.com/<owner>/sitegen@v0.1.0\n"
    "# (the 'sitegen' package on PyPI is a different project).\n")


def requirement() -> str | None:
    """A pip requirement that installs this very sitegen on a CI runner, if one is known.

    pip records where a package came from (PEP 610 direct_url.json): a git repository or an
    archive URL can be reinstalled anywhere; a local folder cannot.
    """
    try:
        raw = metadata.distribution("sitegen").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    info = json.loads(raw) if raw else {}
    url = info.get("url", "")
    if not url.startswith(("https://", "http://")):
        return None
    vcs = info.get("vcs_info")
    if vcs and vcs.get("vcs") == "git":
        return f"sitegen @ git+{url}@{vcs.get('commit_id')}"
    return f"sitegen @ {url}"


def create_project(target: Path, pin: str | None) -> list[Path]:
    """Copy the scaffold into ``target`` (which must be absent or empty), with a
    requirements.txt installing sitegen from ``pin``; the files written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise SitegenError(f"{target} already exists and is not empty; "
                           "give a new folder name, e.g. 'sitegen new my-archive'")
    written: list[Path] = []
    for path in sorted(TEMPLATE.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts:
            continue
        rel = Path(*(RENAMES.get(part, part) for part in path.relative_to(TEMPLATE).parts))
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
        written.append(dest)
    requirements = target / "requirements.txt"
    requirements.write_text(REQUIREMENTS_HEAD + (pin + "\n" if pin else UNKNOWN_ORIGIN))
    written.append(requirements)
    return sorted(written)

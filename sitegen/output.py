"""Writing the site: into a fresh folder beside the output, then swapped into place.

A failed or interrupted build therefore leaves the previous site whole, and sitegen only ever
deletes a folder it created itself (it leaves a marker file in each output it writes).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from pathlib import Path

from sitegen.errors import SitegenError

MARKER = ".sitegen-output"
MARKER_TEXT = "This folder was written by sitegen build and is replaced by each build.\n"


def check_output(project: Path, output: Path, *, overwrite: bool = False) -> None:
    """Refuse output folders whose replacement would destroy something that is not ours."""
    project = project.resolve()
    real = output.resolve()
    shown = str(output)
    if output.is_symlink():
        raise SitegenError(f"output {shown} is a symbolic link; sitegen does not replace links: "
                           "give the real folder with --output")
    if real == project or project.is_relative_to(real):
        raise SitegenError(f"output {shown} would contain the project itself; "
                           "use a folder of its own, such as the default site/")
    for name in ("content", "themes"):
        if real.is_relative_to(project / name):
            raise SitegenError(f"output {shown} is inside {name}/, which holds your input; "
                               "use a folder of its own, such as the default site/")
    if real.exists():
        if not real.is_dir():
            raise SitegenError(f"output {shown} exists and is not a folder; move it away or "
                               "choose another --output")
        if not overwrite and not (real / MARKER).exists() and any(real.iterdir()):
            raise SitegenError(
                f"output {shown} exists and was not written by sitegen (it has no {MARKER} "
                "file); each build replaces the whole folder, so sitegen will not touch it. "
                "Choose another --output, or pass --overwrite to replace it")


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def _remove(path: Path) -> None:
    """Delete a folder we created; rmtree removes links inside it without following them."""
    shutil.rmtree(path, ignore_errors=True)


def write_site(output: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` (site-relative path to bytes) as the new content of ``output``."""
    parent = output.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; a site is meant to be read
        made: set[Path] = set()
        for rel, data in files.items():
            target = staging / rel
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(data)
        (staging / MARKER).write_text(MARKER_TEXT)
        if not output.exists():
            staging.rename(output)
        elif _exchange(staging, output):
            _remove(staging)  # now holds the previous site
        else:
            old = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=parent))
            os.rename(output, old / "site")
            staging.rename(output)
            _remove(old)
    except BaseException:
        _remove(staging)
        raise

"""Writing the site: into a fresh folder beside the output, then swapped into place.

A failed or interrupted build therefore leaves the previous site whole, and sitegen only ever
deletes a folder it created itself (it leaves a marker file in each output it writes).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import stat
import tempfile
from pathlib import Path

from sitegen.cache import FOLDER as CACHE_FOLDER
from sitegen.errors import SitegenError
from sitegen.removal import dispose, remove, sweep

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
    for name, what in (("content", "your input"), ("themes", "your input"),
                       (CACHE_FOLDER, "sitegen's build cache")):
        if real.is_relative_to((project / name).resolve()):
            raise SitegenError(f"output {shown} is inside {name}/, which holds {what}; "
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


def read_marker(output: Path) -> str | None:
    """The build id the output's marker records, or None if the output is not a complete
    sitegen build (absent, someone else's, or an update that was interrupted)."""
    try:
        text = (output / MARKER).read_text()
    except OSError:
        return None
    last = text.strip().splitlines()[-1] if text.strip() else ""
    return last.removeprefix("build ") if last.startswith("build ") else None


def _marker(build_id: str) -> str:
    return f"{MARKER_TEXT}build {build_id}\n"


def new_staging(output: Path) -> Path:
    """A fresh folder beside the output (same file system, so moving into place is a
    rename), readable like a site should be."""
    parent = output.parent
    parent.mkdir(parents=True, exist_ok=True)
    sweep(output)  # the trash of earlier builds that no remover finished
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; a site is meant to be read
    return staging


def discard(staging: Path) -> None:
    remove(staging)


def swap_in(staging: Path, output: Path, build_id: str, background: bool = False) -> None:
    """Make the complete site in ``staging`` the output, in one atomic rename. The previous
    site is then removed, by a detached process if ``background`` (see removal.py)."""
    try:
        (staging / MARKER).write_text(_marker(build_id))
        if not output.exists():
            staging.rename(output)
            return
        if _exchange(staging, output):
            previous = staging  # which now holds the previous site
        else:
            previous = Path(tempfile.mkdtemp(prefix=f".{output.name}.prev-", dir=output.parent))
            try:
                os.rename(output, previous / "site")
                staging.rename(output)
            except BaseException:
                if not output.exists() and (previous / "site").exists():
                    os.rename(previous / "site", output)  # the previous site back in place
                if not (previous / "site").exists():
                    previous.rmdir()
                raise
    except BaseException:
        remove(staging)
        raise
    dispose(previous, output, background)


def _inside(output: str, rel: str, checked: set[str]) -> str:
    """``output/rel``, refusing anything that could lead out of the output folder: odd
    paths, and folders inside the output that are symbolic links (never written or deleted
    through). ``checked`` holds the folders already looked at. (Plain strings, not Path: an
    update can move 150,000 files.)"""
    parts = rel.split("/")
    if not rel or rel.startswith("/") or "\\" in rel or any(p in ("", ".", "..") for p in parts):
        raise SitegenError(f"refusing an unexpected output path {rel!r}; delete "
                           ".sitegen-cache/ and build again")
    folder = output
    for part in parts[:-1]:
        folder = f"{folder}/{part}"
        if folder not in checked:
            if os.path.islink(folder):
                raise SitegenError(
                    f"{folder} is a symbolic link inside the output; sitegen does not write or "
                    "delete through links. Remove it, or rebuild the whole output with "
                    "--no-cache")
            checked.add(folder)
    return f"{output}/{rel}"


_move = os.replace  # one name for the moves into the output, so a test can interrupt them


def _fail(error: OSError) -> None:
    raise error  # os.walk would leave out a folder it cannot list, and the update be partial


def _staged(staging: str) -> list[str]:
    """The files in ``staging``, as sorted relative paths (the marker left out)."""
    found = []
    for folder, _, names in os.walk(staging, onerror=_fail):
        rel = os.path.relpath(folder, staging)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        found += [prefix + name for name in names]
    found.sort()
    return [rel for rel in found if rel != MARKER]


def apply_changes(output: Path, staging: Path, removed: list[str], build_id: str) -> int:
    """Update a complete previous build in place: move the staged files in, delete the
    files this build no longer makes. The marker says "updating" meanwhile, so that an
    interrupted update makes the next build start from scratch instead of trusting it.
    Returns by how many bytes the output grew (so that its size is known without a stat
    of every file)."""
    grown = 0
    marker = output / MARKER
    checked: set[str] = set()
    root, source = str(output), str(staging)
    try:
        moves = [(f"{source}/{rel}", _inside(root, rel, checked)) for rel in _staged(source)]
        deletions = [_inside(root, rel, checked) for rel in sorted(removed, reverse=True)]
        marker.write_text(MARKER_TEXT + "updating\n")
        made: set[str] = set()
        for path, target in moves:
            make_folder(target, made)
            grown += os.lstat(path).st_size - _size(target)
            _move(path, target)
        for target in deletions:
            if os.path.islink(target) or os.path.isfile(target):
                grown -= os.lstat(target).st_size
                os.unlink(target)
            parent = os.path.dirname(target)
            while parent != root and os.path.isdir(parent) and not os.listdir(parent):
                os.rmdir(parent)
                parent = os.path.dirname(parent)
        marker.write_text(_marker(build_id))
    finally:
        remove(staging)
    return grown


_NO_LINKS = {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP}


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """A hard link to ``source`` at ``target``, or a copy where the file system refuses
    links (another file system, or none at all); any other error is raised."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        shutil.copy2(source, target, follow_symlinks=False)


def replace_whole(output: Path, staging: Path, files: list[str], build_id: str,
                  background: bool = False) -> int:
    """Make ``staging`` the whole new output when most files changed (a template change
    re-renders every page): the ``files`` of the new build that were not staged, unchanged,
    are linked in from the output (copied where the file system has no links), then the two
    folders are swapped in one rename and the old one removed (after the build, by another
    process, if ``background``: see removal.py). For a template change at 10,000 articles on
    this machine's disk that stage took 36.07 s against 43.77 s for moving 125,558 files in
    one by one (6.99 s once the old folder's removal no longer counted), and readers never
    see a half-updated site. Returns the new output's size."""
    root, source = str(output), str(staging)
    checked: set[str] = set()
    try:
        staged = set(_staged(source))
        size = sum(os.lstat(f"{source}/{rel}").st_size for rel in staged)
        made: set[str] = set()
        for rel in files:
            if rel in staged:
                continue
            path, target = _inside(root, rel, checked), f"{source}/{rel}"
            try:
                found = os.lstat(path)
            except FileNotFoundError:
                found = None
            if found is None or not stat.S_ISREG(found.st_mode):
                raise SitegenError(f"{path} is missing or is not a file, but the last build made "
                                   "it; build with --no-cache to write the whole site again")
            make_folder(target, made)
            link_or_copy(path, target)
            size += found.st_size
    except BaseException:
        remove(staging)
        raise
    swap_in(staging, output, build_id, background)
    return size


def _size(path: str) -> int:
    try:
        return os.lstat(path).st_size
    except FileNotFoundError:
        return 0


def make_folder(target: str, made: set[str]) -> None:
    """Create the folder of ``target`` unless ``made`` (the folders created so far) holds it:
    one mkdir per folder, not per file."""
    folder = os.path.dirname(target)
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)


_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)  # Windows


def write_file(root: Path, rel: str, data: bytes, made: set[str]) -> None:
    """Write ``data`` to ``root / rel``, creating its folder unless ``made`` (the folders
    this writer has already created) holds it: one mkdir per folder, not per file. (With
    strings and os calls, not Path objects: a build writes over a hundred thousand files.)"""
    target = f"{root}/{rel}"
    make_folder(target, made)
    view = memoryview(data)
    fd = os.open(target, _WRITE_FLAGS, 0o666)
    try:
        while view:
            done = os.write(fd, view)
            if not done:
                raise OSError(f"{target}: nothing could be written")
            view = view[done:]
    finally:
        os.close(fd)


def write_site(output: Path, files: dict[str, bytes], build_id: str = "") -> None:
    """Write ``files`` (site-relative path to bytes) as the new content of ``output``."""
    staging = new_staging(output)
    try:
        made: set[str] = set()
        for rel, data in files.items():
            write_file(staging, rel, data, made)
    except BaseException:
        remove(staging)
        raise
    swap_in(staging, output, build_id)

"""Removing a replaced site without making the build wait for it.

Once a new site is swapped in, the previous one is garbage, but deleting it can take as long
as a third of the build: 150,000 files took 46-51 s on this machine's disk (it is mounted
with ``discard``, so each freed block is trimmed). A large folder is therefore renamed to a
trash folder beside the output (``.<output>.old-*``) and removed by a detached process, which
holds a lock on it while it works. The next build removes any trash that no process holds
(its remover was killed, or the machine stopped), so nothing is left for long.

Only folders sitegen made and then replaced are ever put in the trash.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: every removal is done at once
    fcntl = None  # type: ignore[assignment]

LOCK = ".removing"
# Sites of this many files or more are removed in the background (the build knows its new
# site's count, and the previous one is most likely about as large). Smaller ones are removed
# at once: at the rate above, 5,000 files take about 1.6 s here, and a small project's
# preview rebuilds are left with no process behind them.
BACKGROUND_FROM = 5000
# The remover: pass_fds keeps the locked file open in it, so the lock is held until it ends.
_REMOVER = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
_spawn = subprocess.Popen  # one name for starting the remover, so that a test can stand in


def trash_prefix(output: Path) -> str:
    return f".{output.name}.old-"


def remove(folder: Path) -> None:
    """Delete a folder sitegen created; rmtree removes links inside it without following
    them."""
    shutil.rmtree(folder, ignore_errors=True)


def _hand_off(trash: Path) -> bool:
    """Start a detached process removing ``trash``, holding its lock: False if another
    process holds the lock already (it is removing it) or the folder is gone."""
    try:
        fd = os.open(trash / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError:
        return False  # removed meanwhile by the process that held it
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        _spawn([sys.executable, "-c", _REMOVER, str(trash)], pass_fds=(fd,),
               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL, start_new_session=True)
        return True
    finally:
        os.close(fd)  # the remover has its own copy of the lock


def dispose(folder: Path, output: Path, background: bool) -> None:
    """Remove ``folder``, a previous site beside ``output`` that is no longer published: at
    once, or (``background``, where the platform has file locks) renamed to the trash and
    removed by a detached process. Never raises: whatever cannot be handed off is removed
    here."""
    if not background or fcntl is None:
        remove(folder)
        return
    trash = folder.with_name(trash_prefix(output) + folder.name.rsplit("-", 1)[-1])
    try:
        os.rename(folder, trash)
    except OSError:
        remove(folder)
        return
    try:
        started = _hand_off(trash)
    except OSError:  # no process could be started
        started = False
    if not started and trash.exists():
        remove(trash)


def sweep(output: Path) -> None:
    """Start removing the trash beside ``output`` that no remover holds (left when one was
    stopped)."""
    if fcntl is None or not output.parent.is_dir():
        return
    prefix = trash_prefix(output)
    for entry in sorted(os.scandir(output.parent), key=lambda e: e.name):
        if entry.name.startswith(prefix) and entry.is_dir(follow_symlinks=False):
            with contextlib.suppress(OSError):  # if not now, the next build tries again
                _hand_off(Path(entry.path))

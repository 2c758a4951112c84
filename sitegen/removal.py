"""Removing a replaced site without making the build wait for it.

Once a new site is swapped in, the previous one is garbage, but deleting it can take as long
as a third of the build: 150,000 files took 46-51 s on this machine's disk (it is mounted
with ``discard``, so each freed block is trimmed). A large folder is therefore tagged,
renamed to a trash folder beside the output (``.<output>.old-<16 hex digits>``) and removed
by a detached process, which holds a lock on the folder while it works. The next build
removes any trash that no process holds (its remover was killed, or the machine stopped).

Only folders sitegen made and then replaced are put in the trash, and the sweep touches
only folders with exactly such a name, that are not links, and that carry sitegen's tag.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: every removal is done at once
    fcntl = None  # type: ignore[assignment]

TAG = ".sitegen-trash"  # in each trash folder: it is sitegen's, and removed last
TAG_TEXT = "A site that sitegen build replaced; a background process is deleting it.\n"
# Sites of this many files or more are removed in the background (the build knows its new
# site's count, and the previous one is most likely about as large). Smaller ones are removed
# at once: at the rate above, 5,000 files take about 1.6 s here, and a small project's
# preview rebuilds are left with no process behind them.
BACKGROUND_FROM = 5000
# The remover: everything but the tag, then the tag and the folder, so that a remover that
# is stopped half-way leaves a folder the next sweep still recognises. It inherits the lock
# on the folder (pass_fds), which it holds until it ends.
_REMOVER = """
import os, shutil, sys
trash, tag = sys.argv[1], sys.argv[2]
for entry in os.scandir(trash):
    if entry.name == tag:
        continue
    if entry.is_dir(follow_symlinks=False):
        shutil.rmtree(entry.path, ignore_errors=True)
    else:
        try:
            os.unlink(entry.path)
        except OSError:
            pass
shutil.rmtree(trash, ignore_errors=True)
"""
_spawn = subprocess.Popen  # one name for starting the remover, so that a test can stand in
_started: list[subprocess.Popen[bytes]] = []  # removers of this process, reaped by sweep()


def _trash_name(output: Path) -> re.Pattern[str]:
    return re.compile(re.escape(f".{output.name}.old-") + "[0-9a-f]{16}")


def remove(folder: Path) -> None:
    """Delete a folder sitegen created; rmtree removes links inside it without following
    them."""
    shutil.rmtree(folder, ignore_errors=True)


def _hand_off(trash: Path) -> None:
    """See that a detached process removes ``trash``: start one holding the folder's lock,
    unless another process holds it (one is at work). Raises if neither can be done."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(trash, flags | getattr(os, "O_CLOEXEC", 0))
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # another process holds it: it is being removed
        _started.append(_spawn(
            [sys.executable, "-I", "-S", "-c", _REMOVER, str(trash), TAG], pass_fds=(fd,),
            cwd=os.path.abspath(os.sep), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True))
    finally:
        os.close(fd)  # the remover has its own copy of the lock


def dispose(folder: Path, output: Path, background: bool) -> None:
    """Remove ``folder``, a previous site beside ``output`` that is no longer published: at
    once, or (``background``, where the platform has file locks) tagged, renamed to the
    trash and removed by a detached process. Never raises: the site is published already,
    and whatever cannot be handed off is removed here."""
    if not background or fcntl is None:
        remove(folder)
        return
    trash = output.parent / f".{output.name}.old-{secrets.token_hex(8)}"
    try:
        (folder / TAG).write_text(TAG_TEXT, encoding="utf-8")
        os.rename(folder, trash)
    except OSError:
        remove(folder)
        return
    try:
        _hand_off(trash)
    except Exception:  # no remover could be started: remove it here
        remove(trash)


def sweep(output: Path) -> None:
    """Start removing the trash beside ``output`` that no remover holds (one was stopped),
    and reap this process's removers that have finished."""
    _started[:] = [process for process in _started if process.poll() is None]
    if fcntl is None or not output.parent.is_dir():
        return
    name = _trash_name(output)
    for entry in sorted(os.scandir(output.parent), key=lambda e: e.name):
        if not (name.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False)):
            continue
        tag = Path(entry.path) / TAG
        if tag.is_symlink() or not tag.is_file():
            continue  # not a folder sitegen put in the trash
        with contextlib.suppress(OSError):  # if not now, the next build tries again
            _hand_off(Path(entry.path))

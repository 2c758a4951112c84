"""Reading a cold ``content/`` in parallel, so that a rebuild with nothing to do stays quick
after the machine has done other work.

Such a rebuild is a walk of ``content/``: a listing per folder and a stat per file, 0.23 s
at 10,000 articles when the system's cache holds them. When it has dropped them, each is a
disk read, one after another: 1.1-1.3 s. A few ``du`` processes walking the rest of the tree
meanwhile bring it into the cache in parallel (0.52-0.53 s), where threads in this process
would wait for each other on Python's lock (measured slower). They start only once the first
folders have proved slow: on a warm cache they cost the walk 40-70 ms. Nothing depends on
them: without ``du`` (Windows), or if it fails, the walk reads everything itself.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from types import TracebackType

SAMPLE = 8  # article folders timed before deciding
COLD_SECONDS = 0.001  # listing the first 8 took 0.11 ms warm, 3.0-3.6 ms cold, here
RUNS = 4  # du processes at once
MOST = 4000  # article folders per du, and sources (a command line of about 200 KB at most)


class Prefetch:
    """Times the first folder listings of a walk (:meth:`timed`), starts ``du`` on what is
    left to walk if they were slow (:meth:`start`), and stops it when the walk is over."""

    def __init__(self, enabled: bool = True):
        self.deciding = enabled
        self.started: list[list[str]] = []  # what each run was given, for the tests
        self._runs: list[subprocess.Popen[bytes]] = []
        self._count = 0
        self._spent = 0.0

    def timed(self, seconds: float) -> bool:
        """Count one folder listing; True once, when the walk has proved cold."""
        if not self.deciding:
            return False
        self._count += 1
        self._spent += seconds
        if self._count < SAMPLE:
            return False
        self.deciding = False
        return self._spent > COLD_SECONDS

    def start(self, root: str, folders: list[str], sources: list[str]) -> None:
        """``du`` over the article ``folders`` left in the source being walked, then the
        ``sources`` after it, whole (all relative to ``root``): dealt out in turn to the
        runs, so that together they keep ahead of the walk, which goes through them in
        order. Only where ``du`` is the system's own (POSIX): on Windows a ``du`` would be
        looked for in the project's folder first."""
        du = shutil.which("du") if os.name == "posix" else None
        if du is None:
            return
        for n in range(RUNS):
            share = folders[n::RUNS][:MOST] + sources[n::RUNS][:MOST]
            if not share:
                break
            with contextlib.suppress(OSError):
                self._runs.append(subprocess.Popen(
                    [du, "-s", "--", *share], cwd=root, stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                self.started.append(share)

    def close(self) -> None:
        """Stop what still runs (the walk has read everything by now), and reap it."""
        runs, self._runs = self._runs, []
        for run in runs:
            with contextlib.suppress(OSError):
                run.kill()
        for run in runs:
            run.wait()

    def __enter__(self) -> Prefetch:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

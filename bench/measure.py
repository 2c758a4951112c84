"""Run one command and measure it from the outside: wall and CPU time, peak memory.

Measuring a subprocess keeps the harness independent of sitegen's internals (a cache and
parallel rendering are coming). How each figure is taken:

- **wall**: ``time.perf_counter`` around start and reaping; the interpreter's start-up is
  included, as a user waits for it too.
- **CPU** and **tree peak RSS**: the ``rusage`` that ``os.wait4`` returns for the process.
  On Linux it covers the process *and every descendant it waited for* (Pagefind, which
  sitegen runs and waits for): CPU is their sum, ``ru_maxrss`` the largest single one.
- **per-process peaks**: a thread samples ``/proc/<pid>/status`` of the process and its
  descendants (found through ``/proc/<pid>/task/<tid>/children`` of each thread) every
  ``SAMPLE`` seconds. ``VmHWM`` is the kernel's own high-water mark, so a sample misses
  only growth in the last interval before a process exits. It also gives each
  descendant's lifetime (first to last sample: its wall time, to within two intervals)
  and the largest sum of the tree's ``VmRSS`` at one instant, with and without the
  processes named ``apart`` (the search indexer). Worker processes forked from sitegen
  share pages with it, which a sum of RSS counts once per process: for a parallel build
  that sum is an upper bound.
- **other CPU**: the machine's busy CPU time over the run (``/proc/stat``) less the run's
  own: what other processes took meanwhile. On a shared 2-core machine this says whether a
  figure was disturbed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE = 0.05  # seconds between /proc samples
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Proc:
    """What the sampler saw of one process."""

    pid: int
    name: str
    peak_kib: int = 0  # VmHWM
    cpu_s: float = 0.0  # utime + stime at the last sample
    first: float = 0.0  # seconds since the run started
    last: float = 0.0

    @property
    def seconds(self) -> float:
        return self.last - self.first


@dataclass
class Run:
    argv: list[str]
    returncode: int | None = None
    wall_s: float = 0.0
    user_s: float = 0.0
    sys_s: float = 0.0
    tree_maxrss_kib: int = 0  # ru_maxrss from wait4: the largest process of the tree
    concurrent_peak_kib: int = 0  # the largest sum of VmRSS over the tree at one sample
    # the same sum without the processes named ``apart`` (sitegen and its workers alone)
    concurrent_rest_kib: int = 0
    others_cpu_s: float = 0.0  # busy CPU time of the machine not spent by this run
    timed_out: bool = False
    stdout: str = ""
    stderr: str = ""
    procs: list[Proc] = field(default_factory=list)  # the root first, then descendants

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s

    @property
    def root(self) -> Proc | None:
        return self.procs[0] if self.procs else None

    def descendants(self, prefix: str) -> list[Proc]:
        return [p for p in self.procs[1:] if p.name.startswith(prefix)]


def _status(pid: int) -> tuple[str, int, int] | None:
    """(name, VmHWM KiB, VmRSS KiB), or None if the process is gone or has no memory."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key in ("Name", "VmHWM", "VmRSS"):
            values[key] = value.strip()
    if "VmHWM" not in values:  # a zombie: its memory is already gone
        return None
    return (values.get("Name", "?"), int(values["VmHWM"].split()[0]),
            int(values.get("VmRSS", "0 kB").split()[0]))


def _cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def busy_cpu() -> float:
    """Seconds of CPU the whole machine has been busy since boot (all but idle and iowait)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / TICK  # guest time is already counted in user


def _tree(root: int) -> list[int]:
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        try:  # every thread's children: sitegen starts Pagefind runs from threads
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
            except OSError:
                continue
            todo.extend(int(c) for c in children)
    return pids


class Sampler(threading.Thread):
    def __init__(self, root: int, started: float, apart: str) -> None:
        super().__init__(daemon=True)
        self.root, self.started, self.apart = root, started, apart
        self.procs: dict[int, Proc] = {}
        self.concurrent = self.rest = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            now = time.perf_counter() - self.started
            total = rest = 0
            for pid in _tree(self.root):
                status = _status(pid)
                if status is None:
                    continue
                name, hwm, rss = status
                proc = self.procs.setdefault(pid, Proc(pid, name, first=now))
                proc.name, proc.last = name, now
                proc.peak_kib = max(proc.peak_kib, hwm)
                proc.cpu_s = _cpu(pid) or proc.cpu_s
                total += rss
                if not (self.apart and name.startswith(self.apart)):
                    rest += rss
            self.concurrent = max(self.concurrent, total)
            self.rest = max(self.rest, rest)
            self.stop.wait(SAMPLE)


def run_measured(argv: list[str], cwd: Path | None = None, timeout: float = 900.0,
                 env: dict[str, str] | None = None, apart: str = "") -> Run:
    """Run ``argv`` to the end (or kill its process group after ``timeout`` seconds).
    Processes whose name starts with ``apart`` are left out of ``concurrent_rest_kib``."""
    result = Run(argv=list(argv))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        busy = busy_cpu()
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, env=env,
                                start_new_session=True)
        sampler = Sampler(proc.pid, started, apart)
        sampler.start()

        def kill() -> None:
            result.timed_out = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        result.wall_s = time.perf_counter() - started
        busy = busy_cpu() - busy
        timer.cancel()
        sampler.stop.set()
        sampler.join()
        proc.returncode = result.returncode = os.waitstatus_to_exitcode(status)
        result.user_s, result.sys_s = usage.ru_utime, usage.ru_stime
        result.tree_maxrss_kib = usage.ru_maxrss
        result.others_cpu_s = max(0.0, busy - result.cpu_s)
        result.concurrent_peak_kib = sampler.concurrent
        result.concurrent_rest_kib = sampler.rest
        result.procs = sorted(sampler.procs.values(),
                              key=lambda p: (p.pid != proc.pid, p.first))
        out.seek(0)
        err.seek(0)
        result.stdout = out.read().decode("utf-8", "replace")
        result.stderr = err.read().decode("utf-8", "replace")
    return result

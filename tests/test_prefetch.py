"""Reading ahead of the walk of a cold content/: started only when the first folders are
slow, given what is left to walk, and never changing what the walk finds."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.content import prefetch
from sitegen.content.loader import scan
from sitegen.content.prefetch import Prefetch
from tests.conftest import version_file, write


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    for s in ("alpha", "beta", "gamma"):
        for a in range(12):
            write(root / f"content/{s}/a{a:02d}/0.md",
                  version_file(f"{s} {a}", "2025-01-01T00:00:00Z", "Text.\n"))
    write(root / "content/alpha/_source.yaml", "name: Alpha\n")
    return root


def test_it_decides_once_after_the_sample() -> None:
    slow = Prefetch()
    answers = [slow.timed(prefetch.COLD_SECONDS) for _ in range(prefetch.SAMPLE + 3)]
    assert answers == [False] * (prefetch.SAMPLE - 1) + [True] + [False] * 3
    quick = Prefetch()
    assert not any(quick.timed(prefetch.COLD_SECONDS / (2 * prefetch.SAMPLE))
                   for _ in range(prefetch.SAMPLE + 3))
    assert not any(Prefetch(enabled=False).timed(1.0) for _ in range(prefetch.SAMPLE + 3))


def test_a_quick_walk_starts_nothing(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefetch, "COLD_SECONDS", 60.0)  # every walk looks warm
    with Prefetch() as ahead:
        scan(tree, tree / "content", ahead)
    assert ahead.started == []


@pytest.mark.skipif(shutil.which("du") is None, reason="no du on this system")
def test_a_cold_walk_reads_the_rest_ahead_and_finds_the_same(
        tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefetch, "COLD_SECONDS", -1.0)  # every walk looks cold
    plain = scan(tree, tree / "content")
    with Prefetch() as ahead:
        found = scan(tree, tree / "content", ahead)
        runs = list(ahead._runs)
    assert found == plain
    # decided after alpha's 8th folder: the rest of alpha, folder by folder, and the
    # sources after it whole, dealt out in turn to the runs
    folders = [f"alpha/a{a:02d}" for a in range(prefetch.SAMPLE, 12)]
    sources = ["beta", "gamma"]
    assert ahead.started == [folders[n::prefetch.RUNS] + sources[n::prefetch.RUNS]
                             for n in range(prefetch.RUNS)]
    assert runs and all(run.returncode is not None for run in runs)  # stopped and reaped
    assert ahead._runs == []


def test_without_du_the_walk_reads_everything_itself(
        tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefetch, "COLD_SECONDS", -1.0)
    monkeypatch.setattr(prefetch.shutil, "which", lambda name: None)
    with Prefetch() as ahead:
        found = scan(tree, tree / "content", ahead)
    assert found == scan(tree, tree / "content")
    assert ahead.started == []


def test_a_large_source_leaves_room_for_the_sources_after_it(
        tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefetch, "COLD_SECONDS", -1.0)
    monkeypatch.setattr(prefetch, "MOST", 1)  # one article folder per command line
    with Prefetch() as ahead:
        scan(tree, tree / "content", ahead)
    assert ahead.started == [["alpha/a08", "beta"], ["alpha/a09", "gamma"], ["alpha/a10"],
                             ["alpha/a11"]]


@pytest.mark.skipif(os.name != "posix", reason="du is only used on POSIX systems")
def test_a_build_stops_the_readers_once_it_has_walked_content(
        tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build starts them on a cold walk, in content/, and kills them rather than
    waiting for them to finish."""
    tools = tmp_path / "bin"
    log = tmp_path / "du.log"
    write(tools / "du", f"#!/bin/sh\necho \"$PWD $*\" >> {log}\nexec sleep 30\n").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(prefetch, "COLD_SECONDS", -1.0)
    close = Prefetch.close

    def close_once_all_ran(self: Prefetch) -> None:  # (else one may be killed unlogged)
        for _ in range(200):
            if self.started and log.exists() and len(log.read_text().splitlines()) == len(
                    self.started):
                break
            time.sleep(0.05)
        close(self)

    monkeypatch.setattr(Prefetch, "close", close_once_all_ran)
    began = time.monotonic()
    build(tree, cache=False, search=False, jobs=1)
    assert time.monotonic() - began < 20
    calls = log.read_text().splitlines()
    assert len(calls) == prefetch.RUNS
    assert all(c.startswith(f"{tree / 'content'} -s -- alpha/a") for c in calls)

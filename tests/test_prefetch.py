"""Reading ahead of the walk of a cold content/: started only when the first folders are
slow, given what is left to walk, and never changing what the walk finds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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
    # decided after alpha's 8th folder: the rest of alpha, folder by folder, then the
    # sources after it whole, dealt out in turn to the runs
    rest = [f"alpha/a{a:02d}" for a in range(prefetch.SAMPLE, 12)] + ["beta", "gamma"]
    assert ahead.started == [rest[n::prefetch.RUNS] for n in range(prefetch.RUNS)]
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

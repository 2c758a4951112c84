"""A replaced site is removed after the build returns, by a process of its own, and only it:
whatever such a process leaves is removed by the next build."""

from __future__ import annotations

import fcntl
import importlib
import os
import sys
import time
from pathlib import Path

import pytest

from sitegen import output, removal
from sitegen.build import build
from tests.conftest import version_file, write

build_module = importlib.import_module("sitegen.build")


def _site(folder: Path, text: str) -> None:
    for n in range(3):
        write(folder / f"a{n}/index.html", f"{text} {n}")


def _gone_soon(path: Path, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not path.exists()


def _trash(parent: Path) -> list[Path]:
    return sorted(p for p in parent.iterdir() if p.name.startswith(".site.old-"))


class Spawned:
    """Stands in for subprocess.Popen: records what would have been started."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], dict]] = []

    def __call__(self, args: list[str], **options) -> None:
        self.calls.append((args, options))


def test_a_replaced_site_is_handed_to_a_detached_remover(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    _site(site, "old")
    (tmp_path / "keep.txt").write_text("not ours")
    staging = output.new_staging(site)
    _site(staging, "new")
    spawned = Spawned()
    monkeypatch.setattr(removal, "_spawn", spawned)
    output.swap_in(staging, site, "b1", background=True)

    assert (site / "a0/index.html").read_text() == "new 0"
    [trash] = _trash(tmp_path)  # the previous site, not removed by the build itself
    assert (trash / "a0/index.html").read_text() == "old 0"
    [(args, options)] = spawned.calls
    assert args[0] == sys.executable and args[-1] == str(trash)
    assert options["start_new_session"] and len(options["pass_fds"]) == 1

    monkeypatch.undo()  # the next build finds the trash no remover holds, and removes it
    output.new_staging(site)
    assert _gone_soon(trash)
    assert (tmp_path / "keep.txt").read_text() == "not ours"
    assert (site / "a0/index.html").read_text() == "new 0"


def test_trash_that_a_remover_holds_is_left_to_it(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    trash = tmp_path / ".site.old-abc123"
    _site(trash, "old")
    spawned = Spawned()
    monkeypatch.setattr(removal, "_spawn", spawned)
    lock = os.open(trash / removal.LOCK, os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)
    removal.sweep(site)
    assert spawned.calls == [] and (trash / "a0/index.html").exists()
    os.close(lock)  # its remover stopped: the next sweep starts another
    removal.sweep(site)
    assert [args[-1] for args, _ in spawned.calls] == [str(trash)]


def test_small_sites_are_removed_before_the_build_returns(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _site(site, "old")
    staging = output.new_staging(site)
    _site(staging, "new")
    output.swap_in(staging, site, "b1")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("exchange", [True, False])
def test_builds_of_large_sites_remove_the_previous_one_after_returning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool) -> None:
    """A full build over a site, and a template change (the whole folder swapped), with the
    threshold lowered to this small site: the output is a clean build's, and the previous
    sites go (with and without an atomic exchange of the two folders)."""
    project = tmp_path / "p"
    write(project / "sitegen.yaml", "title: Large\n")
    for a in range(3):
        for v in range(2):
            write(project / f"content/s/story-{a}/{v}.md", version_file(
                f"Story {a} v{v}", f"2025-03-0{1 + a}T1{v}:00:00Z", f"Text {a}, {v}.\n"))
    monkeypatch.setattr(build_module, "BACKGROUND_FROM", 1)
    if not exchange:
        monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    build(project, search=False)
    first = project / "site/s/story-0/index.html"
    inode = first.stat().st_ino
    build(project, search=False, cache=False)  # a full build over the site
    write(project / "themes/default/templates/footer.html", "<p>New footer</p>\n")
    build(project, search=False)  # most files changed: swapped whole
    assert first.stat().st_ino != inode and "New footer" in first.read_text()
    for trash in _trash(project):
        assert _gone_soon(trash)
    assert sorted(p.name for p in project.iterdir()) == [".sitegen-cache", "content", "site",
                                                         "sitegen.yaml", "themes"]
    build(project, tmp_path / "clean", search=False, cache=False)
    assert _tree(project / "site") == _tree(tmp_path / "clean")


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}

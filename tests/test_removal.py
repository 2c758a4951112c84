"""A replaced site is removed after the build returns, by a process of its own, and only it:
whatever such a process leaves is removed by the next build, and nothing else is."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitegen import output, removal
from sitegen.build import build
from tests.conftest import version_file, write

fcntl = pytest.importorskip("fcntl")  # the background removal needs file locks
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
    """Stands in for subprocess.Popen: records what would have been started, and starts it
    only if ``real``."""

    def __init__(self, real: bool = False) -> None:
        self.calls: list[tuple[list[str], dict]] = []
        self.real = real

    def __call__(self, args: list[str], **options) -> subprocess.Popen[bytes] | Spawned:
        self.calls.append((args, options))
        return subprocess.Popen(args, **options) if self.real else self

    def poll(self) -> int:
        return 0  # as a process that has ended


def _swapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Spawned]:
    """A site replaced with background removal, the remover recorded and not started."""
    site = tmp_path / "site"
    _site(site, "old")
    staging = output.new_staging(site)
    _site(staging, "new")
    spawned = Spawned()
    monkeypatch.setattr(removal, "_spawn", spawned)
    output.swap_in(staging, site, "b1", background=True)
    return site, spawned


def test_a_replaced_site_is_handed_to_a_detached_remover(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "keep.txt").write_text("not ours")
    site, spawned = _swapped(tmp_path, monkeypatch)
    assert (site / "a0/index.html").read_text() == "new 0"
    [trash] = _trash(tmp_path)  # the previous site, not removed by the build itself
    assert (trash / "a0/index.html").read_text() == "old 0" and (trash / removal.TAG).is_file()
    [(args, options)] = spawned.calls
    assert args[0] == sys.executable and str(trash) in args
    assert options["start_new_session"] and len(options["pass_fds"]) == 1

    monkeypatch.undo()  # the next build finds the trash no remover holds, and removes it
    output.new_staging(site)
    assert _gone_soon(trash)
    assert (tmp_path / "keep.txt").read_text() == "not ours"
    assert (site / "a0/index.html").read_text() == "new 0"


def test_trash_that_a_remover_holds_is_left_to_it(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    site, _ = _swapped(tmp_path, monkeypatch)
    [trash] = _trash(tmp_path)
    spawned = Spawned()
    monkeypatch.setattr(removal, "_spawn", spawned)
    held = os.open(trash, os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)  # as a remover at work holds it
    removal.sweep(site)
    assert spawned.calls == [] and (trash / "a0/index.html").exists()
    os.close(held)  # its remover stopped: the next sweep starts another
    removal.sweep(site)
    assert [str(trash) in args for args, _ in spawned.calls] == [True]


def test_a_remover_stopped_half_way_leaves_what_the_next_build_removes(tmp_path: Path) -> None:
    """The tag goes last: a folder a remover was stopped in is still recognised."""
    site = tmp_path / "site"
    trash = tmp_path / ".site.old-0123456789abcdef"
    write(trash / removal.TAG, removal.TAG_TEXT)
    write(trash / "a9/index.html", "left")
    removal.sweep(site)
    assert _gone_soon(trash)


def test_the_sweep_touches_nothing_but_sitegens_own_trash(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A user's folders with trash-like names, one without the tag, a link to a tagged
    folder elsewhere, another build's staging folder: all left alone."""
    site = tmp_path / "site"
    site.mkdir()
    mine = [tmp_path / ".site.old-backup", tmp_path / ".site.old-0123456789abcdef",
            tmp_path / ".site.old-x.new-abcdefgh", tmp_path / "elsewhere"]
    write(mine[0] / removal.TAG, "a user's copy")  # tagged, but not a trash name
    write(mine[1] / "precious.txt", "no tag")
    write(mine[2] / removal.TAG, "the output site.old-x's staging")
    write(mine[3] / removal.TAG, removal.TAG_TEXT)
    link = tmp_path / ".site.old-fedcba9876543210"
    link.symlink_to(mine[3], target_is_directory=True)
    spawned = Spawned()
    monkeypatch.setattr(removal, "_spawn", spawned)
    removal.sweep(site)
    assert spawned.calls == []
    assert all(p.is_dir() for p in mine) and link.is_symlink()


def test_without_locks_or_a_remover_the_site_is_removed_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(removal, "fcntl", None)  # as on Windows
    site = tmp_path / "site"
    _site(site, "old")
    staging = output.new_staging(site)
    _site(staging, "new")
    output.swap_in(staging, site, "b1", background=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]

    monkeypatch.undo()

    def fail(args: list[str], **options) -> None:
        raise OSError("no process can be started")

    monkeypatch.setattr(removal, "_spawn", fail)
    staging = output.new_staging(site)
    _site(staging, "newer")
    output.swap_in(staging, site, "b2", background=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert (site / "a0/index.html").read_text() == "newer 0"


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
    threshold lowered to this small site: each hands the previous site to a remover, the
    output is a clean build's, and the previous sites go (with and without an atomic
    exchange of the two folders)."""
    project = tmp_path / "p"
    write(project / "sitegen.yaml", "title: Large\n")
    for a in range(3):
        for v in range(2):
            write(project / f"content/s/story-{a}/{v}.md", version_file(
                f"Story {a} v{v}", f"2025-03-0{1 + a}T1{v}:00:00Z", f"Text {a}, {v}.\n"))
    monkeypatch.setattr(build_module, "BACKGROUND_FROM", 1)
    spawned = Spawned(real=True)
    monkeypatch.setattr(removal, "_spawn", spawned)
    if not exchange:
        monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    build(project, search=False)
    first = project / "site/s/story-0/index.html"
    build(project, search=False, cache=False)  # a full build over the site
    # Taken now, not after the first build: that file's inode is freed once its site is
    # removed, and the next build may be given the same number again.
    inode = first.stat().st_ino
    write(project / "themes/default/templates/footer.html", "<p>New footer</p>\n")
    build(project, search=False)  # most files changed: swapped whole
    assert first.stat().st_ino != inode and "New footer" in first.read_text()
    assert len(spawned.calls) == 2  # one remover for each replaced site
    for trash in _trash(project):
        assert _gone_soon(trash)
    assert sorted(p.name for p in project.iterdir()) == [".sitegen-cache", "content", "site",
                                                         "sitegen.yaml", "themes"]
    build(project, tmp_path / "clean", search=False, cache=False)
    assert _tree(project / "site") == _tree(tmp_path / "clean")


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}

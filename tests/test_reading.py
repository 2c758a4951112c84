"""Files sitegen is given are read only when they are ordinary files, and never past a
limit: a FIFO, a device, a folder where a file belongs or an endless input is refused with
the file's name, at once, and the previous site stays as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.config import Config
from sitegen.content import reading
from tests.conftest import version_file, write

TIMEOUT = 60  # a FIFO opened for reading would block forever: the test would time out


def sitegen(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command in a child process, so that a hang fails the test."""
    done = subprocess.run([sys.executable, "-m", "sitegen", *args], input=stdin,
                          capture_output=True, timeout=TIMEOUT)
    return subprocess.CompletedProcess(done.args, done.returncode,
                                       done.stdout.decode(), done.stderr.decode())


def built(project: Path) -> Path:
    site = project / "site"
    assert sitegen("build", "-C", str(project), "--no-search").returncode == 0
    return site


def test_the_limit_is_the_builds_default() -> None:
    assert Config.max_file_size == reading.LIMIT


@pytest.mark.parametrize("where", ["content/paper/story/c.md", "content/paper/_source.yaml",
                                   "sitegen.yaml"])
def test_a_fifo_is_refused_not_waited_on(project: Path, where: str) -> None:
    site = built(project)
    before = (site / "index.html").read_bytes()
    os.mkfifo(project / where)
    done = sitegen("build", "-C", str(project), "--no-search")
    assert done.returncode != 0
    assert f"{where}: " in done.stderr and "not an ordinary file" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert (site / "index.html").read_bytes() == before


@pytest.mark.parametrize("where", ["content/paper/_source.yaml", "sitegen.yaml"])
def test_a_folder_where_a_settings_file_belongs_is_an_error(project: Path, where: str) -> None:
    (project / where).mkdir()
    done = sitegen("build", "-C", str(project), "--no-search")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert f"{where}: is a folder, where a file was expected" in done.stderr, done.stderr


def test_a_version_file_over_the_limit_is_not_read(project: Path) -> None:
    write(project / "sitegen.yaml", "max_file_size: 1000\n")
    write(project / "content/paper/story/c.md",
          version_file("T", "2025-03-08T10:00:00Z", "Word " * 300))
    done = sitegen("build", "-C", str(project), "--no-search")
    assert done.returncode != 0
    assert ("content/paper/story/c.md: file is 1,547 bytes, over the limit of 1,000: check "
            "that it really is one article, or raise max_file_size in sitegen.yaml"
            ) in done.stderr, done.stderr


def test_add_refuses_a_device_and_an_endless_input(project: Path) -> None:
    done = sitegen("add", "-C", str(project), "paper/story", "/dev/zero")
    assert done.returncode != 0
    assert "/dev/zero: is not an ordinary file" in done.stderr, done.stderr
    fifo = project.parent / "pipe"
    os.mkfifo(fifo)
    done = sitegen("add", "-C", str(project), "paper/story", str(fifo))
    assert done.returncode != 0 and "pipe: is not an ordinary file" in done.stderr
    endless = b"a" * (reading.LIMIT + 1)
    done = sitegen("add", "-C", str(project), "paper/story", "-", "--title", "T",
                   stdin=endless)
    assert done.returncode != 0
    assert "standard input is more than 10,000,000 bytes, over the limit" in done.stderr
    assert sorted(p.name for p in (project / "content/paper/story").iterdir()) == [
        "a.md", "b.md"]  # nothing stored


def test_diff_refuses_what_is_not_an_ordinary_file(project: Path) -> None:
    done = sitegen("diff", "/dev/zero", str(project / "content/paper/story/a.md"))
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "/dev/zero" in done.stderr and "is not an ordinary file" in done.stderr


def test_import_refuses_a_fifo_snapshot_and_goes_on(project: Path, tmp_path: Path) -> None:
    snaps = tmp_path / "snaps"
    write(snaps / "story/2025-03-09T10-00-00Z.txt", "A text, third version.\n")
    os.mkfifo(snaps / "story/2025-03-10T10-00-00Z.txt")
    done = sitegen("import", "-C", str(project), str(snaps), "--source", "paper")
    assert "2025-03-10T10-00-00Z.txt" in done.stdout + done.stderr
    assert "not an ordinary file" in done.stdout + done.stderr, done.stdout + done.stderr
    stored = sorted(p.name for p in (project / "content/paper/story").iterdir())
    assert "2025-03-09T10-00-00Z.md" in stored and len(stored) == 3


@pytest.mark.parametrize("target", ["missing.md", "loop.md"])
def test_a_link_to_nothing_in_content_is_named(project: Path, target: str) -> None:
    story = project / "content/paper/story"
    (story / "loop.md").symlink_to("loop.md") if target == "loop.md" else None
    (story / "c.md").symlink_to(target)
    done = sitegen("build", "-C", str(project), "--no-search")
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    assert "content/paper/story/c.md: symbolic link that leads nowhere" in done.stderr

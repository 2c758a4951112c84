"""The committed tree of invalid inputs (tests/fixtures/invalid): one case per kind.

Every case must produce its own message naming its file, all in one run, sorted; nothing is
written; and --keep-going builds what is valid. Regenerate expected.txt after an intended
change of wording with ``SITEGEN_REGEN=1 python -m pytest tests/test_invalid.py``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sitegen.cli import main
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "invalid"
EXPECTED = FIXTURE / "expected.txt"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    copy = tmp_path / "invalid"
    shutil.copytree(FIXTURE, copy, symlinks=True)
    return copy


def test_every_case_is_reported_with_its_own_message(runner, tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", "-C", str(tree), "-o", str(out)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[-1] == f"Error: {len(lines) - 1} problems in the input; nothing was written."
    if os.environ.get("SITEGEN_REGEN") == "1":
        EXPECTED.write_text("\n".join(lines[:-1]) + "\n")
    assert lines[:-1] == EXPECTED.read_text().splitlines()
    assert not out.exists()


def test_each_case_folder_is_named_in_a_message() -> None:
    messages = EXPECTED.read_text()
    cases = sorted(p.name for p in (FIXTURE / "content" / "cases").iterdir()
                   if p.is_dir() and p.name != "bom-and-crlf")
    for case in cases:
        assert f"content/cases/{case}" in messages, case
    assert "bom-and-crlf" not in messages  # a BOM and CRLF line ends are fine


def test_keep_going_builds_what_is_valid(runner, tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", "-C", str(tree), "-o", str(out), "--keep-going",
                                  "--no-search"])
    assert result.exit_code == 0, result.output
    skipped = [line.removeprefix("Skipped: ") for line in result.stderr.splitlines()
               if line.startswith("Skipped: ")]
    assert skipped == EXPECTED.read_text().splitlines()
    assert (out / "valid/fine/v1/index.html").exists()
    assert (out / "cases/bom-and-crlf/v0/index.html").exists()
    # The valid version beside the link, and the first of the two same-instant files.
    assert (out / "cases/symlink-outside/v0/index.html").exists()
    assert (out / "cases/same-instant/v0/index.html").exists()
    assert not (out / "cases/same-instant/v1").exists()
    assert not (out / "_private").exists() and not (out / "cases/bad name").exists()
    assert f"{len(skipped)} problems skipped" in result.stdout

"""The demo archive, built from this repository, compared file by file with a committed tree.

The build uses a base_url so that feeds, the sitemap and canonical links are compared too.
Regenerate the expected tree after an intended change to the output with:

    SITEGEN_REGEN=1 python -m pytest tests/test_golden.py

then review ``git diff tests/golden`` like any other change.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.build import build
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden" / "demo"
# With a public address, so that feeds, the sitemap and canonical links are covered too.
BASE = "https://example.org/edit-record/"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def first_difference(expected: bytes, actual: bytes) -> str:
    lines = difflib.unified_diff(expected.decode(errors="replace").splitlines(),
                                 actual.decode(errors="replace").splitlines(),
                                 "expected", "actual", n=2, lineterm="")
    return "\n".join(list(lines)[:40])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "site"
    build(ROOT, out, base_url=BASE)
    return out


def test_demo_build_matches_the_golden_tree(demo: Path) -> None:
    actual = snapshot(demo)
    if os.environ.get("SITEGEN_REGEN") == "1":
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(demo, GOLDEN)
        pytest.skip("golden tree regenerated; review git diff tests/golden")
    expected = snapshot(GOLDEN)
    assert sorted(actual) == sorted(expected), "files added or missing in the build"
    for name in expected:
        assert actual[name] == expected[name], (
            f"{name} differs from the golden tree:\n"
            f"{first_difference(expected[name], actual[name])}")


def test_building_twice_gives_identical_bytes(demo: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build(ROOT, again, base_url=BASE, cache=False)
    assert snapshot(again) == snapshot(demo)


def test_output_does_not_depend_on_listing_order(demo: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    original = Path.iterdir
    monkeypatch.setattr(Path, "iterdir", lambda self: reversed(list(original(self))))
    shuffled = tmp_path / "shuffled"
    build(ROOT, shuffled, base_url=BASE, cache=False)
    assert snapshot(shuffled) == snapshot(demo)


def test_output_does_not_depend_on_the_machine_time_zone(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "tokyo"
    env = {**os.environ, "TZ": "Asia/Tokyo", "LC_ALL": "C"}
    subprocess.run([sys.executable, "-m", "sitegen", "build", "-C", str(ROOT), "-o", str(out),
                    "--base-url", BASE, "--no-cache"],
                   env=env, check=True, capture_output=True)
    assert snapshot(out) == snapshot(demo)

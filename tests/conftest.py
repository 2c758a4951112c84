"""Shared fixtures: projects on disk, the CLI runner, and a real headless Chromium.

Browser tests use Debian's Chromium (``/usr/bin/chromium``) driven by Playwright. Without a
browser they are skipped locally; with ``CI=true`` a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SITEGEN_SHARED", ROOT.parent / "shared"))
RUST_RFCS = Path(os.environ.get("SITEGEN_RUST_RFCS", SHARED / "corpora" / "rust-rfcs"))
SEEDS = Path(os.environ.get("SITEGEN_SEEDS", SHARED / "seeds"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("SITEGEN_CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def need(path: Path, what: str) -> Path:
    """Skip, with the reason, when the shared test material beside the checkout is missing.

    It is outside the repository (../shared, or SITEGEN_SHARED), so a clone elsewhere may
    not have it; .ci/run looks for it and says whether it was found.
    """
    if not path.exists():
        pytest.skip(f"{what} not found at {path} (set SITEGEN_SHARED)")
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def version_file(title: str, fetched: str, body: str, **extra: str) -> str:
    lines = ["---", f"title: {title}", f"fetched: {fetched}"]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return "\n".join([*lines, "---", body])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small valid project: one source with one two-version article."""
    root = tmp_path / "proj"
    write(root / "content/paper/story/a.md",
          version_file("First headline", "2025-03-07T10:00:00Z", "One.\n\nTwo.\n"))
    write(root / "content/paper/story/b.md",
          version_file("Second headline", "2025-03-07T13:00:00Z", "One.\n\nTwo, changed.\n"))
    return root


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Chromium (Playwright Browser)."""
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI (apt-get install chromium)")
        pytest.skip("no Chromium found; install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def changes(page: Path) -> str:
    """The "What changed" section of a version's page."""
    html = page.read_text()
    return html[html.index('<section class="changes"'):html.index('<section class="version-text')]

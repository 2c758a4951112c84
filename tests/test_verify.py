"""The site's manifest and sitegen verify: an intact site passes, and every kind of
difference from content/ fails, naming the version."""

from __future__ import annotations

import gzip
import hashlib
import subprocess
import sys
from pathlib import Path

import yaml

from sitegen.cli import main
from sitegen.provenance import MANIFEST
from sitegen.scaffold import create_project
from tests.conftest import version_file, write
from tests.pages_server import serve

A = "content/paper/story/a.md"
B = "content/paper/story/b.md"


def build(runner, project: Path, *args: str) -> None:
    done = runner.invoke(main, ["build", "-C", str(project), "--no-search", *args])
    assert done.exit_code == 0, done.output


def verify(runner, project: Path, *args: str):
    return runner.invoke(main, ["verify", *args, "-C", str(project)])


def manifest(site: Path) -> list[list[str]]:
    lines = gzip.decompress((site / MANIFEST).read_bytes()).decode().split("\n")
    return [line.split("\t") for line in lines[1:] if line]


def test_the_manifest_lists_every_version_with_the_hash_of_its_text(runner, project: Path
                                                                    ) -> None:
    build(runner, project)
    assert manifest(project / "site") == [
        [A, hashlib.sha256(b"One.\n\nTwo.\n").hexdigest(), "2025-03-07T10:00:00Z"],
        [B, hashlib.sha256(b"One.\n\nTwo, changed.\n").hexdigest(), "2025-03-07T13:00:00Z"]]
    done = verify(runner, project)
    assert done.exit_code == 0, done.output
    assert "exactly the 2 versions in content/" in done.output


def test_a_tampered_manifest_fails_naming_the_version(runner, project: Path) -> None:
    build(runner, project)
    file = project / "site" / MANIFEST
    text = gzip.decompress(file.read_bytes()).decode()
    sha_b = hashlib.sha256(b"One.\n\nTwo, changed.\n").hexdigest()
    file.write_bytes(gzip.compress(text.replace(sha_b, "0" * 64).encode()))
    done = verify(runner, project)
    assert done.exit_code == 1
    assert f"{B}: text differs" in done.output and A not in done.output
    assert "1 problem" in done.output


def test_content_that_differs_from_the_site_fails_naming_each_version(runner, project: Path
                                                                      ) -> None:
    build(runner, project)
    write(project / B, version_file("Second headline", "2025-03-07T13:00:00Z",
                                    "One.\n\nTwo, changed again.\n"))
    (project / A).unlink()
    write(project / "content/paper/story/c.md",
          version_file("Third", "2025-03-08T13:00:00Z", "Three.\n"))
    write(project / "content/paper/other/a.md",
          version_file("Other", "2025-03-08T13:00:00Z", "Other.\n"))
    done = verify(runner, project, str(project / "site"))
    assert done.exit_code == 1
    out = done.output
    assert f"{B}: text differs" in out
    assert f"{A}: in the site's manifest but not in content/" in out
    assert "content/paper/story/c.md: missing from the site's manifest" in out
    assert "content/paper/other/a.md: missing from the site's manifest" in out
    assert "4 problems" in out


def test_a_changed_fetched_time_fails(runner, project: Path) -> None:
    build(runner, project)
    write(project / A, version_file("First headline", "2025-03-07T10:30:00Z", "One.\n\nTwo.\n"))
    done = verify(runner, project)
    assert done.exit_code == 1
    assert f"{A}: fetched time differs (content/ has 2025-03-07T10:30:00Z, the site " \
           "2025-03-07T10:00:00Z)" in done.output


def test_a_rebuild_from_the_cache_keeps_the_manifest_whole(runner, project: Path) -> None:
    write(project / "content/paper/other/a.md",
          version_file("Other", "2025-03-08T13:00:00Z", "Other.\n"))
    build(runner, project)
    write(project / "content/paper/story/c.md",
          version_file("Third", "2025-03-08T13:00:00Z", "Three.\n"))
    build(runner, project)  # only paper/story is rebuilt; paper/other comes from the cache
    assert [row[0] for row in manifest(project / "site")] == [
        "content/paper/other/a.md", A, B, "content/paper/story/c.md"]
    assert verify(runner, project).exit_code == 0


def test_a_site_without_a_manifest_or_with_a_broken_one(runner, project: Path) -> None:
    build(runner, project)
    (project / "site" / MANIFEST).write_bytes(b"\x1f\x8bnot gzip")
    done = verify(runner, project)
    assert done.exit_code == 1 and "not a readable gzip file" in done.output
    (project / "site" / MANIFEST).write_bytes(gzip.compress(b"path\tsha\n"))
    done = verify(runner, project)
    assert done.exit_code == 1 and f"{MANIFEST}:1: not a sitegen manifest" in done.output
    (project / "site" / MANIFEST).unlink()
    done = verify(runner, project)
    assert done.exit_code == 1 and f"no {MANIFEST} in" in done.output


def test_verify_a_published_copy_by_its_address(runner, project: Path) -> None:
    build(runner, project)
    with serve(project / "site", "/archive/") as url:
        done = verify(runner, project, url)
        assert done.exit_code == 0, done.output
        write(project / B, version_file("Second headline", "2025-03-07T13:00:00Z", "Altered.\n"))
        done = verify(runner, project, url.rstrip("/"))
        assert done.exit_code == 1 and f"{B}: text differs" in done.output
        missing = verify(runner, project, url + "nothing/")
        assert missing.exit_code == 1 and "answered 404" in missing.output


def test_the_pages_workflows_verify_the_site_after_building_it(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    create_project(root, None)
    sitegen = Path(sys.executable).parent / "sitegen"
    for name in ("pages.yml", "fetch.yml"):
        flow = yaml.safe_load((root / ".github/workflows" / name).read_text())
        steps = next(iter(flow["jobs"].values()))["steps"]
        runs = [step.get("run", "") for step in steps]
        uses = [step.get("uses", "") for step in steps]
        built = next(i for i, run in enumerate(runs) if run.startswith("sitegen build"))
        checked = runs.index("sitegen verify site")
        assert built < checked < uses.index("actions/upload-pages-artifact@v4")
    # The two commands as the workflow runs them, in the new project.
    for command in ("sitegen build --base-url https://user.example/archive/",
                    "sitegen verify site"):
        done = subprocess.run([str(sitegen), *command.split()[1:]], cwd=root,
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    write(root / "content/example/extra/2025-01-01T00-00-00Z.md",
          version_file("Extra", "2025-01-01T00:00:00Z", "Not built.\n"))
    done = subprocess.run([str(sitegen), "verify", "site"], cwd=root, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 1
    assert "content/example/extra/2025-01-01T00-00-00Z.md: missing" in done.stderr


def test_the_version_page_shows_the_hashes_a_reader_can_check(runner, project: Path,
                                                               browser) -> None:
    write(project / B, version_file("Second headline", "2025-03-07T13:00:00Z",
                                    "One.\n\nTwo, changed.\n", url="https://paper.example/s",
                                    response_sha256="'<script>alert(1)</script>'"))
    write(project / A, version_file("First headline", "2025-03-07T10:00:00Z", "One.\n\nTwo.\n",
                                    response_sha256="ab" * 32))
    build(runner, project)
    sha_a = hashlib.sha256(b"One.\n\nTwo.\n").hexdigest()
    html = (project / "site/paper/story/v0/index.html").read_text()
    assert f'<code title="{sha_a}">{sha_a[:12]}</code>' in html
    assert f'<code class="hash-full">{sha_a}</code>' in html
    assert "Response SHA-256" in html and f'<code title="{"ab" * 32}">' in html
    hostile = (project / "site/paper/story/v1/index.html").read_text()
    assert "<script>alert" not in hostile and "&lt;script&gt;alert(1)" in hostile
    with serve(project / "site") as url:
        page = browser.new_page()
        page.goto(url + "paper/story/v0/")
        full = page.locator(".hash .hash-full").first
        assert not full.is_visible()
        summary = page.locator(".hash summary").first
        assert summary.inner_text() == sha_a[:12]
        assert page.locator(".hash summary code").first.get_attribute("title") == sha_a
        summary.click()
        assert full.is_visible() and full.inner_text() == sha_a
        assert page.locator(".hash dt").all_inner_texts() == ["TEXT SHA-256", "RESPONSE SHA-256"]
        page.close()

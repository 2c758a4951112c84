"""``sitegen import DIR``: the rust-rfcs corpus end to end, and a folder with bad files."""

from __future__ import annotations

import json
import time
from pathlib import Path

from click.testing import CliRunner

from sitegen.build import build
from sitegen.cli import main
from sitegen.content.loader import load_archive
from tests.conftest import RUST_RFCS, need, write


def run_import(runner: CliRunner, project: Path, *args: str):
    return runner.invoke(main, ["import", "-C", str(project), *args])


def test_rust_rfcs_import_then_build(runner: CliRunner, tmp_path: Path):
    corpus = need(RUST_RFCS, "the rust-rfcs corpus")
    project = tmp_path / "proj"
    (project / "content").mkdir(parents=True)
    started = time.perf_counter()
    result = run_import(runner, project, str(corpus))
    seconds = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert result.output.startswith("content/rust-rfcs/: 845 added (4 reverts among them), "
                                    "0 unchanged, 0 errors; 120 articles in ")
    assert seconds < 15, f"the import took {seconds:.1f} s"
    archive, problems = load_archive(project, project / "content")
    assert problems == []
    assert len(archive.articles()) == 120 and archive.version_count == 845
    meta = json.loads((corpus / "0001-private-fields/meta.json").read_text())
    article = next(a for a in archive.articles() if a.id == "0001-private-fields")
    assert article.title == meta["title"] and article.url == meta["url"]
    assert [v.extra["commit"] for v in article.versions] == \
        [v["commit"] for v in meta["versions"]]
    for version, listed in zip(article.versions, meta["versions"], strict=True):
        raw = (corpus / "0001-private-fields" / listed["file"]).read_text("utf-8")
        assert version.body == raw.strip("\n") + "\n"
    result = build(project, search=False)  # the search index alone takes ~14 s here
    assert (result.articles, result.versions) == (120, 845)

    again = run_import(runner, project, str(corpus))
    assert again.exit_code == 0
    assert again.output.startswith("content/rust-rfcs/: 0 added (0 reverts among them), "
                                   "845 unchanged, 0 errors; 120 articles in ")
    assert load_archive(project, project / "content")[0].version_count == 845


def test_a_folder_with_bad_files_imports_the_good_ones(runner: CliRunner, project: Path,
                                                       tmp_path: Path):
    snaps = tmp_path / "scrapes"
    write(snaps / "story/2025-03-07T10-12-00Z.txt", "First.\n")
    write(snaps / "story/2025-03-07T11:12:00Z.txt", "First.\n")  # unchanged
    write(snaps / "story/20250307T121200Z.txt", "Second.\n")
    write(snaps / "story/2025-03-07T14-12-00+01-00.txt", "First.\n")  # a revert
    write(snaps / "story/2025-03-07T14-12-00.txt", "No zone.\n")
    write(snaps / "story/notes.txt", "No time.\n")
    write(snaps / "story/2025-03-07T15-12-00Z.json", "{}")
    (snaps / "story/2025-03-07T16-12-00Z.txt").write_bytes(b"\0\1binary")
    write(snaps / "story/2025-03-07T17-12-00Z.html", "<html><body></body></html>")
    (snaps / "story/2025-03-07T18-12-00Z.txt").symlink_to(snaps / "vanished.txt")
    write(snaps / "titled/meta.json", json.dumps({
        "title": "From meta", "url": "https://x.example/t",
        "versions": [{"file": "a.md", "time": "2025-03-08T10:00:00+02:00", "commit": "abc"},
                     {"file": "gone.md", "time": "2025-03-08T11:00:00Z"}]}))
    write(snaps / "titled/a.md", "# Heading\n\nText.\n")
    write(snaps / "titled/2025-03-09T10-00-00Z.md", "# Heading\n\nMore text.\n")
    write(snaps / "broken/meta.json", "{not json")
    write(snaps / "broken/2025-03-07T10-12-00Z.txt", "Never read.\n")
    write(snaps / "bad name/2025-03-07T10-12-00Z.txt", "Bad folder.\n")
    write(snaps / "loose.txt", "Not in an article folder.\n")

    result = run_import(runner, project, str(snaps), "--source", "scrapes")
    assert result.exit_code == 1
    out = result.output
    assert out.endswith("content/scrapes/: 5 added (1 revert among them), 1 unchanged, "
                        f"10 errors; 2 articles in {out.rsplit(' in ', 1)[1]}")
    for message in ("2025-03-07T14-12-00.txt: the time in the file name "
                    "'2025-03-07T14-12-00' has no time zone",
                    "notes.txt: no time in the file name 'notes'",
                    "2025-03-07T15-12-00Z.json: unknown file type .json",
                    "2025-03-07T16-12-00Z.txt: binary file",
                    "2025-03-07T17-12-00Z.html: no article text found",
                    "2025-03-07T18-12-00Z.txt: cannot be read (No such file or directory)",
                    "titled/meta.json: lists 'gone.md', which is not in the folder",
                    "broken/meta.json: cannot be read as JSON",
                    "bad name: article folder name 'bad name' contains ' '",
                    "loose.txt: not inside an article folder"):
        assert message in out, message

    archive, problems = load_archive(project, project / "content")
    assert problems == []
    story = next(a for a in archive.articles() if a.key == "scrapes/story")
    assert [v.body for v in story.versions] == ["First.\n", "Second.\n", "First.\n"]
    assert story.title == "story"  # plain text without meta.json: named after the folder
    assert story.versions[2].extra["reverts_to"] == story.versions[0].fetched
    titled = next(a for a in archive.articles() if a.key == "scrapes/titled")
    assert [v.title for v in titled.versions] == ["From meta", "From meta"]
    assert titled.versions[0].extra == {"commit": "abc"}
    assert titled.url == "https://x.example/t"

    again = run_import(runner, project, str(snaps), "--source", "scrapes")
    assert again.exit_code == 1
    assert "0 added (0 reverts among them), 6 unchanged, 10 errors" in again.output


def test_source_defaults_to_the_folder_name(runner: CliRunner, project: Path, tmp_path: Path):
    write(tmp_path / "_drafts/story/2025-03-07T10-12-00Z.txt", "Text.\n")
    result = run_import(runner, project, str(tmp_path / "_drafts"))
    assert result.exit_code == 1
    assert "cannot import into source '_drafts'" in result.output
    assert "pass --source" in result.output
    result = run_import(runner, project, str(tmp_path / "_drafts"), "--source", "drafts")
    assert result.exit_code == 0, result.output
    assert (project / "content/drafts/story/2025-03-07T10-12-00Z.md").is_file()


def test_links_out_of_the_folder_are_not_imported(runner: CliRunner, project: Path,
                                                   tmp_path: Path):
    """A link to a file outside DIR would store that file's text as a version, then
    publish it: links that lead out of DIR are errors; links inside it are followed."""
    secret = write(tmp_path / "secret/passwd", "root:x:0:0:root:/root:/bin/bash\n")
    snaps = tmp_path / "scrapes"
    write(snaps / "story/2025-03-07T10-12-00Z.txt", "First.\n")
    (snaps / "story/2025-03-07T11-12-00Z.txt").symlink_to(secret)
    (snaps / "story/2025-03-07T12-12-00Z.txt").symlink_to(snaps / "story/2025-03-07T10-12-00Z.txt")
    (snaps / "leaked").symlink_to(secret.parent, target_is_directory=True)
    write(tmp_path / "secret/2025-03-07T10-12-00Z.txt", "Outside.\n")
    (snaps / "meta").mkdir()
    (snaps / "meta/meta.json").symlink_to(secret)
    result = run_import(runner, project, str(snaps), "--source", "scrapes")
    assert result.exit_code == 1
    real = snaps.resolve()
    assert result.stderr.splitlines() == [
        f"{snaps}/leaked: symbolic link to a place outside {real}; it is not read: copy the "
        "file in instead",
        f"{snaps}/meta/meta.json: symbolic link to a place outside {real}; it is not read: "
        "copy the file in instead",
        f"{snaps}/story/2025-03-07T11-12-00Z.txt: symbolic link to a place outside {real}; it "
        "is not read: copy the file in instead"]
    archive, problems = load_archive(project, project / "content")
    assert problems == []
    story = next(a for a in archive.articles() if a.key == "scrapes/story")
    assert [v.body for v in story.versions] == ["First.\n"]  # the inside link: unchanged
    texts = "".join(p.read_text() for p in (project / "content").rglob("*.md"))
    assert "root:" not in texts and "Outside" not in texts


def test_older_snapshots_say_that_stored_versions_are_renumbered(runner: CliRunner,
                                                                  project: Path, tmp_path: Path):
    folder = tmp_path / "paper"
    write(folder / "story/2025-03-07T11-00-00Z.txt", "Earlier.\n")
    write(folder / "story/2025-03-07T12-00-00Z.txt", "Earlier still changed.\n")
    write(folder / "other/2025-03-07T11-00-00Z.txt", "Elsewhere.\n")
    result = run_import(runner, project, str(folder))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "Note: 2 of the added versions are older than versions stored before: those were "
        "renumbered, so links to their pages (vN/) and diffs now lead to other versions.")
    assert "Note:" not in run_import(runner, project, str(folder)).output

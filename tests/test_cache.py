"""The build cache never changes what a build produces: after every kind of change, an
incremental build gives the same bytes as a clean build without the cache."""

from __future__ import annotations

import errno
import importlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from time import sleep, time_ns

import pytest

from sitegen import build as build_module
from sitegen import feeds, fingerprint, job, output, urls
from sitegen.build import build
from sitegen.cache import FORMAT, Quick, State
from sitegen.errors import BuildError, SitegenError
from sitegen.fingerprint import RACY_NS, UNTRUSTED, Digests, digest_bytes
from sitegen.output import MARKER
from sitegen.pages import lists
from tests.conftest import version_file, write


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def same_as_clean(project: Path, tmp_path: Path, **options) -> None:
    """The output, and the figures a build reports, are a clean build's."""
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    reference = build(project, clean, cache=False, **options)
    assert snapshot(project / "site") == snapshot(clean)
    # what a clean build reports of the site's size is what it wrote (counted, not walked)
    assert reference.bytes == sum(len(data) for path, data in snapshot(clean).items()
                                  if path != MARKER)
    again = build(project, **options)  # nothing to do: reports what the record says
    assert (again.rebuilt, again.written) == (0, 0)
    assert (again.pages, again.files, again.bytes, again.versions) == (
        reference.pages, reference.files, reference.bytes, reference.versions)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    write(root / "sitegen.yaml", "title: Cached\n")
    for s in ("alpha", "beta"):
        write(root / f"content/{s}/_source.yaml", f"name: Source {s}\n")
        for a in range(3):
            for v in range(2):
                write(root / f"content/{s}/story-{a}/{v}.md", version_file(
                    f"Story {a} of {s} v{v}", f"2025-03-0{1 + a}T1{v}:00:00Z",
                    f"First paragraph {a}.\n\nSecond paragraph, version {v}.\n"))
    return root


def test_every_kind_of_change_gives_the_clean_builds_bytes(archive: Path, tmp_path: Path) -> None:
    first = build(archive)
    assert (first.rebuilt, first.reused) == (6, 0)
    same_as_clean(archive, tmp_path)

    again = build(archive)
    assert (again.rebuilt, again.reused, again.written, again.deleted) == (0, 6, 0, 0)

    edit = archive / "content/alpha/story-1/1.md"
    edit.write_text(edit.read_text().replace("Second paragraph", "Second, edited, paragraph"))
    result = build(archive)
    assert (result.rebuilt, result.reused) == (1, 5)
    assert 0 < result.written < first.files
    same_as_clean(archive, tmp_path)

    write(archive / "content/beta/story-0/2.md",
          version_file("Story 0 of beta, rewritten", "2025-03-09T09:00:00Z", "New.\n"))
    assert build(archive).rebuilt == 1
    same_as_clean(archive, tmp_path)

    shutil.rmtree(archive / "content/alpha/story-2")
    result = build(archive)
    assert result.deleted > 0 and not (archive / "site/alpha/story-2").exists()
    same_as_clean(archive, tmp_path)

    write(archive / "content/gamma/new/0.md", version_file("Gamma", "2025-04-01T00:00:00Z", "G\n"))
    build(archive)
    same_as_clean(archive, tmp_path)

    write(archive / "content/beta/_source.yaml", "name: Beta, renamed\n")
    result = build(archive)
    assert result.rebuilt == 3  # the source's name is on every page of its articles
    assert "Beta, renamed" in (archive / "site/beta/story-1/v0/index.html").read_text()
    same_as_clean(archive, tmp_path)

    write(archive / "themes/default/templates/footer.html", "<p>New footer</p>\n")
    result = build(archive)
    assert result.reused == 0  # a theme change re-renders everything
    assert "New footer" in (archive / "site/index.html").read_text()
    same_as_clean(archive, tmp_path)

    write(archive / "sitegen.yaml", "title: Cached, retitled\npage_size: 2\n")
    build(archive)
    same_as_clean(archive, tmp_path)

    build(archive, search=False)
    assert not (archive / "site/pagefind").exists()
    same_as_clean(archive, tmp_path, search=False)


def test_an_edited_template_is_used_by_the_next_build(archive: Path, tmp_path: Path) -> None:
    """Compiled templates are not kept between builds (the cache holds no code): an edited
    template is what the next build renders with; a build without the cache keeps nothing."""
    footer = archive / "themes/default/templates/footer.html"
    write(footer, "<p>First footer</p>\n")
    build(archive)
    assert not (archive / ".sitegen-cache/templates").exists()
    write(footer, "<p>Second footer</p>\n")
    build(archive)
    page = (archive / "site/index.html").read_text()
    assert "Second footer" in page and "First footer" not in page
    same_as_clean(archive, tmp_path)
    shutil.rmtree(archive / ".sitegen-cache")
    build(archive, tmp_path / "uncached", cache=False)
    assert not (archive / ".sitegen-cache").exists()


def test_only_the_lists_of_changed_scopes_are_planned(archive: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit in one source plans the lists of the whole site and of that source, not the
    other sources' (their pages are taken from the record), and still gives clean bytes."""
    build(archive)
    planned: list[str] = []
    real = lists.scope_pages

    def spy(scope_url, *args, **kwargs):  # type: ignore[no-untyped-def]
        planned.append(scope_url)
        return real(scope_url, *args, **kwargs)

    monkeypatch.setattr(lists, "scope_pages", spy)
    write(archive / "content/alpha/story-1/2.md",
          version_file("Story 1 of alpha, v2", "2025-03-09T09:00:00Z", "Third version.\n"))
    result = build(archive)
    assert result.rebuilt == 1
    assert planned == [urls.home(), urls.scope("alpha")]
    assert "Story 1 of alpha, v2" in (archive / "site/alpha/index.html").read_text()
    same_as_clean(archive, tmp_path)


def test_only_the_feeds_whose_entries_changed_are_made_again(
        archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new version changes the archive's feed and its source's, not the other source's;
    renaming that other source (its feed's title) makes its feed again. Bytes stay clean."""
    write(archive / "sitegen.yaml", "title: Cached\nbase_url: https://example.org/\n")
    write(archive / "content/empty/_source.yaml", "name: Old name\n")
    build(archive)
    made: list[str] = []
    real = feeds.feed_files

    def spy(config, name, *args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(name)
        return real(config, name, *args, **kwargs)

    monkeypatch.setattr(feeds, "feed_files", spy)
    write(archive / "content/alpha/story-1/2.md",
          version_file("Story 1 of alpha, v2", "2025-03-09T09:00:00Z", "Third version.\n"))
    build(archive)
    # the article's own feed, the scope feeds its new version is in (its headline changed
    # too), and the empty source's, which is dated by the archive's newest version
    assert sorted(made) == ["alpha/feed", "alpha/story-1/feed", "empty/feed", "feed",
                            "feeds/headlines"]
    same_as_clean(archive, tmp_path)
    made.clear()
    write(archive / "content/beta/_source.yaml", "name: Source beta, renamed\n")
    build(archive)
    assert "beta/feed" in made and "alpha/feed" not in made
    assert "Source beta, renamed: latest changes" in (archive / "site/beta/feed.atom").read_text()
    same_as_clean(archive, tmp_path)
    made.clear()
    write(archive / "content/empty/_source.yaml", "name: New name\n")  # a feed of no entries
    build(archive)
    assert made == ["empty/feed"]
    assert "New name: latest changes" in (archive / "site/empty/feed.atom").read_text()
    same_as_clean(archive, tmp_path)


def test_a_theme_change_renders_again_without_diffing_or_making_scope_feeds_again(
        archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Diffs and feeds do not depend on the theme: the diffs are kept, and so are the
    archive's and the sources' feeds (each article's job makes its own feed's entries)."""
    write(archive / "sitegen.yaml", "title: Cached\nbase_url: https://example.org/\n")
    build(archive)
    calls: list[str] = []
    for module, name in ((job, "diff_versions"), (feeds, "entries"), (feeds, "feed_files")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _real=real, _name=name, **k: (
            calls.append(_name if _name != "feed_files" else a[1]), _real(*a, **k))[1])
    write(archive / "themes/default/templates/footer.html", "<p>Another footer</p>\n")
    result = build(archive)
    assert result.rebuilt == 6 and "Another footer" in (archive / "site/index.html").read_text()
    assert sorted(calls) == sorted(["entries"] * 6 + [
        f"{s}/story-{a}/feed" for s in ("alpha", "beta") for a in range(3)])
    same_as_clean(archive, tmp_path)


def test_a_new_version_of_sitegen_diffs_again(archive: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """What the cache keeps of an article is named by the code that made it: other code
    (another release of sitegen) diffs and makes feed entries again."""
    write(archive / "sitegen.yaml", "title: Cached\nbase_url: https://example.org/\n")
    build(archive)
    calls: list[str] = []
    for module, name in ((job, "diff_versions"), (feeds, "entries")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _real=real, _name=name, **k: (
            calls.append(_name), _real(*a, **k))[1])
    monkeypatch.setattr(build_module, "code_version", lambda: "another release")
    assert build(archive).rebuilt == 6
    assert calls.count("diff_versions") == 6 and calls.count("entries") == 6
    same_as_clean(archive, tmp_path)


def test_the_cache_keeps_only_what_the_articles_use(archive: Path) -> None:
    """Diffs are kept per content key: an edit replaces the article's, a removal drops
    them, and a build without a usable record sweeps out strays. Feed entries are not kept
    (they are HTML: docs/security.md)."""
    write(archive / "sitegen.yaml", "title: Cached\nbase_url: https://example.org/\n")
    folder = archive / ".sitegen-cache"

    def kept() -> dict[str, set[str]]:
        found = {kind: {p.name.split(".")[0] for p in (folder / kind).glob("*/*")}
                 for kind in ("diffs", "entries")}
        assert not found["entries"]
        found["search documents"] = {f"{p.parent.name}/{p.stem}"
                                     for p in folder.glob("search-*/*/*.html")}
        return found

    build(archive)
    first = kept()
    assert len(first["diffs"]) == 6
    assert len(first["search documents"]) == 6

    edit = archive / "content/alpha/story-1/1.md"
    edit.write_text(edit.read_text().replace("Second paragraph", "Second, edited, paragraph"))
    build(archive)
    second = kept()
    assert len(second["diffs"]) == 6 and len(second["diffs"] - first["diffs"]) == 1

    shutil.rmtree(archive / "content/beta/story-0")
    build(archive)
    third = kept()
    assert len(third["diffs"]) == 5 and third["diffs"] < second["diffs"]
    assert "beta/story-0" not in third["search documents"]
    assert len(third["search documents"]) == 5

    edit = archive / "content/beta/story-2/1.md"  # drafts beside a broken file: builds fail
    text = edit.read_text()
    for draft in range(3):
        edit.write_text(text + f"\nDraft {draft}.\n")
        write(archive / "content/alpha/story-0/9.md", "---\ntitle: [\n---\n")
        with pytest.raises(BuildError):
            build(archive)
    assert len(kept()["diffs"]) == 9  # 3 drafts and alpha/story-0 with 9.md: kept for now
    (archive / "content/alpha/story-0/9.md").unlink()
    edit.write_text(text)
    build(archive)
    assert kept() == third  # ... which drops those no article uses

    stray = folder / "diffs" / "ff" / ("f" * 64 + ".json.z")
    stray.parent.mkdir(exist_ok=True)
    stray.write_bytes(b"left by a build that failed")
    docs = next(folder.glob("search-*"))
    old_layout = docs / "alpha/story-1/index.html"  # an earlier format's place for a document
    old_layout.parent.mkdir()
    old_layout.write_text("<html></html>")
    for state in folder.glob("state-*.json"):
        state.write_bytes(b"unreadable")
    build(archive)
    assert not stray.exists() and kept() == third
    assert not old_layout.parent.exists() and (docs / "alpha/story-1.html").is_file()


def test_a_source_removed_leaves_no_folder_among_the_search_documents(archive: Path) -> None:
    build(archive)
    docs = next((archive / ".sitegen-cache").glob("search-*"))
    assert sorted(p.name for p in docs.iterdir()) == ["alpha", "beta"]
    shutil.rmtree(archive / "content/beta")
    build(archive)
    assert sorted(p.name for p in docs.iterdir()) == ["alpha"]


def test_the_output_marker_names_the_output_not_the_code(archive: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """New code re-renders everything; if the bytes come out the same, so does the build id
    in the marker (the golden tree holds it, and must not change with every code edit)."""
    build(archive)
    marker = (archive / "site" / MARKER).read_text()
    monkeypatch.setattr(importlib.import_module("sitegen.build"), "code_version",
                        lambda: "other code")
    result = build(archive)
    assert (result.rebuilt, result.written) == (6, 0)
    assert (archive / "site" / MARKER).read_text() == marker


def test_outputs_with_other_base_urls_keep_their_own_feed_entries(archive: Path,
                                                                   tmp_path: Path) -> None:
    """Feed entries hold absolute links: a preview built with another base_url from the
    same cache must not lend its entries to site/'s feeds."""
    write(archive / "sitegen.yaml", "title: Cached\nbase_url: https://example.org/\n")
    build(archive)
    build(archive, tmp_path / "preview", base_url="https://preview.test/")
    edit = archive / "content/beta/story-2/1.md"
    edit.write_text(edit.read_text() + "\nMore.\n")
    assert build(archive).rebuilt == 1
    assert b"preview.test" not in (archive / "site/feed.atom").read_bytes()
    same_as_clean(archive, tmp_path)


def test_a_source_without_articles_is_not_a_change_to_miss(archive: Path,
                                                          tmp_path: Path) -> None:
    """Renaming a source with no articles changes no article's key, but the lists name it."""
    write(archive / "content/empty/_source.yaml", "name: Old name\n")
    build(archive)
    write(archive / "content/empty/_source.yaml", "name: New name\n")
    result = build(archive)
    assert result.rebuilt == 0 and result.written > 0
    assert "New name" in (archive / "site/sources/index.html").read_text()
    same_as_clean(archive, tmp_path)


def test_a_failed_incremental_build_changes_nothing(archive: Path) -> None:
    build(archive)
    before = snapshot(archive / "site")
    write(archive / "content/alpha/story-0/9.md", "---\ntitle: [\n---\n")
    edit = archive / "content/beta/story-0/1.md"
    edit.write_text(edit.read_text() + "\nMore.\n")
    with pytest.raises(BuildError):
        build(archive)
    assert snapshot(archive / "site") == before
    (archive / "content/alpha/story-0/9.md").unlink()
    # The failed build saved nothing: only the edited article differs from the cached state.
    assert build(archive).rebuilt == 1


def test_a_build_that_fails_late_leaves_the_saved_search_documents_alone(
        archive: Path, tmp_path: Path) -> None:
    """Search documents are kept in the cache only once the output is published: a build
    that fails after indexing (here, interrupted just before publishing) must not leave
    the cache's documents out of step with the record of the last good build."""
    build(archive)
    shutil.move(archive / "content/alpha/story-0", tmp_path / "aside")

    def interrupt() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build(archive, on_publish=interrupt)
    shutil.move(tmp_path / "aside", archive / "content/alpha/story-0")
    build(archive)
    same_as_clean(archive, tmp_path)
    edit = archive / "content/beta/story-2/1.md"
    edit.write_text(edit.read_text() + "\nMore.\n")
    assert build(archive).rebuilt == 1
    same_as_clean(archive, tmp_path)


def test_an_output_on_another_file_system_keeps_its_search_documents(
        archive: Path, tmp_path: Path) -> None:
    """The search documents move into .sitegen-cache/ after publishing: with the output on
    another file system than the project (a tmpfs here) that move crossed devices and the
    build crashed once the site was already updated."""
    other = Path("/dev/shm")
    if not other.is_dir() or other.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("needs /dev/shm on a file system of its own")
    out = Path(tempfile.mkdtemp(prefix="sitegen-test-", dir=other)) / "site"
    try:
        build(archive, out)
        edit = archive / "content/beta/story-2/1.md"
        edit.write_text(edit.read_text() + "\nMore.\n")
        assert build(archive, out).rebuilt == 1
        build(archive, tmp_path / "clean", cache=False)
        assert snapshot(out) == snapshot(tmp_path / "clean")
        assert not [p for p in (archive / ".sitegen-cache").iterdir()
                    if p.name.startswith(".sitegen-docs-")]
    finally:
        shutil.rmtree(out.parent)


def test_new_modification_times_alone_rebuild_nothing(archive: Path) -> None:
    build(archive)
    for path in (archive / "content").rglob("*.md"):
        os.utime(path, (1, 1))  # as a fresh checkout would
    result = build(archive)
    assert (result.rebuilt, result.written) == (0, 0)


def test_parallel_and_serial_builds_are_identical(tmp_path: Path) -> None:
    root = tmp_path / "many"
    for a in range(40):
        for v in range(2):
            write(root / f"content/s{a % 3}/a{a}/{v}.md", version_file(
                f"Article {a} v{v}", f"2025-05-{1 + a % 28:02d}T0{v}:00:00Z", f"Text {a} {v}\n"))
    build(root, tmp_path / "serial", jobs=1, cache=False)
    build(root, tmp_path / "parallel", jobs=2, cache=False)
    assert snapshot(tmp_path / "serial") == snapshot(tmp_path / "parallel")


def test_an_interrupted_update_makes_the_next_build_start_afresh(archive: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    build(archive)
    edit = archive / "content/alpha/story-0/1.md"
    edit.write_text(edit.read_text() + "\nAn addition.\n")
    real = os.replace
    calls = {"n": 0}

    def interrupted(src, dst):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(src, dst)

    monkeypatch.setattr(output, "_move", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(archive)
    monkeypatch.undo()
    assert (archive / "site" / MARKER).read_text().endswith("updating\n")
    result = build(archive)
    assert result.reused == 0  # the output could not be trusted: everything was rebuilt
    same_as_clean(archive, tmp_path)


def test_a_change_to_most_files_swaps_the_whole_output(archive: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A template change re-renders every page: instead of moving each into the output, the
    unchanged files are linked into the new folder and the two are swapped in one rename."""
    build(archive)
    site = archive / "site"
    kept = {rel: (site / rel).stat().st_ino for rel in ("static/search.js", "robots.txt")}
    moved: list[str] = []
    monkeypatch.setattr(output, "_move", lambda src, dst: moved.append(dst))
    write(archive / "themes/default/templates/footer.html", "<p>New footer</p>\n")
    result = build(archive)
    assert result.rebuilt == 6 and moved == []  # not one file moved in
    assert {rel: (site / rel).stat().st_ino for rel in kept} == kept  # the same files, linked
    assert sorted(p.name for p in archive.iterdir()) == [".sitegen-cache", "content", "site",
                                                         "sitegen.yaml", "themes"]
    monkeypatch.undo()
    same_as_clean(archive, tmp_path)

    edit = archive / "content/alpha/story-1/1.md"  # one article of six: moved in as before
    edit.write_text(edit.read_text().replace("Second paragraph", "Second, edited, paragraph"))
    ino = site.stat().st_ino
    build(archive)
    assert site.stat().st_ino == ino
    same_as_clean(archive, tmp_path)


def test_a_whole_swap_never_reads_or_deletes_through_links(archive: Path, tmp_path: Path) -> None:
    """A folder of the output replaced by a link elsewhere: the swap would link the files it
    keeps from there, so it refuses, and the output and the linked folder stay as they are."""
    build(archive)
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(archive / "site/static", elsewhere)
    (elsewhere / "mine.txt").write_text("mine")
    shutil.rmtree(archive / "site/static")
    os.symlink(elsewhere, archive / "site/static")
    before, theirs = snapshot(archive / "site"), snapshot(elsewhere)
    write(archive / "themes/default/templates/footer.html", "<p>New footer</p>\n")
    with pytest.raises(SitegenError, match="is a symbolic link inside the output"):
        build(archive)
    assert snapshot(archive / "site") == before and snapshot(elsewhere) == theirs
    assert sorted(p.name for p in archive.iterdir()) == [".sitegen-cache", "content", "site",
                                                         "sitegen.yaml", "themes"]


def test_a_whole_swap_missing_a_file_it_would_keep_stops_with_what_to_do(archive: Path) -> None:
    """A file of the last build deleted from the output by hand: the swap cannot keep it, so
    the build stops and says how to write the whole site again; nothing else changes."""
    build(archive)
    (archive / "site/robots.txt").unlink()
    before = snapshot(archive / "site")
    write(archive / "themes/default/templates/footer.html", "<p>New footer</p>\n")
    with pytest.raises(SitegenError, match=r"robots\.txt is missing .*--no-cache"):
        build(archive)
    assert snapshot(archive / "site") == before
    assert sorted(p.name for p in archive.iterdir()) == [".sitegen-cache", "content", "site",
                                                         "sitegen.yaml", "themes"]


def test_a_swap_without_exchange_interrupted_between_its_renames_keeps_the_site(
        archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where two folders cannot be exchanged in one call, the old output is renamed away and
    the new one into place: an interruption between the two puts the old one back."""
    build(archive)
    before = snapshot(archive / "site")
    monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    real, calls = os.rename, {"n": 0}

    def rename(src, dst):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:  # the new folder into place
            raise KeyboardInterrupt
        return real(src, dst)

    monkeypatch.setattr(output.os, "rename", rename)
    write(archive / "themes/default/templates/footer.html", "<p>New footer</p>\n")
    with pytest.raises(KeyboardInterrupt):
        build(archive)
    monkeypatch.undo()
    assert snapshot(archive / "site") == before
    assert sorted(p.name for p in archive.iterdir()) == [".sitegen-cache", "content", "site",
                                                         "sitegen.yaml", "themes"]


def test_a_staged_folder_that_cannot_be_listed_fails_the_update(
        archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An update that cannot see every staged file stops with the error before it changes
    the output, rather than completing without those files under a new build id."""
    build(archive)
    before = snapshot(archive / "site")
    edit = archive / "content/alpha/story-1/1.md"
    edit.write_text(edit.read_text() + "\nAn addition.\n")
    real = os.scandir

    def failing(path):  # type: ignore[no-untyped-def]
        if ".site.new-" in str(path) and str(path).endswith("story-1"):
            raise OSError(errno.EMFILE, "Too many open files", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", failing)
    with pytest.raises(OSError):
        build(archive)
    monkeypatch.undo()
    assert snapshot(archive / "site") == before
    assert build(archive).rebuilt == 1
    same_as_clean(archive, tmp_path)


def test_a_corrupted_cache_is_ignored_with_a_warning(archive: Path, tmp_path: Path) -> None:
    build(archive)
    (state,) = (archive / ".sitegen-cache").glob("state-*.json")
    state.write_bytes(b"<not a record>")
    result = build(archive)
    assert result.reused == 0
    assert [w for w in result.warnings if "sitegen-cache" in w] == [
        f".sitegen-cache/{state.name} was ignored (not a record of a build: JSON is "
        "malformed: invalid character (byte 0)); what it held is made again"]
    same_as_clean(archive, tmp_path)


def test_a_record_of_another_format_is_ignored_without_a_word(archive: Path,
                                                              tmp_path: Path) -> None:
    """A record written by another version of sitegen (another ``format``, whatever its
    fields) is rebuilt from, silently; one of this format whose fields do not fit is
    rebuilt from with a warning."""
    first = build(archive)
    (state_file,) = (archive / ".sitegen-cache").glob("state-*.json")
    quick, _ = state_file.read_bytes().split(b"\n", 1)
    for format_, warned in ((FORMAT - 1, False), (FORMAT + 1, False), (FORMAT, True)):
        record = json.loads(quick)
        record["format"] = format_
        record["keys"] = ["no longer a mapping"]
        state_file.write_text(json.dumps(record) + "\n" + json.dumps({"articles": 1}) + "\n")
        edit = archive / "content/alpha/story-1/1.md"
        edit.write_text(edit.read_text() + f"\nMore {format_}.\n")
        result = build(archive)
        assert (result.rebuilt, result.reused) == (6, 0)
        assert result.files == first.files
        assert any("sitegen-cache" in w for w in result.warnings) == warned
        same_as_clean(archive, tmp_path)
        quick = state_file.read_bytes().split(b"\n", 1)[0]


def test_a_rebuild_with_nothing_to_do_reads_only_the_summary(archive: Path,
                                                            tmp_path: Path) -> None:
    """The record is a small summary (its first line), then the rest: a no-change rebuild
    stops after the summary; a build with work to do reads the rest, and rebuilds everything
    (with a warning) if it is damaged."""
    first = build(archive)
    (state,) = (archive / ".sitegen-cache").glob("state-*.json")
    summary = state.read_bytes().split(b"\n", 1)[0]
    state.write_bytes(summary + b"\nthe rest is damaged")

    again = build(archive)
    assert (again.rebuilt, again.reused, again.written) == (0, 6, 0)
    assert (again.pages, again.files, again.versions) == (first.pages, first.files,
                                                           first.versions)

    edit = archive / "content/alpha/story-1/1.md"
    edit.write_text(edit.read_text().replace("Second paragraph", "Second, edited, paragraph"))
    result = build(archive)
    assert (result.rebuilt, result.reused) == (6, 0)
    assert any(w.startswith(f".sitegen-cache/{state.name} was ignored") for w in result.warnings)
    same_as_clean(archive, tmp_path)


def test_the_whole_record_is_the_summarys_or_none(archive: Path) -> None:
    """The rest of the record is used only with the summary it was saved with."""
    from sitegen.cache import Cache

    build(archive)
    store = Cache(archive, archive / "site")
    quick = store.load_quick()
    state = store.load_state(quick)
    assert state.build_id == quick.build_id and state.articles

    store.save(Quick(build_id="other"), State(build_id="other"))
    assert store.load_state(quick) == State()  # saved since by another build
    assert store.load_state(store.load_quick()).build_id == "other"
    assert store.warnings == []


def test_the_code_version_follows_the_libraries_installed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another version of a library that shapes the output (markdown-it-py, say) is other
    code: every cache is invalidated, as by a new release of sitegen."""

    site = tmp_path / "site-packages"
    write(site / "fake_markdown/__init__.py", "")
    (site / "fake_markdown-1.0.dist-info").mkdir()
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setattr(fingerprint, "_LIBRARIES", ("fake_markdown",))
    versions = []
    for installed in ("1.0", "1.0", "1.1"):
        (next(site.glob("*.dist-info"))).rename(site / f"fake_markdown-{installed}.dist-info")
        fingerprint.code_version.cache_clear()
        versions.append(fingerprint.code_version())
    fingerprint.code_version.cache_clear()
    assert versions[0] == versions[1] != versions[2]


def test_an_edit_whose_time_is_set_back_is_seen(archive: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """``cp -p``, ``rsync -t`` or ``touch -r`` can put an edited file's old modification time
    back; its change time cannot be, and is compared too."""
    monkeypatch.setattr(fingerprint, "RACY_NS", 0)  # every file trusted: the times alone
    build(archive)
    edit = archive / "content/alpha/story-0/1.md"
    before = edit.stat()
    edit.write_text(edit.read_text().replace("Second paragraph", "Second Paragraph"))
    os.utime(edit, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert edit.stat().st_size == before.st_size
    assert build(archive).rebuilt == 1
    same_as_clean(archive, tmp_path)


class _CoarseClock:
    """``os.stat`` on a file system that keeps times to the second: two writes within one
    second leave the same times."""

    def __init__(self, real: Callable[..., os.stat_result], now: int):
        self.real, self.now = real, now

    def __call__(self, path: str, **options: bool) -> os.stat_result:
        found = self.real(path, **options)
        fields = list(found)
        fields[8] = fields[9] = self.now // 10**9  # st_mtime, st_ctime
        return os.stat_result(fields, {"st_mtime_ns": self.now, "st_ctime_ns": self.now,
                                       "st_atime_ns": self.now})


def test_a_file_changed_within_its_clock_tick_of_a_build_is_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file changed just before a build may change again with the same size and times:
    the next build does not trust what it remembered, as git treats "racily clean" files."""
    page = tmp_path / "v.md"
    page.write_text("teh text")
    monkeypatch.setattr(fingerprint.os, "stat", _CoarseClock(os.stat, time_ns()))
    first = Digests()
    assert first.of("v.md", str(page)) == digest_bytes(b"teh text")
    page.write_text("the text")  # same size, same (coarse) times
    assert Digests(first.used).of("v.md", str(page)) == digest_bytes(b"the text")


def test_a_file_older_than_the_racy_window_is_not_read_again(tmp_path: Path) -> None:
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    old.write_text("old")
    past = time_ns() - 2 * RACY_NS
    os.utime(old, ns=(past, past))
    settled = os.stat(old).st_ctime_ns + 1  # the change time is now: trust from here on
    sleep(0.01)
    new.write_text("new")
    if os.stat(new).st_ctime_ns < settled:
        pytest.skip("this file system's times are too coarse to tell the two files apart")
    first = Digests()
    first.trust_before = settled
    digests = {name: first.of(name, str(tmp_path / name)) for name in ("old.md", "new.md")}
    assert first.used["old.md"][1] == past
    assert first.used["new.md"][1] == UNTRUSTED
    again = Digests(first.used)
    assert again.of("old.md", str(old)) == digests["old.md"]
    assert again.read == 0
    assert again.of("new.md", str(new)) == digests["new.md"]
    assert again.read == 1
    # read again, still the same: a build with nothing else to do has nothing to save
    assert (first.relearned, again.relearned) == (2, 0)
    assert again.used["new.md"][1] == UNTRUSTED  # (the file is still new)


def test_a_build_with_nothing_to_do_right_after_a_change_saves_nothing(
        archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fingerprint, "RACY_NS", 3600 * 10**9)  # every file is new
    build(archive)
    record = next((archive / ".sitegen-cache").glob("state-*.json"))
    saved = record.stat().st_ino, record.stat().st_mtime_ns
    assert build(archive).rebuilt == 0
    assert (record.stat().st_ino, record.stat().st_mtime_ns) == saved


def test_a_folder_is_made_with_its_parents_and_a_file_in_its_place_is_an_error(
        tmp_path: Path) -> None:
    made: set[str] = set()
    output.write_file(tmp_path, "a/b/c/index.html", b"1", made)  # parents missing
    output.write_file(tmp_path, "a/b/d/index.html", b"2", made)  # parent there
    output.write_file(tmp_path, "a/b/d/other.html", b"3", set())  # folder there already
    assert (tmp_path / "a/b/c/index.html").read_bytes() == b"1"
    assert (tmp_path / "a/b/d/index.html").read_bytes() == b"2"
    assert (tmp_path / "a/b/d/other.html").read_bytes() == b"3"
    (tmp_path / "a/file").write_bytes(b"")
    with pytest.raises(FileExistsError):
        output.write_file(tmp_path, "a/file/index.html", b"4", set())
    with pytest.raises(NotADirectoryError):
        output.write_file(tmp_path, "a/file/x/index.html", b"5", set())

"""The command line, through click's CliRunner and once as a real subprocess."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sitegen import __version__
from sitegen.cli import main
from sitegen.config import OPTIONS, validate
from sitegen.output import MARKER
from tests.conftest import version_file, write


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_version(runner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"sitegen, version {__version__}\n"


def test_build_prints_a_summary(runner, project: Path) -> None:
    result = runner.invoke(main, ["build", "-C", str(project)])
    assert result.exit_code == 0, result.output
    files = sum(1 for p in (project / "site").rglob("*") if p.is_file()) - 1  # not the marker
    pages = len(list((project / "site").rglob("*.html")))
    # home, 404, search, sources, source, article, 2 versions, and for the site and the
    # source: 3 ranked lists, a date archive, its year, month and day; the stories index
    assert pages == 23
    assert result.stdout.startswith(
        f"Built 1 source, 1 article, 2 versions: {pages} pages ({files} files) in ")
    assert result.stdout.splitlines()[1] == (
        f"Cache: 0 articles reused, 1 rebuilt (hit rate 0.0%); {files} files written, 0 deleted")
    again = runner.invoke(main, ["build", "-C", str(project)])
    assert again.stdout.splitlines()[1] == (
        "Cache: 1 article reused, 0 rebuilt (hit rate 100.0%); 0 files written, 0 deleted")
    assert result.stderr.startswith("Warning: base_url is not set")
    assert (project / "site/paper/story/v1/index.html").exists()
    assert (project / "site" / MARKER).exists()


def test_build_errors_are_listed_and_the_previous_site_is_untouched(runner, project: Path) -> None:
    assert runner.invoke(main, ["build", "-C", str(project)]).exit_code == 0
    before = snapshot(project / "site")
    write(project / "content/paper/story/c.md", "---\ntitle: [\n---\n")
    write(project / "content/paper/other/a.md", version_file("T", "2025-03-07", "x"))
    result = runner.invoke(main, ["build", "-C", str(project)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "content/paper/other/a.md:3: fetched is a date without a time (2025-03-07); write a "
        "full time, e.g. 2025-03-07T10:12:00Z or 2025-03-07T11:12:00+01:00",
        "content/paper/story/c.md:3: YAML syntax error: did not find expected node content; "
        "fix the YAML",
        "Error: 2 problems in the input; nothing was written.",
    ]
    assert snapshot(project / "site") == before


def test_rebuild_replaces_the_site_and_leaves_no_temporary_folders(runner, project: Path) -> None:
    assert runner.invoke(main, ["build", "-C", str(project)]).exit_code == 0
    (project / "content/paper/story/b.md").unlink()
    assert runner.invoke(main, ["build", "-C", str(project)]).exit_code == 0
    assert not (project / "site/paper/story/v1").exists()
    assert sorted(p.name for p in project.iterdir()) == [".sitegen-cache", "content", "site"]


def test_output_option_and_base_url(runner, project: Path, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere/public"
    result = runner.invoke(main, ["build", "-C", str(project), "-o", str(out),
                                  "--base-url", "https://u.github.io/repo"])
    assert result.exit_code == 0, result.output
    assert (out / "index.html").exists()
    bad = runner.invoke(main, ["build", "-C", str(project), "--base-url", "u.github.io"])
    assert bad.exit_code == 1
    assert "--base-url must be an absolute http(s) URL" in bad.output
    # A line break would be written into robots.txt (a Disallow: line) and the sitemap.
    robots = (out / "robots.txt").read_bytes()
    injected = runner.invoke(main, ["build", "-C", str(project), "-o", str(out), "--base-url",
                                    "https://u.github.io/repo/\nDisallow: /"])
    assert injected.exit_code == 1
    assert injected.stderr == (
        "Error: --base-url must be a plain URL: '\\n' is not allowed in it (no spaces, line "
        "breaks or control characters; percent-encode any other character, e.g. %C3%A9) (got "
        "'https://u.github.io/repo/\\nDisallow: /')\n")
    assert (out / "robots.txt").read_bytes() == robots


@pytest.mark.parametrize("target", [".", "content", "content/paper", "themes", ".."])
def test_dangerous_output_folders_are_refused(runner, project: Path, target: str) -> None:
    (project / "themes").mkdir()
    before = snapshot(project)
    result = runner.invoke(main, ["build", "-C", str(project), "-o", str(project / target)])
    assert result.exit_code == 1
    assert "Error:" in result.output
    assert snapshot(project) == before


@pytest.mark.parametrize("target", [".sitegen-cache", ".sitegen-cache/site"])
def test_the_cache_folder_is_refused_as_output(runner, project: Path, target: str) -> None:
    assert runner.invoke(main, ["build", "-C", str(project), "--no-search"]).exit_code == 0
    before = snapshot(project)
    result = runner.invoke(main, ["build", "-C", str(project), "-o", str(project / target)])
    assert result.exit_code == 1
    assert result.stderr == (f"Error: output {project / target} is inside .sitegen-cache/, "
                             "which holds sitegen's build cache; use a folder of its own, such "
                             "as the default site/\n")
    assert snapshot(project) == before


SECRET = "root:x:0:0:root:/root:/bin/bash\n"


def _elsewhere(project: Path, tmp_path: Path, name: str) -> Path:
    """Move the project's ``name`` folder out of the project, leaving a link to it."""
    moved = tmp_path / "elsewhere" / name
    moved.parent.mkdir(parents=True, exist_ok=True)
    (project / name).rename(moved)
    (project / name).symlink_to(moved, target_is_directory=True)
    return moved


@pytest.mark.parametrize(("make", "expected"), [
    (lambda p, t: (p / "themes/default/static/passwd").symlink_to(t / "secret/passwd"),
     "themes/default/static/passwd: symbolic link to a place outside themes/default/; it is "
     "not read: copy the file in instead"),
    (lambda p, t: (p / "themes/default/static/etc").symlink_to(t / "secret"),
     "themes/default/static/etc: symbolic link to a place outside themes/default/; it is not "
     "read: copy the file in instead"),
    (lambda p, t: (p / "themes/default/templates/base.html").symlink_to(t / "secret/passwd"),
     "themes/default/templates/base.html: symbolic link to a place outside themes/default/; "
     "it is not read: copy the file in instead"),
    (lambda p, t: _elsewhere(p, t, "themes"),
     "themes: symbolic link to a place outside the project; it is not read: make themes/ a "
     "folder in the project"),
    (lambda p, t: _elsewhere(p, t, "themes/default"),
     "themes/default: symbolic link to a place outside themes/; it is not read: make "
     "themes/default/ a folder inside themes/"),
    (lambda p, t: _elsewhere(p, t, "content"),
     "content: symbolic link to a place outside the project; it is not read: make content/ "
     "a folder in the project"),
    (lambda p, t: (p / "sitegen.yaml").symlink_to(t / "secret/passwd"),
     "sitegen.yaml: symbolic link to a place outside the project; it is not read: copy the "
     "file in instead"),
])
def test_links_out_of_the_project_are_not_read(runner, project: Path, tmp_path: Path, make,
                                               expected: str) -> None:
    """A committed link must not publish a file from the build machine."""
    write(tmp_path / "secret/passwd", SECRET)
    write(project / "themes/default/static/own.css", "body {}\n")
    (project / "themes/default/templates").mkdir()
    make(project, tmp_path)
    result = runner.invoke(main, ["build", "-C", str(project), "--no-search",
                                  "--base-url", "https://x.example/"])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        expected, "Error: 1 problem in the input; nothing was written."]
    assert not (project / "site").exists()


def test_links_inside_the_project_are_read(runner, project: Path, tmp_path: Path) -> None:
    write(project / "themes/default/static/own.css", "body { color: teal }\n")
    (project / "themes/default/static/alias.css").symlink_to("own.css")
    (project / "data").mkdir()
    (project / "content").rename(project / "data/content")
    (project / "content").symlink_to(project / "data/content", target_is_directory=True)
    result = runner.invoke(main, ["build", "-C", str(project), "--no-search"])
    assert result.exit_code == 0, result.output
    assert (project / "site/static/alias.css").read_text() == "body { color: teal }\n"
    assert (project / "site/paper/story/v1/index.html").exists()


CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_control_characters_in_names_are_printed_escaped(runner, project: Path,
                                                          tmp_path: Path) -> None:
    """Names reach the terminal with their control characters escaped: an escape sequence
    cannot set the window title or clear the screen, a line break cannot fake a line."""
    story = project / "content/paper/story"
    write(project / "content/paper/\x1b]0;pwned\x07/v.md", "x")
    write(story / "\x1b[2J\x1b[Hnotes.txt", "x")
    write(story / "c\u202egnp.md", "no front matter\n")
    write(story / "d\nfake.md:1: all is well.md", "no front matter\n")
    result = runner.invoke(main, ["build", "-C", str(project)])
    assert result.exit_code == 1
    assert not CONTROL.search(result.stderr), result.stderr
    assert result.stderr.splitlines() == [
        "content/paper/\\x1b]0;pwned\\x07: article folder name '\\x1b]0;pwned\\x07' contains "
        "'\\x07' '\\x1b' ';' ']'; rename the folder using only letters, digits, '-', '_' and '.'",
        "content/paper/story/\\x1b[2J\\x1b[Hnotes.txt: not a version file: version files end "
        "in .md; rename it or move it out of content/",
        "content/paper/story/c\\u202egnp.md:1: no front matter: the first line must be '---', "
        "followed by title: and fetched: lines and a closing '---'",
        "content/paper/story/d\\nfake.md:1: all is well.md:1: no front matter: the first line "
        "must be '---', followed by title: and fetched: lines and a closing '---'",
        "Error: 4 problems in the input; nothing was written."]
    # The command's own messages, and click's.
    snaps = tmp_path / "snaps"
    write(snaps / "story/\x1b[2J.txt", "x")
    result = runner.invoke(main, ["import", "-C", str(project), str(snaps)])
    assert not CONTROL.search(result.output), result.output
    assert f"{snaps}/story/\\x1b[2J.txt: no time in the file name '\\x1b[2J'" in result.output
    result = runner.invoke(main, ["diff", "\x1b]0;pwned\x07", "b"])
    assert result.exit_code == 2
    assert not CONTROL.search(result.stderr), result.stderr
    assert "'\\x1b]0;pwned\\x07' does not exist" in result.stderr


def test_diff_shows_control_characters_escaped(runner, tmp_path: Path) -> None:
    old = write(tmp_path / "old.txt", "Hello \x1b]0;pwned\x07 world.\n")
    new = write(tmp_path / "new.txt", "Hello there \x1b[2J world.\n")
    result = runner.invoke(main, ["diff", str(old), str(new)])
    assert result.exit_code == 0
    assert not CONTROL.search(result.stdout), result.stdout
    assert result.stdout.splitlines()[-1] == (
        "Hello [-\\x1b]0;pwned\\x07-]{+there \\x1b[2J+} world.")


def test_an_output_folder_sitegen_did_not_create_is_not_replaced(runner, project: Path) -> None:
    write(project / "site/precious.txt", "mine")
    result = runner.invoke(main, ["build", "-C", str(project)])
    assert result.exit_code == 1
    assert "was not written by sitegen" in result.output and "--overwrite" in result.output
    assert (project / "site/precious.txt").read_text() == "mine"
    assert runner.invoke(main, ["build", "-C", str(project), "--overwrite"]).exit_code == 0
    assert not (project / "site/precious.txt").exists()


def test_new_creates_a_project_that_builds(runner, tmp_path: Path) -> None:
    target = tmp_path / "my-archive"
    result = runner.invoke(main, ["new", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / "sitegen.yaml").exists() and (target / ".gitignore").exists()
    versions = sorted((target / "content/example/first-article").glob("*.md"))
    assert len(versions) == 2
    built = runner.invoke(main, ["build", "-C", str(target)])
    assert built.exit_code == 0, built.output
    assert "1 article, 2 versions" in built.output


def test_the_new_projects_settings_file_shows_every_key_and_no_missing_doc(
        runner, tmp_path: Path) -> None:
    """A new project has no docs/ folder: its sitegen.yaml lists every key itself (each as
    a line a user can uncomment) instead of pointing to a file it does not have."""
    target = tmp_path / "my-archive"
    assert runner.invoke(main, ["new", str(target)]).exit_code == 0
    text = (target / "sitegen.yaml").read_text()
    for key in OPTIONS:
        assert re.search(rf"^(# )?{key}: ", text, re.MULTILINE), key
    for doc in re.findall(r"[\w./-]+\.md", text):
        assert (target / doc).exists(), doc
    uncommented = re.sub(r"^# (\w+: )", r"\1", text, flags=re.MULTILINE)
    assert validate(yaml.safe_load(uncommented), "sitegen.yaml", {})[1] == []


def test_a_mistyped_command_gets_a_suggestion(runner) -> None:
    result = runner.invoke(main, ["buld"])
    assert result.exit_code == 2
    assert "No such command 'buld'. Did you mean 'build'?" in result.output
    assert "Did you mean 'import-git'?" in runner.invoke(main, ["import_git"]).output
    assert "Did you mean" not in runner.invoke(main, ["zzz"]).output


def test_new_refuses_a_folder_that_is_not_empty(runner, tmp_path: Path) -> None:
    write(tmp_path / "x/keep.txt", "mine")
    result = runner.invoke(main, ["new", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert "already exists and is not empty" in result.output
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["keep.txt"]


def test_the_installed_command_runs_as_a_subprocess(project: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "sitegen", "build", "-C", str(project)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "Built 1 source" in done.stdout
    broken = write(project / "content/paper/story/c.md", "no front matter\n")
    done = subprocess.run([sys.executable, "-m", "sitegen", "build", "-C", str(project)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert done.stderr.startswith(f"content/paper/story/{broken.name}:1: no front matter")


def test_a_build_with_nothing_to_do_loads_no_renderer(project: Path) -> None:
    """Most builds in CI find nothing changed: they start in a fraction of a second because
    they never import Jinja2, the Markdown parser, the diff engine or the progress bar."""
    subprocess.run([sys.executable, "-m", "sitegen", "build", "-C", str(project)],
                   capture_output=True, check=True)
    script = ("import sys\nfrom sitegen.cli import main\n"
              "try:\n    main(['build', '-C', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
              "print(' '.join(sorted(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", script, str(project)], capture_output=True,
                          text=True, check=True)
    assert "0 rebuilt" in done.stdout
    loaded = set(done.stdout.split("\n")[-2].split())
    assert "sitegen.build" in loaded
    assert not loaded & {"jinja2", "markdown_it", "sitegen.diff", "sitegen.stages",
                         "rich.progress", "feedgenerator"}


def test_rebuild_never_writes_or_deletes_through_links(runner, project: Path, tmp_path: Path) -> None:
    import os
    import shutil

    precious = write(tmp_path / "precious/index.html", "mine")
    for n in range(8):  # so that the change below leaves most files as they are: in place
        write(project / f"content/other/story-{n}/a.md",
              version_file(f"Other {n}", "2025-03-01T10:00:00Z", f"Other text {n}.\n"))
    assert runner.invoke(main, ["build", "-C", str(project)]).exit_code == 0
    # A folder the build manages is replaced by a link to somewhere else.
    shutil.rmtree(project / "site/paper/story/v1")
    os.symlink(precious.parent, project / "site/paper/story/v1")
    (project / "content/paper/story/b.md").unlink()  # so the build would delete v1/index.html
    result = runner.invoke(main, ["build", "-C", str(project)])
    assert result.exit_code == 1
    assert "is a symbolic link inside the output" in result.output
    assert precious.read_text() == "mine"
    # A clean rebuild replaces the whole folder, removing the link without following it.
    assert runner.invoke(main, ["build", "-C", str(project), "--no-cache"]).exit_code == 0
    assert precious.read_text() == "mine"
    assert not (project / "site/paper/story/v1").exists()


def test_files_are_written_whole_when_the_system_writes_a_little_at_a_time(
        tmp_path: Path, monkeypatch) -> None:
    from sitegen import output

    real_write = os.write
    monkeypatch.setattr(output.os, "write", lambda fd, data: real_write(fd, bytes(data[:3])))
    made: set[str] = set()
    output.write_file(tmp_path, "a/b/index.html", b"<p>seventeen bytes", made)
    output.write_file(tmp_path, "a/b/empty.txt", b"", made)
    monkeypatch.setattr(output.os, "write", real_write)
    assert (tmp_path / "a/b/index.html").read_bytes() == b"<p>seventeen bytes"
    assert (tmp_path / "a/b/empty.txt").read_bytes() == b""
    assert made == {f"{tmp_path}/a/b"}


def test_an_interrupted_build_leaves_the_previous_site_whole(project: Path, monkeypatch) -> None:
    from sitegen import build as build_module
    from sitegen import output

    build_module.build(project)
    before = snapshot(project / "site")
    real_write = output.write_file
    calls = {"n": 0}

    def failing_write(*args):
        calls["n"] += 1
        if calls["n"] > 3:
            raise KeyboardInterrupt  # as if Ctrl-C arrived halfway through writing
        return real_write(*args)

    monkeypatch.setattr(output, "write_file", failing_write)
    with pytest.raises(KeyboardInterrupt):
        output.write_site(project / "site", {f"p{i}.html": b"x" for i in range(10)})
    monkeypatch.setattr(output, "write_file", real_write)
    assert calls["n"] == 4
    assert snapshot(project / "site") == before
    assert sorted(p.name for p in project.iterdir()) == [".sitegen-cache", "content", "site"]

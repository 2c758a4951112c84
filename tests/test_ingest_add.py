"""``sitegen add``: the seeds as text and as HTML, chrome rules, reverts, safety, idempotence."""

from __future__ import annotations

import html
import os
import re
import socket
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.build import build
from sitegen.cli import main
from sitegen.content.frontmatter import parse
from sitegen.content.loader import load_archive
from sitegen.render.markdown import render
from tests.conftest import SEEDS, need, write

SEED_003 = "003_31aae2e22b9fb551.txt"
CHROME_RULES = """name: The Independent
drop_lines:
  - Notifications can be managed in browser preferences.
  - Join thought-provoking conversations, follow other Independent readers and see their replies
drop_patterns:
  - 'Please refresh the page or navigate to another page on the site to be .*'
"""


def seeds() -> list[Path]:
    return sorted(need(SEEDS, "the seed documents").glob("*.txt"))


def page(title: str, lines: list[str], url: str = "https://news.example/story") -> str:
    """A saved article page: the seed's lines as paragraphs inside the usual chrome."""
    paras = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | Example News</title>
<meta property="og:title" content="{html.escape(title)}"><link rel="canonical" href="{url}">
</head><body><header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a>
</li><li><a href="/sport">Sport</a></li></ul></nav></header>
<main><article><h1>{html.escape(title)}</h1>{paras}</article>
<aside><h2>Most read</h2><ul><li><a href="/x">Ten things you missed this week</a></li>
<li><a href="/y">The celebrity roundup</a></li></ul></aside></main>
<footer><p>© 2025 Example News Ltd. All rights reserved.</p>
<p><a href="/privacy">Privacy policy</a> | <a href="/terms">Terms of use</a></p></footer>
</body></html>"""


def lines_of(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text("utf-8").split("\n") if line.strip()]


def shown(body: str) -> list[str]:
    """The text of each paragraph a body renders to, as a reader sees it."""
    return [html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", render(body), re.DOTALL)]


def add(runner: CliRunner, project: Path, *args: str, input: bytes | None = None):
    return runner.invoke(main, ["add", "-C", str(project), *args], input=input)


def versions(project: Path, source: str, article: str):
    archive, problems = load_archive(project, project / "content")
    assert problems == []
    found = [a for a in archive.articles() if a.key == f"{source}/{article}"]
    return found[0].versions if found else ()


def snapshot(project: Path) -> dict[str, bytes]:
    return {p.relative_to(project).as_posix(): p.read_bytes()
            for p in sorted(project.rglob("*")) if p.is_file()}


def test_seeds_as_text_render_exactly_as_written(runner: CliRunner, project: Path):
    for n, seed in enumerate(seeds()):
        result = add(runner, project, "seeds/text", str(seed), "--title", f"Seed {n}",
                     "--fetched", f"2025-03-0{n + 1}T10:00:00Z")
        assert result.exit_code == 0, result.output
        assert result.output == (f"Added content/seeds/text/2025-03-0{n + 1}T10-00-00Z.md "
                                 f"(version {n}).\n")
    stored = versions(project, "seeds", "text")
    assert [v.title for v in stored] == [f"Seed {n}" for n in range(len(seeds()))]
    for version, seed in zip(stored, seeds(), strict=True):
        assert shown(version.body) == lines_of(seed)
    build(project)


def test_seeds_as_html_keep_the_article_and_drop_the_page(runner: CliRunner, project: Path,
                                                          tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch):
    def no_network(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the HTML extraction tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    for n, seed in enumerate(seeds()):
        saved = write(tmp_path / f"page{n}.html", page(f"Headline {n}", lines_of(seed),
                                                      f"https://news.example/{n}"))
        result = add(runner, project, "seeds/html", str(saved),
                     "--fetched", f"2025-03-0{n + 1}T10:00:00Z")
        assert result.exit_code == 0, result.output
    stored = versions(project, "seeds", "html")
    assert [v.title for v in stored] == [f"Headline {n}" for n in range(len(seeds()))]
    assert [v.url for v in stored] == [f"https://news.example/{n}" for n in range(len(seeds()))]
    for version, seed in zip(stored, seeds(), strict=True):
        assert shown(version.body) == lines_of(seed)
        for chrome in ("Most read", "Ten things", "All rights reserved", "Privacy", "Home"):
            assert chrome not in version.body
        assert not version.body.startswith("#")  # the headline is in the front matter


def test_seed_003_chrome_is_dropped_by_source_rules(runner: CliRunner, project: Path,
                                                    tmp_path: Path):
    seed = need(SEEDS / SEED_003, "seed 003")
    write(project / "content/independent/_source.yaml", CHROME_RULES)
    result = add(runner, project, "independent/live", str(seed), "--title", "Live",
                 "--fetched", "2025-02-27T09:00:00Z")
    assert result.exit_code == 0, result.output
    body = versions(project, "independent", "live")[0].body
    text = lines_of(seed)
    assert text[0] == "Notifications can be managed in browser preferences."
    assert text[1].startswith("Please refresh the page") and text[-1].startswith("Please")
    assert shown(body) == [line for line in text if not line.startswith(
        ("Please refresh", "Notifications can be", "Join thought-provoking"))]
    assert len(shown(body)) == len(text) - 4
    saved = write(tmp_path / "live.html", page("Live", text))
    result = add(runner, project, "independent/live", str(saved),
                 "--fetched", "2025-02-27T10:00:00Z")
    assert result.output.startswith("Unchanged since version 0"), result.output
    build(project)


def test_a_rule_added_later_applies_to_stored_versions(runner: CliRunner, project: Path,
                                                       tmp_path: Path):
    with_chrome = write(tmp_path / "a.txt", "Story.\nAdvertisement\nMore story.\n")
    without = write(tmp_path / "b.txt", "Story.\nMore story.\n")
    add(runner, project, "paper/ads", str(with_chrome), "--title", "T",
        "--fetched", "2025-03-01T10:00:00Z")
    write(project / "content/paper/_source.yaml", "drop_lines: [Advertisement]\n")
    result = add(runner, project, "paper/ads", str(without), "--fetched", "2025-03-01T11:00:00Z")
    assert result.output.startswith("Unchanged since version 0"), result.output


def test_add_is_idempotent(runner: CliRunner, project: Path, tmp_path: Path):
    text = write(tmp_path / "s.txt", "A story.\n")
    first = add(runner, project, "paper/new", str(text), "--title", "T",
                "--fetched", "2025-03-01T10:00:00Z")
    assert first.exit_code == 0 and first.output.startswith("Added ")
    before = snapshot(project)
    for args in ([], ["--fetched", "2025-03-01T10:00:00Z"], ["--title", "T"]):
        again = add(runner, project, "paper/new", str(text), *args)
        assert again.exit_code == 0, again.output
        assert again.output.endswith("; nothing written.\n")
    assert snapshot(project) == before
    assert add(runner, project, "paper/new", str(text)).output.startswith(
        "Unchanged since version 0 (content/paper/new/2025-03-01T10-00-00Z.md)")
    assert add(runner, project, "paper/new", str(text), "--fetched",
               "2025-03-01T11:00:00+01:00").output.startswith("Already stored as version 0")
    assert add(runner, project, "paper/new", str(text), "--fetched",
               "2025-03-01T09:00:00Z").output.startswith("Same as the later version 0")
    assert snapshot(project) == before


def test_invisible_differences_are_not_a_change(runner: CliRunner, project: Path):
    body = "Cafe\u0301 prices rose\u00a010%.\r\n\r\nSecond\u200b paragraph.  \r\n"
    result = add(runner, project, "paper/story", "-", "--format", "markdown",
                 "--fetched", "2025-03-07T14:00:00Z", "--title", "Second headline",
                 input=body.replace("Cafe\u0301", "Café").encode())
    assert result.output.startswith("Added "), result.output
    result = add(runner, project, "paper/story", "-", "--format", "markdown",
                 "--fetched", "2025-03-07T15:00:00Z", input=body.encode())
    assert result.output.startswith("Unchanged since version 2"), result.output
    stored = versions(project, "paper", "story")[2].body
    assert stored == "Café prices rose 10%.\n\nSecond paragraph.  \n"


def test_headline_change_counts_but_url_change_does_not(runner: CliRunner, project: Path):
    def again(*args: str) -> str:
        return add(runner, project, "paper/story", "-", "--format", "markdown", *args,
                   input=b"One.\n\nTwo, changed.\n").output

    assert again("--url", "https://x.example/?utm=1",
                 "--fetched", "2025-03-07T14:00:00Z").startswith("Unchanged since version 1")
    assert again("--title", "Third headline",
                 "--fetched", "2025-03-07T15:00:00Z").startswith("Added ")


def test_flip_flop_is_stored_as_a_revert(runner: CliRunner, project: Path):
    result = add(runner, project, "paper/story", "-", "--format", "markdown", "--title",
                 "First headline", "--fetched", "2025-03-07T16:00:00Z", input=b"One.\n\nTwo.\n")
    assert result.output == ("Added content/paper/story/2025-03-07T16-00-00Z.md "
                             "(version 2, a revert to version 0).\n")
    reverted = versions(project, "paper", "story")[2]
    first = versions(project, "paper", "story")[0]
    assert reverted.extra["reverts_to"] == first.fetched
    assert "reverts_to: 2025-03-07T10:00:00Z\n" in (project / reverted.path).read_text()
    build(project)


def test_an_older_capture_says_that_later_versions_are_renumbered(runner: CliRunner,
                                                                  project: Path):
    """Version numbers follow fetched times, so a capture older than stored ones moves them
    up one: their permalinks (v1/, diff/0-1/) then show other versions. The user is told."""
    result = add(runner, project, "paper/story", "-", "--fetched", "2025-03-07T11:00:00Z",
                 input=b"One, early.\n")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Added content/paper/story/2025-03-07T11-00-00Z.md (version 1).\n"
        "Note: it is older than 1 stored version, which is renumbered: version 1 is now "
        "version 2, so links to its page (v1/) and to the diffs that include it now lead to "
        "other versions.\n")
    result = add(runner, project, "paper/story", "-", "--fetched", "2025-03-07T09:00:00Z",
                 "--title", "Zeroth", input=b"Zero.\n")
    assert "Note: it is older than 3 stored versions, which are renumbered: versions 0-2 " \
           "are now versions 1-3, so links to their pages (v0/ to v2/)" in result.output
    result = add(runner, project, "paper/story", "-", "--fetched", "2025-03-07T18:00:00Z",
                 input=b"Latest.\n")
    assert "Note:" not in result.output


def test_a_capture_time_in_the_future_is_warned_about(runner: CliRunner, project: Path):
    result = add(runner, project, "paper/story", "-", "--fetched", "2999-03-07T10:00:00Z",
                 input=b"From the future.\n")
    assert result.exit_code == 0
    assert result.stderr.startswith("Warning: the capture time 2999-03-07T10:00:00Z is in "
                                    "the future (now ")
    assert "check the date and the time zone" in result.stderr
    assert "Warning" not in add(runner, project, "paper/story", "-", "--fetched",
                                "2025-03-08T10:00:00Z", input=b"Past.\n").output


HOSTILE = ["---", "title: injected\n---\nbody", "!!python/object/apply:os.system ['echo']",
           "'single' and \"double\" quotes: yes # no comment", "[1, 2]", "{a: b}", "null",
           "2025-03-07", "yes", "@at `tick` *star* | pipe > gt", "  padded  ",
           "Ünïcödé — \u201aquote\u2018"]


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_titles_round_trip(runner: CliRunner, project: Path, title: str):
    result = add(runner, project, "paper/hostile", "-", "--title", title,
                 "--fetched", "2025-03-07T10:00:00Z", input=b"Body.\n")
    assert result.exit_code == 0, result.output
    expected = " ".join(title.split())
    assert versions(project, "paper", "hostile")[0].title == expected


def test_never_overwrites(runner: CliRunner, project: Path):
    squatter = write(project / "content/paper/story/2025-03-07T20-00-00Z.md",
                     "---\ntitle: Other\nfetched: 2025-03-07T19:00:00Z\n---\nOther text.\n")
    before = squatter.read_bytes()
    result = add(runner, project, "paper/story", "-", "--fetched", "2025-03-07T20:00:00Z",
                 input=b"New text.\n")
    assert result.output == ("Added content/paper/story/2025-03-07T20-00-00Z-2.md "
                             "(version 3).\n"), result.output
    assert squatter.read_bytes() == before
    result = add(runner, project, "paper/story", "-", "--fetched", "2025-03-07T19:00:00Z",
                 input=b"Different text.\n")
    assert result.exit_code == 1
    assert "was fetched at the same time" in result.output
    assert squatter.read_bytes() == before
    assert not list((project / "content/paper/story").glob(".*"))  # no temporary files left


@pytest.mark.parametrize("target", ["../x/y", "_src/art", "src/.art", "src/a b", "static/x",
                                    "src/art/extra", "src", "/art", "src/.."])
def test_bad_names_write_nothing(runner: CliRunner, project: Path, target: str):
    before = snapshot(project.parent)
    result = add(runner, project, target, "-", "--title", "T", input=b"Text.\n")
    assert result.exit_code != 0
    assert snapshot(project.parent) == before


def test_no_writing_through_a_link_out_of_content(runner: CliRunner, project: Path,
                                                  tmp_path: Path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (project / "content/linked").symlink_to(outside)
    result = add(runner, project, "linked/story", "-", "--title", "T", input=b"Text.\n")
    assert result.exit_code == 1
    assert "symbolic link to a place outside content/" in result.output
    assert list(outside.iterdir()) == []


def test_nothing_is_read_or_written_through_links_out(runner: CliRunner, project: Path,
                                                     tmp_path: Path):
    """The rule of the build holds for add: content/ may not lead out of the project, and
    no _source.yaml or stored version is read through a link out of content/."""
    secret = write(tmp_path / "secret/passwd", "root:x:0:0:root:/root:/bin/bash\n")
    assert add(runner, project, "paper/story", "-", "--title", "T", input=b"One.\n"
               ).exit_code == 0
    (project / "content/paper/_source.yaml").symlink_to(secret)
    result = add(runner, project, "paper/story", "-", "--title", "T", input=b"Two.\n")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: <stdin>: not imported: fix content/paper/_source.yaml: symbolic link to a "
        "place outside content/; it is not read: copy the file in instead\n")
    (project / "content/paper/_source.yaml").unlink()
    (project / "content/paper/story/2000-01-01T00-00-00Z.md").symlink_to(secret)
    result = add(runner, project, "paper/story", "-", "--title", "T", input=b"Two.\n")
    assert result.exit_code == 1
    assert "content/paper/story/2000-01-01T00-00-00Z.md: symbolic link to a place outside " \
           "content/" in result.stderr
    (project / "content/paper/story/2000-01-01T00-00-00Z.md").unlink()
    before = snapshot(project)
    (project / "content").rename(tmp_path / "content")
    (project / "content").symlink_to(tmp_path / "content", target_is_directory=True)
    result = add(runner, project, "paper/story", "-", "--title", "T", input=b"Two.\n")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {project}/content: symbolic link to a place outside the "
                             "project; it is not read: make content/ a folder in the project\n")
    (project / "content").unlink()
    (tmp_path / "content").rename(project / "content")
    assert snapshot(project) == before


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_version_files_get_the_mode_of_any_new_file(runner: CliRunner, project: Path,
                                                    tmp_path: Path, umask: int, mode: int):
    """0666 less the umask, as an editor or git would make them (not mkstemp's 0600)."""
    snaps = tmp_path / "snaps"
    write(snaps / "story/2025-03-07T10-12-00Z.txt", "Imported.\n")
    old = os.umask(umask)
    try:
        assert add(runner, project, "paper/added", "-", "--title", "T", input=b"Added.\n"
                   ).exit_code == 0
        assert runner.invoke(main, ["import", "-C", str(project), str(snaps)]).exit_code == 0
    finally:
        os.umask(old)
    written = sorted([*(project / "content/paper/added").iterdir(),
                      *(project / "content/snaps/story").iterdir()])
    assert len(written) == 2
    assert [stat.S_IMODE(p.stat().st_mode) for p in written] == [mode, mode]


@pytest.mark.parametrize(("content", "args", "says"), [
    (b"\x89PNG\r\n\x1a\n\0\0\0IHDR", [], "binary file"),
    (b"\xff\xfeTex", ["--format", "text"], "not valid UTF-16"),
    (b"caf\xe9", ["--format", "text"], "not valid UTF-8 (byte 0xe9 at offset 3)"),
    (b"\n \n\t\n", [], "empty: there is no text in it"),
    (b"<!DOCTYPE html><html><head><title>T</title></head><body> </body></html>", [],
     "no article text found in the page"),
])
def test_bad_input_is_refused(runner: CliRunner, project: Path, tmp_path: Path,
                              content: bytes, args: list[str], says: str):
    file = tmp_path / "input"
    file.write_bytes(content)
    result = add(runner, project, "paper/bad", str(file), "--title", "T", *args)
    assert result.exit_code == 1
    assert says in result.output
    assert not (project / "content/paper/bad").exists()


def test_usage_errors(runner: CliRunner, project: Path, tmp_path: Path):
    result = add(runner, project, "paper/x", str(tmp_path / "missing.txt"), "--title", "T")
    assert result.exit_code == 1 and "missing.txt: cannot be read" in result.output
    result = add(runner, project, "paper/x", "-", "--fetched", "2025-03-07 10:12", input=b"x")
    assert result.exit_code == 2 and "has no time zone" in result.output
    result = add(runner, project, "paper/x", "-", "--title", "T", input=b"x")
    no_title = add(runner, project, "paper/y", "-", input=b"Text")
    assert no_title.exit_code == 1 and "no title" in no_title.output
    empty = tmp_path / "empty-folder"
    empty.mkdir()
    result = add(runner, empty, "paper/x", "-", "--title", "T", input=b"x")
    assert result.exit_code == 1 and "is not a sitegen project" in result.output


def test_stdin_html_is_recognised(runner: CliRunner, project: Path):
    need(SEEDS, "the seed documents")
    text = page("From stdin", lines_of(seeds()[2])).encode()
    result = add(runner, project, "paper/piped", input=text)
    assert result.exit_code == 0, result.output
    stored = versions(project, "paper", "piped")[0]
    assert stored.title == "From stdin"
    assert parse((project / stored.path).read_bytes(), stored.path)[1] == []


def test_html_in_another_encoding(runner: CliRunner, project: Path, tmp_path: Path):
    saved = tmp_path / "cp1252.html"
    saved.write_bytes(
        b'<html><head><meta charset="windows-1252"><title>Caf\xe9 news</title></head><body>'
        b"<article><h1>Caf\xe9 news</h1><p>The caf\xe9 \x93opened\x94 on Monday, said the "
        b"owner, who has run it for years.</p></article></body></html>")
    result = add(runner, project, "paper/cafe", str(saved), "--fetched", "2025-03-07T10:00:00Z")
    assert result.exit_code == 0, result.output
    stored = versions(project, "paper", "cafe")[0]
    assert stored.title == "Caf\u00e9 news"
    assert stored.body == ("The caf\u00e9 \u201copened\u201d on Monday, said the owner, "
                           "who has run it for years.\n")


def test_a_version_file_from_elsewhere_keeps_its_fields(runner, tmp_path: Path) -> None:
    from sitegen.cli import main

    project = tmp_path / "proj"
    (project / "content").mkdir(parents=True)
    source = tmp_path / "elsewhere.md"
    source.write_text("---\ntitle: Copied headline\nfetched: 2025-03-07T10:12:00+01:00\n"
                      "url: https://example.org/a\nbyline: X\n---\nThe copied text.\n")
    result = runner.invoke(main, ["add", "paper/copied", str(source), "-C", str(project)])
    assert result.exit_code == 0, result.output
    (stored,) = (project / "content/paper/copied").glob("*.md")
    text = stored.read_text()
    assert "title: Copied headline" in text and "url: https://example.org/a" in text
    assert "fetched: 2025-03-07T10:12:00+01:00" in text or "fetched: 2025-03-07 10:12:00+01:00" in text
    assert text.endswith("---\nThe copied text.\n")
    broken = tmp_path / "broken.md"
    broken.write_text("---\ntitle: [\n---\nx\n")
    bad = runner.invoke(main, ["add", "paper/copied", str(broken), "-C", str(project)])
    assert bad.exit_code == 1 and "broken.md: front matter" in bad.output


def test_yaml_lines_written_directly_are_what_pyyaml_writes() -> None:
    """The store writes plain headlines, addresses and commit ids without the dumper: the
    same line PyYAML would write, read back as the same text."""
    import random

    import yaml

    from sitegen.ingest.store import _yaml_line

    rng = random.Random(5)
    alphabet = "AbZz09 ,.'’‘“”!?()&%/+-:#~@é\"[]{}*|>"
    samples = ["yes", "No", "null", "y", "Starmer urges allies", "a--b", "a  b", "x",
               "https://www.bbc.co.uk/news/x?a=1&b=%20", "https://a.example/#top",
               "0123456789abcdef0123456789abcdef01234567", "0" * 40]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14)))
                for _ in range(20_000)]
    for value in samples:
        line = _yaml_line("title", value)
        expected = yaml.safe_dump({"title": value}, allow_unicode=True, width=2**31,
                                  default_flow_style=False).rstrip("\n")
        assert line == expected, value
        assert yaml.safe_load(line) == {"title": value}, value

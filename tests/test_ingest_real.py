"""What real scraped input needs on its way in and out: text captures' Markdown escapes never
shown in a diff, titles of real Markdown, error pages, addresses carried forward."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from click.testing import CliRunner

from sitegen.build import build
from sitegen.cli import main

NPR_0 = """*****NPR stories*****
[19]Today's Paper
https://en.wikipedia.org/wiki/Special-_First_release_of_x
1. Not a list
# Not a heading
Last line one.
"""
NPR_1 = NPR_0.replace("[19]", "[20]").replace("of_x", "of_y").replace("one.", "two.")


def add(runner: CliRunner, project: Path, *args: str, input: bytes | None = None):
    result = runner.invoke(main, ["add", "-C", str(project), *args], input=input)
    return result


def text_project(runner: CliRunner, tmp_path: Path) -> Path:
    project = tmp_path / "proj"
    (project / "content").mkdir(parents=True)
    for n, text in enumerate((NPR_0, NPR_1)):
        file = tmp_path / f"{n}.txt"
        file.write_text(text)
        done = add(runner, project, "npr/front", str(file), "--title", "NPR front page",
                   "--url", "https://text.npr.org/", "--fetched", f"2025-01-0{n + 1}T00:00:00Z")
        assert done.exit_code == 0, done.output
    return project


def visible(page: str) -> str:
    """A page's text as a reader sees it (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_text_captures_diff_as_the_reader_reads_them(runner: CliRunner, tmp_path: Path):
    project = text_project(runner, tmp_path)
    stored = (project / "content/npr/front/2025-01-01T00-00-00Z.md").read_text()
    assert "\\*\\*\\*\\*\\*NPR stories" in stored and "\\[19\\]" in stored  # escaped Markdown
    site = tmp_path / "site"
    build(project, site, search=False, base_url="https://example.org/")
    page = (site / "npr/front/diff/0-1/index.html").read_text()
    assert "\\" not in visible(page.split("<main", 1)[1])
    assert '<p class="diff-block diff-paragraph">*****NPR stories*****</p>' in page
    assert ('<td class="new"><p class="diff-block diff-paragraph">[<ins><span class="diff-sr">'
            '[added: </span>20<span class="diff-sr">]</span></ins>]Today&#x27;s Paper</p>') in page
    assert "wiki/Special-_First_release_of<del>" in page
    assert ">1. Not a list</p>" in page and "># Not a heading</p>" in page
    feed = (site / "npr/front/feed.atom").read_text()
    assert "\\[" not in html.unescape(feed) and "\\_" not in html.unescape(feed)
    # The command line shows the same text.
    files = sorted((project / "content/npr/front").glob("*.md"))
    said = runner.invoke(main, ["diff", *map(str, files)])
    assert said.exit_code == 0, said.output
    assert "[[-19-]{+20+}]Today's Paper" in said.output
    assert "Special-_First_release_of[-_x-]{+_y+}" in said.output
    assert "\\" not in said.output
    # The compare page's data hides the escapes as it hides block markers.
    add(runner, project, "npr/front", "-", "--fetched", "2025-01-03T00:00:00Z",
        "--format", "text", input=NPR_1.replace("two.", "three.").encode())
    build(project, site, search=False)
    data = re.search(r'id="compare-data">(.*?)</script>',
                     (site / "npr/front/compare/index.html").read_text(), re.S).group(1)
    blocks = json.loads(data)["blocks"]
    stars = next(b for b in blocks if "NPR stories" in b[2])
    assert stars[2].startswith("\\*\\*") and [0, 1] in stars[3] and [2, 3] in stars[3]


def test_search_text_has_no_escapes_either():
    from sitegen.ingest.extract import text_to_markdown
    from sitegen.search import plain

    line = "|= a ~ b & c &amp; d = e | f ~ g"
    assert plain(text_to_markdown(line)) == line

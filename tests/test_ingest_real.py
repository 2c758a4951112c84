"""What real scraped input needs on its way in and out: text captures' Markdown escapes never
shown in a diff, titles of real Markdown, error pages, addresses carried forward."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
from pathlib import Path

from click.testing import CliRunner

from sitegen.build import build
from sitegen.cli import main
from tests.conftest import changes

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
    whole = (site / "npr/front/v1/index.html").read_text()
    assert "\\" not in visible(whole.split("<main", 1)[1])  # its change and its text
    page = changes(site / "npr/front/v1/index.html")
    assert '<p class="diff-block diff-paragraph">*****NPR stories*****</p>' in page
    assert ('<td class="new"><p class="diff-block diff-paragraph">[<ins><span class="diff-sr">'
            '[added: </span>20<span class="diff-sr">]</span></ins>]Today&#x27;s Paper</p>') in page
    assert "wiki/Special-_First_release_of<del>" in page
    assert ">1. Not a list</p>" in page and "># Not a heading</p>" in page
    feed = (site / "npr/front/feed.rss").read_text()
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


# --- Titles of real Markdown ---------------------------------------------------------------

WHITE_HOUSE = """[Presidential Actions](https://www.whitehouse.gov/presidential-actions/)

January 20, 2025

# Ending Taxpayer Subsidization of Biased Media

By the authority vested in me as President by the Constitution and the laws of the United
States of America, it is hereby ordered:

Sec. 1. Purpose. The Corporation for Public Broadcasting receives federal funds.
"""


def git(repo: Path, *args: str, when: str = "2025-01-01T00:00:00Z") -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "s", "GIT_AUTHOR_EMAIL": "s@example.com",
           "GIT_COMMITTER_NAME": "s", "GIT_COMMITTER_EMAIL": "s@example.com",
           "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, capture_output=True)


def commit(repo: Path, when: str, files: dict[str, str]) -> None:
    if not (repo / ".git").exists():
        repo.mkdir(parents=True, exist_ok=True)
        git(repo, "init", "-q", "-b", "main")
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", when, when=when)


def stored(project: Path, article: str) -> list[tuple[str, str]]:
    """(title, body) of each stored version of ``article`` (source/article), in time order."""
    from sitegen.content.loader import load_archive

    archive, problems = load_archive(project, project / "content")
    assert problems == []
    found = next(a for a in archive.articles() if a.key == article)
    return [(v.title, v.body) for v in found.versions]


def new_project(tmp_path: Path) -> Path:
    project = tmp_path / "proj"
    (project / "content").mkdir(parents=True)
    return project


def test_a_headline_after_breadcrumbs_is_the_title_and_leaves_the_body(runner: CliRunner,
                                                                       tmp_path: Path):
    project = new_project(tmp_path)
    file = tmp_path / "eo.md"
    file.write_text(WHITE_HOUSE)
    done = add(runner, project, "wh/eo-14290", str(file), "--fetched", "2025-05-01T00:00:00Z")
    assert done.exit_code == 0, done.output
    [(title, body)] = stored(project, "wh/eo-14290")
    assert title == "Ending Taxpayer Subsidization of Biased Media"
    assert "# Ending" not in body and body.startswith("[Presidential Actions](")
    assert "January 20, 2025\n\nBy the authority" in body
    # The same page again, and one whose heading is a link with emphasis: same title, and
    # nothing new to store.
    file.write_text(WHITE_HOUSE.replace(
        "# Ending Taxpayer Subsidization of Biased Media",
        "# [*Ending* Taxpayer Subsidization of Biased Media](https://www.whitehouse.gov/x/)"))
    again = add(runner, project, "wh/eo-14290", str(file), "--fetched", "2025-05-02T00:00:00Z")
    assert again.exit_code == 0 and "Unchanged since version 0" in again.output, again.output


def test_import_and_import_git_take_the_headline_too(runner: CliRunner, tmp_path: Path):
    project = new_project(tmp_path)
    folder = tmp_path / "wh/eo-14290"
    folder.mkdir(parents=True)
    (folder / "2025-05-01T00-00-00Z.md").write_text(WHITE_HOUSE)
    (folder / "2025-05-02T00-00-00Z.md").write_text(
        WHITE_HOUSE.replace("receives federal funds", "receives public funds"))
    done = runner.invoke(main, ["import", "-C", str(project), str(tmp_path / "wh")])
    assert done.exit_code == 0, done.output
    versions = stored(project, "wh/eo-14290")
    assert [t for t, _ in versions] == ["Ending Taxpayer Subsidization of Biased Media"] * 2
    assert all("# Ending" not in body for _, body in versions)

    repo = tmp_path / "scraper"
    commit(repo, "2025-05-01T00:00:00Z", {"actions/eo-14290.md": WHITE_HOUSE})
    commit(repo, "2025-05-02T00:00:00Z", {"actions/eo-14290.md": WHITE_HOUSE.replace(
        "January 20, 2025", "Updated January 21, 2025")})
    done = runner.invoke(main, ["import-git", "-C", str(project), str(repo), "--source", "git"])
    assert done.exit_code == 0, done.output
    versions = stored(project, "git/eo-14290")
    assert [t for t, _ in versions] == ["Ending Taxpayer Subsidization of Biased Media"] * 2
    # The diff between them is the date line, not the headline.
    site = tmp_path / "site"
    build(project, site, search=False)
    page = changes(site / "git/eo-14290/v1/index.html")
    assert '<ins><span class="diff-sr">[added: </span>Updated' in page
    assert "Ending Taxpayer Subsidization of Biased Media" not in page
    version = (site / "git/eo-14290/v0/index.html").read_text()
    assert "<h2>Ending Taxpayer" not in version and "<h3>Ending Taxpayer" not in version


def test_a_leading_heading_is_not_left_in_the_body(runner: CliRunner, tmp_path: Path):
    project = new_project(tmp_path)
    for n, text in enumerate(["# Starmer speaks to allies\n\nOne.\n\nTwo.\n",
                              "Starmer speaks to allies\n========================\n\nOne.\n\n"
                              "Two, edited.\n"]):
        file = tmp_path / f"{n}.md"
        file.write_text(text)
        done = add(runner, project, "bbc/x", str(file), "--fetched", f"2025-03-0{n + 1}T00:00:00Z")
        assert done.exit_code == 0, done.output
    assert stored(project, "bbc/x") == [("Starmer speaks to allies", "One.\n\nTwo.\n"),
                                        ("Starmer speaks to allies", "One.\n\nTwo, edited.\n")]


def test_an_older_import_with_the_heading_in_its_body_is_not_a_change(runner: CliRunner,
                                                                      tmp_path: Path):
    project = new_project(tmp_path)
    folder = project / "content/bbc/x"
    folder.mkdir(parents=True)
    (folder / "2025-03-01T00-00-00Z.md").write_text(
        "---\ntitle: Starmer speaks to allies\nfetched: 2025-03-01T00:00:00Z\n---\n"
        "# Starmer speaks to allies\n\nOne.\n")
    file = tmp_path / "x.md"
    file.write_text("# Starmer speaks to allies\n\nOne.\n")
    done = add(runner, project, "bbc/x", str(file), "--fetched", "2025-03-02T00:00:00Z")
    assert done.exit_code == 0 and "Unchanged since version 0" in done.output, done.output


def test_section_headings_are_not_titles(runner: CliRunner, tmp_path: Path):
    # An RFC: its front lines, then "#" sections. No headline: the name stands in, and the
    # sections stay in the body.
    rfc = ("- Start Date: 2014-03-11\n- RFC PR: #1\n\n# Summary\n\nPrivate fields.\n\n"
           "# Motivation\n\nSafety.\n")
    project = new_project(tmp_path)
    repo = tmp_path / "rfcs"
    commit(repo, "2014-03-11T00:00:00Z", {"text/0001-private-fields.md": rfc})
    done = runner.invoke(main, ["import-git", "-C", str(project), str(repo)])
    assert done.exit_code == 0, done.output
    assert stored(project, "rfcs/0001-private-fields") == [("0001-private-fields", rfc)]
    # A paragraph of text before the only "#" heading: the heading is a section.
    text = ("The government announced on Monday that it would step up its support for the "
            "allies.\n\n# Reaction\n\nAllies welcomed it.\n")
    file = tmp_path / "story.md"
    file.write_text(text)
    assert add(runner, project, "bbc/y", str(file), "--title", "Support stepped up",
               "--fetched", "2025-03-01T00:00:00Z").exit_code == 0
    assert stored(project, "bbc/y") == [("Support stepped up", text)]
    # A title given that differs from the heading: the heading is kept.
    file.write_text("# Own heading\n\nText.\n")
    assert add(runner, project, "bbc/z", str(file), "--title", "Given title",
               "--fetched", "2025-03-01T00:00:00Z").exit_code == 0
    assert stored(project, "bbc/z") == [("Given title", "# Own heading\n\nText.\n")]


# --- Error pages -----------------------------------------------------------------------------

ERROR_PAGES = [
    ("# Not Found\n\nThe requested URL was not found on this server.\n", "404 Not Found"),
    ("Sorry, the page you are looking for does not exist.\n\n[Return to the homepage](/)\n",
     "Page not found | The Independent"),
    ("# 404\n\nPage not found\n", "Starmer speaks to allies"),  # a title given: the body tells
    ("Checking if the site connection is secure\n\nEnable JavaScript and cookies to continue\n",
     "Just a moment..."),
    ("You don't have permission to access this resource.\n\nReference #18.5f2\n",
     "Access Denied"),
    ("Error 404 (Not Found)!!\n\nThat's an error.\n", None),
    ("Sorry, this page isn't available.\n", None),
    ("## HTTP 500 - Internal Server Error\n\nSomething went wrong.\n", None),
]
ARTICLES = [
    # About an error page, not one: the title and first line only mention it.
    ("A 404 error means that the server could not find the page you asked for. " * 12,
     "What a 404 error really means"),
    ("# Page not found: why links rot\n\nResearchers found that a quarter of the links in "
     "news articles now lead to a page saying it could not be found.\n",
     "Page not found: why links rot"),
    # Short, legitimate.
    ("Sir Keir Starmer has held a call with leaders from the EU, Turkey and Canada.\n",
     "Starmer speaks to allies"),
    ("Access denied to the inquiry's papers, the court ruled on Monday.\n", "Court ruling"),
    ("The reviewer liked it a lot, and says so at length. " * 30, "Not Found"),
    ("word " * 400, "Page not found"),  # an error title on a long text
    ("Error 404: the film\n\nA thriller about a lost web page, reviewed.\n", "Error 404: the film"),
]


def test_error_pages_are_recognised_and_articles_are_not():
    from sitegen.ingest.errorpage import error_page

    for body, title in ERROR_PAGES:
        assert error_page(body, title), (body, title)
    for body, title in ARTICLES:
        assert error_page(body, title) is None, (body, title)


def test_an_error_page_is_not_a_version_nor_a_title(runner: CliRunner, tmp_path: Path):
    project = new_project(tmp_path)
    repo = tmp_path / "scraper"
    commit(repo, "2025-03-07T10:00:00Z", {"bbc.md": "# Starmer speaks to allies\n\nOne.\n"})
    commit(repo, "2025-03-07T11:00:00Z", {"bbc.md": "# 404 Not Found\n\nThe page you "
                                                    "requested could not be found.\n"})
    commit(repo, "2025-03-07T12:00:00Z", {"bbc.md": "One.\n\nTwo.\n"})  # no headline
    done = runner.invoke(main, ["import-git", "-C", str(project), str(repo), "--source", "bbc"])
    assert done.exit_code == 0, done.output
    assert "2 added (0 reverts among them), 0 unchanged, 1 error page skipped, 0 errors" \
        in done.output
    assert "scraper:bbc.md@" in done.output and "looks like an error page" in done.output
    assert [t for t, _ in stored(project, "bbc/bbc")] == ["Starmer speaks to allies"] * 2

    # One stored before error pages were skipped lends no title either.
    folder = project / "content/bbc/bbc"
    (folder / "2025-03-07T13-00-00Z.md").write_text(
        "---\ntitle: '404'\nfetched: 2025-03-07T13:00:00Z\n---\nPage not found\n")
    file = tmp_path / "next.md"
    file.write_text("One.\n\nTwo.\n\nThree.\n")
    done = add(runner, project, "bbc/bbc", str(file), "--fetched", "2025-03-07T14:00:00Z")
    assert done.exit_code == 0, done.output
    assert stored(project, "bbc/bbc")[-1][0] == "Starmer speaks to allies"

    # sitegen add refuses one, and says why.
    file.write_text("# Page not found\n\nSorry, the page you were looking for has been removed.\n")
    done = add(runner, project, "bbc/bbc", str(file), "--fetched", "2025-03-07T15:00:00Z")
    assert done.exit_code == 1
    assert "not stored: it looks like an error page, not the article (its title is " \
        "\"Page not found\")" in done.output
    assert len(stored(project, "bbc/bbc")) == 4


# --- Addresses -------------------------------------------------------------------------------


def test_a_capture_without_an_address_keeps_the_known_one(runner: CliRunner, tmp_path: Path):
    project = new_project(tmp_path)
    url = "https://www.bbc.com/news/articles/c9wpy9x890wo"
    texts = ["One.\n", "One, edited.\n", "One, edited again.\n"]
    for n, text in enumerate(texts):
        options = ["--url", url] if n == 0 else []
        done = add(runner, project, "bbc/x", "-", "--title", "Starmer speaks", *options,
                   "--fetched", f"2025-03-0{n + 2}T00:00:00Z", input=text.encode())
        assert done.exit_code == 0, done.output
    # A capture older than all of them takes the address too.
    done = add(runner, project, "bbc/x", "-", "--title", "Starmer speaks",
               "--fetched", "2025-03-01T00:00:00Z", input=b"Zero.\n")
    assert done.exit_code == 0, done.output
    files = sorted((project / "content/bbc/x").glob("*.md"))
    assert all(f"\nurl: {url}\n" in f.read_text() for f in files)
    site = tmp_path / "site"
    build(project, site, search=False, base_url="https://example.org/")
    page = changes(site / "bbc/x/v2/index.html")
    assert "Headline and details" not in page and "<del>" + url not in page
    assert "Url:" not in (site / "bbc/x/feed.rss").read_text()
    # A new address given is recorded, and is a change.
    done = add(runner, project, "bbc/x", "-", "--title", "Starmer speaks", "--url", url + "?x",
               "--fetched", "2025-03-05T00:00:00Z", input=b"One, edited once more.\n")
    assert done.exit_code == 0 and f"url: {url}?x" in sorted(
        (project / "content/bbc/x").glob("*.md"))[-1].read_text()


# --- lynx -dump link markers ---------------------------------------------------------------

LYNX = """   NPR
   [{a}]News [{b}]Culture [{c}]Music

   {story}

   [{d}]Today's Paper

References

   {a}. https://text.npr.org/news
   {b}. https://text.npr.org/culture
   {c}. https://text.npr.org/music
   {d}. https://text.npr.org/paper
"""
LYNX_RULES = r"""name: NPR (lynx -dump)
drop_inline:
  - '\[\d+\]'
drop_lines:
  - References
drop_patterns:
  - '\d+\. https?://\S+'
"""


def lynx(story: str, first: int) -> bytes:
    a, b, c, d = range(first, first + 4)
    return LYNX.format(a=a, b=b, c=c, d=d, story=story).encode()


def test_renumbered_link_markers_are_not_a_change(runner: CliRunner, tmp_path: Path):
    project = new_project(tmp_path)
    (project / "content/npr").mkdir()
    (project / "content/npr/_source.yaml").write_text(LYNX_RULES)
    story = "Congress passed the budget on Friday."
    captures = [lynx(story, 1), lynx(story, 7), lynx(story.replace("Friday", "Saturday"), 12)]
    said = []
    for n, data in enumerate(captures):
        done = add(runner, project, "npr/front", "-", "--format", "text", "--title", "NPR",
                   "--fetched", f"2025-01-0{n + 1}T00:00:00Z", input=data)
        assert done.exit_code == 0, done.output
        said.append(done.output)
    assert said[1].startswith("Unchanged since version 0")
    assert said[2].startswith("Added") and "(version 1)" in said[2]
    first = stored(project, "npr/front")[0][1]
    assert first == ("NPR\n\nNews Culture Music\n\nCongress passed the budget on Friday.\n\n"
                     "Today's Paper\n")
    files = sorted((project / "content/npr/front").glob("*.md"))
    diff = runner.invoke(main, ["diff", *map(str, files)])
    assert "[-Friday-]{+Saturday+}" in diff.output and diff.output.count("@@") == 1


def test_inline_rules_are_checked(tmp_path: Path):
    from sitegen.content.source import load_source_meta

    file = tmp_path / "_source.yaml"
    file.write_text("drop_inline:\n  - '\\d*'\n  - '(unclosed'\n  - ''\n")
    _, problems = load_source_meta(file, "content/x/_source.yaml")
    assert [str(p) for p in problems] == [
        "content/x/_source.yaml:2: drop_inline item 1 matches empty text: '\\\\d*'; "
        "make it match at least one character (e.g. '+' instead of '*')",
        "content/x/_source.yaml:3: drop_inline item 2 is not a valid regular expression "
        "(missing ), unterminated subpattern at position 0): '(unclosed'",
        "content/x/_source.yaml:4: drop_inline item 3 must be non-empty text, not ''; put it "
        "in quotes"]

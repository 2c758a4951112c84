"""Feeds: every feed parses in feedparser without complaint, and says what the archive says."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from sitegen.build import build
from sitegen.cli import main
from sitegen.content.loader import load_archive
from tests.conftest import ROOT, RUST_RFCS, need, version_file, write

BASE = "https://example.org/edits/"


def feeds_of(site: Path) -> list[Path]:
    return sorted([*site.rglob("*.atom"), *site.rglob("*.rss")])


def page_for(site: Path, link: str) -> Path:
    assert link.startswith(BASE), link
    rel = link[len(BASE):]
    return site / (rel + "index.html" if rel.endswith("/") or not rel else rel)


def check_feeds(site: Path, project: Path) -> dict[str, feedparser.FeedParserDict]:
    archive, _ = load_archive(project, project / "content")
    fetched = {f"{a.source}/{a.id}/v{v.number}": v.fetched for a in archive.articles()
               for v in a.versions}
    parsed = {}
    for path in feeds_of(site):
        feed = feedparser.parse(path.read_bytes())
        rel = path.relative_to(site).as_posix()
        assert not feed.bozo, (rel, feed.get("bozo_exception"))
        ids = [e.id for e in feed.entries]
        assert len(ids) == len(set(ids)), rel
        for entry in feed.entries:
            assert page_for(site, entry.link).is_file(), (rel, entry.link)
            match = re.search(r"/([^/]+/[^/]+)/(?:v(\d+)|diff/\d+-(\d+))/$", entry.link)
            assert match, entry.link
            number = match.group(2) or match.group(3)
            when = fetched[f"{match.group(1)}/v{number}"]
            assert entry.published_parsed[:6] == when.utctimetuple()[:6], (rel, entry.link)
        parsed[rel] = feed
    return parsed


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("feeds") / "site"
    build(ROOT, out, base_url=BASE, search=False)
    return out


def test_every_demo_feed_is_valid_and_true(demo: Path) -> None:
    parsed = check_feeds(demo, ROOT)
    assert len(parsed) == 2 * (1 + 1 + 4 + 4)  # site, headlines, 4 sources, 4 articles
    assert len(parsed["feed.atom"].entries) == 11  # every stored version
    bbc = parsed["bbc/c9wpy9x890wo/feed.rss"]
    assert [e.title.split(":")[0].split(" (")[0].split(",")[0] for e in bbc.entries] == [
        "Version 4", "Version 3", "Version 2", "Version 1", "First seen"]
    assert bbc.entries[0].link == BASE + "bbc/c9wpy9x890wo/diff/3-4/"
    atom = parsed["bbc/c9wpy9x890wo/feed.atom"]
    change = atom.entries[1].content[0].value
    assert "<del>flatly</del>" in change and "See the full diff" in change
    assert atom.entries[-1].link == BASE + "bbc/c9wpy9x890wo/v0/"
    headlines = parsed["feeds/headlines.atom"]
    assert [e.title for e in headlines.entries] == [
        "BBC News: Version 4, headline changed: «Starmer holds call with European allies in "
        "diplomatic push on Ukraine» → «Starmer urges allies to step up as Europe moves to "
        "boost defence spending»",
        "BBC News: Version 1, headline changed: «Starmer speaks to European allies in diplomatic"
        " push on Ukraine» → «Starmer holds call with European allies in diplomatic push on "
        "Ukraine»"]


def test_ids_are_stable_and_shared_across_feeds(demo: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build(ROOT, again, base_url=BASE, search=False, cache=False)
    for path in feeds_of(demo):
        assert path.read_bytes() == (again / path.relative_to(demo)).read_bytes()
    site = {e.link: e.id for e in feedparser.parse(demo / "feed.atom").entries}
    article = {e.link: e.id for e in feedparser.parse(demo / "bbc/c9wpy9x890wo/feed.atom").entries}
    assert all(site[link] == uid for link, uid in article.items())


def test_every_page_links_its_feeds(demo: Path) -> None:
    for page in demo.rglob("*.html"):
        text = page.read_text()
        if page.name == "404.html":
            continue
        assert 'rel="alternate" type="application/atom+xml"' in text, page
    history = (demo / "bbc/c9wpy9x890wo/index.html").read_text()
    assert 'href="feed.atom" type="application/atom+xml">Atom feed</a>' in history
    assert 'href="feed.atom" type="application/atom+xml">Atom feed</a>' in (demo / "index.html").read_text()
    assert 'href="feed.rss" type="application/rss+xml">RSS feed</a>' in (demo / "bbc/index.html").read_text()


def test_feed_entries_setting(tmp_path: Path, project: Path) -> None:
    for n in range(2, 6):
        write(project / f"content/paper/story/{n}.md",
              version_file(f"Headline {n}", f"2025-03-0{n + 1}T10:00:00Z", f"Text {n}.\n"))
    write(project / "sitegen.yaml", "feed_entries: 3\n")
    build(project, tmp_path / "out", base_url=BASE, search=False)
    for path in feeds_of(tmp_path / "out"):
        assert len(feedparser.parse(path.read_bytes()).entries) == 3


def test_entries_speak_as_the_site_does(tmp_path: Path, project: Path) -> None:
    """Times in the site's zone (as every page gives them), fields by the names the diff
    page uses."""
    write(project / "content/paper/story/c.md", version_file(
        "Second headline", "2025-07-07T18:30:00Z", "One.\n\nTwo, changed again.\n",
        url="https://paper.example/story"))
    write(project / "sitegen.yaml", "timezone: America/New_York\n")
    build(project, tmp_path / "out", base_url=BASE, search=False)
    feed = feedparser.parse((tmp_path / "out/paper/story/feed.atom").read_bytes())
    latest, change, first = (e.content[0].value for e in feed.entries)
    assert "Version 1 was fetched 7 March 2025, 08:00 EST; version 2, 7 July 2025, 14:30 EDT" \
        in latest
    assert "First seen 7 March 2025, 05:00 EST." in first
    assert "<p>Address: " in latest and "Url" not in latest
    assert "UTC" not in latest + change + first


def test_without_base_url_no_feed_is_written(project: Path, tmp_path: Path) -> None:
    result = build(project, tmp_path / "out", search=False)
    assert feeds_of(tmp_path / "out") == []
    assert "application/atom+xml" not in (tmp_path / "out/index.html").read_text()
    assert any("no feeds" in w for w in result.warnings)


def test_hostile_text_keeps_feeds_valid(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(ROOT / "tests/fixtures/hostile", root)
    build(root, tmp_path / "out", search=False, base_url=BASE)
    parsed = check_feeds(tmp_path / "out", root)
    assert parsed
    for path in feeds_of(tmp_path / "out"):
        raw = path.read_text()
        # Markup from the input appears only escaped (as &lt;script&gt; inside the XML).
        assert not re.search(r"<(script|img|iframe|svg|style)\b", raw), path
    title = parsed["xss/vector-0/feed.atom"].entries[0].title
    assert "<script>alert(1)</script>" in title  # shown as text, escaped in the XML


def test_rust_rfcs_feeds(tmp_path: Path) -> None:
    corpus = need(RUST_RFCS, "the rust-rfcs corpus")
    project = tmp_path / "rfcs"
    (project / "content").mkdir(parents=True)
    done = CliRunner().invoke(main, ["import", str(corpus), "--source", "rust-rfcs",
                                     "-C", str(project)])
    assert done.exit_code == 0, done.output
    build(project, tmp_path / "out", base_url=BASE, search=False)
    parsed = check_feeds(tmp_path / "out", project)
    assert len(parsed) == 2 * (2 + 1 + 120)
    assert len(parsed["feed.atom"].entries) == 50

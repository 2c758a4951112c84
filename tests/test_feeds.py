"""Feeds: every feed parses in feedparser without complaint, and says what the archive says."""

from __future__ import annotations

import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import pytest
import yaml
from click.testing import CliRunner

from sitegen import stages
from sitegen.build import build
from sitegen.cli import main
from sitegen.content.loader import load_archive
from tests.conftest import ROOT, RUST_RFCS, need, version_file, write

BASE = "https://example.org/edits/"


def feeds_of(site: Path) -> list[Path]:
    return sorted([*site.rglob("*.atom"), *site.rglob("*.rss")])


def page_for(site: Path, link: str) -> Path:
    assert link.startswith(BASE), link
    rel = link[len(BASE):].removesuffix("#changes")
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
            if rel == "stories/feed.rss":  # an entry per article that joined a story
                assert re.search(r"/stories/[^/]+/$", entry.link), entry.link
                continue
            match = re.search(r"/([^/]+/[^/]+)/v(\d+)/(#changes)?$", entry.link)
            assert match, entry.link
            assert bool(match.group(3)) == (match.group(2) != "0"), entry.link
            when = fetched[f"{match.group(1)}/v{match.group(2)}"]
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
    # Atom and RSS for the site, its headlines and the 4 sources; RSS for the 4 articles.
    assert len(parsed) == 2 * (1 + 1 + 4) + 4 + 1  # and the stories feed
    assert len(parsed["feed.atom"].entries) == 12  # every stored version
    bbc = parsed["bbc/c9wpy9x890wo/feed.rss"]
    assert [e.title.split(":")[0].split(" (")[0].split(",")[0] for e in bbc.entries] == [
        "Version 4", "Version 3", "Version 2", "Version 1", "First seen"]
    assert bbc.entries[0].link == BASE + "bbc/c9wpy9x890wo/v4/#changes"
    change = bbc.entries[1].summary
    assert "<del>flatly</del>" in change and "See the change in the archive" in change
    restyle = bbc.entries[2].summary  # 1-2: quotes and apostrophes made curly
    assert "<strong>Cosmetic change</strong>: only quotation marks and apostrophes changed." \
        in restyle
    assert "(14 restyled paragraphs and 7 unchanged paragraphs not shown here)" in restyle
    rewrite = bbc.entries[0].summary  # the old headline's end, then the new words
    assert "<p>Headline: Starmer <del>holds call with European allies in diplomatic push on " \
        "Ukraine</del> <ins>urges allies to step up" in rewrite
    assert bbc.entries[-1].link == BASE + "bbc/c9wpy9x890wo/v0/"
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
    article = {e.link: e.id for e in feedparser.parse(demo / "bbc/c9wpy9x890wo/feed.rss").entries}
    assert all(site[link] == uid for link, uid in article.items())


def test_every_page_links_its_feeds(demo: Path) -> None:
    for page in demo.rglob("*.html"):
        text = page.read_text()
        if page.name == "404.html":
            continue
        assert 'rel="alternate" type="application/atom+xml"' in text, page
    history = (demo / "bbc/c9wpy9x890wo/index.html").read_text()
    assert 'href="feed.rss" type="application/rss+xml">RSS feed</a>' in history
    assert "feed.atom" not in history.split("</head>")[1]  # one feed for one article
    assert 'href="feed.atom" type="application/atom+xml">Atom feed</a>' in (demo / "index.html").read_text()
    assert 'href="feed.rss" type="application/rss+xml">RSS feed</a>' in (demo / "bbc/index.html").read_text()


def test_feed_entries_setting(tmp_path: Path, project: Path) -> None:
    for n in range(2, 6):
        write(project / f"content/paper/story/{n}.md",
              version_file(f"Headline {n}", f"2025-03-0{n + 1}T10:00:00Z", f"Text {n}.\n"))
    write(project / "sitegen.yaml", "feed_entries: 3\n")
    build(project, tmp_path / "out", base_url=BASE, search=False)
    for path in feeds_of(tmp_path / "out"):
        if path.parent.name != "stories":  # (one source: no story)
            assert len(feedparser.parse(path.read_bytes()).entries) == 3


def test_entries_speak_as_the_site_does(tmp_path: Path, project: Path) -> None:
    """Times in the site's zone (as every page gives them), fields by the names the diff
    page uses."""
    write(project / "content/paper/story/c.md", version_file(
        "Second headline", "2025-07-07T18:30:00Z", "One.\n\nTwo, changed again.\n",
        url="https://paper.example/story"))
    write(project / "sitegen.yaml", "timezone: America/New_York\n")
    build(project, tmp_path / "out", base_url=BASE, search=False)
    feed = feedparser.parse((tmp_path / "out/paper/story/feed.rss").read_bytes())
    latest, change, first = (e.summary for e in feed.entries)
    assert "Version 1 was fetched 7 March 2025, 08:00 EST; version 2, 7 July 2025, 14:30 EDT" \
        in latest
    assert "First seen 7 March 2025, 05:00 EST." in first
    assert "<p>Address: " in latest and "Url" not in latest
    assert "UTC" not in latest + change + first


def test_a_second_build_in_one_process_keeps_the_feeds_entries(
        tmp_path: Path, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A preview's rebuild after one new version takes the other articles' feed entries from
    its own memory, not by making them again (the bulk of a rebuild on rust-rfcs)."""
    for n in range(5):
        write(project / f"content/paper/other-{n}/a.md",
              version_file(f"Other {n}", f"2025-03-0{n + 1}T09:00:00Z", f"Text {n}.\n"))
    build(project, tmp_path / "out", base_url=BASE, search=False, jobs=1)
    write(project / "content/paper/story/c.md",
          version_file("Third headline", "2025-03-09T10:00:00Z", "One.\n\nThree.\n"))

    def not_again(*args: object) -> None:
        raise AssertionError("feed entries made again")

    monkeypatch.setattr(stages, "make_entries", not_again)
    build(project, tmp_path / "out", base_url=BASE, search=False, jobs=1)
    monkeypatch.undo()
    build(project, tmp_path / "clean", base_url=BASE, search=False, jobs=1, cache=False)
    for path in feeds_of(tmp_path / "clean"):
        rel = path.relative_to(tmp_path / "clean")
        assert (tmp_path / "out" / rel).read_bytes() == path.read_bytes(), rel


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
    title = parsed["xss/vector-0/feed.rss"].entries[0].title
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
    assert len(parsed) == 2 * (2 + 1) + 120 + 1  # and the stories feed
    assert len(parsed["feed.atom"].entries) == 50


# Markup an attacker might put in a headline, a source's name or the site's title.
PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "<svg onload=alert(1)>",
    "\"><img src=x onerror=alert(1)>",
    "'><svg/onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<body onload=alert(1)>",
    "<style>*{background:url(javascript:alert(1))}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "]]><img src=x onerror=alert(1)>",
    "<![CDATA[<img src=x onerror=alert(1)>]]>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<base href=\"//evil.example/\">",
    "<meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">",
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<<img src=x onerror=alert(1)//<",
    "&lt;img src=x onerror=alert(1)&gt;",
    "&#60;img src=x onerror=alert(1)&#62;",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<template><img src=x onerror=alert(1)></template>",
    "AT&T <b>bold</b> & <i>Q&A</i>",
]
ATOM = "{http://www.w3.org/2005/Atom}"
# What the entries' own HTML (the change) is made of; anything else came from the input.
CONTENT_TAGS = {"p", "strong", "em", "a", "del", "ins", "code", "pre", "blockquote", "ul",
                "ol", "li", "h2", "h3", "h4", "h5", "h6", "hr", "br"}


class Fragment(HTMLParser):
    """What an HTML fragment holds once a reader decodes it: its elements and its text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.parts: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_comment(self, data: str) -> None:
        self.elements.append(("!--", {}))

    def handle_decl(self, decl: str) -> None:
        self.elements.append(("!", {}))

    def unknown_decl(self, data: str) -> None:
        self.elements.append(("![", {}))

    @property
    def text(self) -> str:
        return "".join(self.parts)


def hostile_feeds_project(root: Path) -> Path:
    """The payloads as headlines (changed once each), as source names and as the title."""
    write(root / "sitegen.yaml", yaml.safe_dump({"title": f"Site {PAYLOADS[0]}"}))
    sources = 4
    for n, payload in enumerate(PAYLOADS):
        folder = root / f"content/s{n % sources}/a{n}"
        for v, headline in enumerate((payload, f"{payload} (now {PAYLOADS[-1 - n]})")):
            front = yaml.safe_dump({"title": headline}, allow_unicode=True, width=1000)
            write(folder / f"{v}.md", f"---\n{front}fetched: 2025-03-0{v + 1}T10:{n:02}:00Z\n"
                                      f"---\nA paragraph {v}.\n")
    for s in range(sources):
        write(root / f"content/s{s}/_source.yaml",
              yaml.safe_dump({"name": f"Source {PAYLOADS[-1 - s]}"}, width=1000))
    return root


def test_markup_in_headlines_and_names_stays_text_in_every_feed(tmp_path: Path) -> None:
    """Each field is HTML-escaped exactly where the format says it holds HTML (RSS
    descriptions, Atom type="html"), and plain text everywhere else."""
    root = hostile_feeds_project(tmp_path / "p")
    site = tmp_path / "out"
    build(root, site, search=False, base_url=BASE)
    check_feeds(site, root)
    payload_titles = 0
    for path in sorted(site.rglob("*.rss")):  # every scope has RSS; all but articles Atom too
        rel = path.relative_to(site).as_posix()
        rss = ElementTree.parse(path).getroot().find("channel")
        titles = [rss.findtext("title")] + [i.findtext("title") for i in rss.iter("item")]
        titles += [i.findtext("{http://purl.org/dc/elements/1.1/}creator")
                   for i in rss.iter("item")]
        for item in rss.iter("item"):
            check_content(rel, item.findtext("description"))
        channel = feedparser.parse(path).feed
        # RSS descriptions are HTML: the channel's holds no element, only escaped text.
        check_heading(rel, rss.findtext("description"), html.unescape(channel.subtitle))
        if path.with_suffix(".atom").exists():
            atom = ElementTree.parse(path.with_suffix(".atom")).getroot()
            assert atom.find(f"{ATOM}subtitle").get("type") is None  # text
            subtitle = atom.findtext(f"{ATOM}subtitle")
            # ... and it reads, once decoded, as Atom's subtitle.
            check_heading(rel, rss.findtext("description"), subtitle)
            for entry in atom.iter(f"{ATOM}entry"):
                summary = entry.find(f"{ATOM}summary")
                assert summary.get("type") == "html"
                check_heading(rel, summary.text, entry.findtext(f"{ATOM}title"))
                assert entry.find(f"{ATOM}content").get("type") == "html"
                check_content(rel, entry.findtext(f"{ATOM}content"))
            # Titles and authors are text: each payload as written, escaped only for XML.
            titles += [atom.findtext(f"{ATOM}title")]
            titles += [e.findtext(f"{ATOM}title") for e in atom.iter(f"{ATOM}entry")]
            titles += [e.findtext(f"{ATOM}author/{ATOM}name")
                       for e in atom.iter(f"{ATOM}entry")]
            # feedparser (which sanitises what it takes for HTML) reads the same.
            summaries = [html.unescape(e.summary)
                         for e in feedparser.parse(path.with_suffix(".atom")).entries]
            assert summaries == [e.findtext(f"{ATOM}title") for e in atom.iter(f"{ATOM}entry")]
        else:
            assert "/" in rel, rel  # only an article's feed is RSS alone
        payload_titles += sum(p in t for t in titles for p in PAYLOADS)
    assert payload_titles > 6 * len(PAYLOADS)
    home = ElementTree.parse(site / "feed.atom").getroot()
    assert home.findtext(f"{ATOM}title") == f"Site {PAYLOADS[0]}: latest changes"


def check_heading(rel: str, value: str | None, text: str | None) -> None:
    """An HTML field holding a heading: no element at all, and the text escaped once."""
    decoded = Fragment(value or "")
    assert decoded.elements == [], (rel, value)
    assert decoded.text == text, (rel, value)


def check_content(rel: str, value: str | None) -> None:
    """An entry's change: only the elements the diff renderer makes, links into the site."""
    for tag, attrs in Fragment(value or "").elements:
        assert tag in CONTENT_TAGS, (rel, tag, value)
        assert set(attrs) <= {"class", "href"}, (rel, tag, attrs)
        if "href" in attrs:
            assert tag == "a" and (attrs["href"] or "").startswith(BASE), (rel, attrs)

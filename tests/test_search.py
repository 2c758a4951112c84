"""Search: the per-article index documents, and the search page in a real browser."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.content.loader import load_archive
from sitegen.search import Indexing, document, section_token, sections
from tests.conftest import ROOT, version_file, write
from tests.pages_server import serve


def demo_article(source: str, article: str):
    archive, problems = load_archive(ROOT, ROOT / "content")
    assert problems == []
    src = next(s for s in archive.sources if s.id == source)
    return next(a for a in src.articles if a.id == article), src


def test_section_tokens() -> None:
    assert section_token([0, 1, 2, 4]) == "v0to2v4"
    assert section_token([3]) == "v3"


def test_each_distinct_block_is_indexed_once_with_its_versions() -> None:
    article, _ = demo_article("bbc", "c9wpy9x890wo")
    found = sections(article)
    blocks = [b for _, _, texts in found for b in texts]
    assert len(blocks) == len(set(blocks))
    def where(start: str) -> list[int]:
        (numbers,) = [n for n, _, texts in found for b in texts if b.startswith(start)]
        return numbers

    # Dropped in version 3; version 2's typographic quotes do not split it (cosmetic).
    assert where("According to UK officials about") == [0, 1, 2]
    assert where("Russia has flatly rejected such") == [0, 1, 2]
    assert where("Ms Reeves said the government w") == [4]
    assert found[0][0] == [4]  # current text first
    titles = {t: numbers for numbers, ts, _ in found for t in ts}
    assert titles["Starmer speaks to European allies in diplomatic push on Ukraine"] == [0]


def test_index_document_escapes_everything(tmp_path: Path) -> None:
    write(tmp_path / "content/s/a/v.md", version_file(
        "'<script>alert(1)</script>'", "2025-03-07T10:00:00Z", "<img src=x onerror=alert(1)>\n"))
    archive, _ = load_archive(tmp_path, tmp_path / "content")
    html = document(archive.sources[0].articles[0], archive.sources[0], "en")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("search") / "site"
    build(ROOT, out)
    return out


def open_search(browser, url: str):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector("body[data-search-ready]", timeout=15000)
    page.errors = errors
    return page


def results(page) -> list[str]:
    """Titles of the results, once the status announces them (it is set after rendering)."""
    query = page.input_value("#q")
    page.wait_for_function(
        "q => { const s = document.getElementById('search-status').textContent;"
        " return s.endsWith(`“${q}”.`); }", arg=query, timeout=15000)
    return page.locator(".result-title").all_inner_texts()


@pytest.mark.parametrize("prefix", ["/", "/some-repo/"])
def test_search_current_text_and_removed_text(demo_site: Path, browser, prefix: str) -> None:
    with serve(demo_site, prefix) as root:
        page = open_search(browser, root + "search/")
        page.fill("#q", "\"video call\"")  # (the live blog's 7 March entry has "by video")
        page.press("#q", "Enter")
        assert results(page) == ["Starmer urges allies to step up as Europe moves to boost defence spending"]
        assert "In the current text" in page.locator(".match").first.text_content()

        page.fill("#q", '"flatly rejected"')
        page.press("#q", "Enter")
        titles = results(page)
        assert "Starmer urges allies to step up as Europe moves to boost defence spending" in titles
        bbc = page.locator(".result", has_text="Starmer urges allies")
        match = bbc.locator(".match").first
        assert "Removed in version 3" in match.text_content()
        assert "found in versions 0–2" in match.text_content()
        hrefs = match.locator("a").evaluate_all("els => els.map(e => e.href)")
        assert hrefs == [root + "bbc/c9wpy9x890wo/v2/", root + "bbc/c9wpy9x890wo/v3/#changes"]
        assert match.locator(".excerpt mark").first.inner_text().lower() == "flatly"
        # The headline links to the article's page (the address in the document's metadata,
        # not Pagefind's own URL for the document's file).
        assert bbc.locator(".result-title a").evaluate("e => e.href") == root + "bbc/c9wpy9x890wo/"

        page.fill("#q", "Hegseth")  # five places in the article's history: four are shown
        page.press("#q", "Enter")
        results(page)
        bbc = page.locator(".result", has_text="Starmer urges allies")
        assert bbc.locator(".match").count() == 4
        assert bbc.locator("p.muted").inner_text() == "and 1 more place in its history"
        # The version the phrase was in really has it.
        page.goto(hrefs[0])
        assert "Russia has flatly rejected" in page.locator(".prose").inner_text()
        assert page.errors == []
        page.close()


def test_source_filter_year_filter_and_sort(demo_site: Path, browser) -> None:
    with serve(demo_site, "/") as root:
        page = open_search(browser, root + "search/?q=Starmer")
        assert len(results(page)) == 5  # the four articles and their story
        story = page.locator(".result", has_text="Told by 4 articles")
        assert story.locator(".kicker").text_content() == "Story across sources"
        assert story.locator(".result-title a").evaluate("e => e.href") == \
            root + "stories/independent-starmer-trump-ukraine-live/"
        page.select_option("#filter-source", "Shropshire Star")
        page.wait_for_function("location.search.includes('source=')")
        assert results(page) == ["Starmer to speak to European allies amid diplomatic push on Ukraine"]
        page.select_option("#filter-source", "")
        page.select_option("#sort", "date")
        page.wait_for_function("location.search.includes('sort=date')")
        titles = [t for t in results(page) if t != story.locator(".result-title").inner_text()]
        assert titles[0] == "Starmer urges allies to step up as Europe moves to boost defence spending"
        # The PA copy's latest version is the oldest latest one (7 March, 07:48).
        assert titles[-1] == "Starmer to speak to European allies amid diplomatic push on Ukraine"
        assert page.locator("#filter-year option").all_inner_texts() == ["Any year", "2025 (4)"]
        page.close()


def test_header_form_leads_to_results(demo_site: Path, browser) -> None:
    with serve(demo_site, "/") as root:
        page = browser.new_page()
        page.goto(root + "bbc/")
        page.fill("#site-q", "Reeves")
        page.press("#site-q", "Enter")
        page.wait_for_selector("body[data-search-ready]")
        assert page.url == root + "search/?q=Reeves"
        assert len(results(page)) >= 2
        page.close()


def test_without_javascript_the_page_says_so(demo_site: Path, browser) -> None:
    with serve(demo_site, "/") as root:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(root + "search/")
        assert "needs JavaScript, which is turned off" in page.inner_text("main")
        context.close()


def test_hostile_text_stays_text_in_results(tmp_path: Path, browser) -> None:
    root_dir = tmp_path / "p"
    body = 'Zebra <img src=x onerror="window.pwned=1"> <script>window.pwned=2</script>\n'
    write(root_dir / "content/s/a/v.md", version_file(
        "'Zebra <b onmouseover=alert(1)>title</b>'", "2025-03-07T10:00:00Z", body))
    build(root_dir, tmp_path / "out")
    with serve(tmp_path / "out", "/") as root:
        page = open_search(browser, root + "search/?q=zebra")
        assert results(page) == ["Zebra <b onmouseover=alert(1)>title</b>"]
        assert page.locator(".result img, .result script, .result b").count() == 0
        assert page.evaluate("window.pwned") is None
        assert "<img src=x" in page.locator(".excerpt").first.inner_text()
        page.close()


def test_a_large_archive_is_indexed_in_parts_searched_as_one(tmp_path: Path, browser,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import sitegen.search

    monkeypatch.setattr(sitegen.search, "SHARD_SIZE", 2)  # 5 articles: 4 parts
    root = tmp_path / "p"
    for n in range(5):
        write(root / f"content/s{n % 2}/a{n}/v.md", version_file(
            f"Article {n}", f"2025-0{n + 1}-01T10:00:00Z", f"Common word quokka {n}.\n"))
    build(root, tmp_path / "out")
    parts = sorted(p.name for p in (tmp_path / "out/pagefind").iterdir() if p.name.startswith("s"))
    assert parts == ["s1", "s2", "s3"]
    assert not (tmp_path / "out/pagefind/s1/pagefind.js").exists()  # the first part's runs all
    with serve(tmp_path / "out", "/repo/") as site:
        page = open_search(browser, site + "search/?q=quokka")
        assert len(results(page)) == 5
        assert page.locator("#filter-source option").all_inner_texts() == [
            "All sources", "s0 (3)", "s1 (2)"]
        page.close()
    # Changing one article re-indexes only its part.
    before = {p.relative_to(tmp_path / "out").as_posix(): p.read_bytes()
              for p in (tmp_path / "out/pagefind").rglob("*") if p.is_file()}
    write(root / "content/s0/a0/w.md", version_file("Article 0 again", "2025-06-01T10:00:00Z",
                                                   "Common word quokka, changed.\n"))
    build(root, tmp_path / "out")
    after = {p.relative_to(tmp_path / "out").as_posix(): p.read_bytes()
             for p in (tmp_path / "out/pagefind").rglob("*") if p.is_file()}
    def part(path: str) -> str:
        found = re.match(r"pagefind/(s\d+)/", path)
        return found.group(1) if found else "s0"

    differing = (set(before) ^ set(after)) | {p for p in before if before[p] != after.get(p)}
    assert len({part(p) for p in differing}) == 1


def seven_articles(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A project of 7 articles over 3 sources, indexed in 4 parts of 2."""
    import sitegen.search

    monkeypatch.setattr(sitegen.search, "SHARD_SIZE", 2)
    for n in range(7):
        write(root / f"content/s{n % 3}/a{n}/v.md", version_file(
            f"Article {n}", f"2025-0{n + 1}-01T10:00:00Z", f"Word wombat {n}, and more.\n"))


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_parts_indexed_side_by_side_give_the_same_index(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind runs for several parts at once (one per worker): the bundle must be the same
    bytes as when they run one after another."""
    root = tmp_path / "p"
    seven_articles(root, monkeypatch)
    trees = []
    for jobs in (1, 2):
        build(root, tmp_path / f"out{jobs}", jobs=jobs, cache=False)
        trees.append(tree(tmp_path / f"out{jobs}"))
    assert trees[0] == trees[1]
    assert len([p for p in trees[0] if re.match(r"pagefind/s\d+/pagefind-entry\.json$", p)]) == 3


def test_a_failing_part_fails_the_build_and_changes_nothing(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """One Pagefind run failing among several at once: the build stops with its error, the
    previous site and the saved search documents stay as they were."""
    from sitegen.errors import SitegenError

    root, out = tmp_path / "p", tmp_path / "out"
    seven_articles(root, monkeypatch)
    build(root, out, jobs=2)
    site, cache = tree(out), tree(root / ".sitegen-cache")
    for n in range(7):  # every part has a changed document
        write(root / f"content/s{n % 3}/a{n}/w.md", version_file(
            f"Article {n}, later", f"2025-0{n + 1}-02T10:00:00Z", f"Word wombat {n}, edited.\n"))
    real = Indexing.start

    def start(self: Indexing) -> None:  # part 2's Pagefind fails as it would, by its status
        if self.shard != 2:
            return real(self)
        with (self.folder / "pagefind.log").open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", "print('Error: out of memory'); raise SystemExit(3)"],
                stdout=log, stderr=subprocess.STDOUT)

    monkeypatch.setattr(Indexing, "start", start)
    with pytest.raises(SitegenError, match=r"pagefind exit status 3\): Error: out of memory"):
        build(root, out, jobs=2)
    assert tree(out) == site
    assert {p: b for p, b in tree(root / ".sitegen-cache").items() if p.startswith("search-")} \
        == {p: b for p, b in cache.items() if p.startswith("search-")}


def test_pagefind_indexes_while_the_lists_are_made_and_stops_if_they_fail(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parts of the index are started before the list pages are rendered (Pagefind is a
    process of its own); if the build fails meanwhile, the runs are stopped and their folders
    removed, and the previous site stays."""
    from sitegen import stages
    from sitegen.errors import SitegenError

    root, out = tmp_path / "p", tmp_path / "out"
    seven_articles(root, monkeypatch)
    started: list[Indexing] = []
    seen: list[int] = []
    real_start, real_lists = Indexing.start, stages.render_lists

    def start(self: Indexing) -> None:
        started.append(self)
        real_start(self)

    def lists(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(len(started))
        return real_lists(*args, **kwargs)

    monkeypatch.setattr(Indexing, "start", start)
    monkeypatch.setattr(stages, "render_lists", lists)
    build(root, out, jobs=2)
    assert seen == [2]  # two of the four parts under way before the lists (one per job)
    assert len(started) == 4
    # each run's folder is beside the documents (so they are linked, not copied)
    assert {p.folder.parent for p in started} == {root / ".sitegen-cache"}
    site = tree(out)

    write(root / "content/s0/a0/w.md", version_file(
        "Article 0, later", "2025-01-02T10:00:00Z", "Word wombat 0, edited.\n"))
    started.clear()

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        assert started and started[0].process is not None
        raise SitegenError("the lists failed")

    monkeypatch.setattr(stages, "render_lists", failing)
    with pytest.raises(SitegenError, match="the lists failed"):
        build(root, out, jobs=2)
    assert [p.process.returncode is not None for p in started] == [True]
    assert not any(p.folder.exists() for p in started)
    assert tree(out) == site


def test_stopping_the_runs_waits_for_each_even_when_one_is_interrupted() -> None:
    """Every run is killed first, then each is waited for and its folder removed, even if
    waiting for one is interrupted (a second Ctrl-C); the interruption is raised after."""
    from sitegen.search import close_all

    done: list[str] = []

    class Part:
        def __init__(self, name: str, fails: bool = False):
            self.name, self.fails = name, fails

        def stop(self) -> None:
            done.append(f"stop {self.name}")

        def close(self) -> None:
            done.append(f"close {self.name}")
            if self.fails:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        close_all([Part("a"), Part("b", fails=True), Part("c")])  # type: ignore[list-item]
    assert done == ["stop a", "stop b", "stop c", "close a", "close b", "close c"]


def watch_runs(monkeypatch: pytest.MonkeyPatch) -> tuple[list[Indexing], list[Indexing]]:
    """(runs started before the record was loaded, runs whose index the build used)."""
    from sitegen import cache, search_ahead

    early: list[Indexing] = []
    used: list[Indexing] = []
    real_ahead, real_result, real_load = (search_ahead.start, Indexing.result,
                                          cache.Cache.load_state)

    def ahead(*args, **kwargs):  # type: ignore[no-untyped-def]
        started = real_ahead(*args, **kwargs)
        early.extend(a.part for a in started.values())
        return started

    def load(self, quick):  # type: ignore[no-untyped-def]
        assert all(part.started for part in early)  # started before the record is read
        return real_load(self, quick)

    def result(self: Indexing):  # type: ignore[no-untyped-def]
        used.append(self)
        return real_result(self)

    monkeypatch.setattr(search_ahead, "start", ahead)
    monkeypatch.setattr(cache.Cache, "load_state", load)
    monkeypatch.setattr(Indexing, "result", result)
    return early, used


def test_a_small_change_is_reindexed_from_before_the_record_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One article changed, one removed: their parts' runs start from the content keys,
    before the record is loaded, and the build takes them over; the site is a clean
    build's."""
    root, out = tmp_path / "p", tmp_path / "out"
    seven_articles(root, monkeypatch)
    build(root, out, jobs=2)
    early, used = watch_runs(monkeypatch)
    write(root / "content/s0/a0/w.md", version_file(
        "Article 0, later", "2025-01-02T10:00:00Z", "Word wombat 0, edited.\n"))
    build(root, out, jobs=2)
    assert len(early) == 1 and used == early
    assert not early[0].folder.exists()
    assert tree(out) == tree(build(root, tmp_path / "clean", cache=False).output)

    early.clear(), used.clear()
    for path in (root / "content/s1/a4").iterdir():
        path.unlink()
    (root / "content/s1/a4").rmdir()
    build(root, out, jobs=2)
    assert len(early) == 1 and used == early
    assert tree(out) == tree(build(root, tmp_path / "clean2", cache=False).output)
    assert [p.name for p in (root / ".sitegen-cache").iterdir()
            if "ahead" in p.name or "pagefind" in p.name] == []


def test_an_early_run_over_other_documents_is_stopped_and_the_part_indexed_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The early run indexes a document unlike the one the article's job makes: the build
    stops it and indexes the part from the job's documents."""
    from sitegen import search_ahead

    root, out = tmp_path / "p", tmp_path / "out"
    seven_articles(root, monkeypatch)
    build(root, out, jobs=1)
    early, used = watch_runs(monkeypatch)
    real_document = search_ahead.document
    monkeypatch.setattr(search_ahead, "document", lambda *a: real_document(*a) + " ")
    write(root / "content/s0/a0/w.md", version_file(
        "Article 0, later", "2025-01-02T10:00:00Z", "Word wombat 0, edited.\n"))
    build(root, out, jobs=1)
    assert len(early) == 1 and len(used) == 1 and used[0] is not early[0]
    assert early[0].process is not None and early[0].process.returncode is not None
    assert not early[0].folder.exists()
    assert tree(out) == tree(build(root, tmp_path / "clean", cache=False).output)


def test_no_early_run_for_a_large_change_and_none_left_by_a_failed_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Changes in more parts than run at once are indexed as before; a build that fails
    after its early run started (on a template error) stops it and leaves no folder of
    its."""
    from sitegen.errors import BuildError

    root, out = tmp_path / "p", tmp_path / "out"
    seven_articles(root, monkeypatch)
    build(root, out, jobs=2)
    early, used = watch_runs(monkeypatch)
    for n in range(7):
        write(root / f"content/s{n % 3}/a{n}/w.md", version_file(
            f"Article {n}, later", f"2025-0{n + 1}-02T10:00:00Z", f"Word wombat {n}, edited.\n"))
    build(root, out, jobs=2)
    assert early == [] and len(used) == 4

    site = tree(out)
    write(root / "content/s0/a0/x.md", version_file(
        "Article 0, again", "2025-01-03T10:00:00Z", "Word wombat 0, edited again.\n"))
    write(root / "themes/default/templates/version.html", "{{ no_such_thing.here }}\n")
    with pytest.raises(BuildError) as failed:
        build(root, out, jobs=2)
    assert "template error" in str(failed.value.problems[0])
    assert len(early) == 1 and early[0].process.returncode is not None
    assert not early[0].folder.exists()
    assert tree(out) == site
    assert [p.name for p in (root / ".sitegen-cache").iterdir()
            if "ahead" in p.name or "pagefind" in p.name] == []


def test_a_guess_that_cannot_be_made_leaves_the_build_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file system error while making the early documents, or a document of the part
    missing from the cache, starts no early run; the build indexes as before, making the
    lost document again."""
    from sitegen import search_ahead

    root, out = tmp_path / "p", tmp_path / "out"
    seven_articles(root, monkeypatch)
    build(root, out, jobs=1)
    early, used = watch_runs(monkeypatch)

    def full_disk(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(search_ahead, "write_file", full_disk)
    write(root / "content/s0/a0/w.md", version_file(
        "Article 0, later", "2025-01-02T10:00:00Z", "Word wombat 0, edited.\n"))
    build(root, out, jobs=1)
    assert early == [] and len(used) == 1
    assert tree(out) == tree(build(root, tmp_path / "clean", cache=False).output)
    monkeypatch.undo()
    seven_articles(root, monkeypatch)  # (the part size again)
    early, used = watch_runs(monkeypatch)
    docs = next((root / ".sitegen-cache").glob("search-*"))
    (docs / "s0/a3.html").unlink()  # in a1's part
    write(root / "content/s1/a1/x.md", version_file(
        "Article 1, again", "2025-01-03T10:00:00Z", "Word wombat 1, edited again.\n"))
    build(root, out, jobs=1)  # the lost document is made again, and kept
    assert early == [] and len(used) == 1
    assert (docs / "s0/a3.html").exists()
    assert tree(out) == tree(build(root, tmp_path / "clean2", cache=False).output)
    assert [p.name for p in (root / ".sitegen-cache").iterdir()
            if "ahead" in p.name or "pagefind" in p.name] == []


def test_the_next_part_waited_for_starts_even_when_early_runs_fill_the_places() -> None:
    """A part started early sits further on in the order: the part waited for next is
    started all the same, never waited for unstarted."""
    from sitegen.stages import SearchParts, Writer

    events: list[str] = []

    class Part:
        def __init__(self, name: str, started: bool = False):
            self.name, self.started = name, started

        def start(self) -> None:
            events.append(f"start {self.name}")
            self.started = True

        def result(self) -> dict[str, bytes]:
            assert self.started, f"{self.name} waited for unstarted"
            events.append(f"result {self.name}")
            return {f"pagefind/{self.name}": self.name.encode()}

    parts = [Part("a"), Part("b", started=True), Part("c")]
    search = SearchParts({}, parts, {}, lambda: None, at_once=1)  # type: ignore[arg-type]
    search.finish(Writer(Path("/nonexistent"), {}, full=False))
    assert events == ["start a", "result a", "result b", "start c", "result c"]


def test_a_change_in_the_number_of_parts_starts_no_early_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One article more takes the index from four parts to eight: every part is indexed
    again, none early, and the build gives a clean build's site."""
    root, out = tmp_path / "p", tmp_path / "out"
    seven_articles(root, monkeypatch)
    write(root / "content/s1/a7/v.md", version_file("Article 7", "2025-08-01T10:00:00Z",
                                                     "Word wombat 7.\n"))
    build(root, out, jobs=1)
    early, used = watch_runs(monkeypatch)
    write(root / "content/s2/a8/v.md", version_file("Article 8", "2025-09-01T10:00:00Z",
                                                     "Word wombat 8.\n"))
    build(root, out, jobs=1)
    assert early == [] and len(used) == 8
    assert tree(out) == tree(build(root, tmp_path / "clean", cache=False).output)


def test_a_lost_document_of_an_article_with_a_problem_is_made_from_its_valid_versions(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With --keep-going an article with one invalid version has a document (of its valid
    versions); lost from the cache, it is made again the same way. More changed articles
    than search_ahead.MOST start no early run."""
    from sitegen import search_ahead

    root, out = tmp_path / "p", tmp_path / "out"
    seven_articles(root, monkeypatch)
    write(root / "content/s0/a3/bad.md", "no front matter at all\n")
    build(root, out, jobs=1, keep_going=True)
    docs = next((root / ".sitegen-cache").glob("search-*"))
    kept = (docs / "s0/a3.html").read_bytes()
    (docs / "s0/a3.html").unlink()  # a3 is in the part of a1, a2 and a4
    early, used = watch_runs(monkeypatch)
    monkeypatch.setattr(search_ahead, "MOST", 1)
    for n in (1, 2):
        write(root / f"content/s{n}/a{n}/x.md", version_file(
            f"Article {n}, again", f"2025-0{n}-03T10:00:00Z", f"Word wombat {n}, edited.\n"))
    build(root, out, jobs=1, keep_going=True)
    assert early == [] and len(used) == 1
    assert (docs / "s0/a3.html").read_bytes() == kept
    assert tree(out) == tree(build(root, tmp_path / "clean", cache=False,
                                   keep_going=True).output)


def test_an_archive_without_articles_has_a_search_that_finds_nothing(tmp_path: Path,
                                                                    browser) -> None:
    """Pagefind makes no index of a site without words: an archive with no article yet
    (and an empty part) gets a bundle of one placeholder page, and its search page works."""
    root = tmp_path / "p"
    write(root / "content/outlet/_source.yaml", "name: Outlet\n")
    result = build(root, tmp_path / "out")
    assert result.articles == 0
    with serve(tmp_path / "out", "/") as site:
        page = open_search(browser, site + "search/?q=minister")
        assert results(page) == []
        assert page.locator("#search-status").inner_text() == "No article contains “minister”."
        assert page.errors == []
        page.close()

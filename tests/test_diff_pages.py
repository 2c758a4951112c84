"""What changed in each version, as its page shows it, and its behaviour in a real browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitegen.build import build
from tests.conftest import ROOT, changes, version_file, write
from tests.pages_server import serve

BBC = "bbc/c9wpy9x890wo/"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("diffs") / "site"
    build(ROOT, out, search=False)
    return out


def test_each_change_is_on_its_versions_page_and_no_pair_has_a_page_of_its_own(
        demo: Path) -> None:
    assert not (demo / BBC / "diff").exists()
    history = (demo / BBC / "index.html").read_text()
    for n in range(1, 5):
        assert f'href="v{n}/#changes"' in history
        assert 'id="changes"' in (demo / BBC / f"v{n}/index.html").read_text()
    assert 'id="changes"' not in (demo / BBC / "v0/index.html").read_text()
    # First against latest: the compare page, preset.
    assert 'href="compare/?from=0&amp;to=4"' in history
    version = (demo / BBC / "v2/index.html").read_text()
    assert 'href="#changes"' in version and 'href="../v3/#changes"' in version


def test_history_shows_size_and_significance(demo: Path) -> None:
    history = (demo / BBC / "index.html").read_text()
    rows = re.findall(r'<tr class="([^"]*)">\s*<th scope="row"><a href="v(\d)/"', history)
    assert [(n, cls.replace("is-latest", "").strip()) for cls, n in rows] == [
        ("0", ""), ("1", "change-minor"), ("2", "change-cosmetic"), ("3", "change-major"),
        ("4", "change-major")]
    assert "Cosmetic</span>" in history and "Major change</span>" in history
    assert re.search(r'class="plus">\+13</span> <span class="minus">−10</span>', history)


def test_diff_page_content(demo: Path) -> None:
    page = changes(demo / BBC / "v1/index.html")
    assert "Minor change</span>" in page
    assert '<dd class="diff-headline">Starmer <del>' in page  # the headline change, apart
    assert 'class="diff-sr">[removed: </span>' in page and 'class="diff-sr">[added: </span>' in page
    assert re.search(r'>stop<span class="diff-sr">\]</span></del>', page)
    assert re.search(r'>stopped<span class="diff-sr">\]</span></ins>', page)
    cosmetic = changes(demo / BBC / "v2/index.html")
    assert "Cosmetic</span>" in cosmetic


def test_a_cosmetic_change_says_what_changed_and_marks_it(demo: Path) -> None:
    # 1-2: straight quotes and apostrophes made curly, in 14 of 21 paragraphs.
    page = changes(demo / BBC / "v2/index.html")
    summary = re.search(r'<p class="diff-summary">(.*?)</p>', page, re.S).group(1)
    assert "Cosmetic</span>" in summary
    assert " ".join(summary.split()).endswith("only quotation marks and apostrophes changed")
    assert "no change to the text" not in page
    rows = re.findall(r'<tr id="b\d+" class="([^"]*)".*?</tr>', page, re.S)
    assert rows.count("row-equal row-cosmetic") == 14
    assert 'on the <span class="diff-style">bloc&#x27;s</span> plans' in page  # old side
    assert 'on the <span class="diff-style">bloc’s</span> plans' in page  # new side
    assert 'protect <span class="diff-style">“</span>our people' in page
    assert '<span class="diff-style" title="was &quot;">“</span>our people' in page  # inline
    assert '<span class="diff-style">restyled</span></p>' in page  # in the legend
    # 3-4: the quote-only paragraphs among the real changes are marked too, and the runs
    # left out say how many of their paragraphs are restyled.
    latest = changes(demo / BBC / "v4/index.html")
    assert "only quotation marks" not in latest  # words changed: counted instead


def test_move_links_say_where_the_paragraph_went(demo: Path) -> None:
    # 0-1: "UK Defence Secretary..." moved up from the fourth paragraph to the third. Its old
    # place (row b4, old column) links up to its new place (b2), which links back down.
    page = changes(demo / BBC / "v1/index.html")
    links = dict(re.findall(r'<tr id="(b\d+)" class="row-moved".*?<a class="move-link" '
                            r'href="#b\d+">([^<]*)</a>', page, re.DOTALL))
    assert links == {"b4": "moved further up", "b2": "moved here from below"}
    assert re.search(r'<td class="old">(?:(?!</td>).)*href="#b2">moved further up</a></td>',
                     page, re.DOTALL)


def open_page(browser, url: str, **options):
    context = browser.new_context(**options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.errors = errors
    return context, page


def test_view_switch_is_remembered(demo: Path, browser) -> None:
    with serve(demo, "/repo/") as root:
        context, page = open_page(browser, root + BBC + "v1/")
        side, inline = page.locator(".view-side"), page.locator(".view-inline")
        assert side.is_visible() and not inline.is_visible()
        page.click("text=Inline")
        assert inline.is_visible() and not side.is_visible()
        assert page.locator(".view-inline ins").first.is_visible()
        # Only the changed paragraphs and their context: a line stands for each run left out.
        gaps = page.locator(".view-inline .fold-gap")
        assert gaps.count() > 0 and gaps.first.is_visible()
        assert re.fullmatch(r"\d+ unchanged paragraphs?( \(\d+ restyled\))?",
                            gaps.first.inner_text())
        # The choice of view is remembered on the next version's page.
        page.goto(root + BBC + "v4/")
        assert page.locator(".view-inline").is_visible()
        assert not page.locator(".view-side").is_visible()
        page.click("text=Side by side")
        page.goto(root + BBC + "v3/")
        assert page.locator(".view-side").is_visible()
        assert page.errors == []
        context.close()


def test_hide_cosmetic_changes_is_remembered(demo: Path, browser) -> None:
    with serve(demo, "/") as root:
        context, page = open_page(browser, root + BBC)
        cosmetic = page.locator("tr.change-cosmetic")
        assert cosmetic.is_visible()
        page.check("[data-hide-cosmetic]")
        assert not cosmetic.is_visible()
        page.reload()
        assert not page.locator("tr.change-cosmetic").is_visible()
        assert page.locator("tr.change-major").first.is_visible()
        context.close()


def test_without_javascript_the_table_shows_everything(demo: Path, browser) -> None:
    """Without script: the table, each unchanged paragraph of context once across both
    columns; the inline view (whose unchanged paragraphs the script copies in) is hidden."""
    with serve(demo, "/") as root:
        context, page = open_page(browser, root + BBC + "v1/", java_script_enabled=False)
        assert page.locator(".view-side").is_visible()
        assert not page.locator(".view-inline").is_visible()
        assert page.locator(".view-side tr.fold-gap").first.is_visible()
        same = page.locator(".view-side td.same")
        assert same.count() >= 2 and same.first.is_visible()
        box = same.first.bounding_box()
        table = page.locator(".diff-table").bounding_box()
        assert box["width"] > 0.9 * table["width"]  # across both columns
        assert not page.locator(".view-toolbar").is_visible()
        context.close()


def test_unchanged_paragraphs_are_sent_once_and_drawn_in_every_view(demo: Path,
                                                                   browser) -> None:
    """The section holds an unchanged paragraph of context once; the script puts it in both
    columns and in the inline view."""
    unchanged = "European Commission President Ursula von der Leyen said the move"
    assert changes(demo / BBC / "v1/index.html").count(unchanged) == 1
    with serve(demo, "/") as root:
        context, page = open_page(browser, root + BBC + "v1/")
        assert page.locator("td.same, [data-same]").count() == 0  # every one drawn
        row = page.locator("tr.row-equal", has_text=unchanged)
        assert row.locator("td.old").inner_text() == row.locator("td.new").inner_text()
        assert unchanged in row.locator("td.old").inner_text()
        page.click("text=Inline")
        assert page.locator(".view-inline .inline-block", has_text=unchanged).is_visible()
        assert page.errors == []
        context.close()


def _luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _rgb(css: str) -> tuple[float, ...]:
    return tuple(float(x) for x in re.findall(r"[\d.]+", css)[:3])


def test_restyled_marks_are_quiet_but_visible(demo: Path, browser) -> None:
    with serve(demo, "/") as root:
        context, page = open_page(browser, root + BBC + "v2/")
        mark = page.eval_on_selector(".view-side td.new .diff-style", "e => { const s = "
                                     "getComputedStyle(e); return [s.textDecorationLine, "
                                     "s.textDecorationStyle, s.backgroundColor]; }")
        assert mark[:2] == ["underline", "dotted"] and mark[2] == "rgba(0, 0, 0, 0)"
        row = page.eval_on_selector(".view-side tr.row-cosmetic td",
                                    "e => getComputedStyle(e).backgroundColor")
        page.click("text=Inline")
        assert page.locator(".view-inline .diff-style").first.is_visible()
        page.click("text=Side by side")
        page.goto(root + BBC + "v1/")  # v2 changed only quotes: no plain context there
        plain = page.eval_on_selector(".view-side tr.row-equal:not(.row-cosmetic) td",
                                      "e => getComputedStyle(e).backgroundColor")
        assert row != plain
        assert page.errors == []
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_removed_and_added_text_do_not_rely_on_colour(demo: Path, browser, scheme: str) -> None:
    with serve(demo, "/") as root:
        context, page = open_page(browser, root + BBC + "v1/", color_scheme=scheme)
        for tag, line in (("del", "line-through"), ("ins", "underline")):
            style = page.eval_on_selector(
                f".view-side {tag}", "e => { const s = getComputedStyle(e); return "
                "[s.textDecorationLine, s.color, s.backgroundColor]; }")
            assert line in style[0]
            fg, bg = _luminance(_rgb(style[1])), _luminance(_rgb(style[2]))
            ratio = (max(fg, bg) + 0.05) / (min(fg, bg) + 0.05)
            assert ratio >= 4.5, (tag, scheme, style, ratio)
        context.close()


def test_a_revert_is_shown(tmp_path: Path) -> None:
    root = tmp_path / "p"
    texts = ["Original text.\n", "Changed text.\n", "Original text.\n"]
    for n, text in enumerate(texts):
        extra = {"reverts_to": "2025-03-07T10:00:00Z"} if n == 2 else {}
        write(root / f"content/s/a/{n}.md",
              version_file("T", f"2025-03-07T1{n}:00:00Z", text, **extra))
    build(root, tmp_path / "out", search=False)
    history = (tmp_path / "out/s/a/index.html").read_text()
    assert "restores version 0" in history
    diff = changes(tmp_path / "out/s/a/v2/index.html")
    assert "This version restores the text of" in diff


def test_the_edit_timeline_has_a_mark_per_version_linking_to_its_change(demo: Path) -> None:
    from xml.etree import ElementTree

    history = (demo / BBC / "index.html").read_text()
    svg = re.search(r'<svg[^>]*class="chart timeline".*?</svg>', history, re.S).group(0)
    tree = ElementTree.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    links = tree.findall(f"{ns}a")
    assert [a.get("href") for a in links] == [
        "v0/", "v1/#changes", "v2/#changes", "v3/#changes", "v4/#changes"]
    marks = [a.find(f"{ns}circle") for a in links]
    assert [m.get("class") for m in marks] == [
        "mark mark-first", "mark mark-minor", "mark mark-cosmetic", "mark mark-major",
        "mark mark-major"]
    # The cosmetic edit sits on its own row; bigger changes get bigger marks.
    assert marks[2].get("cy") != marks[1].get("cy")
    assert float(marks[4].get("r")) > float(marks[1].get("r"))
    xs = [float(m.get("cx").removesuffix("%")) for m in marks]
    assert xs == sorted(xs)  # along time
    assert tree.find(f"{ns}desc").text.startswith("4 changes between 7 March 2025 and 8 March 2025")


def test_old_diff_page_addresses_lead_to_the_change(demo: Path, browser) -> None:
    """Archives once had a page per change at diff/<A>-<B>/: the 404 page sends a reader
    who follows an old link to the change on its version's page, or to the compare page."""
    prefix = "/"  # 404.html links from the site root (base_url's path when it is set)
    with serve(demo, prefix) as root:
        context, page = open_page(browser, root + BBC + "diff/2-3/")
        page.wait_for_url(root + BBC + "v3/#changes")
        assert page.locator("#changes-title").text_content() == "What changed since version 2"
        page.goto(root + BBC + "diff/0-4/")
        page.wait_for_url(root + BBC + "compare/?from=0&to=4")
        page.goto(root + BBC + "nothing/")
        assert page.locator("h1").inner_text() == "Page not found"
        assert page.url == root + BBC + "nothing/"
        assert page.errors == []
        context.close()


def test_a_version_that_rewrote_thousands_of_paragraphs_has_a_bounded_page(
        tmp_path: Path) -> None:
    """At most MAX_DRAWN paragraphs are drawn in a change; the rest is counted in a line
    (2,000 changed one-line paragraphs would otherwise be drawn three times over)."""
    from sitegen.render.diffview import MAX_DRAWN

    old = "\n\n".join(f"Line {n}." for n in range(2000)) + "\n"
    new = "\n\n".join(f"Line {n}, edited." for n in range(2000)) + "\n"
    write(tmp_path / "p/content/s/a/0.md", version_file("T", "2025-03-07T10:00:00Z", old))
    write(tmp_path / "p/content/s/a/1.md", version_file("T", "2025-03-07T11:00:00Z", new))
    build(tmp_path / "p", tmp_path / "out", search=False)
    page = changes(tmp_path / "out/s/a/v1/index.html")
    assert page.count('<tr id="b') == MAX_DRAWN
    assert (f"{2000 - MAX_DRAWN:,} more paragraphs, {2000 - MAX_DRAWN:,} of them changed, not "
            "drawn here: the whole text of this version follows") in page
    assert len(page) < 200_000
    assert "Line 1999, edited." in (tmp_path / "out/s/a/v1/index.html").read_text()

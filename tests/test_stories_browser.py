"""The story pages in a real browser (headless Chromium): the demo's story, its side by
side across sources with the diff views' switch, and "Also told by" on a history page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen.build import build
from tests.conftest import ROOT
from tests.pages_server import serve

SHOTS = os.environ.get("SITEGEN_SHOTS")  # a folder to keep the screenshots in, to look at
STORY = "stories/independent-starmer-trump-ukraine-live/"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("stories") / "site"
    build(ROOT, out, base_url="https://example.org/arc/", search=False)
    return out


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_story_page_and_side_by_side(demo: Path, browser) -> None:
    errors: list[str] = []
    with serve(demo, "/arc/") as root:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(root)
        page.get_by_role("link", name="Stories across sources").click()
        page.get_by_role("link", name="Starmer news live: Prime minister prepared").click()
        assert page.url == root + STORY
        rows = page.locator(".story-table tbody tr")
        assert rows.count() == 4
        assert rows.nth(0).inner_text().count("The Independent") == 1
        assert "Paraphrase" in rows.nth(3).inner_text()
        assert "BBC News, version 0" in rows.nth(3).inner_text()
        _shot(page, "story")
        assert "Same story as The Independent, version 3" in rows.nth(3).inner_text()
        rows.nth(3).get_by_role("link", name="side by side with BBC News").click()
        table = page.locator("table.diff-table")
        assert table.is_visible()
        # "held a call" became "held a name": the word marked on each side
        assert table.locator("del", has_text="call").count() >= 1
        assert table.locator("ins", has_text="name").count() >= 1
        page.get_by_role("button", name="Inline").click()
        assert page.locator("[data-view=inline]").is_visible()
        assert not table.is_visible()
        _shot(page, "story-side-by-side")
        page.close()
    assert errors == []


def test_also_told_by_on_the_history_page(demo: Path, browser) -> None:
    with serve(demo, "/arc/") as root:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(root + "copycat/starmer-european-allies-ukraine/")
        block = page.locator("section.told")
        assert block.is_visible()
        text = block.inner_text()
        assert "ALSO TOLD BY" in text.upper() and "This article is a paraphrase of BBC News’s" in text
        assert "version 0" in text and "before that article’s headline changed" in text
        _shot(page, "also-told-by")
        block.get_by_role("link", name="Starmer urges allies to step up").click()
        assert page.url == root + "bbc/c9wpy9x890wo/"
        assert "Paraphrasing copy site’s article is a paraphrase of this one" in \
            page.locator("section.told").inner_text()
        page.locator("section.told").get_by_role(
            "link", name="The whole story across sources").click()
        assert page.url == root + STORY
        page.close()

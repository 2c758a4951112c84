"""Search cost in the browser: the index's size on disk, and the bytes a browser loads to
open the search page and to run one query.

    python -m bench.search_bytes SITE_DIR [QUERY ...]

SITE_DIR is a built site (with its search index). It is served on localhost and searched in
headless Chromium; every response's body is counted (the server sends no compression; the
index files are compressed by Pagefind itself).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.conftest import CHROMIUM_ARGS, chromium_path
from tests.pages_server import serve


def index_size(site: Path) -> tuple[int, int]:
    files = [p for p in (site / "pagefind").rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def measure(site: Path, queries: list[str]) -> list[tuple[str, int, int, int]]:
    """(query, results, bytes to open the page, bytes for the query) per query."""
    rows = []
    with serve(site, "/") as root, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for query in queries:
            page = browser.new_context().new_page()  # a fresh cache for each query
            loaded: list[int] = []
            page.on("requestfinished",
                    lambda r, sizes=loaded: sizes.append(len(r.response().body())))
            page.goto(root + "search/")
            page.wait_for_selector("body[data-search-ready]")
            opening = sum(loaded)
            loaded.clear()
            page.fill("#q", query)
            page.press("#q", "Enter")
            page.wait_for_function(
                "q => document.getElementById('search-status').textContent.endsWith(`“${q}”.`)",
                arg=query)
            count = page.locator(".result").count()
            rows.append((query, count, opening, sum(loaded)))
            page.context.close()
        browser.close()
    return rows


def main() -> None:
    site = Path(sys.argv[1])
    queries = sys.argv[2:] or ["Ukraine", "flatly rejected"]
    files, size = index_size(site)
    print(f"index: {files} files, {size:,} bytes under {site}/pagefind")
    print(f"{'query':<28} {'results':>7} {'open page (B)':>14} {'one query (B)':>14}")
    for query, count, opening, used in measure(site, queries):
        print(f"{query:<28} {count:>7} {opening:>14,} {used:>14,}")


if __name__ == "__main__":
    main()

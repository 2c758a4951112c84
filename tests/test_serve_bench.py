"""Save-to-reload time of ``sitegen serve``: from writing a file to the browser showing it.

Opt-in (it takes several minutes): ``SITEGEN_BENCH=1 pytest -s tests/test_serve_bench.py``.
Measured with the server's real settings (300 ms quiet window) and a real headless Chromium
that has the article's page open. The clock starts just before the file is written and stops
at the reloaded document's load event, as the browser's own clock records it. Results are in
docs/serve.md.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import statistics
import threading
import time
from pathlib import Path

import pytest
from rich.console import Console

from sitegen.serve.preview import Preview
from tests.conftest import ROOT, RUST_RFCS, need, write

RUNS = int(os.environ.get("SITEGEN_BENCH_RUNS", "7"))
NAVIGATION_TIMES = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return [performance.timeOrigin + nav.loadEventEnd,
          performance.timeOrigin + (paint ? paint.startTime : nav.loadEventEnd)];
}"""
pytestmark = pytest.mark.skipif(not os.environ.get("SITEGEN_BENCH"),
                                reason="benchmark: set SITEGEN_BENCH=1 to run")


def import_rust_rfcs(corpus: Path, project: Path) -> int:
    """The rust-rfcs revisions as content/rfcs/<slug>/<time>.md; the number of versions.

    A stand-in for the import command (built elsewhere): front matter from meta.json
    (title, url, and each revision's commit time as ``fetched``), the text as the body.
    """
    count = 0
    for meta_file in sorted(corpus.glob("*/meta.json")):
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        for version in meta["versions"]:
            body = (meta_file.parent / version["file"]).read_text(encoding="utf-8")
            front = (f"---\ntitle: {json.dumps(meta['title'], ensure_ascii=False)}\n"
                     f"fetched: {version['time']}\nurl: {json.dumps(meta['url'])}\n---\n")
            write(project / "content/rfcs" / meta_file.parent.name / version["file"],
                  front + body)
            count += 1
    return count


def copy_demo(project: Path) -> Path:
    """The repository's demo archive (content/ and sitegen.yaml), copied to edit freely."""
    shutil.copytree(ROOT / "content", project / "content")
    shutil.copy(ROOT / "sitegen.yaml", project / "sitegen.yaml")
    return project


def retitle(path: Path, headline: str) -> None:
    """Rewrite a version file with a new ``title:`` line, as an editor's save would."""
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^title: .*$", f"title: {headline}", text, count=1),
                    encoding="utf-8")


def measure(browser, project: Path, page_url: str, edit: Path,
            search: bool) -> dict[str, object]:  # type: ignore[no-untyped-def]
    log = io.StringIO()
    with Preview(project, port=0, search=search,
                 console=Console(file=log, width=200)) as preview:
        preview.start()
        threading.Thread(target=preview.serve_forever, daemon=True).start()
        context = browser.new_context()
        page = context.new_page()
        page.goto(preview.url + page_url, wait_until="load")
        totals, painted = [], []
        for run in range(RUNS):
            headline = f"Bench headline {run}"
            time.sleep(0.5)  # the page is idle and its long-poll is waiting, as when editing
            started = time.time()
            retitle(edit, headline)
            page.get_by_text(headline).first.wait_for(timeout=120_000)
            page.wait_for_load_state("load")
            # The browser's own clock for the reloaded document (epoch ms), not the moment
            # Playwright noticed it, which adds up to a few hundred ms of polling.
            loaded, shown = page.evaluate(NAVIGATION_TIMES)
            totals.append(loaded / 1000 - started)
            painted.append(shown / 1000 - started)
        context.close()
    builds = [float(s) for s in re.findall(r"Built .* in ([0-9.]+) s", log.getvalue())]
    return {"save_to_reload": totals, "save_to_paint": painted, "first_build": builds[0],
            "rebuilds": builds[1:]}


def report(name: str, result: dict) -> None:  # type: ignore[type-arg]
    totals, rebuilds = result["save_to_reload"], result["rebuilds"]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n{name}: first build {result['first_build']:.2f} s "
          f"({os.cpu_count()} CPUs, load average after the runs {load})")
    print(f"  save-to-reload (load event, s): {', '.join(f'{t:.3f}' for t in totals)}")
    print(f"  median {statistics.median(totals):.3f}, min {min(totals):.3f}, "
          f"max {max(totals):.3f}")
    painted = result["save_to_paint"]
    print(f"  save-to-first-paint (s): {', '.join(f'{t:.3f}' for t in painted)}; "
          f"median {statistics.median(painted):.3f}")
    print(f"  rebuild (s): {', '.join(f'{t:.2f}' for t in rebuilds)}; "
          f"median {statistics.median(rebuilds):.2f}")


@pytest.mark.parametrize("search", [True, False], ids=["search", "no-search"])
def test_demo_save_to_reload(tmp_path: Path, browser, search: bool) -> None:  # type: ignore[no-untyped-def]
    project = copy_demo(tmp_path / "demo")
    edit = project / "content/bbc/c9wpy9x890wo/2025-03-08T09-15-00Z.md"
    result = measure(browser, project, "bbc/c9wpy9x890wo/", edit, search)
    report(f"demo ({'search' if search else '--no-search'})", result)


@pytest.mark.parametrize("search", [True, False], ids=["search", "no-search"])
def test_rust_rfcs_save_to_reload(tmp_path: Path, browser, search: bool) -> None:  # type: ignore[no-untyped-def]
    project = tmp_path / "rfcs"
    versions = import_rust_rfcs(need(RUST_RFCS, "rust-rfcs corpus"), project)
    assert versions == 845
    edit = sorted((project / "content/rfcs/0001-private-fields").glob("*.md"))[-1]
    result = measure(browser, project, "rfcs/0001-private-fields/", edit, search)
    report(f"rust-rfcs, {versions} versions ({'search' if search else '--no-search'})", result)

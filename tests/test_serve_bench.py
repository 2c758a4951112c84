"""Save-to-reload time of ``sitegen serve``: from writing a file to the browser showing it.

Opt-in (it takes about a minute): ``SITEGEN_BENCH=1 pytest -s tests/test_serve_bench.py``.
Measured with the server's real settings (300 ms quiet window) and a real headless Chromium
that has the page open; the clock starts just before the file is written and stops when the
reloaded page shows the new headline. Results are in docs/serve.md.
"""

from __future__ import annotations

import io
import json
import os
import re
import statistics
import threading
import time
from pathlib import Path

import pytest
from conftest import RUST_RFCS, need, version_file, write
from rich.console import Console

from sitegen.scaffold import create_project
from sitegen.serve.preview import Preview

RUNS = 7
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


def measure(browser, project: Path, page_url: str, edit: Path, fetched: str,
            body: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    log = io.StringIO()
    with Preview(project, port=0, console=Console(file=log, width=200)) as preview:
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
            edit.write_text(version_file(headline, fetched, body), encoding="utf-8")
            page.get_by_text(headline).first.wait_for(timeout=60_000)
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


def test_demo_save_to_reload(tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]
    project = tmp_path / "demo"
    create_project(project)
    edit = project / "content/example/first-article/2025-01-06T12-30-00Z.md"
    result = measure(browser, project, "example/first-article/", edit,
                     "2025-01-06T12:30:00Z", "The bridge will now cost £15m.\n")
    report("demo (sitegen new)", result)


def test_rust_rfcs_save_to_reload(tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]
    project = tmp_path / "rfcs"
    versions = import_rust_rfcs(need(RUST_RFCS, "rust-rfcs corpus"), project)
    assert versions == 845
    folder = project / "content/rfcs/0001-private-fields"
    edit = sorted(folder.glob("*.md"))[-1]
    fetched = edit.stem[:13] + ":" + edit.stem[14:16] + ":" + edit.stem[17:19] + "Z"
    body = edit.read_text(encoding="utf-8").split("---\n", 2)[2]
    result = measure(browser, project, "rfcs/0001-private-fields/", edit, fetched, body)
    report(f"rust-rfcs ({versions} versions)", result)

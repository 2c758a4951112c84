"""A git-scraping history of a headlines CSV, then ``sitegen import-git --id`` and
``sitegen build`` on it, timed from the outside.

    python -m bench.gitscrape OUT_DIR [--commits 52137] [--page 40] [--seed 1] [--no-build]

The real history this stands for, a scraper's CSV of BBC News headlines, has 52,137 commits
that became 41,635 articles and 122,939 versions. It cannot be downloaded here, so this
makes one like it (seeded: the same bytes, and the same commit ids, every time): a front
page of ``--page`` items (headline, url, summary, section), one commit per scrape, ten
minutes apart. Each commit brings a new story with the real history's odds (41,635 in
52,137 commits), and edits headlines and summaries as often as it did (81,304 edits in
52,137 commits, drawn as a Poisson count); a story leaves the page when it is pushed off
the bottom, and a commit with nothing new swaps two stories' places, as front pages do,
so that every commit changes the file. A README is committed too (left out by default).

The repository is written with ``git fast-import`` into OUT_DIR/repo; OUT_DIR/project is
a new project into which the file is imported (``--id url --title headline``) and which is
then built. Counts and times are printed, and written as JSON to OUT_DIR/result.json.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import prose
from bench.measure import Run, run_measured

FILE = "headlines.csv"
REAL = {"commits": 52_137, "articles": 41_635, "versions": 122_939}
NEW_PER_COMMIT = REAL["articles"] / REAL["commits"]  # 0.7986
EDITS_PER_COMMIT = (REAL["versions"] - REAL["articles"]) / REAL["commits"]  # 1.5594
SECTIONS = ("uk", "world", "business", "politics", "health", "education", "science",
            "technology", "entertainment", "england", "scotland", "wales", "northern-ireland")
START = datetime(2022, 1, 3, 6, 0, tzinfo=UTC)
STEP = timedelta(minutes=10)
STYLE = prose.Style(quotes=("‘", "’", "’"), dash=" – ")


@dataclass
class Story:
    url: str
    headline: str
    summary: str
    section: str


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: fine for a mean near 1."""
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _story(rng: random.Random, number: int) -> Story:
    section = rng.choice(SECTIONS)
    return Story(f"https://www.bbc.co.uk/news/{section}-{60_000_000 + number}",
                 prose.headline(rng), prose.sentence(rng, STYLE, rng.randint(14, 32)), section)


def _csv(page: list[Story]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["headline", "url", "summary", "section"])
    writer.writerows([s.headline, s.url, s.summary, s.section] for s in page)
    return out.getvalue().encode("utf-8")


def _data(payload: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(payload), payload)


def generate(repo: Path, commits: int, page_size: int, seed: int) -> dict[str, int]:
    """Write the repository with ``git fast-import``; what the history holds."""
    rng = random.Random(seed)
    page = [_story(rng, n) for n in range(page_size)]
    made, edits, swaps = page_size, 0, 0
    repo.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    importer = subprocess.Popen(["git", "-C", str(repo), "fast-import", "--quiet"],
                                stdin=subprocess.PIPE)
    assert importer.stdin is not None
    for n in range(commits):
        if n:
            changed = False
            if rng.random() < NEW_PER_COMMIT:
                page.insert(rng.randrange(min(5, len(page))), _story(rng, made))
                page.pop()
                made += 1
                changed = True
            for _ in range(_poisson(rng, EDITS_PER_COMMIT)):
                story = page[min(rng.randrange(page_size), rng.randrange(page_size))]
                if rng.random() < 0.4:
                    story.headline = prose.reword(rng, story.headline)
                else:
                    story.summary = prose.reword(rng, story.summary)
                edits += 1
                changed = True
            if not changed:
                i = rng.randrange(page_size - 1)
                page[i], page[i + 1] = page[i + 1], page[i]
                swaps += 1
        when = int((START + n * STEP).timestamp())
        files = [(FILE, _csv(page))]
        if n == 0:
            files.append(("README.md", b"# BBC headlines\n\nScraped every ten minutes.\n"))
        chunk = [b"commit refs/heads/main\n",
                 b"committer Scraper <scraper@example.com> %d +0000\n" % when,
                 _data(b"Latest headlines")]
        for name, payload in files:
            chunk += [b"M 100644 inline %s\n" % name.encode(), _data(payload)]
        importer.stdin.write(b"".join(chunk))
    importer.stdin.close()
    if importer.wait():
        raise RuntimeError("git fast-import failed")
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "main"], check=True)
    return {"commits": commits, "stories": made, "edits": edits, "swaps": swaps}


def _number(pattern: str, text: str) -> int | None:
    found = re.search(pattern, text)
    return int(found.group(1).replace(",", "")) if found else None


def _timed(argv: list[str], what: str) -> Run:
    print(f"+ {' '.join(argv)}", flush=True)
    done = run_measured(argv, timeout=6 * 3600, apart="pagefind")
    if done.returncode != 0:
        sys.exit(f"{what} failed ({done.returncode}):\n{done.stdout[-3000:]}"
                 f"{done.stderr[-3000:]}")
    print(done.stdout.strip())
    return done


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.gitscrape",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="a new folder for the repository and project")
    parser.add_argument("--commits", type=int, default=REAL["commits"])
    parser.add_argument("--page", type=int, default=40, help="stories on the front page")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-build", action="store_true", help="import only")
    parser.add_argument("--no-search", action="store_true", help="build without search")
    parser.add_argument("--sitegen", default=str(Path(sys.executable).parent / "sitegen"),
                        help="the sitegen command to measure")
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        sys.exit(f"error: {args.out} exists and is not empty")
    result: dict[str, object] = {"commits": args.commits, "page": args.page,
                                 "seed": args.seed, "when": datetime.now(UTC).isoformat()}
    began = time.perf_counter()
    history = generate(args.out / "repo", args.commits, args.page, args.seed)
    seconds = time.perf_counter() - began
    pack = sum(p.stat().st_size for p in (args.out / "repo/.git").rglob("*") if p.is_file())
    print(f"{args.out / 'repo'}: {history['commits']:,} commits, {history['stories']:,} "
          f"stories, {history['edits']:,} edits, {history['swaps']:,} swaps only; "
          f"{pack / 1e6:,.1f} MB in .git; made in {seconds:.1f} s", flush=True)
    result["history"] = history
    project = args.out / "project"
    done = subprocess.run([args.sitegen, "new", str(project)], capture_output=True,
                          check=False)
    if done.returncode:
        sys.exit(done.stderr.decode())
    shutil.rmtree(project / "content" / "example")
    imported = _timed([args.sitegen, "import-git", "-C", str(project), str(args.out / "repo"),
                       FILE, "--id", "url", "--title", "headline", "--source", "bbc"],
                      "the import")
    result["import"] = {"wall_s": imported.wall_s, "cpu_s": imported.cpu_s,
                        "peak_rss_kib": imported.tree_maxrss_kib,
                        "others_cpu_s": imported.others_cpu_s,
                        "versions": _number(r"([\d,]+) added", imported.stdout),
                        "articles": _number(r"([\d,]+) articles? in", imported.stdout)}
    again = _timed([args.sitegen, "import-git", "-C", str(project), str(args.out / "repo"),
                    FILE, "--id", "url", "--title", "headline", "--source", "bbc"],
                   "the second import")
    result["import_again_wall_s"] = again.wall_s
    if not args.no_build:
        built = _timed([args.sitegen, "build", "-C", str(project),
                        *(["--no-search"] if args.no_search else [])], "the build")
        result["build"] = {"wall_s": built.wall_s, "cpu_s": built.cpu_s,
                           "peak_rss_kib": built.tree_maxrss_kib,
                           "others_cpu_s": built.others_cpu_s, "search": not args.no_search,
                           "pages": _number(r"([\d,]+) pages", built.stdout),
                           "articles": _number(r"([\d,]+) articles", built.stdout),
                           "versions": _number(r"([\d,]+) versions", built.stdout)}
    (args.out / "result.json").write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

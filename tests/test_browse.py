"""Browsing a large archive: pagination, date archives, ranked lists and the activity chart,
on a synthetic archive of 2,000 articles."""

from __future__ import annotations

import itertools
import random
import re
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import urldefrag
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest

from sitegen.build import build
from tests.conftest import write

ARTICLES, SOURCES, PAGE_SIZE, LIST_LIMIT = 2000, 5, 50, 500
ZONE = ZoneInfo("Europe/London")


def generate(root: Path) -> dict[str, list[tuple[datetime, str]]]:
    """A project with ARTICLES articles; returns {source/article: [(fetched, title)]}."""
    rng = random.Random(7)
    write(root / "sitegen.yaml", f"title: Synthetic\ntimezone: Europe/London\n"
                                 f"page_size: {PAGE_SIZE}\nbase_url: https://example.org/s/\n")
    start = datetime(2025, 3, 20, tzinfo=UTC)  # spans the switch to summer time
    made: dict[str, list[tuple[datetime, str]]] = {}
    for n in range(ARTICLES):
        key = f"src{n % SOURCES}/story-{n:05d}"
        when = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 90))
        title = f"Story {n} headline"
        versions = []
        for v in range(rng.choice([1, 1, 2, 2, 3, 4])):
            if v and rng.random() < 0.3:
                title = f"Story {n} rewritten {v}"
            versions.append((when, title))
            body = f"Paragraph about story {n}.\n\nVersion {v} text.\n"
            write(root / "content" / key / f"{v}.md",
                  f"---\ntitle: {title}\nfetched: {when.isoformat()}\n---\n{body}")
            when += timedelta(minutes=rng.randrange(5, 60 * 48))
        made[key] = versions
    return made


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.items = 0
        self.svgs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"])  # type: ignore[arg-type]
        if tag == "li" and values.get("class") in ("story", "day-event"):
            self.items += 1


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("synthetic")
    made = generate(root / "project")
    build(root / "project", root / "site", search=False)
    return root / "site", made


def page_of(site: Path, rel: str) -> Path:
    return site / (rel + "index.html" if rel.endswith("/") or rel == "" else rel)


def parse(site: Path, rel: str) -> Links:
    parser = Links()
    parser.feed(page_of(site, rel).read_text())
    return parser


def resolve(current: str, href: str) -> str | None:
    href = urldefrag(href).url
    if not href or "://" in href or href.startswith(("/", "mailto:")):
        return None
    directory = current == "" or current.endswith("/")
    base = PurePosixPath(current or ".") if directory else PurePosixPath(current).parent
    parts: list[str] = []
    for part in (base / href).parts:
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    rel = "/".join(parts)
    return rel + "/" if href.endswith("/") and rel else rel


def test_every_article_is_reachable_from_the_home_page(synthetic) -> None:
    site, made = synthetic
    seen, queue = set(), [""]
    while queue:
        rel = queue.pop()
        if rel in seen or not page_of(site, rel).exists() or page_of(site, rel).suffix != ".html":
            continue
        seen.add(rel)
        if re.search(r"/v\d+/$", rel):  # version pages only lead back
            continue
        for href in parse(site, rel).hrefs:
            target = resolve(rel, href)
            if target is not None and target not in seen:
                queue.append(target)
    missing = {f"{key}/" for key in made} - seen
    assert missing == set()


def test_no_page_is_large_and_no_list_is_long(synthetic) -> None:
    site, _ = synthetic
    sizes = {p: p.stat().st_size for p in site.rglob("*.html")}
    assert max(sizes.values()) < 300_000, max(sizes, key=sizes.get)
    for page in site.rglob("*.html"):
        rel = page.relative_to(site).as_posix()
        if "/v" in rel or (rel.count("/") == 2 and not rel.startswith(("archive", "lists", "page"))):
            continue
        assert parse(site, rel.removesuffix("index.html")).items <= PAGE_SIZE, rel


def test_day_pages_list_exactly_that_days_versions(synthetic) -> None:
    site, made = synthetic
    expected: dict[str, set[str]] = defaultdict(set)
    for key, versions in made.items():
        for n, (when, _) in enumerate(versions):
            day = when.astimezone(ZONE).date()
            expected[f"archive/{day:%Y/%m/%d}/"].add(f"{key}/v{n}/")
            expected[f"{key.split('/')[0]}/archive/{day:%Y/%m/%d}/"].add(f"{key}/v{n}/")
    found: dict[str, set[str]] = defaultdict(set)
    for page in site.rglob("archive/*/*/*/**/index.html"):
        rel = page.relative_to(site).as_posix().removesuffix("index.html")
        day = re.sub(r"page/\d+/$", "", rel)
        for href in parse(site, rel).hrefs:
            target = resolve(rel, href)
            if target and re.search(r"/v\d+/$", target):
                found[day].add(target)
    assert found == expected


def test_day_pages_link_what_changed_in_each_version(synthetic) -> None:
    site, made = synthetic
    expected: dict[str, set[str]] = defaultdict(set)
    for key, versions in made.items():
        for n, (when, _) in enumerate(versions[1:], 1):
            day = when.astimezone(ZONE).date()
            expected[f"archive/{day:%Y/%m/%d}/"].add(f"{key}/v{n}/#changes")
    found: dict[str, set[str]] = defaultdict(set)
    for page in site.glob("archive/*/*/*/**/index.html"):
        rel = page.relative_to(site).as_posix().removesuffix("index.html")
        day = re.sub(r"page/\d+/$", "", rel)
        for href in parse(site, rel).hrefs:
            target = resolve(rel, href)
            if target and href.endswith("/#changes"):
                found[day].add(target + "#changes")
    assert found == expected


def test_previous_and_next_day_links_follow_the_days_with_versions(synthetic) -> None:
    site, _ = synthetic
    days = sorted(p.parent.relative_to(site).as_posix() + "/"
                  for p in site.glob("archive/*/*/*/index.html"))
    for i, day in enumerate(days):
        links = Links()
        links.feed(page_of(site, day).read_text())
        text = page_of(site, day).read_text()
        prev = re.search(r'rel="prev" href="([^"]+)"', text)
        nxt = re.search(r'rel="next" href="([^"]+)"', text)
        assert (resolve(day, prev.group(1)) if prev else None) == (days[i - 1] if i else None)
        assert (resolve(day, nxt.group(1)) if nxt else None) == (days[i + 1] if i + 1 < len(days) else None)


def listed_articles(site: Path, list_url: str) -> list[str]:
    """The articles a paginated list shows, in order, page after page."""
    found: list[str] = []
    for n in range(1, 1000):
        rel = list_url + (f"page/{n}/" if n > 1 else "")
        if not page_of(site, rel).exists():
            return found
        found += [t.rstrip("/") for h in parse(site, rel).hrefs
                  if (t := resolve(rel, h)) and t.count("/") == 2 and t.startswith("src")
                  and t.rstrip("/") not in found]
    return found


def test_ranked_lists(synthetic) -> None:
    site, made = synthetic
    changes = {k: sum(1 for a, b in itertools.pairwise(vs) if a[1] != b[1]) for k, vs in made.items()}
    rewritten = [k for k in made if changes[k]]
    # Most headline changes first, then the most recently changed, cut at list_limit.
    ranked = sorted(rewritten, key=lambda k: (-changes[k], -made[k][-1][0].timestamp(), k))
    assert len(rewritten) > LIST_LIMIT
    assert listed_articles(site, "lists/headline-rewrites/") == ranked[:LIST_LIMIT]
    first = (site / "lists/headline-rewrites/index.html").read_text()
    assert f"{len(rewritten):,} articles, the first {LIST_LIMIT} listed" in first
    last = (site / f"lists/headline-rewrites/page/{LIST_LIMIT // PAGE_SIZE}/index.html").read_text()
    assert f"{len(rewritten) - LIST_LIMIT:,} more articles are not listed here" in last
    assert "not listed" not in first
    first = (site / "lists/most-edited/index.html").read_text()
    counts = [int(n) for n in re.findall(r'<span class="pill">(\d+) versions</span>', first)]
    assert counts == sorted(counts, reverse=True) and counts[0] == 4


def test_activity_chart_is_valid_svg_matching_the_versions(synthetic) -> None:
    site, made = synthetic
    html = (site / "index.html").read_text()
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    tree = ElementTree.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    titles = [t.text for t in tree.iter(f"{ns}title")]
    assert titles[0].startswith("Stored versions per")
    total = 0
    for label in titles[1:]:
        changes, firsts = re.search(r": ([\d,]+) changes?, ([\d,]+) first seen", label).groups()
        total += int(changes.replace(",", "")) + int(firsts.replace(",", ""))
    assert total == sum(len(v) for v in made.values())
    assert tree.find(f"{ns}desc") is not None
    assert len(titles) - 1 <= 120  # bars are bounded, whatever the span


def test_latest_changes_stop_at_the_list_limit(synthetic) -> None:
    """The home page's latest changes hold the LIST_LIMIT most recently changed articles;
    the last of their pages says how many more the date archive holds."""
    site, made = synthetic
    recent = sorted(made, key=lambda k: (-made[k][-1][0].timestamp(), k))
    shown = listed_articles(site, "")
    assert shown[:LIST_LIMIT] == recent[:LIST_LIMIT] and len(shown) == LIST_LIMIT
    assert not (site / f"page/{LIST_LIMIT // PAGE_SIZE + 1}/index.html").exists()
    last = (site / f"page/{LIST_LIMIT // PAGE_SIZE}/index.html").read_text()
    assert f"{ARTICLES - LIST_LIMIT:,} more articles are not listed here" in last
    assert 'href="../../archive/"' in last


@pytest.mark.parametrize("zone", ["Europe/London", "America/St_Johns", "Australia/Lord_Howe",
                                  "Asia/Kolkata", "Pacific/Apia", "America/Sao_Paulo", "UTC"])
def test_local_days_by_arithmetic_match_astimezone(zone: str) -> None:
    """The date archive's day of a version is worked out from its timestamp and the zone's
    offset of that UTC day; on the days the offset changes (St John's and Lord Howe change at
    half hours, Apia skipped a whole day in 2011) it must still be the local date."""
    from sitegen.pages.dates import LocalDays

    tz = ZoneInfo(zone)
    local = LocalDays(tz)
    starts = [datetime(2011, 12, 28, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC),
              datetime(2025, 9, 25, tzinfo=UTC), datetime(2026, 3, 25, tzinfo=UTC)]
    for start in starts:
        for step in range(0, 60 * 24 * 45, 7):  # every 7 minutes for 45 days
            moment = start + timedelta(minutes=step, seconds=step % 60)
            for shown in (moment, moment.astimezone(tz)):
                assert local.day(shown, shown.timestamp()) == moment.astimezone(tz).date()

"""sitegen fetch against a real HTTP server on 127.0.0.1: feeds, pages that change between
rounds, failures of every kind, robots.txt, conditional requests, the schedule."""

from __future__ import annotations

import gzip
import hashlib
import signal
import subprocess
import sys
import time
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from sitegen import job
from sitegen.build import build
from sitegen.cli import main
from sitegen.content.frontmatter import parse
from sitegen.fetch import schedule
from sitegen.fetch.http import Options
from sitegen.fetch.run import Round
from tests.fetch_server import Page, Site, article, atom, http_date, rss, serve

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("The minister said on Tuesday that the government would publish its plans for the "
         "coming year in full, after weeks of questions from members of parliament and the "
         "press about the cost of the programme.")
STORY = [f"{WORDS} This is paragraph {n}." for n in range(6)]


def project(tmp_path: Path, site: Site, extra: str = "", feeds: tuple[str, ...] = ("/rss.xml",)
            ) -> Path:
    (tmp_path / "content" / "ex").mkdir(parents=True)
    (tmp_path / "sitegen.yaml").write_text("title: Test archive\n")
    listed = "".join(f"  - {site.base}{f}\n" for f in feeds)
    (tmp_path / "content" / "ex" / "_source.yaml").write_text(
        f"name: Example\nfeeds:\n{listed}rate_limit: 0.001s\n{extra}")
    return tmp_path


def run(path: Path, every: bool = False, **options: object) -> Round:
    fetch_round = Round(path, every=every,
                        options=Options(backoff=0.01, **options))  # type: ignore[arg-type]
    fetch_round.run()
    return fetch_round


def versions(path: Path, name: str) -> list[Path]:
    folder = path / "content" / "ex" / name
    return sorted(folder.glob("*.md")) if folder.is_dir() else []


def state(path: Path) -> dict:
    return yaml.safe_load((path / "content" / "ex" / "_fetch.yaml").read_text())


def test_feeds_pages_and_rounds(tmp_path: Path) -> None:
    with serve() as site:
        base = site.base
        site.routes["/rss.xml"] = Page(body=rss([f"{base}/news/edited?utm_source=rss&fbclid=x#c",
                                                 f"{base}/news/same", f"{base}/news/moved",
                                                 f"{base}/news/gone"]), etag='"feed-1"')
        site.routes["/atom.xml"] = Page(body=atom([f"{base}/news/from-atom", f"{base}/news/same"]))
        site.routes["/news/edited"] = Page(body=article("Edited story", STORY), etag='"e1"')
        site.routes["/news/same"] = Page(body=article("Same story", STORY),
                                         last_modified=http_date(1.7e9))
        site.routes["/news/moved"] = Page(body=article("Moved story", STORY))
        site.routes["/news/gone"] = Page(body=article("Gone story", STORY))
        site.routes["/news/from-atom"] = Page(body=article("Atom story", STORY), gzip=True)
        path = project(tmp_path, site, feeds=("/rss.xml", "/atom.xml"))

        first = run(path).summary
        assert (first.feeds, first.checked, first.new_articles, first.new_versions) == (2, 5, 5, 5)
        assert sorted(p.name for p in (path / "content" / "ex").iterdir()) == [
            "_fetch.yaml", "_source.yaml", "edited", "from-atom", "gone", "moved", "same"]
        data, _ = parse(versions(path, "edited")[0].read_bytes(), "v.md")
        assert data is not None
        assert data.title == "Edited story"
        assert data.url == f"{base}/news/edited"  # tracking parameters and fragment dropped
        assert "paragraph 5" in data.body and "Copyright" not in data.body  # chrome dropped
        assert len(data.extra["response_sha256"]) == 64
        headers = dict(site.log)["/news/edited"]
        assert "sitegen" in headers["user-agent"] and "gzip" in headers["accept-encoding"]
        assert "utm_source" not in " ".join(site.paths())
        kept = state(path)["articles"]
        assert kept["edited"]["etag"] == '"e1"' and kept["same"]["last_modified"]

        # Round 2: nothing is due yet, so only the feeds are asked (and answer 304).
        site.log.clear()
        second = run(path).summary
        assert sorted(site.paths()) == ["/atom.xml", "/robots.txt", "/rss.xml"]
        assert dict(site.log)["/rss.xml"]["if-none-match"] == '"feed-1"'
        assert second.checked == 0

        # Round 3, --all: one edited, one unchanged, one 304, one redirected, one removed.
        site.log.clear()
        site.routes["/news/edited"] = Page(body=article("Edited story, new headline",
                                                        [*STORY[:3], "A new paragraph " + WORDS]),
                                           etag='"e2"')
        site.routes["/news/moved"] = Page(301, location=f"{base}/news/moved-here")
        site.routes["/news/moved-here"] = Page(body=article("Moved story", STORY))
        site.routes["/news/gone"] = Page(404, b"<html><body>Not found</body></html>")
        third = run(path, every=True).summary
        assert len(versions(path, "edited")) == 2
        assert [len(versions(path, n)) for n in ("same", "moved", "gone", "from-atom")] == [1] * 4
        assert third.new_versions == 1 and third.not_modified == 1  # /news/same: 304
        assert third.unchanged == 2  # moved (same text at its new address) and from-atom
        assert third.failed == 1 and third.removed == 1
        assert dict(site.log)["/news/same"]["if-modified-since"] == http_date(1.7e9)
        kept = state(path)["articles"]
        assert kept["gone"]["removed"].startswith("404 at ") and kept["gone"]["due"] is None
        assert kept["moved"]["url"] == f"{base}/news/moved-here"  # its address now
        assert kept["moved"]["aliases"] == [f"{base}/news/moved"]
        assert "moved-here" not in kept  # the same article, not a new one
        assert not (path / "content" / "ex" / "moved-here").exists()


def test_second_round_is_conditional(tmp_path: Path) -> None:
    """Every tracked page answers 304 on a second --all round: the figure in the notes."""
    with serve() as site:
        urls = [f"/news/story-{n}" for n in range(10)]
        site.routes["/rss.xml"] = Page(body=rss([site.base + u for u in urls]), etag='"f"')
        for n, url in enumerate(urls):
            site.routes[url] = Page(body=article(f"Story {n}", STORY), etag=f'"{n}"')
        path = project(tmp_path, site)
        run(path)
        site.log.clear()
        second = run(path, every=True)
        assert second.summary.not_modified == 10 and second.summary.new_versions == 0
        assert len(site.log) == 12  # robots.txt, the feed and ten pages, all but one a 304
        assert all(h.get("if-none-match") for p, h in site.log if p != "/robots.txt")


def test_canonical_link_is_the_identity(tmp_path: Path) -> None:
    with serve() as site:
        canonical = f"{site.base}/news/the-story"
        site.routes["/rss.xml"] = Page(body=rss([f"{site.base}/amp/the-story",
                                                 f"{site.base}/news/the-story?ref=home"]))
        for url in ("/amp/the-story", "/news/the-story?ref=home"):
            site.routes[url] = Page(body=article("The story", STORY, canonical))
        path = project(tmp_path, site)
        summary = run(path).summary
        assert summary.new_articles == 1 and summary.new_versions == 1
        entry = state(path)["articles"]["the-story"]
        assert entry["url"] == canonical
        assert f"{site.base}/amp/the-story" in entry["aliases"]


def test_failures_store_nothing_and_do_not_stop_the_run(tmp_path: Path) -> None:
    with serve() as site:
        names = ["ok", "error", "slow", "garbage", "huge", "pdf", "tiny", "shrunk"]
        site.routes["/rss.xml"] = Page(body=rss([f"{site.base}/news/{n}" for n in names]))
        for name in names:
            site.routes[f"/news/{name}"] = Page(body=article(name.title(), STORY))
        path = project(tmp_path, site)
        run(path)
        assert all(len(versions(path, n)) == 1 for n in names)
        before = {p: p.read_bytes() for p in (path / "content").rglob("*.md")}

        site.routes["/news/ok"] = Page(body=article("Ok", ["Changed. " + WORDS, *STORY]))
        site.routes["/news/error"] = Page(500, b"<html><body>Server error</body></html>")
        site.routes["/news/slow"] = Page(body=article("Slow", STORY[:2]), delay=1.5)
        site.routes["/news/garbage"] = Page(body=bytes(range(256)) * 50)
        site.routes["/news/huge"] = Page(body=b"<html><body><p>" + b"x" * (20 * 2**20) + b"</p>")
        site.routes["/news/pdf"] = Page(body=b"%PDF-1.4", content_type="application/pdf")
        site.routes["/news/tiny"] = Page(body=article("Tiny", ["Subscribe to read more."]))
        site.routes["/news/shrunk"] = Page(body=article("Shrunk", [STORY[0]]))
        site.log.clear()
        fetch_round = run(path, every=True, timeout=0.5, retries=1)
        summary = fetch_round.summary
        assert summary.new_versions == 1 and len(versions(path, "ok")) == 2
        assert summary.failed == 7 and summary.checked == 8
        reasons = {f.split(": ", 1)[0].rsplit("/", 1)[-1]: f for f in summary.failures}
        for name, reason in [("error", "HTTP 500"), ("slow", "timed out"),
                             ("garbage", "binary file"), ("huge", "bytes, more than"),
                             ("pdf", "not an HTML page"), ("tiny", "words; not stored"),
                             ("shrunk", "down from")]:
            assert reason in reasons[name], (name, reasons)
        for path_, data in before.items():  # every stored version kept, unchanged
            assert path_.read_bytes() == data
        assert all(len(versions(path, n)) == 1 for n in names if n != "ok")
        assert site.paths().count("/news/error") == 2  # retried once
        kept = state(path)["articles"]
        assert "HTTP 500" in kept["error"]["problem"] and kept["error"]["due"]


def test_robots_txt_is_honoured(tmp_path: Path) -> None:
    with serve() as site:
        site.routes["/robots.txt"] = Page(body=b"User-agent: *\nDisallow: /private/\n",
                                          content_type="text/plain")
        site.routes["/rss.xml"] = Page(body=rss([f"{site.base}/private/secret",
                                                 f"{site.base}/news/open"]))
        site.routes["/private/secret"] = Page(body=article("Secret", STORY))
        site.routes["/news/open"] = Page(body=article("Open", STORY))
        path = project(tmp_path, site)
        summary = run(path).summary
        assert "/private/secret" not in site.paths()
        assert summary.blocked == 1 and summary.new_articles == 1
        assert not (path / "content" / "ex" / "secret").exists()


def test_include_exclude_and_user_agent(tmp_path: Path) -> None:
    with serve() as site:
        site.routes["/rss.xml"] = Page(body=rss([f"{site.base}/news/a", f"{site.base}/live/b",
                                                 f"{site.base}/news/video-c"]))
        for url in ("/news/a", "/live/b", "/news/video-c"):
            site.routes[url] = Page(body=article("A", STORY))
        path = project(tmp_path, site, "include:\n  - /news/\nexclude:\n  - video\n"
                                       "user_agent: 'sitegen-test (mailto:me@example.com)'\n")
        run(path)
        assert "/live/b" not in site.paths() and "/news/video-c" not in site.paths()
        assert dict(site.log)["/news/a"]["user-agent"] == "sitegen-test (mailto:me@example.com)"


def test_schedule_backs_off_and_stops() -> None:
    rules = schedule.Schedule(first=600, longest=3600, stop=86400)
    entry = schedule.Entry(url="http://x/")
    start = datetime(2025, 1, 1, tzinfo=UTC)
    entry.checked_now(start, True, rules)
    assert entry.due == start + timedelta(minutes=10)
    gaps = []
    when = start
    for _ in range(4):
        when = entry.due
        entry.checked_now(when, False, rules)
        gaps.append(entry.interval)
    assert gaps == [1200, 2400, 3600, 3600]
    entry.checked_now(start + timedelta(days=1), False, rules)
    assert entry.due is None  # unchanged for a day: no longer checked
    entry.checked_now(start + timedelta(days=2), True, rules)
    assert entry.interval == 600 and entry.due is not None  # a change starts it again


def test_due_articles_only_unless_all(tmp_path: Path) -> None:
    with serve() as site:
        site.routes["/rss.xml"] = Page(body=rss([f"{site.base}/news/a", f"{site.base}/news/b"]))
        site.routes["/news/a"] = Page(body=article("A", STORY))
        site.routes["/news/b"] = Page(body=article("B", STORY))
        path = project(tmp_path, site)
        run(path)
        file = path / "content" / "ex" / "_fetch.yaml"
        data = yaml.safe_load(file.read_text())
        data["articles"]["a"]["due"] = "2020-01-01T00:00:00Z"
        file.write_text(yaml.safe_dump(data))
        site.log.clear()
        run(path)
        assert "/news/a" in site.paths() and "/news/b" not in site.paths()
        site.log.clear()
        run(path, every=True)
        assert "/news/a" in site.paths() and "/news/b" in site.paths()


def test_cli_summary_verbose_and_exit_status(tmp_path: Path, runner) -> None:
    with serve() as site:
        site.routes["/rss.xml"] = Page(body=rss([f"{site.base}/news/a", f"{site.base}/news/b"]))
        site.routes["/news/a"] = Page(body=article("A", STORY))
        site.routes["/news/b"] = Page(500, b"no")
        path = project(tmp_path, site)
        result = runner.invoke(main, ["fetch", "-v", "--retries", "0", "-C", str(path)])
        assert result.exit_code == 0, result.output
        assert f"{site.base}/news/a: added content/ex/a/" in result.output
        assert f"{site.base}/news/b: failed: HTTP 500" in result.output
        assert ("1 feeds read, 2 articles checked: 1 new articles, 1 new versions, 0 unchanged, "
                "0 not modified, 1 failed.") in result.output
        site.routes["/rss.xml"] = Page(503, b"down")
        site.routes["/robots.txt"] = Page(404, b"")
        site.routes["/news/a"] = Page(500, b"down")
        result = runner.invoke(main, ["fetch", "--all", "--retries", "0", "-C", str(path)])
        assert result.exit_code == 2, result.output
        assert "every request failed" in result.output


def test_configuration_errors_are_named(tmp_path: Path, runner) -> None:
    (tmp_path / "content" / "ex").mkdir(parents=True)
    (tmp_path / "sitegen.yaml").write_text("title: t\n")
    source = tmp_path / "content" / "ex" / "_source.yaml"
    for text, message in [
        ("feeds:\n  - ftp://x/feed\n", "content/ex/_source.yaml:2: feeds item 1 must be an http"),
        ("feeds: https://x/feed\n", "feeds must be a list"),
        ("feeds: [https://x/f]\nrate_limit: fast\n", "rate_limit must be the time between"),
        ("feeds: [https://x/f]\nschedule:\n  first: soon\n", "schedule: first must be a time"),
        ("feeds: [https://x/f]\nschedule:\n  every: 1h\n", "schedule: unknown key 'every'"),
        ("feeds: [https://x/f]\ninclude:\n  - '('\n", "include item 1 is not a valid regular"),
    ]:
        source.write_text(text)
        result = runner.invoke(main, ["fetch", "-C", str(tmp_path)])
        assert result.exit_code == 1 and message in result.output, (text, result.output)
    source.write_text("feeds: [https://x/f]\n")
    (tmp_path / "content" / "ex" / "_fetch.yaml").write_text("articles:\n  a: {url: 1}\n")
    result = runner.invoke(main, ["fetch", "-C", str(tmp_path)])
    assert result.exit_code == 1 and "content/ex/_fetch.yaml" in result.output


def test_build_accepts_the_state_file(tmp_path: Path, runner) -> None:
    with serve() as site:
        site.routes["/rss.xml"] = Page(body=rss([f"{site.base}/news/a"]))
        site.routes["/news/a"] = Page(body=article("A story", STORY))
        path = project(tmp_path, site)
        run(path)
    result = runner.invoke(main, ["build", "-C", str(path)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_run_loses_nothing(tmp_path: Path, signum: int) -> None:
    """Ctrl-C (or a cancelled CI job's SIGTERM) in the middle of a round: stored versions
    stay whole, the state file loads, and the next round finishes the work without storing
    anything twice."""
    with serve() as site:
        urls = [f"/news/story-{n}" for n in range(40)]
        site.routes["/rss.xml"] = Page(body=rss([site.base + u for u in urls]))
        for n, url in enumerate(urls):
            site.routes[url] = Page(body=article(f"Story {n}", STORY), delay=0.05)
        path = project(tmp_path, site)
        child = subprocess.Popen([sys.executable, "-m", "sitegen", "fetch", "--concurrency",
                                  "1", "-C", str(path)], cwd=ROOT, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while len(list((path / "content" / "ex").rglob("*.md"))) < 5:
            assert time.monotonic() < deadline and child.poll() is None
            time.sleep(0.02)
        child.send_signal(signum)
        _out, err = child.communicate(timeout=60)
        assert child.returncode == 130, err
        assert b"Interrupted" in err
        stored = list((path / "content" / "ex").rglob("*.md"))
        assert 5 <= len(stored) < 40
        assert not list((path / "content").rglob(".*tmp"))
        for file in stored:
            assert parse(file.read_bytes(), "v.md")[0] is not None
        kept = schedule.load(path / "content" / "ex" / "_fetch.yaml", "state")
        assert len(kept.articles) >= len(stored) - 4  # at most the last few unsaved
        run(path)
        assert len(list((path / "content" / "ex").rglob("*.md"))) == 40
        assert all(len(versions(path, f"story-{n}")) == 1 for n in range(40))


def test_history_page_says_when_it_was_checked(tmp_path: Path, runner, monkeypatch) -> None:
    with serve() as site:
        site.routes["/rss.xml"] = Page(body=rss([f"{site.base}/news/a"]))
        site.routes["/news/a"] = Page(body=article("A story", STORY))
        path = project(tmp_path, site)
        run(path)
        site.routes["/news/a"] = Page(body=article("A story", [*STORY, "A correction."]))
        run(path, every=True)
    assert len(versions(path, "a")) == 2
    assert runner.invoke(main, ["build", "-C", str(path)]).exit_code == 0
    entry = state(path)["articles"]["a"]
    page = (path / "site" / "ex" / "a" / "index.html").read_text()
    checked, due = (datetime.fromisoformat(entry[k]).replace(microsecond=0).isoformat()
                    for k in ("checked", "due"))
    assert f'Last checked <time datetime="{checked}">' in page
    assert f'next check due <time datetime="{due}">' in page
    # The schedule moves without a new version: the history page is made again, and nothing
    # else — no diff, no version page (a fetch round that found nothing new is cheap).
    file = path / "content" / "ex" / "_fetch.yaml"
    data = yaml.safe_load(file.read_text())
    data["articles"]["a"]["due"] = None
    file.write_text(yaml.safe_dump(data))
    version_page = path / "site" / "ex" / "a" / "v0" / "index.html"
    before = version_page.stat().st_mtime_ns

    def not_again(*args: object) -> None:
        raise AssertionError("made again")

    monkeypatch.setattr(job, "diff_versions", not_again)
    monkeypatch.setattr(job, "article_pages", not_again)
    result = build(path, jobs=1)
    page = (path / "site" / "ex" / "a" / "index.html").read_text()
    assert "no further checks are scheduled" in page
    assert (result.rebuilt, result.written) == (1, 1)
    assert version_page.stat().st_mtime_ns == before
    monkeypatch.undo()
    # The size the build reports is the output's, as after a clean build.
    clean = build(path, tmp_path / "clean", jobs=1, cache=False)
    assert result.bytes == clean.bytes


def test_warc_keeps_the_raw_response_of_each_version(tmp_path: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    with serve() as site:
        site.routes["/rss.xml"] = Page(body=rss([f"{site.base}/news/a"]))
        site.routes["/news/a"] = Page(body=article("A story", STORY), gzip=True)
        path = project(tmp_path, site)
        warc = tmp_path / "warc" / "raw.warc.gz"
        Round(path, options=Options(backoff=0.01), warc=warc).run()
    data, _ = parse(versions(path, "a")[0].read_bytes(), "v.md")
    assert data is not None
    with warc.open("rb") as handle:
        records = [(r.rec_headers.get_header("WARC-Target-URI"), r.raw_stream.read(),
                    r.http_headers.get_header("Content-Encoding"))
                   for r in ArchiveIterator(handle) if r.rec_type == "response"]
    # The body exactly as the server sent it (gzipped), which the version's hash is of.
    sent = gzip.compress(article("A story", STORY), mtime=0)
    assert records == [(f"{site.base}/news/a", sent, "gzip")]
    assert hashlib.sha256(sent).hexdigest() == data.extra["response_sha256"]
    with warc.open("rb") as handle:  # and a WARC reader gives the page back
        pages = [r.content_stream().read() for r in ArchiveIterator(handle)
                 if r.rec_type == "response"]
    assert pages == [article("A story", STORY)]


def test_a_redirect_is_asked_of_robots_txt_too(tmp_path: Path) -> None:
    with serve() as site:
        site.routes["/robots.txt"] = Page(body=b"User-agent: *\nDisallow: /private/\n",
                                          content_type="text/plain")
        site.routes["/rss.xml"] = Page(body=rss([f"{site.base}/news/a", f"{site.base}/news/b"]))
        site.routes["/news/a"] = Page(302, location="/private/a")
        site.routes["/private/a"] = Page(body=article("Secret", STORY))
        site.routes["/news/b"] = Page(301, location="/news/b2")
        site.routes["/news/b2"] = Page(body=article("Open", STORY))
        site.routes["/news/loop"] = Page(302, location="/news/loop")
        path = project(tmp_path, site)
        summary = run(path).summary
        assert "/private/a" not in site.paths()
        assert summary.blocked == 1 and summary.new_articles == 1
        assert [p.name for p in (path / "content" / "ex").iterdir() if p.is_dir()] == ["b2"]
        site.routes["/rss.xml"] = Page(body=rss([f"{site.base}/news/loop"]))
        summary = run(path).summary
        assert summary.failures == [f"{site.base}/news/loop: more than 10 redirects"]


def test_retry_after_is_obeyed_or_left_for_the_next_round(tmp_path: Path) -> None:
    with serve() as site:
        answers = iter([Page(503, headers={"Retry-After": "1"}),
                        Page(body=article("A story", STORY))])
        site.routes["/rss.xml"] = Page(body=rss([f"{site.base}/news/a", f"{site.base}/news/b"]))
        site.routes["/news/a"] = lambda: next(answers)
        site.routes["/news/b"] = Page(429, headers={"Retry-After": "3600"})
        path = project(tmp_path, site)
        summary = run(path).summary  # back-off 0.01 s: the second try waits for the server
        asked = [t for (p, _), t in zip(site.log, site.times, strict=True) if p == "/news/a"]
        assert len(asked) == 2 and asked[1] - asked[0] >= 0.99
        assert summary.new_articles == 1
        assert site.paths().count("/news/b") == 1  # an hour is not waited for in the run
        assert summary.failures == [f"{site.base}/news/b: HTTP 429, asked to wait 3600 s"]


def test_bodies_are_decoded_within_the_limit(tmp_path: Path) -> None:
    big = b"<html><body><p>" + b"a " * 3_000_000 + b"</p></body></html>"
    with serve() as site:
        site.routes["/rss.xml"] = Page(body=rss([f"{site.base}/news/{n}" for n in "abc"]))
        site.routes["/news/a"] = Page(body=big, gzip=True)  # 6 MB as 6 KB on the wire
        site.routes["/news/b"] = Page(body=b"not gzip at all", encoded="gzip")
        site.routes["/news/c"] = Page(body=zlib.compress(article("C", STORY)),
                                      encoded="deflate")
        path = project(tmp_path, site)
        summary = run(path).summary
    assert sorted(summary.failures) == [
        f"{site.base}/news/a: the body is more than the 5,242,880 bytes allowed once "
        "decompressed",
        f"{site.base}/news/b: the body is not valid gzip"]
    assert summary.new_articles == 1 and versions(path, "c")


def test_rate_limit_spaces_requests_to_one_host(tmp_path: Path) -> None:
    with serve() as site:
        urls = [f"/news/story-{n}" for n in range(6)]
        site.routes["/rss.xml"] = Page(body=rss([site.base + u for u in urls]))
        for n, url in enumerate(urls):
            site.routes[url] = Page(body=article(f"Story {n}", STORY))
        path = project(tmp_path, site)
        source = path / "content" / "ex" / "_source.yaml"
        source.write_text(source.read_text().replace("rate_limit: 0.001s", "rate_limit: 0.2s"))
        Round(path, workers=4, options=Options(backoff=0.01)).run()
        gaps = [b - a for a, b in zip(site.times, site.times[1:], strict=False)]
        assert len(site.times) == 8  # robots.txt, the feed, six pages: four workers, one host
        assert min(gaps) >= 0.19, gaps


def test_a_lost_state_file_finds_the_same_folders(tmp_path: Path) -> None:
    with serve() as site:
        site.routes["/rss.xml"] = Page(body=rss([f"{site.base}/news/a", f"{site.base}/x/a"]))
        site.routes["/news/a"] = Page(body=article("A story", STORY))
        site.routes["/x/a"] = Page(body=article("Another story", STORY[1:]))
        path = project(tmp_path, site)
        run(path)
        folders = sorted(p.name for p in (path / "content" / "ex").iterdir())
        assert len(folders) == 4  # a, a-<hash>, _fetch.yaml, _source.yaml
        kept = state(path)["articles"]
        (path / "content" / "ex" / "_fetch.yaml").unlink()
        summary = run(path).summary
        assert sorted(p.name for p in (path / "content" / "ex").iterdir()) == folders
        assert summary.new_versions == 0 and summary.unchanged == 2
        assert {k: v["url"] for k, v in state(path)["articles"].items()} == {
            k: v["url"] for k, v in kept.items()}

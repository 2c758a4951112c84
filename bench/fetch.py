"""Time ``sitegen fetch`` rounds over 1,000 tracked articles on a local HTTP server.

    python -m bench.fetch [--articles 1000] [--rate-limit 0.001s] [--concurrency 4]

Round 1 finds every article in the feed, fetches, extracts and stores it; round 2
(``--all``) checks them all again and gets 304 answers (ETags); round 3 (``--all``, the
server sending no validators) fetches and extracts every page again, all unchanged. All
articles are on one host, so a round can take no less than articles x rate_limit: that
floor is printed beside each time. After each round the site is built (no search), as the
scheduled workflow does: after rounds 2 and 3 only the schedule moved.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sitegen.build import build
from sitegen.content.source import duration
from sitegen.fetch.http import Options
from sitegen.fetch.run import Round
from tests.fetch_server import Page, article, rss, serve

PARAGRAPH = ("The minister said on Tuesday that the government would publish its plans for "
             "the coming year in full, after weeks of questions from members of parliament.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rate-limit", default="0.001s")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    floor = args.articles * (duration(args.rate_limit) or 0)
    with serve() as site, tempfile.TemporaryDirectory() as tmp:
        urls = [f"/news/story-{n}" for n in range(args.articles)]
        site.routes["/rss.xml"] = Page(body=rss([site.base + u for u in urls]))
        pages = {u: article(f"Story {n}", [f"{PARAGRAPH} ({n}, {i})" for i in range(8)])
                 for n, u in enumerate(urls)}
        for url, body in pages.items():
            site.routes[url] = Page(body=body, etag=f'"{url}"')
        project = Path(tmp)
        (project / "content" / "bench").mkdir(parents=True)
        (project / "sitegen.yaml").write_text("title: bench\n")
        (project / "content" / "bench" / "_source.yaml").write_text(
            f"feeds:\n  - {site.base}/rss.xml\nrate_limit: {args.rate_limit}\n")
        print(f"{args.articles} articles on one host, rate_limit {args.rate_limit}, "
              f"concurrency {args.concurrency}; floor set by the rate limit: {floor:.2f} s")
        for label, every, validators in [("round 1: new articles, fetched and stored", False,
                                           True),
                                          ("round 2 --all: conditional requests", True, True),
                                          ("round 3 --all: no validators, all re-extracted",
                                           True, False)]:
            if not validators:
                for url, body in pages.items():
                    site.routes[url] = Page(body=body)
            site.log.clear()
            fetch_round = Round(project, every=every, workers=args.concurrency,
                                options=Options())
            began = time.perf_counter()
            summary = fetch_round.run()
            took = time.perf_counter() - began
            print(f"{label}: {took:.2f} s, {len(site.log)} requests "
                  f"({took / max(summary.checked, 1) * 1000:.1f} ms per article); "
                  f"{summary.line()}")
            began = time.perf_counter()
            made = build(project, search=False)
            print(f"  build after it (no search): {time.perf_counter() - began:.2f} s, "
                  f"{made.rebuilt} articles rebuilt, {made.written} files written")


if __name__ == "__main__":
    main()

"""What finding stories costs on a synthetic archive (``bench/synthetic.py``): the
signatures (made in the article jobs), the candidates of every article (a clean build) and
of one (a one-version rebuild), and the whole step of a clean build (candidates, loading
and comparing the candidate pairs). Prints figures: ``python -m bench.stories 1000``."""

from __future__ import annotations

import functools
import sys
import tempfile
import time
from pathlib import Path

from bench import synthetic
from sitegen.cache import ArticleRecord
from sitegen.content.loader import load_article, scan
from sitegen.model import ArticleSummary
from sitegen.stories import candidates
from sitegen.stories.records import StoriesState
from sitegen.stories.signature import signature_of
from sitegen.stories.update import find_pairs


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        synthetic.generate(project, count, 5)
        _, specs, _ = scan(project, project / "content")
        by_key = {s.key: s for s in specs}
        arts = [load_article(s, 10_000_000, 10_000)[0] for s in specs]
        started = time.perf_counter()
        sigs = {a.key: signature_of(a) for a in arts if a is not None}
        signed = time.perf_counter() - started
        started = time.perf_counter()
        found, _ = candidates.pairs(sigs)
        every = time.perf_counter() - started
        one = sorted(sigs)[len(sigs) // 2]
        started = time.perf_counter()
        candidates.pairs(sigs, [one])
        single = time.perf_counter() - started
        # Records as the jobs leave them: what the step reads is the signature (and that
        # the article had a valid version: a summary).
        records = {a.key: ArticleRecord(a.key, "", ArticleSummary.of(a), [], {}, None,
                                        story=sigs[a.key]) for a in arts if a is not None}

        @functools.cache
        def load(name: str):  # type: ignore[no-untyped-def]
            return load_article(by_key[name], 10_000_000, 10_000)[0]

        started = time.perf_counter()
        pairs, _ = find_pairs(records, StoriesState(), load)
        step = time.perf_counter() - started
    print(f"{count:,} articles x 5 versions: signatures {signed:.3f} s "
          f"({signed / count * 1000:.2f} ms an article, in the jobs); candidates of every "
          f"article {every:.3f} s ({len(found)} pairs); candidates of one article "
          f"{single:.3f} s; the clean build's step (candidates, loading and comparing) "
          f"{step:.3f} s ({len(pairs)} related pairs)")


if __name__ == "__main__":
    main()

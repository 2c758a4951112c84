"""What finding stories costs on a synthetic archive: the signatures (made in the article
jobs), the candidate search over every article (a clean build) and for one article (a
one-version rebuild). Prints figures; ``python -m bench.stories 1000``."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench import synthetic
from sitegen.content.loader import load_article, scan
from sitegen.stories import candidates
from sitegen.stories.signature import signature_of


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        synthetic.generate(project, count, 5)
        _, specs, _ = scan(project, project / "content")
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
    print(f"{count} articles x 5 versions: signatures {signed:.3f} s (in the jobs), "
          f"candidates of every article {every:.3f} s ({len(found)} pairs), "
          f"candidates of one article {single:.3f} s")


if __name__ == "__main__":
    main()

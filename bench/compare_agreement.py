"""How closely the compare page's JavaScript diff agrees with the Python engine.

    python bench/compare_agreement.py [CORPUS] [--all-pairs] [--worst N]

CORPUS (default ../shared/corpora/rust-rfcs) is imported with ``sitegen import`` into a
temporary project; the demo is measured too. For every consecutive pair (every pair with
--all-pairs) compare.js runs in headless Chromium on the compare page's data and its removed
and added words and paragraph counts are compared with ``diff_versions``. The numbers are
recorded in docs/compare.md; tests/test_compare.py checks a sample.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from click.testing import CliRunner  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from sitegen.build import build  # noqa: E402
from sitegen.cli import main  # noqa: E402
from sitegen.content.loader import load_archive  # noqa: E402
from tests.conftest import CHROMIUM_ARGS, RUST_RFCS, chromium_path  # noqa: E402
from tests.test_compare import agreement  # noqa: E402


def report(name: str, found: dict, worst: int) -> None:  # type: ignore[type-arg]
    share = found["differing"] / found["words"] if found["words"] else 0.0
    print(f"{name}: {found['pairs']} pairs, {found['exact']} identical "
          f"({found['exact'] / found['pairs']:.1%}); {found['differing']:,} of "
          f"{found['words']:,} changed words told apart ({share:.2%}); changed words: "
          f"{found['words']:,} by the engine, {found['js_words']:,} by compare.js")
    for off, key, a, b in sorted(found["worst"], reverse=True)[:worst]:
        print(f"  {key} {a}->{b}: {off} words")


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=RUST_RFCS)
    parser.add_argument("--all-pairs", action="store_true")
    parser.add_argument("--worst", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        work = Path(tmp)
        build(ROOT, work / "demo", search=False)
        project = work / "corpus"
        (project / "content").mkdir(parents=True)
        result = CliRunner().invoke(main, ["import", "-C", str(project), str(args.corpus)])
        assert result.exit_code == 0, result.output
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for name, folder in (("demo", ROOT), (args.corpus.name, project)):
            archive, _ = load_archive(folder, folder / "content")
            articles = [a for a in archive.articles() if len(a.versions) > 1]
            report(name, agreement(browser, work / "demo", articles, not args.all_pairs),
                   args.worst)
        browser.close()


if __name__ == "__main__":
    main_()

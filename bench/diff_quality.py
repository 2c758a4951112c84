"""Diff quality and speed against difflib, over every consecutive pair of a revision corpus.

    python bench/diff_quality.py [CORPUS] [--worst N] [--news] [--optimum]

CORPUS defaults to ../shared/corpora/rust-rfcs (next to the repository). Both diffs see the
same whole-document token lists (sitegen.diff.tokens keys). The cost of a diff is its
inserted + deleted tokens; a moved block counts its tokens once (the move's inner diff:
unchanged + inserted + deleted tokens). difflib is ``SequenceMatcher(None, old, new)`` with
default settings. Prints the totals, the worst pair ratio and the timing; ``--news`` also
times news-sized pairs made from the seeds, ``--optimum`` computes the least possible total
for a diff without moves. The numbers are recorded in docs/diff.md.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen.diff import diff_texts  # noqa: E402
from sitegen.diff.engine import _doc  # noqa: E402
from sitegen.diff.sequence import lcs_length  # noqa: E402
from sitegen.diff.tokens import tokenize  # noqa: E402


def pairs(corpus: Path):
    """(name, old text, new text) for every consecutive pair of versions."""
    for meta_path in sorted(corpus.glob("*/meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        files = [meta_path.parent / v["file"] for v in meta["versions"]]
        texts = [f.read_text(encoding="utf-8") for f in files]
        for n in range(1, len(texts)):
            name = f"{meta_path.parent.name}/{files[n - 1].name}..{files[n].name}"
            yield name, texts[n - 1], texts[n]


def difflib_cost(a: list[str], b: list[str]) -> int:
    codes = difflib.SequenceMatcher(None, a, b).get_opcodes()
    return sum(i2 - i1 + j2 - j1 for tag, i1, i2, j1, j2 in codes if tag != "equal")


def our_cost(old: str, new: str) -> int:
    stats = diff_texts(old, new).stats
    return stats.tokens_added + stats.tokens_removed + stats.tokens_moved


def optimum_cost(a: list[str], b: list[str]) -> int:
    """The fewest inserted + deleted tokens without moves: a whole-document LCS."""
    return len(a) + len(b) - 2 * lcs_length(a, b)


def measure(corpus: Path, optimum: bool = False) -> dict:
    """Costs of both diffs per pair, and the time our diff took (parsing included)."""
    rows = []
    seconds = 0.0
    best = 0
    for name, old, new in pairs(corpus):
        a, b = tokenize(old)[0], tokenize(new)[0]
        _doc.cache_clear()  # time parsing too, as a build would the first time
        start = time.perf_counter()
        ours = our_cost(old, new)
        seconds += time.perf_counter() - start
        rows.append((name, ours, difflib_cost(a, b), len(a) + len(b)))
        if optimum:
            best += optimum_cost(a, b)
    return {"rows": rows, "seconds": seconds, "optimum": best}


def ratio(ours: int, theirs: int) -> float:
    if theirs == 0:
        return 1.0 if ours == 0 else float("inf")
    return ours / theirs


def news_cases(seeds: Path) -> dict[str, tuple[str, str]]:
    """News-sized pairs made from the BBC article in seed 000 (556 words, 21 paragraphs):
    a typical update, its paraphrase (seed 001), and no change."""
    bbc = (seeds / "000_33d647921b4afdbb.txt").read_text(encoding="utf-8").split("\n")
    start = next(n for n, line in enumerate(bbc) if line.startswith("---|")) + 1
    paras = [line.split(" | ")[0].strip() for line in bbc[start:] if " | " in line]
    paras = [p for p in paras if p][2:]  # from "Sir Keir", as in seed 001
    base = "\n\n".join(paras) + "\n"
    edited = list(paras)
    edited[3] = edited[3].replace("earlier", "later").replace("discuss", "talk about")
    edited.insert(6, "A new paragraph was added here, with a quote: \u201cwe are ready\u201d.")
    del edited[9]
    paraphrase = (seeds / "001_e82bf5f21d7b90ea.txt").read_text(encoding="utf-8")
    paraphrase = "\n\n".join(line for line in paraphrase.split("\n") if line.strip()) + "\n"
    return {"typical update": (base, "\n\n".join(edited) + "\n"),
            "every paragraph paraphrased": (base, paraphrase),
            "no change": (base, base)}


def news_timing(seeds: Path, rounds: int = 300) -> list[tuple[str, float, float]]:
    """(case, ms per pair parsing both texts, ms per pair with both already parsed)."""
    out = []
    for name, (old, new) in news_cases(seeds).items():
        start = time.perf_counter()
        for _ in range(rounds):
            _doc.cache_clear()
            diff_texts(old, new)
        cold = (time.perf_counter() - start) / rounds * 1000
        diff_texts(old, new)
        start = time.perf_counter()
        for _ in range(rounds):
            diff_texts(old, new)
        warm = (time.perf_counter() - start) / rounds * 1000
        out.append((name, cold, warm))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path,
                        default=ROOT.parent / "shared" / "corpora" / "rust-rfcs")
    parser.add_argument("--worst", type=int, default=5, help="list the N worst pairs")
    parser.add_argument("--news", action="store_true", help="also time news-sized pairs")
    parser.add_argument("--optimum", action="store_true",
                        help="also print the least possible total without moves")
    args = parser.parse_args()
    result = measure(args.corpus, args.optimum)
    rows = result["rows"]
    ours = sum(r[1] for r in rows)
    theirs = sum(r[2] for r in rows)
    ranked = sorted(rows, key=lambda r: (-ratio(r[1], r[2]), r[0]))
    print(f"pairs: {len(rows)}  tokens: {sum(r[3] for r in rows)}")
    print(f"total inserted+deleted tokens: ours {ours}, difflib {theirs} "
          f"(ours/difflib = {ours / theirs:.4f})")
    print(f"pairs where ours > difflib: {sum(r[1] > r[2] for r in rows)}; "
          f"> 1.1 x difflib: {sum(r[1] > 1.1 * r[2] for r in rows)}")
    if args.optimum:
        print(f"least possible total without moves (whole-document LCS): {result['optimum']}")
    for name, a, b, _ in ranked[: args.worst]:
        print(f"  worst: {name}: ours {a}, difflib {b}, ratio {ratio(a, b):.4f}")
    per_pair = result["seconds"] / len(rows) * 1000
    print(f"time: {result['seconds']:.2f} s for {len(rows)} pairs, "
          f"{per_pair:.2f} ms per pair (mean, parsing included)")
    if args.news:
        seeds = ROOT.parent / "shared" / "seeds"
        print("news-sized pairs (556 words, 21 paragraphs), ms per pair:")
        for name, cold, warm in news_timing(seeds):
            print(f"  {name}: {cold:.3f} parsing both, {warm:.3f} already parsed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The pairs of articles worth comparing: found with MinHash LSH (near copies and
paraphrases) and with shared sentences and quotations (the same story told separately),
never by comparing every article with every other.

Only articles of different sources pair. What a source repeats across its own articles (a
sign-off, "Sorry, we are not accepting comments", a standard caption) is furniture: its
keys are not evidence, so two articles sharing only that are no candidates.

The LSH bands are datasketch's (``MinHashLSH`` picks the band count and width for the
threshold); the bands are matched here with numpy over the signatures the build's record
holds, because an index would have to be rebuilt on every build: one new version is looked
up against 10,000 articles in a few milliseconds, against 2.5 s to insert them all.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import cache

import numpy as np
from datasketch import MinHashLSH

from sitegen.stories.records import Signature
from sitegen.stories.signature import NUM_PERM

# MinHash LSH finds pairs whose shingle sets overlap by this Jaccard similarity or more
# (probably): low, since a machine paraphrase of seed 000 keeps only 0.18 of its shingles
# (measured on the demo); the alignment then decides.
LSH_THRESHOLD = 0.1
FURNITURE_ARTICLES = 2  # a key in this many articles of one source is furniture
MIN_SHARED = 2  # shared (non-furniture) keys that make two articles a candidate pair
# A pair found by the bands alone must also have this estimated Jaccard similarity (the
# share of equal MinHash values): 64 bands of 2 let unrelated pairs through by chance (30
# among 10,000 synthetic articles, estimated at 0.016 to 0.023, each costing an alignment);
# the demo's paraphrase estimates at 0.16 (its shingle sets' Jaccard similarity is 0.18).
MIN_JACCARD = 0.06
# A band value or key shared by more articles than this is no evidence of a story (text
# every article of a template has): skipped, so that the pairs never grow as the square of
# the archive.
CROWD = 50


@cache
def bands() -> tuple[int, int]:
    """(bands, rows per band) for LSH_THRESHOLD: 64 bands of 2 rows."""
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def _source(name: str) -> str:
    return name.split("/", 1)[0]


def furniture(signatures: dict[str, Signature], only: set[int] | None = None) -> set[int]:
    """The keys some source repeats in ``FURNITURE_ARTICLES`` or more of its articles (of
    ``only``, when given)."""
    by_source: dict[str, Counter[int]] = defaultdict(Counter)
    for name, sig in signatures.items():
        keys = sig.keys if only is None else only.intersection(sig.keys)
        by_source[_source(name)].update(keys)
    return {k for counts in by_source.values() for k, n in counts.items()
            if n >= FURNITURE_ARTICLES}


def matrix_of(names: list[str], signatures: dict[str, Signature]) -> np.ndarray:
    data = b"".join(signatures[n].minhash for n in names)
    return np.frombuffer(data, dtype="<u4").reshape(len(names), NUM_PERM)


def band_pairs(matrix: np.ndarray) -> set[tuple[int, int]]:
    """Every pair of rows equal in at least one band."""
    b, r = bands()
    found: set[tuple[int, int]] = set()
    for band in range(b):
        part = np.ascontiguousarray(matrix[:, band * r:(band + 1) * r])
        keys = part.view(f"V{4 * r}").ravel()
        order = np.argsort(keys, kind="stable")
        ranked = keys[order]
        starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1], True])
        for s, e in itertools.pairwise(starts):
            if 1 < e - s <= CROWD:
                rows = sorted(order[s:e].tolist())
                found.update((x, y) for i, x in enumerate(rows) for y in rows[i + 1:])
    return found


def near_rows(matrix: np.ndarray, row: np.ndarray) -> np.ndarray:
    """The rows equal to ``row`` in at least one band."""
    b, r = bands()
    same = matrix == row
    equal = same.reshape(len(matrix), b, r).all(axis=2)
    usable = equal.sum(axis=0) <= CROWD  # (as band_pairs: the row itself counts)
    return np.flatnonzero(equal[:, usable].any(axis=1) & (same.mean(axis=1) >= MIN_JACCARD))


def similar_enough(matrix: np.ndarray, x: int, y: int) -> bool:
    """Whether rows ``x`` and ``y`` estimate a Jaccard similarity of MIN_JACCARD or more."""
    return bool((matrix[x] == matrix[y]).mean() >= MIN_JACCARD)


def pairs(signatures: dict[str, Signature], changed: Iterable[str] | None = None,
          ) -> tuple[set[tuple[str, str]], set[int]]:
    """The candidate pairs (sorted article keys) that include an article of ``changed``
    (every pair when None), and the furniture keys (all of them, or for ``changed``
    those of the articles of its pairs)."""
    names = sorted(n for n, sig in signatures.items() if sig.minhash)
    if not names:
        return set(), set()
    matrix = matrix_of(names, signatures)
    found: set[tuple[str, str]] = set()
    if changed is None:
        boiler = furniture(signatures)
        index: dict[int, list[int]] = defaultdict(list)
        for n, name in enumerate(names):
            for k in signatures[name].keys:
                if k not in boiler:
                    index[k].append(n)
        shared: Counter[tuple[int, int]] = Counter()
        for rows in index.values():
            if 1 < len(rows) <= CROWD:
                shared.update((x, y) for i, x in enumerate(rows) for y in rows[i + 1:])
        near = {p for p in band_pairs(matrix) if similar_enough(matrix, *p)}
        near |= {p for p, n in shared.items() if n >= MIN_SHARED}
        found = {(names[x], names[y]) for x, y in near
                 if _source(names[x]) != _source(names[y])}
        return found, boiler
    wanted = sorted(set(changed) & set(names))
    flat = np.fromiter((k for n in names for k in signatures[n].keys), dtype=np.int64)
    owner = np.repeat(np.arange(len(names)),
                      [len(signatures[n].keys) for n in names])
    position = {name: n for n, name in enumerate(names)}
    # (Furniture among the changed articles' keys, worked out once: for a key of one of
    # them, it is what it would be among that article's keys alone.)
    boiler = furniture(signatures, {k for name in wanted for k in signatures[name].keys})
    for name in wanted:
        mine = signatures[name].keys
        evidence = np.array([k for k in mine if k not in boiler], dtype=np.int64)
        hit = np.isin(flat, evidence)
        found_keys, per_key = np.unique(flat[hit], return_counts=True)
        usable = np.isin(flat[hit], found_keys[per_key <= CROWD])
        rows, counts = np.unique(owner[hit][usable], return_counts=True)
        near = set(near_rows(matrix, matrix[position[name]]).tolist())
        near.update(rows[counts >= MIN_SHARED].tolist())
        source = _source(name)
        found.update((min(name, names[o]), max(name, names[o])) for o in near
                     if _source(names[o]) != source)
    involved = {n for p in found for n in p}
    keys = {k for n in involved for k in signatures[n].keys}
    return found, furniture(signatures, keys)

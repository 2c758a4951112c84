"""The pairs of articles worth comparing: found with MinHash LSH (near copies and
paraphrases) and with shared sentences and quotations (the same story told separately),
never by comparing every article with every other.

Only articles of different sources pair. What a source repeats across its own articles (a
sign-off, "Sorry, we are not accepting comments", a standard caption) is furniture: its
keys are not evidence, so two articles sharing only that are no candidates."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from datasketch import MinHashLSH

from sitegen.stories.records import Signature
from sitegen.stories.signature import NUM_PERM, lean

# MinHash LSH finds pairs whose shingle sets overlap by this Jaccard similarity or more
# (probably): low, since a machine paraphrase of seed 000 keeps only 0.18 of its shingles
# (measured on the demo); the alignment then decides.
LSH_THRESHOLD = 0.1
FURNITURE_ARTICLES = 2  # a key in this many articles of one source is furniture
MIN_SHARED = 2  # shared (non-furniture) keys that make two articles a candidate pair


def furniture(signatures: dict[str, Signature]) -> set[int]:
    """The keys some source repeats in ``FURNITURE_ARTICLES`` or more of its articles."""
    by_source: dict[str, Counter[int]] = defaultdict(Counter)
    for name, sig in signatures.items():
        by_source[name.split("/", 1)[0]].update(sig.keys)
    return {k for counts in by_source.values() for k, n in counts.items()
            if n >= FURNITURE_ARTICLES}


def pairs(signatures: dict[str, Signature], changed: Iterable[str] | None = None,
          ) -> tuple[set[tuple[str, str]], set[int]]:
    """The candidate pairs (sorted article keys) that include an article of ``changed``
    (every pair when None), and the furniture keys."""
    names = sorted(signatures)
    boiler = furniture(signatures)
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    index: dict[int, list[str]] = defaultdict(list)
    with lsh.insertion_session() as session:
        for name in names:
            session.insert(name, lean(signatures[name]), check_duplication=False)
    for name in names:
        for k in signatures[name].keys:
            if k not in boiler:
                index[k].append(name)
    wanted = names if changed is None else sorted(set(changed) & set(signatures))
    found: set[tuple[str, str]] = set()
    for name in wanted:
        source = name.split("/", 1)[0]
        near = set(lsh.query(lean(signatures[name])))
        shared: Counter[str] = Counter()
        for k in signatures[name].keys:
            if k not in boiler:
                shared.update(index[k])
        near.update(other for other, n in shared.items() if n >= MIN_SHARED)
        for other in near:
            if other.split("/", 1)[0] != source:
                found.add((min(name, other), max(name, other)))
    return found, boiler

"""An article's signature for finding stories: made by its job, kept with its record, so
that a build compares a new version against candidates without reading the archive."""

from __future__ import annotations

import zlib
from functools import cache

import numpy as np
from datasketch import LeanMinHash, MinHash

from sitegen.model import Article
from sitegen.stories import text
from sitegen.stories.records import Signature

NUM_PERM = 128
SCHEME = "affine32"  # uint32 values: the record keeps 512 bytes an article


def lean(sig: Signature) -> LeanMinHash:
    values = np.frombuffer(sig.minhash, dtype="<u4").astype(np.uint64)
    return LeanMinHash(seed=1, hashvalues=values, scheme=SCHEME)


@cache
def _permutations() -> object:
    """The permutations of every signature, made once (MinHash makes them per instance)."""
    return MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME).permutations


def signature_of(article: Article) -> Signature:
    """Made from the article's distinct paragraphs and sentences (its versions share most
    of them), each worked out once."""
    found: dict[str, None] = {}
    for version in article.versions:
        found.update(dict.fromkeys(text.paragraphs(version.body)))
    sentences: dict[str, list[str]] = {}
    keys: set[int] = set()
    for paragraph in found:
        sentences.update(text.paragraph_words(paragraph))
        keys.update(text.sentence_key(q) for q in text.quotes(paragraph))
    shingles: set[bytes] = set()
    for w in sentences.values():
        keys.add(text.words_key(w))
        text.add_shingles(w, shingles)
    if not shingles:  # no sentence long enough: nothing to find it by
        return Signature(b"", sorted(keys))
    # CRC-32 (C, called directly) hashes the shingles: three times quicker than the
    # default SHA-1 wrapper, and the permutations are applied to its values anyway.
    minhash = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME, hashfunc=zlib.crc32,
                      permutations=_permutations())
    minhash.update_batch(list(shingles))
    return Signature(minhash.hashvalues.astype("<u4").tobytes(), sorted(keys))

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
_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constants mix a shingle's three hashes
_LOW = np.uint64(0xFFFFFFFF)  # into the 32 bits the affine32 scheme takes
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
    # Each distinct word is hashed once (CRC-32); a shingle's hash is made from its three
    # words' with numpy, never crossing a sentence's end.
    hashes = {word: zlib.crc32(word.encode())
              for word in {word for w in sentences.values() for word in w}}
    lookup = hashes.__getitem__
    flat: list[int] = []
    ends: list[int] = []
    for w in sentences.values():
        keys.add(text.words_key(w))
        flat.extend(map(lookup, w))
        ends.append(len(flat))
    if not flat:  # no sentence long enough: nothing to find it by
        return Signature(b"", sorted(keys))
    values = np.array(flat, dtype=np.uint64)
    starts = np.zeros(len(values), dtype=bool)
    starts[[0, *ends[:-1]]] = True
    inside = ~(starts[1:-1] | starts[2:])  # a shingle's 2nd and 3rd words: same sentence
    mixed = (values[:-2] * _MIX + values[1:-1]) * _MIX + values[2:]
    # Not made unique: a minimum is the same with repeats, and sentences are distinct here.
    shingles = ((mixed ^ (mixed >> np.uint64(32))) & _LOW)[inside]
    minhash = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME, hashfunc=int,
                      permutations=_permutations())
    minhash.update_batch(shingles.tolist())
    return Signature(minhash.hashvalues.astype("<u4").tobytes(), sorted(keys))

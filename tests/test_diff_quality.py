"""The diff against difflib over the rust-rfcs revision history (bench/diff_quality.py
prints the same numbers, with timing).

For every consecutive pair of versions, both diffs run on the same whole-document token
lists; the cost of a diff is its inserted + deleted tokens, a moved block counting its
tokens once. Ours must cost no more than difflib in total, and no pair more than 10% more.
"""

from __future__ import annotations

import difflib
import json
from itertools import pairwise

from sitegen.diff import diff_texts
from sitegen.diff.tokens import tokenize
from tests.conftest import RUST_RFCS, need


def test_no_worse_than_difflib_on_the_rust_rfcs() -> None:
    corpus = need(RUST_RFCS, "the rust-rfcs corpus")
    ours_total = theirs_total = pairs = 0
    too_big = []
    for meta_path in sorted(corpus.glob("*/meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        texts = [(meta_path.parent / v["file"]).read_text(encoding="utf-8")
                 for v in meta["versions"]]
        for old, new in pairwise(texts):
            diff = diff_texts(old, new)
            assert diff.old_text() == old and diff.new_text() == new
            stats = diff.stats
            ours = stats.tokens_added + stats.tokens_removed + stats.tokens_moved
            a, b = tokenize(old)[0], tokenize(new)[0]
            assert (stats.tokens_old, stats.tokens_new) == (len(a), len(b))
            theirs = sum(i2 - i1 + j2 - j1 for tag, i1, i2, j1, j2
                         in difflib.SequenceMatcher(None, a, b).get_opcodes() if tag != "equal")
            if ours > 1.1 * theirs:
                too_big.append((meta_path.parent.name, ours, theirs))
            ours_total += ours
            theirs_total += theirs
            pairs += 1
    assert pairs == 725
    assert ours_total <= theirs_total
    assert not too_big

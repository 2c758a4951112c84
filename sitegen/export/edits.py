"""A change as sentence-level edit actions, as NewsEdits (Spangher et al., NAACL 2022)
records them: each sentence of the old version is matched to at most one of the new, and

- ``deleted``: an old sentence matched to none;
- ``added``: a new sentence matched to none;
- ``edited``: matched to a sentence with other text, in the same order as the rest;
- ``moved``: matched out of order (the heaviest run of matches in order stays put, as the
  diff engine decides its block moves); its text may also differ.

Sentences are matched first where their texts are equal (the longest common subsequence of
the two lists, then equal texts elsewhere), then by their words: the pair sharing the most
words, if they share at least ``MIN_SIMILARITY`` of them (Dice coefficient over distinct
word keys; in a very large rewrite only sentences near each other's place are compared).
Sentences left unchanged in place give no action. An edited or moved sentence carries its
word diff, made by the diff engine.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass

from sitegen.diff import diff_texts
from sitegen.diff.model import DELETE, EQUAL, INSERT
from sitegen.diff.sequence import increasing, matches
from sitegen.diff.tokens import is_word, tokenize

MIN_SIMILARITY = 0.5
# Above this many (unmatched old, unmatched new) pairs, an old sentence is compared only with
# the NEAR unmatched new sentences nearest its place: a rewrite of thousands of sentences
# costs seconds, not minutes (2,000 x 2,000 took 9 s in full).
MAX_PAIRS = 250_000
NEAR = 200
ACTIONS = ("added", "deleted", "edited", "moved")


@dataclass(frozen=True, slots=True)
class Edit:
    action: str
    old_index: int | None  # the sentence's place in the old version, from 0
    new_index: int | None  # ... and in the new one
    old_text: str | None
    new_text: str | None
    word_diff: list[list[str]] | None  # [op, text]: "equal", "delete" or "insert"


def word_diff(old: str, new: str) -> list[list[str]]:
    """The word diff of two sentences as [op, text] pairs: the old sentence is the equal and
    delete texts in order, the new one the equal and insert texts (a difference of style
    alone, such as quote marks, is a delete and an insert)."""
    out: list[list[str]] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1][0] == op:
            out[-1][1] += text
        else:
            out.append([op, text])

    for block in diff_texts(old, new, plain=True).blocks:
        for part in block.parts:
            if part.op == EQUAL and part.old == part.new:
                add(EQUAL, part.old)
            else:
                add(DELETE, part.old if part.op != INSERT else "")
                add(INSERT, part.new if part.op != DELETE else "")
    return out


def _words(text: str) -> frozenset[str]:
    return frozenset(k.casefold() for k in tokenize(text)[0] if is_word(k))


def _near(i: int, old_count: int, new_count: int, left_new: list[int]) -> list[int]:
    """The NEAR unmatched new sentences around where old sentence ``i`` would be."""
    at = bisect.bisect_left(left_new, i * new_count // max(old_count, 1))
    start = max(0, min(at - NEAR // 2, len(left_new) - NEAR))
    return left_new[start:start + NEAR]


def edits(old: list[str], new: list[str]) -> list[Edit]:
    """The edit actions that turn the sentences ``old`` into ``new``, ordered by where they
    are (old index for deletions, new index for the rest)."""
    pairs: dict[int, int] = {}  # old index -> new index
    for i, j, size in matches(old, new):
        for k in range(size):
            pairs[i + k] = j + k
    taken = set(pairs.values())
    # Equal texts out of order: moved sentences.
    waiting: dict[str, list[int]] = defaultdict(list)
    for j, text in enumerate(new):
        if j not in taken:
            waiting[text].append(j)
    for i, text in enumerate(old):
        if i not in pairs and waiting.get(text):
            j = waiting[text].pop(0)
            pairs[i] = j
            taken.add(j)
    # Similar texts: the pairs sharing most words first.
    left_old = [i for i in range(len(old)) if i not in pairs]
    left_new = [j for j in range(len(new)) if j not in taken]
    if left_old and left_new:
        new_words = {j: _words(new[j]) for j in left_new}
        candidates = []
        wide = len(left_old) * len(left_new) > MAX_PAIRS
        for i in left_old:
            a = _words(old[i])
            for j in _near(i, len(old), len(new), left_new) if wide else left_new:
                b = new_words[j]
                if a and b:
                    score = 2 * len(a & b) / (len(a) + len(b))
                    if score >= MIN_SIMILARITY:
                        candidates.append((-score, abs(i - j), i, j))
        for _, _, i, j in sorted(candidates):
            if i not in pairs and j not in taken:
                pairs[i] = j
                taken.add(j)
    # In order: the heaviest increasing run of matched pairs, weighted by length.
    ordered = sorted(pairs.items())
    keep = {ordered[k][0] for k in increasing([j for _, j in ordered],
                                               [len(old[i]) + 1 for i, _ in ordered])}
    found: list[tuple[float, Edit]] = []
    for i, j in ordered:
        moved = i not in keep
        if not moved and old[i] == new[j]:
            continue
        diff = word_diff(old[i], new[j]) if old[i] != new[j] else None
        found.append((j, Edit("moved" if moved else "edited", i, j, old[i], new[j], diff)))
    found += [(j, Edit("added", None, j, None, new[j], None))
              for j in range(len(new)) if j not in taken]
    # A deletion goes just after the new place of the last sentence before it that stayed.
    place = -0.5
    for i in range(len(old)):
        if i in keep:
            place = pairs[i] + 0.5
        elif i not in pairs:
            found.append((place, Edit("deleted", i, None, old[i], None, None)))
    found.sort(key=lambda item: (item[0], item[1].old_index or 0))
    return [edit for _, edit in found]

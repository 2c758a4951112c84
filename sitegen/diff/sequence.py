"""Longest common subsequence of two token lists, as matching runs.

A bit-parallel LCS (Allison-Dix / Hyyrö: one Python big-int holds a whole DP row) gives a
*minimal* diff in O(n·m/64) machine operations but only O(n + m) Python steps, which is what
makes pure Python fast enough here. Common prefix and suffix are trimmed first; very large
inputs are cut at tokens that occur once on each side (patience anchors) before the LCS, to
bound memory (the backtrack keeps one row per token).
"""

from __future__ import annotations

from collections.abc import Sequence

Run = tuple[int, int, int]  # (index in a, index in b, length)

_MAX_CELLS = 25_000_000  # n*m above this: split at patience anchors first


def matches(a: Sequence[str], b: Sequence[str]) -> list[Run]:
    """Matching runs of an LCS of ``a`` and ``b``, in order, adjacent runs merged."""
    pairs: list[tuple[int, int]] = []
    _match(a, b, 0, len(a), 0, len(b), pairs)
    runs: list[Run] = []
    for i, j in pairs:
        if runs:
            ri, rj, size = runs[-1]
            if ri + size == i and rj + size == j:
                runs[-1] = (ri, rj, size + 1)
                continue
        runs.append((i, j, 1))
    return runs


def _match(a: Sequence[str], b: Sequence[str], alo: int, ahi: int, blo: int, bhi: int,
           out: list[tuple[int, int]]) -> None:
    """Append the matched index pairs of an LCS of a[alo:ahi] and b[blo:bhi] to ``out``."""
    while alo < ahi and blo < bhi and a[alo] == b[blo]:
        out.append((alo, blo))
        alo += 1
        blo += 1
    tail = 0
    while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
        ahi -= 1
        bhi -= 1
        tail += 1
    if alo < ahi and blo < bhi:
        if (ahi - alo) * (bhi - blo) <= _MAX_CELLS:
            out.extend(_lcs(a, b, alo, ahi, blo, bhi))
        else:
            _patience(a, b, alo, ahi, blo, bhi, out)
    out.extend((ahi + k, bhi + k) for k in range(tail))


def _lcs(a: Sequence[str], b: Sequence[str], alo: int, ahi: int, blo: int,
         bhi: int) -> list[tuple[int, int]]:
    """Bit-parallel LCS. Bit i of row j is 0 where a[:i+1] has one more common token with
    b[:j+1] than a[:i]; the backtrack reads those bits."""
    masks: dict[str, int] = {}
    for i in range(alo, ahi):
        bit = 1 << (i - alo)
        token = a[i]
        masks[token] = masks.get(token, 0) | bit
    full = (1 << (ahi - alo)) - 1
    row = full
    rows = []
    for j in range(blo, bhi):
        match = row & masks.get(b[j], 0)
        row = ((row + match) | (row - match)) & full
        rows.append(row)
    pairs: list[tuple[int, int]] = []
    i, j = ahi - alo, bhi - blo
    while i and j:
        if rows[j - 1] >> (i - 1) & 1:
            i -= 1
        elif a[alo + i - 1] == b[blo + j - 1]:
            i -= 1
            j -= 1
            pairs.append((alo + i, blo + j))
        else:
            j -= 1
    pairs.reverse()
    return pairs


def _patience(a: Sequence[str], b: Sequence[str], alo: int, ahi: int, blo: int, bhi: int,
              out: list[tuple[int, int]]) -> None:
    """Split a large problem at tokens unique on both sides (longest increasing run of
    them), or, when there are none, give up on matching: such inputs are rewrites."""
    count_a: dict[str, int] = {}
    for i in range(alo, ahi):
        count_a[a[i]] = count_a.get(a[i], 0) + 1
    count_b: dict[str, int] = {}
    where_b: dict[str, int] = {}
    for j in range(blo, bhi):
        count_b[b[j]] = count_b.get(b[j], 0) + 1
        where_b[b[j]] = j
    pairs = [(i, where_b[a[i]]) for i in range(alo, ahi)
             if count_a[a[i]] == 1 and count_b.get(a[i]) == 1]
    anchors = increasing([j for _, j in pairs], [1] * len(pairs))
    if not anchors:
        return
    i0, j0 = alo, blo
    for k in anchors:
        i, j = pairs[k]
        _match(a, b, i0, i, j0, j, out)
        out.append((i, j))
        i0, j0 = i + 1, j + 1
    _match(a, b, i0, ahi, j0, bhi, out)


def increasing(values: Sequence[int], weights: Sequence[int]) -> list[int]:
    """Indexes of the heaviest strictly increasing subsequence of ``values`` (all distinct),
    by a Fenwick tree of running maxima: O(n log n). Ties go to the earliest candidates."""
    if not values:
        return []
    rank = {v: r + 1 for r, v in enumerate(sorted(values))}
    size = len(values)
    tree_best = [0] * (size + 1)  # best total weight ending at rank <= r
    tree_at = [-1] * (size + 1)  # ... and the index it ends at
    best = [0] * size
    back = [-1] * size
    for k, value in enumerate(values):
        r = rank[value] - 1
        top, at = 0, -1
        while r > 0:
            if tree_best[r] > top:
                top, at = tree_best[r], tree_at[r]
            r -= r & -r
        best[k] = top + weights[k]
        back[k] = at
        r = rank[value]
        while r <= size:
            if best[k] > tree_best[r]:
                tree_best[r], tree_at[r] = best[k], k
            r += r & -r
    k = max(range(size), key=lambda n: (best[n], -n))
    chain = []
    while k >= 0:
        chain.append(k)
        k = back[k]
    chain.reverse()
    return chain


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """The exact length of a longest common subsequence, in O(n) memory (for measuring)."""
    masks: dict[str, int] = {}
    for i, token in enumerate(a):
        masks[token] = masks.get(token, 0) | (1 << i)
    full = (1 << len(a)) - 1
    row = full
    for token in b:
        match = row & masks.get(token, 0)
        row = ((row + match) | (row - match)) & full
    return len(a) - row.bit_count()

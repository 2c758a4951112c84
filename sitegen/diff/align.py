"""Block alignment: which old blocks became which new ones.

1. Blocks with the same tokens (cosmetic differences aside) are matched by hashing, never
   word-diffed: the common head and tail, then blocks that occur once on each side, keeping
   the heaviest (most tokens) chain that stays in order; recursively between those anchors.
2. Between anchors is a *region* of changed blocks. Its tokens get one minimal word diff,
   whatever the block boundaries, so an edited paragraph finds its old self even when
   paragraphs were inserted or deleted around it, and a paragraph split in two still lines
   up with both halves. A block pair sharing too little of that diff (a stray "the" or ",")
   is not linked; linked blocks form groups, the rest are deleted or inserted.
3. Deleted and inserted blocks with the same tokens, or most of them in order, are paired
   as moves.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from sitegen.diff.blocks import Doc
from sitegen.diff.sequence import Run, increasing, matches
from sitegen.diff.tokens import is_word

# Two blocks sharing tokens in the region's word diff are linked (shown as one changed
# entry) when a run of FLOW_RUN or more common tokens crosses from one into the other (text
# reflowed across a block boundary); when each is the other's best partner and they share
# LINK_WORDS words (not punctuation) and LINK_MUTUAL of the smaller block's tokens; or when
# their common tokens are at least LINK_MAX of the larger block, or LINK_MIN of the smaller
# one and LINK_TOKENS tokens (or all of it). Other links (a stray "the" or "," shared with
# a neighbour's new text) are dropped. See docs/diff.md.
LINK_MAX = 0.3
LINK_MIN = 0.5
LINK_TOKENS = 3
LINK_MUTUAL = 0.15
LINK_WORDS = 2
FLOW_RUN = 5
# A deleted and an inserted block are a move when at least MOVE_MIN of their tokens (2 x
# common / (old + new)) survive in order; MOVE_PREFILTER bounds the cheap bag-of-tokens check.
MOVE_MIN = 2 / 3
MOVE_PREFILTER = MOVE_MIN
MOVE_PAIRS = 4096  # candidate pairs examined at most (rewrites with many blocks)
# Anchor choice (step 1) also weighs blocks that kept NEAR_MIN of their token bigrams;
# bigrams in more than NEAR_FANOUT blocks ("of the") are not looked up.
NEAR_MIN = 0.5
NEAR_FANOUT = 8
MAX_DUPLICATE_PAIRS = 16  # a block repeated more than this is no anchor


@dataclass(slots=True)
class Op:
    """An entry of the alignment: blocks a[olo:ohi] against b[nlo:nhi], and for entries on
    both sides (or moves) the token matches within them, relative to their first tokens."""

    op: str
    olo: int
    ohi: int
    nlo: int
    nhi: int
    runs: list[Run]
    move: int | None = None


def align(a: Doc, b: Doc) -> list[Op]:
    return _Aligner(a, b).run()


class _Aligner:
    def __init__(self, a: Doc, b: Doc):
        self.a, self.b = a, b
        ids: dict[tuple[str, ...], int] = {}
        self.aid = [ids.setdefault(a.block_keys(i), len(ids)) for i in range(len(a.blocks))]
        self.bid = [ids.setdefault(b.block_keys(j), len(ids)) for j in range(len(b.blocks))]
        self.ops: list[Op] = []

    def run(self) -> list[Op]:
        self._blocks(0, len(self.aid), 0, len(self.bid))
        self._moves()
        return self.ops

    def _size(self, doc: Doc, lo: int, hi: int) -> int:
        return doc.blocks[hi - 1].end - doc.blocks[lo].start if hi > lo else 0

    def _equal(self, i: int, j: int) -> None:
        self.ops.append(Op("equal", i, i + 1, j, j + 1, [(0, 0, self._size(self.a, i, i + 1))]))

    def _blocks(self, alo: int, ahi: int, blo: int, bhi: int) -> None:
        """Step 1 on a[alo:ahi] and b[blo:bhi], recursively between anchors (with a work
        stack, not the call stack: a long document can nest deep)."""
        aid, bid = self.aid, self.bid
        work: list[tuple[int, int, int, int] | tuple[int, int]] = [(alo, ahi, blo, bhi)]
        while work:
            task = work.pop()
            if len(task) == 2:
                self._equal(*task)
                continue
            alo, ahi, blo, bhi = task
            while alo < ahi and blo < bhi and aid[alo] == bid[blo]:
                self._equal(alo, blo)
                alo, blo = alo + 1, blo + 1
            tail = 0
            while alo < ahi and blo < bhi and aid[ahi - 1] == bid[bhi - 1]:
                ahi, bhi, tail = ahi - 1, bhi - 1, tail + 1
            later: list[tuple[int, int, int, int] | tuple[int, int]] = [
                (ahi + k, bhi + k) for k in range(tail)]
            anchors = []
            if alo < ahi and blo < bhi:
                pairs = self._candidates(alo, ahi, blo, bhi)
                chain = increasing([j for _, j, _, _ in pairs], [w for _, _, w, _ in pairs])
                anchors = [pairs[k][:2] for k in chain if pairs[k][3]]
            if anchors:
                steps: list[tuple[int, int, int, int] | tuple[int, int]] = []
                for i, j in anchors:
                    steps += [(alo, i, blo, j), (i, j)]
                    alo, blo = i + 1, j + 1
                later = [*steps, (alo, ahi, blo, bhi), *later]
            else:
                self._region(alo, ahi, blo, bhi)
            work.extend(reversed(later))

    def _candidates(self, alo: int, ahi: int, blo: int,
                    bhi: int) -> list[tuple[int, int, int, bool]]:
        """Block pairs that could stay in place: (old, new, weight, identical), sorted for
        ``increasing`` (by old block, then new block descending, so that the chain takes
        each block once). Identical pairs weigh their tokens; similar ones (sharing at
        least NEAR_MIN of their token bigrams) the bigrams they share. Only identical pairs
        become anchors: similar ones are there so that an edited block that kept its place
        outweighs the identical ones it would otherwise be moved across."""
        aid, bid = self.aid, self.bid
        olds: dict[int, list[int]] = {}
        for i in range(alo, ahi):
            olds.setdefault(aid[i], []).append(i)
        news: dict[int, list[int]] = {}
        for j in range(blo, bhi):
            news.setdefault(bid[j], []).append(j)
        pairs = []
        for ident, js in news.items():
            iis = olds.get(ident)
            if iis and len(iis) * len(js) <= MAX_DUPLICATE_PAIRS:
                weight = self._size(self.a, iis[0], iis[0] + 1)
                pairs += [(i, j, weight, True) for i in iis for j in js]
        lone_a = [i for i in range(alo, ahi) if aid[i] not in news]
        lone_b = [j for j in range(blo, bhi) if bid[j] not in olds]
        if lone_a and lone_b:
            pairs += self._similar(lone_a, lone_b)
        pairs.sort(key=lambda p: (p[0], -p[1]))
        return pairs

    def _similar(self, olds: list[int], news: list[int]) -> list[tuple[int, int, int, bool]]:
        index: dict[tuple[str, str], list[int]] = {}
        grams_a = {}
        for i in olds:
            grams = _bigrams(self.a, i)
            grams_a[i] = len(grams)
            for gram in grams:
                index.setdefault(gram, []).append(i)
        pairs = []
        for j in news:
            grams = _bigrams(self.b, j)
            shared: dict[int, int] = {}
            for gram in grams:
                hits = index.get(gram, ())
                if len(hits) <= NEAR_FANOUT:
                    for i in hits:
                        shared[i] = shared.get(i, 0) + 1
            for i, count in shared.items():
                if 2 * count >= NEAR_MIN * (grams_a[i] + len(grams)):
                    pairs.append((i, j, count, False))
        return pairs

    def _region(self, alo: int, ahi: int, blo: int, bhi: int) -> None:
        """Step 2: blocks a[alo:ahi] against b[blo:bhi], no block equal to another."""
        a, b = self.a, self.b
        groups: list[list[int]] = []  # [olo, ohi, nlo, nhi], inclusive ends
        if alo < ahi and blo < bhi:
            ta, tb = a.blocks[alo].start, b.blocks[blo].start
            links: dict[tuple[int, int], int] = {}  # common tokens of two blocks
            words: dict[tuple[int, int], int] = {}  # ... that are words, not punctuation
            runs = matches(a.keys[ta : a.blocks[ahi - 1].end], b.keys[tb : b.blocks[bhi - 1].end])
            flows: set[tuple[int, int]] = set()  # pieces of a long run over a boundary
            for i, j, size in runs:
                i, j, length = i + ta, j + tb, size
                pieces = []
                while size:
                    o, n = a.owner[i], b.owner[j]
                    step = min(size, a.blocks[o].end - i, b.blocks[n].end - j)
                    links[o, n] = links.get((o, n), 0) + step
                    words[o, n] = words.get((o, n), 0) + sum(map(is_word, a.keys[i : i + step]))
                    pieces.append((o, n))
                    i, j, size = i + step, j + step, size - step
                if len(pieces) > 1 and length >= FLOW_RUN:
                    flows.update(pieces)
            best_o: dict[int, int] = {}
            best_n: dict[int, int] = {}
            for (o, n), weight in links.items():
                best_o[o] = max(best_o.get(o, 0), weight)
                best_n[n] = max(best_n.get(n, 0), weight)
            for (o, n), weight in sorted(links.items()):
                mutual = best_o[o] == weight == best_n[n] and words[o, n] >= LINK_WORDS
                if (o, n) not in flows and not self._linked(
                        weight, self._size(a, o, o + 1), self._size(b, n, n + 1), mutual):
                    continue
                if groups and (o <= groups[-1][1] or n <= groups[-1][3]):
                    groups[-1][1], groups[-1][3] = max(groups[-1][1], o), max(groups[-1][3], n)
                else:
                    groups.append([o, o, n, n])
        o, n = alo, blo
        for olo, ohi, nlo, nhi in [*groups, [ahi, ahi - 1, bhi, bhi - 1]]:
            for i in range(o, olo):
                self.ops.append(Op("deleted", i, i + 1, n, n, []))
            for j in range(n, nlo):
                self.ops.append(Op("inserted", olo, olo, j, j + 1, []))
            if olo < ahi:
                runs = matches(a.keys[a.blocks[olo].start : a.blocks[ohi].end],
                               b.keys[b.blocks[nlo].start : b.blocks[nhi].end])
                size = self._size(a, olo, ohi + 1)
                same = (ohi == olo and nhi == nlo and len(runs) == 1
                        and runs[0][2] == size == self._size(b, nlo, nhi + 1))
                op = "equal" if same else "changed"
                self.ops.append(Op(op, olo, ohi + 1, nlo, nhi + 1, runs))
            o, n = ohi + 1, nhi + 1

    @staticmethod
    def _linked(weight: int, old: int, new: int, mutual: bool) -> bool:
        small, large = min(old, new), max(old, new)
        if mutual and weight >= LINK_MUTUAL * small:
            return True
        return (weight >= LINK_MAX * large
                or (weight >= LINK_MIN * small and (weight >= LINK_TOKENS or weight == small)))

    def _moves(self) -> None:
        """Step 3: pair deleted and inserted blocks into moves, verbatim ones first."""
        ops, a, b = self.ops, self.a, self.b
        gone = [k for k, op in enumerate(ops) if op.op == "deleted"]
        came = [k for k, op in enumerate(ops) if op.op == "inserted"]
        if not gone or not came:
            return
        blank = {self.aid[ops[k].olo] for k in gone if a.keys[a.blocks[ops[k].olo].start] == ""}
        waiting: dict[int, list[int]] = {}
        for k in gone:
            waiting.setdefault(self.aid[ops[k].olo], []).append(k)
        for k in came:
            queue = waiting.get(self.bid[ops[k].nlo])
            if queue and self.bid[ops[k].nlo] not in blank:
                out = queue.pop(0)
                self._pair(out, k, [(0, 0, self._size(b, ops[k].nlo, ops[k].nhi))])
        gone = [k for k in gone if ops[k].op == "deleted"]
        came = [k for k in came if ops[k].op == "inserted"]
        if not gone or not came or len(gone) * len(came) > MOVE_PAIRS:
            return
        bags = {k: Counter(self._keys(ops[k])) for k in gone + came}
        candidates = []
        for g in gone:
            for c in came:
                total = bags[g].total() + bags[c].total()
                common = (bags[g] & bags[c]).total()
                if 2 * common >= MOVE_PREFILTER * total:
                    candidates.append((-common / total, g, c))
        candidates.sort()
        for _, g, c in candidates:
            if ops[g].op != "deleted" or ops[c].op != "inserted":
                continue
            runs = matches(self._keys(ops[g]), self._keys(ops[c]))
            common = sum(size for _, _, size in runs)
            if 2 * common >= MOVE_MIN * (bags[g].total() + bags[c].total()):
                self._pair(g, c, runs)

    def _keys(self, op: Op) -> list[str]:
        if op.op == "deleted":
            return self.a.keys[self.a.blocks[op.olo].start : self.a.blocks[op.olo].end]
        return self.b.keys[self.b.blocks[op.nlo].start : self.b.blocks[op.nlo].end]

    def _pair(self, out: int, into: int, runs: list[Run]) -> None:
        old, new = self.ops[out], self.ops[into]
        self.ops[out] = Op("move_out", old.olo, old.ohi, old.nlo, old.nhi, runs, into)
        self.ops[into] = Op("move_in", new.olo, new.ohi, new.nlo, new.nhi, runs, out)


def _bigrams(doc: Doc, index: int) -> set[tuple[str, str]]:
    block = doc.blocks[index]
    keys = doc.keys[block.start : block.end]
    return set(pairwise(keys))

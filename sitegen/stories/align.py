"""Sentence-to-sentence alignment of a later article's version against an earlier one's:
each sentence of the later text is matched to the most similar of the earlier (rapidfuzz's
normalised Indel similarity on normalised text, so a swapped word costs a few points and a
quote mark none), and the figures the relations are classed by are counted in words."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from sitegen.stories import text

VERBATIM = 92.0  # this similar or more: the same sentence (a typo or a comma apart)
SIMILAR = 62.0  # this similar or more: the same sentence with words swapped


@dataclass(frozen=True)
class Alignment:
    words: int  # of the later text's sentences (furniture left out)
    verbatim: float  # share of those words in sentences matched verbatim
    similar: float  # share in sentences matched at least SIMILAR (verbatim included)
    order: float  # share of the matched sentences that keep the earlier text's order
    matched: tuple[tuple[int, int, float], ...]  # (later sentence, earlier sentence, score)
    quotes: int  # quotations both hold (not furniture)

    @property
    def score(self) -> tuple[float, float]:
        """What the best-matching earlier version is chosen by: the words matched, then
        how closely (a paraphrase of version 0 matches version 1 too, less closely)."""
        close = sum(s for _, _, s in self.matched) / len(self.matched) if self.matched else 0
        return (round(self.similar + self.verbatim, 6), close)

    @property
    def evidence(self) -> int:
        """Separate pieces of shared text: matched sentences and shared quotations."""
        return len(self.matched) + self.quotes


EMPTY = Alignment(0, 0.0, 0.0, 0.0, (), 0)


def _in_order(positions: list[int]) -> int:
    """The length of the longest increasing run (not necessarily adjacent) in ``positions``."""
    tails: list[int] = []
    for p in positions:
        n = bisect_left(tails, p)
        if n == len(tails):
            tails.append(p)
        else:
            tails[n] = p
    return len(tails)


@dataclass(frozen=True)
class Text:
    """A version's text as the alignment reads it: its sentences (text.sentences), their
    keys and sizes in words, and the keys of its quotations (signature.quotes)."""

    sentences: tuple[str, ...]
    keys: tuple[int, ...]
    sizes: tuple[int, ...]
    quotes: frozenset[int]

    @classmethod
    def of(cls, body: str) -> Text:
        found = text.sentence_words(text.paragraphs(body))
        joined = tuple(" ".join(w) for w in found)
        return cls(joined, tuple(map(text.key, joined)), tuple(len(w) for w in found),
                   frozenset(text.sentence_key(q) for q in text.quotes(body)))

    def without(self, furniture: set[int]) -> tuple[list[str], list[int], list[int]]:
        kept = [n for n, k in enumerate(self.keys) if k not in furniture]
        return ([self.sentences[n] for n in kept], [self.keys[n] for n in kept],
                [self.sizes[n] for n in kept])


def related_at_all(earlier: list[Text], later: list[Text], furniture: set[int]) -> bool:
    """Whether any sentence of any of ``later`` is similar to one of any of ``earlier``, or
    a quotation is shared: when not, no pair of their versions aligns at all (a quick way
    out for candidates that share only words)."""
    if (frozenset().union(*(t.quotes for t in earlier))
            & frozenset().union(*(t.quotes for t in later))) - furniture:
        return True
    old = list(dict.fromkeys(s for t in earlier for s in t.without(furniture)[0]))
    new = list(dict.fromkeys(s for t in later for s in t.without(furniture)[0]))
    if not old or not new:
        return False
    scores = process.cdist(new, old, scorer=fuzz.ratio, score_cutoff=SIMILAR, workers=1)
    return bool(scores.max() >= SIMILAR)


def align(earlier: Text, later: Text, furniture: set[int]) -> Alignment:
    """The later text's sentences matched against the earlier one's (furniture left out)."""
    old, _, _ = earlier.without(furniture)
    new, keys, sizes = later.without(furniture)
    shared = (earlier.quotes & later.quotes) - furniture
    if not old or not new:
        return Alignment(0, 0.0, 0.0, 0.0, (), len(shared))
    total = sum(sizes)
    scores = process.cdist(new, old, scorer=fuzz.ratio, score_cutoff=SIMILAR, workers=1)
    matched = []
    verbatim = similar = 0
    for i, row in enumerate(scores):
        j = int(row.argmax())
        score = float(row[j])
        if score >= SIMILAR:
            matched.append((i, j, round(score, 1)))
            similar += sizes[i]
            if score >= VERBATIM:
                verbatim += sizes[i]
    order = _in_order([j for _, j, _ in matched]) / len(matched) if matched else 0.0
    # A quotation that is a whole matched sentence is counted once.
    shared -= {keys[i] for i, _, _ in matched}
    return Alignment(total, verbatim / total, similar / total, order, tuple(matched),
                     len(shared))

"""The relation of two articles of different sources, over their versions: which version of
the earlier one the later one matches best, what it is (classify), how much they share, and
whether the later one followed the earlier one's changes after that version."""

from __future__ import annotations

from sitegen.model import Article
from sitegen.stories import classify
from sitegen.stories.align import EMPTY, Alignment, Text, align, related_at_all
from sitegen.stories.records import Pair

RANK = {r: n for n, r in enumerate(classify.RELATIONS)}  # copy first: the strongest


class Versions:
    """An article's versions as the alignment reads them, each distinct text worked out
    once (and each article once for all its candidate pairs: see :func:`compare`)."""

    def __init__(self, article: Article):
        self.article = article
        made: dict[str, Text] = {}
        self.texts = []
        for v in article.versions:
            if v.body not in made:
                made[v.body] = Text.of(v.body)
            self.texts.append(made[v.body])


def _order(a: Article, b: Article) -> tuple[Article, Article]:
    ka, kb = (a.first.fetched, a.key), (b.first.fetched, b.key)
    return (a, b) if ka <= kb else (b, a)


def _best(earlier: Versions, text: Text, furniture: set[int]) -> tuple[int, Alignment]:
    best, found = 0, EMPTY
    seen: dict[int, Alignment] = {}
    for n, old in enumerate(earlier.texts):
        made = seen.get(id(old))
        if made is None:
            made = seen[id(old)] = align(old, text, furniture)
        if made.score > found.score:
            best, found = n, made
    return best, found


def compare(a: Article | Versions, b: Article | Versions, content_keys: dict[str, str],
            furniture: set[int]) -> Pair | None:
    """How ``a`` and ``b`` (of different sources) are related, or None."""
    va = a if isinstance(a, Versions) else Versions(a)
    vb = b if isinstance(b, Versions) else Versions(b)
    first, second = _order(va.article, vb.article)
    earlier, later = (va, vb) if first is va.article else (vb, va)
    if not related_at_all(earlier.texts, later.texts, furniture):
        return None
    chosen: tuple[int, int, Alignment, str] | None = None
    best: dict[int, tuple[int, Alignment]] = {}  # by later text: each distinct one once
    for j, text in enumerate(later.texts):
        if id(text) in best:
            continue
        i, found = best[id(text)] = _best(earlier, text, furniture)
        name = classify.relation(found)
        if name is not None and (chosen is None or RANK[name] < RANK[chosen[3]]):
            chosen = (i, j, found, name)
    if chosen is None:
        return None
    i, j, found, name = chosen
    followed = None
    versions = first.versions
    if name != classify.SAME and any(v.body != versions[i].body for v in versions[i + 1:]):
        latest, _ = best[id(later.texts[-1])]
        followed = latest > i and versions[latest].body != versions[i].body
    changed = next((v.fetched for v in versions[i + 1:] if v.title != versions[i].title), None)
    return Pair(first.key, second.key, content_keys[first.key], content_keys[second.key], name,
                i, j, round(found.similar, 4), round(found.verbatim, 4), found.evidence,
                followed, changed)

"""Stories: the connected components of related pairs, each article listed by first-seen
time with its relation to the first article and to the earlier one it is closest to."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from sitegen.model import ArticleSummary
from sitegen.stories.records import Pair
from sitegen.stories.relate import RANK


@dataclass(frozen=True)
class Member:
    article: ArticleSummary
    pair: Pair | None  # with the earlier member it is closest to (None for the first)
    first: Pair | None = None  # with the story's first article (None: not related to it)


@dataclass(frozen=True)
class Story:
    slug: str
    members: tuple[Member, ...]  # by first-seen time, then key
    pairs: tuple[Pair, ...]  # every related pair inside it, by (earlier, later)

    @property
    def first(self) -> ArticleSummary:
        return self.members[0].article

    @property
    def title(self) -> str:
        return self.first.title

    @property
    def updated(self) -> datetime:
        return max(m.article.latest.fetched for m in self.members)


def _closest(pairs: list[Pair]) -> Pair:
    return min(pairs, key=lambda p: (RANK[p.relation], -p.shared, p.earlier))


def slug_of(key: str) -> str:
    """A story's folder: its first article's source and id ("bbc-c9wpy9x890wo"), cut at a
    word to at most 60 characters (then with a short hash of the key, to stay unique)."""
    slug = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
    if len(slug) <= 60:
        return slug
    cut = slug[:52].rsplit("-", 1)[0]
    return f"{cut}-{hashlib.sha256(key.encode()).hexdigest()[:7]}"


def stories(pairs: list[Pair], summaries: dict[str, ArticleSummary]) -> list[Story]:
    """Every story of two or more articles, ordered by first-seen time of its first one."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    usable = [p for p in pairs if p.earlier in summaries and p.later in summaries]
    for p in usable:
        a, b = root(p.earlier), root(p.later)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for name in sorted(parent):
        groups.setdefault(root(name), []).append(name)
    within: dict[str, list[Pair]] = {}  # each story's pairs, by its root
    for p in usable:
        within.setdefault(root(p.earlier), []).append(p)
    found = []
    for top, names in groups.items():
        ordered = sorted(names, key=lambda k: (summaries[k].first.fetched, k))
        inside = sorted(within[top], key=lambda p: (p.earlier, p.later))
        members = [Member(summaries[ordered[0]], None)]
        for name in ordered[1:]:
            mine = [p for p in inside if p.later == name]
            first = next((p for p in mine if p.earlier == ordered[0]), None)
            members.append(Member(summaries[name], _closest(mine) if mine else _closest(
                [p for p in inside if p.earlier == name]), first))
        found.append(Story(slug_of(ordered[0]), tuple(members), tuple(inside)))
    return sorted(found, key=lambda s: (s.first.first.fetched, s.slug))


def told_by(story_list: list[Story]) -> dict[str, tuple[str, list[Pair]]]:
    """For each article in a story: the story's slug and its pairs, closest first."""
    found: dict[str, tuple[str, list[Pair]]] = {}
    for story in story_list:
        for member in story.members:
            key = member.article.key
            mine = [p for p in story.pairs if key in (p.earlier, p.later)]
            mine.sort(key=lambda p: (RANK[p.relation], -p.shared, p.other(key)))
            found[key] = (story.slug, mine)
    return found

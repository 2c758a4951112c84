"""The plain data the build keeps about stories in its cache record (sitegen.cache): light
to import, since a rebuild with nothing to do loads the record but none of the matching."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Signature:
    """An article's signature, made by its job. ``minhash``: the MinHash of the shingles of
    every version (uint32 values, little-endian); ``keys``: the keys of its sentences and
    quotations, sorted (evidence shared with another article, and what a source repeats in
    its articles: furniture)."""

    minhash: bytes
    keys: list[int]


@dataclass
class Pair:
    """Two related articles of different sources."""

    earlier: str  # article key ("source/id"): first seen first (then by key)
    later: str
    earlier_key: str  # the content keys they were compared at
    later_key: str
    relation: str  # one of classify.RELATIONS
    version: int  # of the earlier article, that the later one's ``later_version`` matches best
    later_version: int
    shared: float  # share of the later version's words matched in the earlier one
    verbatim: float  # of them, in verbatim sentences
    evidence: int  # sentences matched and quotations shared
    # For a copy or paraphrase: True when the later article's latest version matches a
    # later version of the earlier one than its first did (it followed the changes); False
    # when it did not; None when the earlier one did not change after ``version``.
    followed: bool | None
    headline_changed: datetime | None  # the earlier article's next headline change after it

    def other(self, name: str) -> str:
        return self.later if name == self.earlier else self.earlier


@dataclass(frozen=True)
class Told:
    """One line of "Also told by" on an article's history page."""

    source: str
    article: str
    source_name: str
    title: str
    first_seen: datetime
    relation: str
    earlier: bool  # whether the other article is the earlier of the two
    version: int  # of the earlier article
    version_fetched: datetime
    later_version: int
    shared: float
    followed: bool | None
    headline_changed: datetime | None
    compare: str  # site-relative URL of the side-by-side


@dataclass(frozen=True)
class ToldBlock:
    story: str  # the story's page (site-relative URL)
    items: tuple[Told, ...]


@dataclass
class StoriesState:
    """What the last build found: the content key each article was compared at, the related
    pairs its candidates gave, what each history page showed, the story pages made (path
    -> (key, sha)), and what comparing each story's later articles with its first one
    found: the related pairs, and the articles unrelated to it ("first later" -> their
    content keys), so that an unchanged story is not compared again."""

    seen: dict[str, str] = field(default_factory=dict)
    pairs: list[Pair] = field(default_factory=list)
    told: dict[str, ToldBlock] = field(default_factory=dict)
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)
    firsts: list[Pair] = field(default_factory=list)
    apart: dict[str, str] = field(default_factory=dict)

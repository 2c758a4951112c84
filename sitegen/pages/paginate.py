"""Splitting long lists over pages that stay small, whatever the size of the archive."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sitegen import urls

T = TypeVar("T")


@dataclass(frozen=True)
class Pagination:
    base: str  # the URL of page 1
    number: int  # from 1
    count: int  # pages in all
    total: int  # items in all
    first_item: int  # 1-based position of this page's first item

    @property
    def url(self) -> str:
        return urls.paged(self.base, self.number)

    def url_of(self, number: int) -> str:
        return urls.paged(self.base, number)

    @property
    def previous(self) -> str | None:
        return self.url_of(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.url_of(self.number + 1) if self.number < self.count else None

    def window(self, around: int = 2) -> list[int | None]:
        """Page numbers to show: the first, the last, and those near this one; None marks
        a gap ("1 … 4 5 6 … 20")."""
        wanted = {1, self.count, *range(self.number - around, self.number + around + 1)}
        shown: list[int | None] = []
        for n in sorted(n for n in wanted if 1 <= n <= self.count):
            if shown and shown[-1] is not None and n > shown[-1] + 1:
                shown.append(None)
            shown.append(n)
        return shown


def paginate(items: Sequence[T], size: int, base: str) -> Iterator[tuple[Sequence[T], Pagination]]:
    """(the items of page n, its Pagination) for every page; one empty page if no items."""
    count = max(1, -(-len(items) // size))
    for number in range(1, count + 1):
        start = (number - 1) * size
        yield items[start:start + size], Pagination(base, number, count, len(items), start + 1)

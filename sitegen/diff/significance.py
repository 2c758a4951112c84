"""How much a change matters: ``none``, ``cosmetic``, ``minor`` or ``major``.

``cosmetic`` means no token changed: only whitespace (paragraph breaks included), quote,
apostrophe and dash styles or Unicode forms (NFKC). ``major`` is what a reader following a
story wants flagged: a new or dropped fact, a changed figure, a rewritten headline, or
simply a lot of rewriting. Everything else (a word swapped, a typo fixed, a paragraph moved,
a new url or byline) is ``minor``. The reasons for the numbers are in docs/diff.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sitegen.diff.model import FieldChange, Stats

LEVELS = ("none", "cosmetic", "minor", "major")

MAJOR_SHARE = 0.10  # of the body's tokens (old + new) added or removed; moves do not count
MAJOR_WORDS = 30  # words added + removed: a long sentence, a short paragraph
MAJOR_BLOCK_WORDS = 8  # a paragraph (or other block) of this many words added or removed
TITLE_MAJOR_SHARE = 0.25  # of the headline's tokens (old + new) added or removed


def body(identical: bool, stats: Stats, big_blocks: int) -> str:
    if identical:
        return "none"
    if not (stats.tokens_added or stats.tokens_removed or stats.tokens_moved):
        return "cosmetic"
    total = stats.tokens_old + stats.tokens_new
    rewritten = (stats.tokens_added + stats.tokens_removed) / total if total else 0.0
    if (rewritten >= MAJOR_SHARE
            or stats.words_added + stats.words_removed >= MAJOR_WORDS
            or stats.figures_changed
            or big_blocks):
        return "major"
    return "minor"


def field(name: str, changed: int, total: int, figures: int) -> str:
    """A differing field: ``changed`` of its ``total`` tokens (old + new) added/removed."""
    if not changed:
        return "cosmetic"
    if name == "title" and (figures or changed >= TITLE_MAJOR_SHARE * total):
        return "major"
    return "minor"


def overall(body_level: str, title: FieldChange | None, fields: Iterable[FieldChange]) -> str:
    levels = [body_level, *(c.significance for c in (title, *fields) if c)]
    return max(levels, key=LEVELS.index)

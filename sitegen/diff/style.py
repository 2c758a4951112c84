"""What a cosmetic difference is made of: quotation marks, apostrophes, dashes, letter case
(headlines only), spacing, character forms or invisible characters.

Tokens compare by their keys (``sitegen.diff.tokens``), so "It's" and "It’s" are the same
token and the difference is cosmetic. A reader still sees it, so the diff views mark such
tokens quietly and the summaries say exactly what kind of thing changed ("only quotation
marks and apostrophes changed"), never that nothing did.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator

from sitegen.diff.model import EQUAL, BlockOp, Diff, Part
from sitegen.diff.tokens import DASHES, DOUBLE_QUOTES, IGNORABLE, SINGLE_QUOTES, is_word, tokenize

# In the order a summary names them.
KINDS = ("quotation marks", "apostrophes", "dashes", "letter case", "spacing",
         "character forms", "invisible characters")
_QUOTES = str.maketrans({**dict.fromkeys(SINGLE_QUOTES + "'", "'"),
                         **dict.fromkeys(DOUBLE_QUOTES + '"', '"')})
_DASHES = str.maketrans(dict.fromkeys(DASHES, "-"))
_INVISIBLE = str.maketrans(dict.fromkeys(IGNORABLE, None))
_FOLDS = {
    "invisible characters": lambda t: t.translate(_INVISIBLE),
    "character forms": lambda t: unicodedata.normalize("NFKC", t),
    "quotation marks": lambda t: t.translate(_QUOTES),
    "dashes": lambda t: t.translate(_DASHES),
    "letter case": lambda t: t.upper().lower(),  # as compare.js can do it too
}


def _fold(text: str, skip: str) -> str:
    for name, fold in _FOLDS.items():
        if name != skip:
            text = fold(text)
    return text


def split(raw: str) -> tuple[str, str, str]:
    """A token's raw text as (whitespace before, the token itself, whitespace after)."""
    lead = len(raw) - len(raw.lstrip())
    trail = len(raw.rstrip())
    return raw[:lead], raw[lead:max(trail, lead)], raw[max(trail, lead):]


def token_kinds(old: str, new: str) -> set[str]:
    """The kinds of difference between two forms of one token (without whitespace)."""
    if old == new:
        return set()
    found = {name for name in _FOLDS if _fold(old, name) != _fold(new, name)}
    if "quotation marks" in found and is_word(_fold(new, "")):
        found.discard("quotation marks")  # a quote inside a word is an apostrophe
        found.add("apostrophes")
    return found or {"character forms"}


def pairs(part: Part) -> Iterator[tuple[str, str]]:
    """An equal part's tokens as (old raw, new raw) pairs: the same keys, maybe other forms."""
    old, new = tokenize(part.old)[1], tokenize(part.new)[1]
    if len(old) != len(new):  # not tokens with equal keys: one difference, the whole text
        yield part.old, part.new
        return
    yield from zip(old, new, strict=True)


def part_kinds(parts: Iterable[Part]) -> set[str]:
    """The kinds of cosmetic difference in the equal parts of ``parts``."""
    found: set[str] = set()
    for part in parts:
        if part.op != EQUAL or part.old == part.new:
            continue
        for old, new in pairs(part):
            a, b = split(old), split(new)
            found |= token_kinds(a[1], b[1])
            if (a[0], a[2]) != (b[0], b[2]):
                found.add("spacing")
    return found


def diff_kinds(diff: Diff) -> list[str]:
    """The kinds of cosmetic difference in a diff's body, in the order a summary names
    them (a move's inner diff counted once, at its old place)."""
    found: set[str] = set()
    for op in diff.blocks:
        if op.op != "move_in":
            found |= part_kinds(op.inner if op.op == "move_out" else op.parts)
    return [kind for kind in KINDS if kind in found]


def restyled(part: Part) -> bool:
    """Whether an equal part has a token a reader sees restyled (not only spacing)."""
    return part.op == EQUAL and part.old != part.new and any(
        split(old)[1] != split(new)[1] for old, new in pairs(part))


def restyled_block(op: BlockOp) -> bool:
    """Whether an entry of a diff is an unchanged block with a restyled token."""
    return op.op == "equal" and any(map(restyled, op.parts))


def _names(kinds: list[str]) -> str:
    return kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]


def restyle(diff: Diff) -> str:
    """What a diff whose words are all the same changed, in words: "only quotation marks
    and apostrophes changed", "only the headline's letter case changed"; "" when words
    changed (or nothing did)."""
    s = diff.stats
    if s.tokens_added or s.tokens_removed or s.tokens_moved:
        return ""
    kinds = diff_kinds(diff)
    if kinds:
        return f"only {_names(kinds)} changed"
    if diff.title and diff.title.significance == "cosmetic":
        kinds = [kind for kind in KINDS if kind in part_kinds(diff.title.parts)]
        return f"only the headline's {_names(kinds)} changed" if kinds else ""
    return ""

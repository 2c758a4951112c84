"""Presentation helpers shared by the HTML and text renderings.

The diff itself is minimal (fewest tokens added and removed). Minimal is not always
readable: when a sentence is rewritten, a stray "the" or "," that survived splits the
rewrite into confetti. ``readable`` folds such short common runs into the change around
them, the way an editor would strike the whole phrase, before anything is displayed. It
only regroups parts: both texts still rebuild exactly.

``hidden`` finds the Markdown block markers (``#``, ``>``, ``-``, fences, setext
underlines) that the HTML shows as block kinds instead of text, and the backslashes of
escapes (``escapes``), which no view shows; ``visible`` cuts them out of a piece of text.
``summary`` says what changed in one line (a cosmetic change in the words of
``sitegen.diff.style``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from sitegen.diff import style
from sitegen.diff.model import DELETE, EQUAL, INSERT, Block, Diff, Part
from sitegen.diff.tokens import tokenize

# A common run is folded into the change around it when it has at most ISLAND tokens and no
# more than the larger side of the change on each side of it (diff-match-patch's semantic
# cleanup, counted in tokens).
ISLAND = 4


def _size(text: str) -> int:
    return len(tokenize(text)[0])


def readable(parts: Sequence[Part], island: int = ISLAND) -> tuple[Part, ...]:
    """``parts`` with short common runs between bigger changes folded into them."""
    items = list(parts)
    while True:
        merged = _merge(items)
        folded = False
        for k in range(1, len(merged) - 1):
            part = merged[k]
            if part.op != EQUAL or merged[k - 1].op == EQUAL or merged[k + 1].op == EQUAL:
                continue
            size = _size(part.new)
            if size > island:
                continue
            if size <= _side(merged, k, -1) and size <= _side(merged, k, 1):
                merged[k : k + 1] = [Part(DELETE, part.old, ""), Part(INSERT, "", part.new)]
                folded = True
                break
        if not folded:
            return tuple(merged)
        items = merged


def _side(parts: list[Part], at: int, step: int) -> int:
    """The larger side (removed or added tokens) of the change next to ``parts[at]``."""
    removed = added = 0
    k = at + step
    while 0 <= k < len(parts) and parts[k].op != EQUAL:
        if parts[k].op == DELETE:
            removed += _size(parts[k].old)
        else:
            added += _size(parts[k].new)
        k += step
    return max(removed, added)


def _merge(parts: list[Part]) -> list[Part]:
    """Each run of changes as one delete then one insert."""
    out: list[Part] = []
    old: list[str] = []
    new: list[str] = []

    def flush() -> None:
        if old:
            out.append(Part(DELETE, "".join(old), ""))
        if new:
            out.append(Part(INSERT, "", "".join(new)))
        old.clear()
        new.clear()

    for part in parts:
        if part.op == DELETE:
            old.append(part.old)
        elif part.op == INSERT:
            new.append(part.new)
        else:
            flush()
            out.append(part)
    flush()
    return out


_QUOTE = re.compile(r"[ \t]{0,3}>[ \t]?")
_BULLET = re.compile(r"[ \t]*[-*+](?:[ \t]+|$)")
_ATX = re.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]+|$)")
_ATX_END = re.compile(r"[ \t]+#+[ \t]*$")
_SETEXT = re.compile(r"[ \t]{0,3}(?:=+|-+)[ \t]*$")
_FENCE = re.compile(r"[ \t]{0,3}(?:`{3,}|~{3,}).*$")


# A backslash escape (CommonMark: a backslash before ASCII punctuation), or what no escape
# can be inside: a code span's opening backticks, an autolink.
_ESCAPE = re.compile(r"\\[!-/:-@\[-`{-~]|`+|<[A-Za-z][A-Za-z0-9.+-]{1,31}:[^<>\s]*>")


def hidden(block: Block) -> tuple[tuple[int, int], ...]:
    """Character ranges of ``block.text`` that are Markdown syntax, not content: quote
    markers on every line, a bullet, heading hashes or underline, code fence lines, and the
    backslash of every backslash escape (a text capture is stored as escaped Markdown:
    ``\\*`` shows as ``*``, in the diff as on the version page)."""
    return _hidden(block.kind, block.text)


def escapes(block: Block) -> tuple[tuple[int, int], ...]:
    """The ranges of ``block.text`` that are the backslashes of backslash escapes."""
    return _escapes(block.text) if block.kind != "code" and "\\" in block.text else ()


@lru_cache(maxsize=4096)
def _escapes(text: str) -> tuple[tuple[int, int], ...]:
    ranges = []
    pos = 0
    while match := _ESCAPE.search(text, pos):
        pos = match.end()
        if match.group()[0] == "\\":
            ranges.append((match.start(), match.start() + 1))
        elif match.group()[0] == "`":  # a code span: no escapes up to its closing run
            ticks = len(match.group())
            close = re.compile(f"(?<!`)`{{{ticks}}}(?!`)").search(text, pos)
            pos = close.end() if close else pos
    return tuple(ranges)


@lru_cache(maxsize=4096)  # a block comes back in every diff and view of its article
def _hidden(kind: str, text: str) -> tuple[tuple[int, int], ...]:
    ranges: list[tuple[int, int]] = []
    if kind != "code" and "\\" in text:
        ranges += _escapes(text)
    lines = text.split("\n")
    content = [n for n, line in enumerate(lines) if line.strip()]
    if not content:
        return ()
    at = 0
    for n, line in enumerate(lines):
        start = at
        at += len(line) + 1
        pos = 0
        if kind == "quote":
            while match := _QUOTE.match(line, pos):
                pos = match.end()
        if n == content[0]:
            if kind == "list_item" and (match := _BULLET.match(line, pos)):
                pos = match.end()
            elif kind == "heading" and (match := _ATX.match(line, pos)):
                pos = match.end()
                if end := _ATX_END.search(line, pos):
                    ranges.append((start + end.start(), start + len(line)))
            elif kind == "code" and _FENCE.match(line, pos):
                pos = len(line)
        elif n == content[-1] and (
                (kind == "heading" and _SETEXT.match(line, pos))
                or (kind == "code" and _FENCE.match(line, pos))):
            pos = len(line)
        if pos:
            ranges.append((start, start + pos))
    return tuple(sorted(ranges))


def visible(text: str, at: int, ranges: Sequence[tuple[int, int]]) -> str:
    """``text`` (found at offset ``at``) without the characters in ``ranges`` (sorted)."""
    end = at + len(text)
    cuts = [(max(a, at) - at, min(b, end) - at) for a, b in ranges if a < end and b > at]
    if not cuts:
        return text
    out, pos = [], 0
    for a, b in cuts:
        out.append(text[pos:a])
        pos = max(pos, b)
    out.append(text[pos:])
    return "".join(out)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary(diff: Diff) -> str:
    """One line for people: the significance and the numbers behind it."""
    s = diff.stats
    if diff.significance == "none":
        return "none: the versions are identical"
    bits = []
    if diff.title and diff.title.significance != "cosmetic":
        bits.append("headline changed")
    bits += [f"{c.name} changed" for c in diff.field_changes if c.significance != "cosmetic"]
    if s.words_added or s.words_removed:
        bits.append(f"{_plural(s.words_added, 'word')} added, {s.words_removed} removed")
    blocks = [f"{n} {what}" for n, what in ((s.blocks_added, "added"),
                                            (s.blocks_removed, "removed"),
                                            (s.blocks_changed, "changed"),
                                            (s.blocks_moved, "moved")) if n]
    if blocks:
        bits.append("blocks: " + ", ".join(blocks))
    if s.figures_changed:
        bits.append(_plural(s.figures_changed, "figure") + " changed")
    if s.changed_share:
        bits.append(f"{s.changed_share:.1%} of the text changed")
    restyle = style.restyle(diff)
    if restyle:
        bits.append(restyle)
    return f"{diff.significance}: " + "; ".join(bits or ["no change to the text"])

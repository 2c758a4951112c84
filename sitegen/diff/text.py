"""A diff as plain text: changed blocks with word-level marks, for terminals and logs.

``segments`` yields (style, text) pairs so that the caller picks the look: colours on a
terminal, or git-style ``[-removed-]{+added+}`` markers (``plain``) when the output is a file
or a pipe. Unchanged blocks are left out; each change gets a ``@@`` header with its lines.
The Markdown source is shown as it is, but for the backslashes of escapes: a text capture is
stored as escaped Markdown, and ``\\*`` reads as ``*``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sitegen.diff.model import DELETE, INSERT, Block, BlockOp, Diff, FieldChange, Part
from sitegen.diff.readable import escapes, readable, summary, visible

Segment = tuple[str | None, str]  # style: None, "del", "ins", "head" or "note"
Escapes = tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]  # (old, new)
MARKERS = {"del": ("[-", "-]"), "ins": ("{+", "+}")}
_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")


def _parts(parts: tuple[Part, ...], side: str | None = None,
           hide: Escapes = ((), ())) -> Iterator[Segment]:
    """Word-diff segments; ``side`` old/new shows only that side's text. A deletion right
    before an insertion moves its trailing whitespace after it: "[-a-]{+b+} c". ``hide``
    holds each side's ranges of escape backslashes, which are left out."""
    parts = readable(parts)
    carry = ""  # whitespace taken from a deletion, shown after the insertion
    old = new = 0
    for n, part in enumerate(parts):
        shown_old, shown_new = visible(part.old, old, hide[0]), visible(part.new, new, hide[1])
        old, new = old + len(part.old), new + len(part.new)
        if part.op == DELETE and side != "new":
            following = parts[n + 1] if n + 1 < len(parts) else None
            text = shown_old
            if side is None and following is not None and following.op == INSERT:
                text = text.rstrip()
                if following.new == following.new.rstrip():
                    carry = shown_old[len(text) :]
            yield "del", text
        elif part.op == INSERT and side != "old":
            yield "ins", shown_new
            if carry:
                yield None, carry
                carry = ""
        elif part.op not in (DELETE, INSERT):
            yield None, shown_old if side == "old" else shown_new


def _escapes(blocks: tuple[Block, ...]) -> tuple[tuple[int, int], ...]:
    """The escape backslashes of consecutive blocks, as offsets into their joined text."""
    found: list[tuple[int, int]] = []
    at = 0
    for block in blocks:
        found += [(at + a, at + b) for a, b in escapes(block)]
        at += len(block.text)
    return tuple(found)


def _lines(op: BlockOp, shift: tuple[int, int]) -> str:
    old = f"{op.old[0].line + shift[0]}" if op.old else ""
    new = f"{op.new[0].line + shift[1]}" if op.new else ""
    if old and new:
        return f"line {old} -> {new}"
    return f"line {old or new} ({'old' if old else 'new'})"


def _field(change: FieldChange) -> Iterator[Segment]:
    yield "head", f"{change.name} ({change.significance}): "
    yield from _parts(change.parts)
    yield None, "\n"


def segments(diff: Diff, old_name: str = "old", new_name: str = "new",
             shift: tuple[int, int] = (0, 0)) -> Iterator[Segment]:
    """The text form as styled segments. Lines are the bodies' lines plus ``shift`` (the
    line each body starts on in its file, minus one)."""
    yield "head", f"--- {old_name}\n+++ {new_name}\n"
    yield "note", summary(diff) + "\n"
    if diff.title:
        yield from _field(diff.title)
    for change in diff.field_changes:
        yield from _field(change)
    for op in diff.blocks:
        if op.op == "equal":
            continue
        what = op.op
        if op.op == "move_out" and op.move is not None:
            what = f"moved to new line {diff.blocks[op.move].new[0].line + shift[1]}"
        elif op.op == "move_in" and op.move is not None:
            what = f"moved from old line {diff.blocks[op.move].old[0].line + shift[0]}"
        yield "head", f"@@ {_lines(op, shift)}, {op.kind}, {what}\n"
        if op.op == "move_out":  # the inner diff runs from this text to the other entry's
            hide = (_escapes(op.old), _escapes(diff.blocks[op.move or 0].new))
            body = list(_parts(op.inner, "old", hide))
        elif op.op == "move_in":
            hide = (_escapes(diff.blocks[op.move or 0].old), _escapes(op.new))
            body = list(_parts(op.inner, "new", hide))
        else:
            body = list(_parts(op.parts, None, (_escapes(op.old), _escapes(op.new))))
        yield from _trimmed(body)
        yield None, "\n"


def _trimmed(body: list[Segment]) -> Iterator[Segment]:
    """The segments without the blank lines at the block's start and end."""
    while body and not body[-1][1].strip():
        body.pop()
    while body and not body[0][1].strip():
        body.pop(0)
    if body:
        style, text = body[0]
        body[0] = (style, _BLANK_LINES.sub("", text))
    if body:
        style, text = body[-1]
        body[-1] = (style, text.rstrip())
    yield from body


def plain(diff: Diff, old_name: str = "old", new_name: str = "new",
          shift: tuple[int, int] = (0, 0)) -> str:
    """The text form with ``[-removed-]{+added+}`` markers (whitespace kept outside)."""
    out = []
    for style, text in segments(diff, old_name, new_name, shift):
        if style in MARKERS and text.strip():
            core = text.strip()
            lead = text[: len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()) :]
            opening, closing = MARKERS[style]
            out.append(f"{lead}{opening}{core}{closing}{trail}")
        else:
            out.append(text)
    return "".join(out)

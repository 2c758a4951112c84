"""HTML for diffs: inline (feeds, pages), side-by-side rows (pages), fields, a standalone page.

Article text is untrusted: every character of it is escaped, and inline Markdown stays
source text (a link's ``javascript:`` address is just text). Block markers (``#``, ``>``,
bullets, fences) are not shown: the block kind is a class instead.

Classes (all start with ``diff-``): ``diff-block`` and ``diff-<kind>`` on every block
(``diff-h1``..``diff-h6`` for headings too); ``diff-moved`` on moved blocks and
``diff-note`` on the "(moved ...)" notes; ``diff-style`` on a word or mark that is the same
token in another style (quotes, dashes, letter case: ``sitegen.diff.style``), each side
showing its own form; ``diff-sr`` on text for screen readers only ("[removed: ", "[added: ",
"]"), which a page must hide visually (see ``SR_CSS``). Without any CSS the output still
reads: ``<del>`` is struck through, ``<ins>`` underlined.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from sitegen.diff.model import DELETE, EQUAL, INSERT, Block, BlockOp, Diff, FieldChange, Part
from sitegen.diff.readable import hidden, readable, summary, visible
from sitegen.diff.style import pairs, restyled_block, split

SR_CSS = (".diff-sr{position:absolute;width:1px;height:1px;padding:0;margin:-1px;"
          "overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}")
_SR = {"del": ("[removed: ", "]"), "ins": ("[added: ", "]")}
ROW_KINDS = {"equal": "equal", "changed": "changed", "deleted": "deleted",
             "inserted": "inserted", "move_out": "moved", "move_in": "moved"}

_BREAKS = re.compile(r"[ \t]*\n\s*")  # blank lines inside a shown block: one line break
Piece = tuple[str | None, str]  # (None, "del", "ins", "style" or "style:<old form>"; text)


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a side-by-side table, for ``Diff.blocks[i]`` at ``rows(diff)[i]``.

    ``old``/``new`` are the cells' HTML (None: nothing on that side). ``kind`` is equal,
    changed, inserted, deleted or moved; ``block`` the block kind to style by. A moved block
    has two rows: at its old place (``old`` set, ``move_to`` = index of the other row) and at
    its new place (``new`` set, ``move_from`` = index of the first).
    """

    kind: str
    old: str | None
    new: str | None
    block: str
    is_change: bool
    old_line: int | None
    new_line: int | None
    move_to: int | None = None
    move_from: int | None = None
    cosmetic: bool = False  # equal, with a word or mark restyled (quotes, dashes...)


def _pieces(parts: Sequence[Part], mode: str) -> Iterator[tuple[str | None, str, int, str]]:
    """(tag, side, offset on that side, text) for what ``mode`` (old, new, inline) shows."""
    old = new = 0
    for part in parts:
        if part.op == EQUAL:
            side, at = ("old", old) if mode == "old" else ("new", new)
            if part.old == part.new:
                yield None, side, at, part.old
            else:
                yield from _restyled(part, side, at, mode == "inline")
        elif part.op == DELETE and mode != "new":
            yield "del", "old", old, part.old
        elif part.op == INSERT and mode != "old":
            yield "ins", "new", new, part.new
        old += len(part.old)
        new += len(part.new)


def _restyled(part: Part, side: str, at: int, inline: bool
              ) -> Iterator[tuple[str | None, str, int, str]]:
    """An equal part whose sides differ in style: its tokens on ``side``, each one whose
    form differs from the other side's tagged "style" (whitespace is never marked: a page
    does not show it). The inline view, which shows one side only, tags it
    "style:<old form>", for a tooltip."""
    for old, new in pairs(part):
        lead, core, trail = split(old if side == "old" else new)
        other = split(new if side == "old" else old)[1]
        mark = None if core == other else f"style:{other}" if inline else "style"
        for tag, text in ((None, lead), (mark, core), (None, trail)):
            if text:
                yield tag, side, at, text
                at += len(text)


def _hidden(blocks: Sequence[Block]) -> list[tuple[int, int]]:
    ranges, at = [], 0
    for block in blocks:
        ranges += [(at + a, at + b) for a, b in hidden(block)]
        at += len(block.text)
    return ranges


def _layout(parts: Sequence[Part], olds: Sequence[Block], news: Sequence[Block],
            mode: str) -> list[tuple[Block, list[Piece]]]:
    """The pieces of ``parts`` grouped by the blocks they are shown in."""
    base_side = "old" if mode == "old" or not news else "new"
    base = olds if base_side == "old" else news
    ranges = {"old": _hidden(olds), "new": _hidden(news)}
    ends, at = [], 0
    for block in base:
        at += len(block.text)
        ends.append(at)
    out: list[list[Piece]] = [[] for _ in base]
    k = 0
    for tag, side, start, text in _pieces(parts, "old" if base_side == "old" else mode):
        if side != base_side:
            out[k].append((tag, visible(text, start, ranges[side])))
            continue
        pos = start
        while text:
            while k < len(ends) - 1 and pos >= ends[k]:
                k += 1
            cut = min(len(text), ends[k] - pos) if ends[k] > pos else len(text)
            out[k].append((tag, visible(text[:cut], pos, ranges[side])))
            text, pos = text[cut:], pos + cut
    return list(zip(base, out, strict=True))


def _span(tag: str | None, text: str, screen_reader: bool) -> str:
    if not tag:
        return escape(text)
    if tag.startswith("style"):  # quiet: no words for screen readers, the text is the same
        was = f' title="was {escape(tag[6:])}"' if tag[5:6] == ":" else ""
        return f'<span class="diff-style"{was}>{escape(text)}</span>'
    core = text.strip()
    if not core:
        return escape(text)
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    sr_open, sr_close = ("", "")
    if screen_reader:
        words = _SR[tag]
        sr_open = f'<span class="diff-sr">{words[0]}</span>'
        sr_close = f'<span class="diff-sr">{words[1]}</span>'
    return f"{escape(lead)}<{tag}>{sr_open}{escape(core)}{sr_close}</{tag}>{escape(trail)}"


def spaced(pieces: Sequence[Piece]) -> list[Piece]:
    """``pieces`` with a space between a deletion and the insertion that replaces it when
    nothing separates them ("Starmer <del>holds talks</del> <ins>urges allies</ins>", not
    "…talks</del><ins>urges…"), and between any two words from different sides that meet
    without one (the new text may lack the space the old had before a deleted word).
    Punctuation replaced by punctuation stays tight: "Ukraine<del>.</del><ins>!</ins>"."""
    out: list[Piece] = []
    last = None  # the side of the piece before: "del", "ins" or None (both sides' text)
    for tag, text in pieces:
        side = tag if tag in ("del", "ins") else None
        if out and text and out[-1][1] and last != side:
            before, after = out[-1][1][-1], text[0]
            if not before.isspace() and not after.isspace() and (
                    (before.isalnum() and after.isalnum())
                    or (last == "del" and side == "ins"
                        and (before.isalnum() or after.isalnum()))):
                out.append((None, " "))
        out.append((tag, text))
        last = side if text else last
    return out


def _block(block: Block, pieces: list[Piece], screen_reader: bool, extra: str = "",
           note: str = "") -> str:
    """One block's HTML: an element by kind around its pieces."""
    pieces = [(tag, text) for tag, text in pieces if text]
    if block.kind != "code":  # leading/trailing whitespace means nothing outside <pre>
        while pieces and not pieces[-1][1].strip():
            pieces.pop()
        while pieces and not pieces[0][1].strip():
            pieces.pop(0)
        if pieces:
            pieces[0] = (pieces[0][0], pieces[0][1].lstrip())
            pieces[-1] = (pieces[-1][0], pieces[-1][1].rstrip())
    else:
        while pieces and not pieces[-1][1].strip("\n"):
            pieces.pop()
        if pieces:
            pieces[-1] = (pieces[-1][0], pieces[-1][1].rstrip("\n"))
        pieces = [(tag, _BREAKS.sub("\n", text)) for tag, text in pieces]
    body = "".join(_span(tag, text, screen_reader) for tag, text in spaced(pieces))
    if note:
        body += f' <span class="diff-note">{escape(note)}</span>'
    kind = block.kind
    classes = f"diff-block diff-{kind}" + (f" diff-h{block.level}" if kind == "heading" else "")
    classes += extra
    if kind == "heading":
        return f'<p class="{classes}"><strong>{body}</strong></p>'
    if kind == "quote":
        return f'<blockquote class="{classes}"><p>{body}</p></blockquote>'
    if kind == "code":
        return f'<pre class="{classes}"><code>{body}</code></pre>'
    if kind == "list_item" and block.text.lstrip()[:1] in ("-", "*", "+"):
        body = "\u2022 " + body
    return f'<p class="{classes}">{body}</p>'


def _blocks(parts: Sequence[Part], olds: Sequence[Block], news: Sequence[Block], mode: str,
            screen_reader: bool, extra: str = "", note: str = "") -> str:
    if (not extra and not note and len(olds) <= 1 and len(news) <= 1
            and all(p.op == EQUAL and p.old == p.new for p in parts)):
        # An unchanged block: the same paragraph comes back in every diff of an article,
        # so its HTML is remembered by what it depends on (not by its place). Drawn alone,
        # the inline view lays the parts over the new block: the key is the new block's.
        block = (news or olds)[0]
        return _unchanged(tuple(parts), block.kind, block.level, block.text, screen_reader)
    return _render_blocks(parts, olds, news, mode, screen_reader, extra, note)


@lru_cache(maxsize=4096)
def _unchanged(parts: tuple[Part, ...], kind: str, level: int, text: str,
               screen_reader: bool) -> str:
    """An unchanged block's HTML: it depends on its kind and text, not on its position,
    nor on the view: its old cell, its new cell and its inline form are the same text with
    no mark (each view lays the same equal parts over the same block)."""
    block = Block(0, kind, level, 0, text)
    return _render_blocks(parts, (), (block,), "new", screen_reader)


@lru_cache(maxsize=1024)
def _readable(parts: tuple[Part, ...]) -> tuple[Part, ...]:
    # A changed block is drawn three times (old side, new side, inline): regroup it once.
    return readable(parts)


def _render_blocks(parts: Sequence[Part], olds: Sequence[Block], news: Sequence[Block],
                   mode: str, screen_reader: bool, extra: str = "", note: str = "") -> str:
    laid = _layout(_readable(tuple(parts)), olds, news, mode)
    return "\n".join(
        _block(block, pieces, screen_reader, extra, note if n == len(laid) - 1 else "")
        for n, (block, pieces) in enumerate(laid))


def inline(diff: Diff, *, screen_reader: bool = False) -> str:
    """The new body with deletions and insertions marked in place (for feeds and pages).
    A moved block is struck at its old place and shown with its own changes at the new."""
    return "\n".join(html for _, html in inline_blocks(diff, screen_reader=screen_reader))


def inline_blocks(diff: Diff, *, screen_reader: bool = False, changes_only: bool = False
                  ) -> list[tuple[bool, str]]:
    """``inline`` one entry of ``diff.blocks`` at a time: (is it a change, its HTML), so that
    a page can fold the unchanged runs or a feed can keep only the changed paragraphs (with
    ``changes_only``, unchanged entries are counted but not drawn: their HTML is "")."""
    return [(op.is_change, "" if changes_only and not op.is_change
             else inline_block(op, n, screen_reader=screen_reader))
            for n, op in enumerate(diff.blocks)]


def inline_block(op: BlockOp, n: int, *, screen_reader: bool = False) -> str:
    """The inline HTML of ``op``, entry ``n`` of its diff's blocks. A moved block is struck
    at its old place and shown with its own changes at the new."""
    if op.op in ("move_out", "move_in"):
        olds, news, mode = (op.old, (), "old") if op.op == "move_out" else ((), op.new, "new")
        return _blocks(op.inner, olds, news, mode, screen_reader, " diff-moved",
                       f"({move_note(op, n)})")
    return _blocks(op.parts, op.old, op.new, "inline", screen_reader)


def move_note(op: BlockOp, n: int) -> str:
    """What a move entry (number ``n`` of its diff) says about the move: where the block
    went, at its old place ("moved further down"), or where it came from, at its new place
    ("moved here from further up")."""
    later = (op.move or 0) > n
    if op.op == "move_out":
        return "moved further down" if later else "moved further up"
    return "moved here from below" if later else "moved here from further up"


def drawn_once(op: BlockOp) -> bool:
    """Whether an entry's old cell, new cell and inline form are the same HTML: a block
    unchanged in kind and text (most of a diff), which a page need hold only once."""
    if op.op != "equal" or len(op.old) != 1 or len(op.new) != 1:
        return False
    old, new = op.old[0], op.new[0]
    return ((old.kind, old.level, old.text) == (new.kind, new.level, new.text)
            and all(p.op == EQUAL and p.old == p.new for p in op.parts))


def once(op: BlockOp, *, screen_reader: bool = False) -> str:
    """The HTML of an entry that is ``drawn_once``: its old cell, its new cell and its
    inline form."""
    block = op.new[0]
    return _unchanged(tuple(op.parts), block.kind, block.level, block.text, screen_reader)


def row(op: BlockOp, *, screen_reader: bool = False) -> Row:
    """The side-by-side row of one entry of a diff's blocks."""
    parts = op.inner if op.move is not None else op.parts
    old = _blocks(parts, op.old, (), "old", screen_reader) if op.old else None
    new = _blocks(parts, (), op.new, "new", screen_reader) if op.new else None
    return Row(
        kind=ROW_KINDS[op.op], old=old, new=new, block=op.kind, is_change=op.is_change,
        old_line=op.old[0].line if op.old else None,
        new_line=op.new[0].line if op.new else None,
        move_to=op.move if op.op == "move_out" else None,
        move_from=op.move if op.op == "move_in" else None,
        cosmetic=restyled_block(op),
    )


def rows(diff: Diff, *, screen_reader: bool = False) -> list[Row]:
    """Side-by-side rows, one per entry of ``diff.blocks``, in order."""
    return [row(op, screen_reader=screen_reader) for op in diff.blocks]


def fold(table: Sequence[Row], context: int = 1) -> list[Row | int]:
    """``table`` with runs of unchanged rows more than ``context`` away from a change
    replaced by how many rows were left out (an int), for a collapsed view. Restyled rows
    (``cosmetic``) are kept, without context."""
    keep = [row.cosmetic for row in table]
    for n, row in enumerate(table):
        if row.is_change:
            for k in range(max(0, n - context), min(len(table), n + context + 1)):
                keep[k] = True
    out: list[Row | int] = []
    for n, row in enumerate(table):
        if keep[n]:
            out.append(row)
        elif out and isinstance(out[-1], int):
            out[-1] += 1
        else:
            out.append(1)
    return out


def field(change: FieldChange, *, screen_reader: bool = False) -> str:
    """A headline, url or byline change, inline."""
    return "".join(_span(tag, text, screen_reader) for tag, text in _field_pieces(change, "inline"))


def field_cells(change: FieldChange, *, screen_reader: bool = False) -> tuple[str, str]:
    """(old, new) HTML of a field change, for two columns."""
    return tuple(  # type: ignore[return-value]
        "".join(_span(tag, text, screen_reader) for tag, text in _field_pieces(change, side))
        for side in ("old", "new"))


def _field_pieces(change: FieldChange, mode: str) -> list[Piece]:
    return spaced([(tag, text) for tag, _, _, text in _pieces(readable(change.parts), mode)])


PAGE_CSS = """
body{font:16px/1.5 Georgia,serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.3rem}.summary{font-family:sans-serif;color:#444}
del{background:#fdd;color:#900;text-decoration:line-through}
ins{background:#dfd;color:#060;text-decoration:underline}
table{border-collapse:collapse;width:100%;table-layout:fixed}
td{vertical-align:top;padding:.2rem .6rem;border-top:1px solid #eee;width:50%}
tr.changed td,tr.moved td{background:#fffbe8}tr.inserted td.new{background:#efe}
tr.deleted td.old{background:#fee}td.fold{text-align:center;color:#888;font-style:italic}
.line{color:#999;font:12px sans-serif}pre{white-space:pre-wrap;margin:0}
.diff-block{margin:.2rem 0}.diff-note{color:#777;font-style:italic}
.diff-style{text-decoration:underline dotted #888}tr.equal.cosmetic td{background:#f6f6f3}
blockquote{margin:0 0 0 1rem;border-left:3px solid #ccc;padding-left:.6rem}
""" + SR_CSS


def document(diff: Diff, old_name: str, new_name: str, context: int = 1,
             shift: tuple[int, int] = (0, 0)) -> str:
    """A standalone HTML page: summary, headline and field changes, and a side-by-side
    table with unchanged runs folded. Styles are inline; every text is escaped. Line
    numbers are the bodies' plus ``shift``."""
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>Diff: {escape(old_name)} \u2192 {escape(new_name)}</title>",
           f"<style>{PAGE_CSS}</style></head><body>",
           f"<h1>{escape(old_name)} \u2192 {escape(new_name)}</h1>",
           f'<p class="summary">{escape(summary(diff))}</p>']
    for change in (diff.title, *diff.field_changes):
        if change:
            out.append(f'<p class="field"><strong>{escape(change.name)}</strong> '
                       f"({escape(change.significance)}): "
                       f"{field(change, screen_reader=True)}</p>")
    out.append('<table><thead><tr><th>Old</th><th>New</th></tr></thead><tbody>')
    table = rows(diff, screen_reader=True)
    for item in fold(table, context):
        if isinstance(item, int):
            noun = "block" if item == 1 else "blocks"
            out.append(f'<tr><td class="fold" colspan="2">{item} unchanged {noun}</td></tr>')
            continue
        cells = []
        for side, line, add in (("old", item.old_line, shift[0]),
                                ("new", item.new_line, shift[1])):
            html = getattr(item, side)
            where = f'<div class="line">line {line + add}</div>' if line else ""
            cells.append(f'<td class="{side}">{where}{html or ""}</td>')
        kind = f"{item.kind} cosmetic" if item.cosmetic else item.kind
        out.append(f'<tr class="{kind}">{"".join(cells)}</tr>')
    out.append("</tbody></table></body></html>")
    return "\n".join(out) + "\n"

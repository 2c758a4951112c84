"""A change as a version's page draws it: a side-by-side table and an inline view of the
changed paragraphs, with a paragraph of context around each; the runs of unchanged
paragraphs between are left out (the page shows the whole text below), each replaced by a
line saying how many paragraphs it holds. Restyled paragraphs (only quotes, dashes or case
changed) are shown, without context.
"""

from __future__ import annotations

from markupsafe import Markup

from sitegen.diff import Diff, style
from sitegen.diff import html as diffhtml

CONTEXT = 1  # unchanged paragraphs kept around each change
# Paragraphs drawn at most: a version that rewrote thousands would otherwise make a page of
# megabytes (10,000 changed one-line paragraphs: 6,738,253 bytes; 546,749 with the cap, most
# of it the version's text). The rest is counted in one line.
MAX_DRAWN = 300
CUT = -1  # the run of the blocks after MAX_DRAWN were drawn


def _folded(diff: Diff) -> list[int | None]:
    """For each block, the number of the left-out run it belongs to (``CUT`` for those
    past ``MAX_DRAWN``), or None if it is shown: changes with their context, and restyled
    blocks."""
    changes = [op.is_change for op in diff.blocks]
    keep = [style.restyled_block(op) for op in diff.blocks]
    for n, change in enumerate(changes):
        if change:
            for k in range(max(0, n - CONTEXT), min(len(changes), n + CONTEXT + 1)):
                keep[k] = True
    runs: list[int | None] = []
    run, drawn = -1, 0
    last = max((n for n, kept in enumerate(keep) if kept), default=-1)
    for n, kept in enumerate(keep):
        if drawn >= MAX_DRAWN and n <= last:  # something left to draw: cut here
            runs += [CUT] * (len(keep) - n)
            break
        if kept:
            runs.append(None)
            drawn += 1
        else:
            if n == 0 or keep[n - 1]:
                run += 1
            runs.append(run)
    return runs


def _gap(count: int, restyled: int, changed: int, columns: int, cut: bool) -> str:
    noun = "paragraph" if count == 1 else "paragraphs"
    some = f" ({restyled} restyled)" if restyled else ""
    if cut:
        text = (f"{count:,} more {noun}, {changed:,} of them changed, not drawn here: the "
                "whole text of this version follows")
    else:
        text = f"{count:,} unchanged {noun}{some}"
    if columns:
        return f'<tr class="fold-gap"><td colspan="{columns}">{text}</td></tr>'
    return f'<p class="fold-gap">{text}</p>'


def _with_gaps(items: list[str | None], runs: list[int | None], diff: Diff,
               columns: int) -> list[str]:
    """The shown ``items``, each left-out run replaced by a line saying how many
    paragraphs it holds and how many of those are restyled (or changed, past the cut)."""
    counts: dict[int, list[int]] = {}  # run: [paragraphs, restyled, changed]
    for op, run in zip(diff.blocks, runs, strict=True):
        if run is not None:
            tally = counts.setdefault(run, [0, 0, 0])
            tally[0] += 1
            tally[1] += style.restyled_block(op)
            tally[2] += op.is_change
    out: list[str] = []
    for n, (item, run) in enumerate(zip(items, runs, strict=True)):
        if run is None:
            assert item is not None
            out.append(item)
        elif n == 0 or runs[n - 1] != run:
            count, restyled, changed = counts[run]
            out.append(_gap(count, restyled, changed, columns, run == CUT))
    return out


# The HTML below is built with plain strings for speed (a build draws tens of thousands of
# these); every piece of article text in it comes from sitegen.diff.html, which escapes it,
# and everything else is numbers and fixed words.

def side_by_side(diff: Diff) -> Markup:
    """The table's rows. An unchanged block (``drawn_once``) is one cell across both columns,
    its text held once for both views: the page's script splits it into the two columns and
    copies it into the inline view (which is why that view is hidden without script)."""
    runs = _folded(diff)
    items: list[str | None] = []
    for n, (op, run) in enumerate(zip(diff.blocks, runs, strict=True)):
        if run is not None:
            items.append(None)
            continue
        if diffhtml.drawn_once(op):
            items.append(f'<tr id="b{n}" class="row-equal"><td class="same" colspan="2">'
                         f"{diffhtml.once(op, screen_reader=True)}</td></tr>")
            continue
        row = diffhtml.row(op, screen_reader=True)
        classes = f"row-{row.kind}" + (" row-cosmetic" if row.cosmetic else "")
        # A moved block's two rows link to each other, saying where it went or came from.
        note = diffhtml.move_note(op, n) if op.move is not None else ""
        old_note = (f'<a class="move-link" href="#b{row.move_to}">{note}</a>'
                    if row.move_to is not None else "")
        new_note = (f'<a class="move-link" href="#b{row.move_from}">{note}</a>'
                    if row.move_from is not None else "")
        old_class = "old" if row.old is not None else "old empty"
        new_class = "new" if row.new is not None else "new empty"
        items.append(f'<tr id="b{n}" class="{classes}">'
                     f'<td class="{old_class}">{row.old or ""}{old_note}</td>'
                     f'<td class="{new_class}">{row.new or ""}{new_note}</td></tr>')
    return Markup("\n".join(_with_gaps(items, runs, diff, 2)))


def inline(diff: Diff) -> Markup:
    """The inline view: an unchanged block is a place for the script to copy the table's
    cell into (``data-same`` names its row)."""
    runs = _folded(diff)
    items: list[str | None] = []
    for n, (op, run) in enumerate(zip(diff.blocks, runs, strict=True)):
        if run is not None:
            items.append(None)
        elif diffhtml.drawn_once(op):
            items.append(f'<div class="inline-block" data-same="b{n}"></div>')
        else:
            html = diffhtml.inline_block(op, n, screen_reader=True)
            items.append(f'<div class="inline-block{" is-change" if op.is_change else ""}">'
                         f"{html}</div>")
    return Markup("\n".join(_with_gaps(items, runs, diff, 0)))


def field(diff_field: object) -> Markup:
    return Markup(diffhtml.field(diff_field, screen_reader=True))  # type: ignore[arg-type]


def field_cells(diff_field: object) -> tuple[Markup, Markup]:
    old, new = diffhtml.field_cells(diff_field, screen_reader=True)  # type: ignore[arg-type]
    return Markup(old), Markup(new)


def restyled(diff: Diff) -> bool:
    """Whether the text views mark a restyled word or mark (for the legend)."""
    return any(style.restyled(part) for op in diff.blocks for part in (*op.parts, *op.inner))


def describe(diff: Diff) -> str:
    """'45 words added, 12 removed; 2 paragraphs changed, 1 moved; 8.2% of the text', or for
    a cosmetic change what it was made of: 'only quotation marks and apostrophes changed'."""
    s = diff.stats
    parts = []
    if s.words_added or s.words_removed:
        noun = "word" if s.words_added == 1 else "words"
        parts.append(f"{s.words_added:,} {noun} added, {s.words_removed:,} removed")
    blocks = [(s.blocks_changed, "changed"), (s.blocks_added, "added"),
              (s.blocks_removed, "removed"), (s.blocks_moved, "moved")]
    shown = [f"{n:,} {what}" for n, what in blocks if n]
    if shown:
        noun = "paragraph" if sum(n for n, _ in blocks) == 1 else "paragraphs"
        parts.append(f"{noun}: " + ", ".join(shown))
    if s.changed_share:
        parts.append(f"{s.changed_share:.1%} of the text")
    restyle = style.restyle(diff)
    if restyle:
        parts.append(restyle)
    return "; ".join(parts) or "no change to the text"


__all__ = ["describe", "field", "field_cells", "inline", "restyled", "side_by_side"]

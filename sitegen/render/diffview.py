"""A diff as the archive's diff pages draw it: a side-by-side table and an inline view,
with runs of unchanged paragraphs marked so that a long article can show only its changed
paragraphs with some context (the page's script folds them; without script all is shown).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from sitegen.diff import Diff
from sitegen.diff import html as diffhtml

CONTEXT = 2  # unchanged paragraphs kept around each change when folded
FOLD_FROM = 12  # articles with more blocks than this are folded by default


def _folded(changes: list[bool]) -> list[int | None]:
    """For each block, the number of the folded run it belongs to, or None if it is shown."""
    keep = [False] * len(changes)
    for n, change in enumerate(changes):
        if change:
            for k in range(max(0, n - CONTEXT), min(len(changes), n + CONTEXT + 1)):
                keep[k] = True
    runs: list[int | None] = []
    run = -1
    for n, kept in enumerate(keep):
        if kept:
            runs.append(None)
        else:
            if n == 0 or keep[n - 1]:
                run += 1
            runs.append(run)
    return runs


def _gap(run: int, count: int, columns: int) -> Markup:
    noun = "paragraph" if count == 1 else "paragraphs"
    button = Markup('<button type="button" class="fold-open" data-run="{}">Show {} unchanged {}'
                    "</button>").format(run, count, noun)
    if columns:
        return Markup('<tr class="fold-gap" data-run="{}"><td colspan="{}">{}</td></tr>').format(
            run, columns, button)
    return Markup('<div class="fold-gap" data-run="{}">{}</div>').format(run, button)


def _with_gaps(items: list[Markup], runs: list[int | None], columns: int) -> list[Markup]:
    out: list[Markup] = []
    for n, (item, run) in enumerate(zip(items, runs, strict=True)):
        if run is not None and (n == 0 or runs[n - 1] != run):
            out.append(_gap(run, runs.count(run), columns))
        out.append(item)
    return out


def foldable(diff: Diff) -> bool:
    return len(diff.blocks) > FOLD_FROM and any(op.is_change for op in diff.blocks)


def side_by_side(diff: Diff) -> Markup:
    rows = diffhtml.rows(diff, screen_reader=True)
    runs = _folded([row.is_change for row in rows])
    items = []
    for n, (row, run) in enumerate(zip(rows, runs, strict=True)):
        classes = f"row-{row.kind}" + (" row-cosmetic" if row.cosmetic else "")
        attrs = Markup(' id="b{}" class="{}"').format(n, classes)
        if run is not None:
            attrs += Markup(' data-fold="{}"').format(run)
        note = ""
        if row.move_to is not None:
            note = Markup('<a class="move-link" href="#b{}">moved to here</a>').format(row.move_to)
        if row.move_from is not None:
            note = Markup('<a class="move-link" href="#b{}">moved from here</a>').format(
                row.move_from)
        old = Markup(row.old) if row.old is not None else Markup("")
        new = Markup(row.new) if row.new is not None else Markup("")
        items.append(Markup('<tr{}><td class="old{}">{}{}</td><td class="new{}">{}{}</td></tr>')
                     .format(attrs, "" if row.old is not None else " empty", old,
                             note if row.move_to is not None else "",
                             "" if row.new is not None else " empty", new,
                             note if row.move_from is not None else ""))
    return Markup("\n").join(_with_gaps(items, runs, 2))


def inline(diff: Diff) -> Markup:
    blocks = diffhtml.inline_blocks(diff, screen_reader=True)
    runs = _folded([change for change, _ in blocks])
    items = []
    for (change, html), run in zip(blocks, runs, strict=True):
        fold = Markup(' data-fold="{}"').format(run) if run is not None else Markup("")
        items.append(Markup('<div class="inline-block{}"{}>{}</div>').format(
            " is-change" if change else "", fold, Markup(html)))
    return Markup("\n").join(_with_gaps(items, runs, 0))


def field(diff_field: object) -> Markup:
    return Markup(diffhtml.field(diff_field, screen_reader=True))  # type: ignore[arg-type]


def field_cells(diff_field: object) -> tuple[Markup, Markup]:
    old, new = diffhtml.field_cells(diff_field, screen_reader=True)  # type: ignore[arg-type]
    return Markup(old), Markup(new)


def describe(diff: Diff) -> str:
    """'45 words added, 12 removed; 2 paragraphs changed, 1 moved; 8.2% of the text'."""
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
    return "; ".join(parts) or "no change to the text"


__all__ = ["describe", "escape", "field", "field_cells", "foldable", "inline", "side_by_side"]

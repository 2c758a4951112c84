"""The diff engine: what changed between two versions of an article, block by block and then
word by word, with moves, stats and a significance. No I/O: text in, frozen objects out.

``diff_versions(old, new)`` compares two versions (body, headline, url, byline);
``diff_texts(old, new)`` compares two bodies. ``sitegen.diff.html`` renders the result.
The JSON form (``Diff.to_json()``) is documented in docs/diff.md.
"""

from sitegen.diff.engine import diff_field, diff_texts, diff_versions
from sitegen.diff.model import FORMAT, Block, BlockOp, Diff, FieldChange, Part, Stats

__all__ = [
    "FORMAT",
    "Block",
    "BlockOp",
    "Diff",
    "FieldChange",
    "Part",
    "Stats",
    "diff_field",
    "diff_texts",
    "diff_versions",
]

"""The data of an article's compare page: every version's blocks, for compare.js.

Any two versions can be compared in the browser, so the build draws only each change, on
its version's page, not every pair (quadratic in the number of versions). The page carries
each distinct block once and each version as a list of block indices; the blocks come from
the diff engine's own splitter, so their boundaries are the server diffs' boundaries. The
format is described in docs/compare.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from sitegen import urls
from sitegen.diff.engine import parsed
from sitegen.diff.model import Block
from sitegen.diff.readable import hidden
from sitegen.model import Article

FORMAT = "sitegen-compare/1"
MIN_VERSIONS = 3  # with two versions, the one diff page already compares everything
MAX_BYTES = 1_500_000  # of JSON: above this the page offers the versions' changes instead

# Inside <script> the HTML parser ends the element at "</script" and treats "<!--" specially;
# JSON may spell any character as \uXXXX, so none of these can appear literally. U+2028/9
# are escaped too, for any reader that takes the block as JavaScript.
_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                ("\u2029", "\\u2029"))


@dataclass(frozen=True)
class CompareData:
    """What compare.html shows: the JSON (None when it would exceed ``limit`` bytes) and
    its size."""

    json: Markup | None
    size: int
    limit: int


def has_compare(versions: int) -> bool:
    return versions >= MIN_VERSIONS


def script_json(data: Any) -> str:
    """``data`` as JSON that can sit inside ``<script type="application/json">``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _SCRIPT_SAFE:  # str.replace is many times faster than translate
        text = text.replace(char, escaped)
    return text


def _utf16(text: str, offset: int) -> int:
    """A character offset as JavaScript counts it (astral characters are two units)."""
    if text.isascii():
        return offset
    return offset + sum(1 for c in text[:offset] if ord(c) > 0xFFFF)


def _entry(block: Block) -> list[Any]:
    """[kind, level, text] plus, when the text has Markdown markers the diff pages do not
    show (#, >, bullets, fences), their [start, end) ranges in UTF-16 units."""
    text = block.text
    ranges = [[_utf16(text, a), _utf16(text, b)] for a, b in hidden(block)]
    return [block.kind, block.level, text, ranges] if ranges else [block.kind, block.level, text]


def compare_data(article: Article) -> dict[str, Any]:
    """Blocks (each distinct [kind, level, text] once), versions as lists of block indices,
    and relative links to the versions and to each change (on its version's page)."""
    here = urls.compare(article.source, article.id)
    index: dict[tuple[str, int, str], int] = {}
    blocks: list[list[Any]] = []
    versions = []
    for version in article.versions:
        doc = parsed(version.body)
        ids = []
        for n, raw in enumerate(doc.blocks):
            # Trailing blank lines are the gap to the next block, not its text: leaving them
            # out lets the last paragraph of one version share its entry with the next.
            block = Block(n, raw.kind, raw.level, raw.line, doc.block_text(n).rstrip())
            ident = (block.kind, block.level, block.text)
            if ident not in index:
                index[ident] = len(blocks)
                blocks.append(_entry(block))
            ids.append(index[ident])
        versions.append({
            "number": version.number, "fetched": version.fetched.isoformat(),
            "title": version.title, "blocks": ids,
            "url": urls.relative(here, urls.version(article.source, article.id, version.number)),
        })
    diffs = {f"{n - 1}-{n}": urls.relative(here, urls.change(article.source, article.id, n))
             for n in range(1, len(article.versions))}
    return {"format": FORMAT, "blocks": blocks, "versions": versions, "diffs": diffs}


def compare_context(article: Article) -> CompareData:
    text = script_json(compare_data(article))
    size = len(text.encode("utf-8"))
    return CompareData(Markup(text) if size <= MAX_BYTES else None, size, MAX_BYTES)

"""A body cut into blocks (paragraphs, headings, list items, quotes, code...), each tokenized.

markdown-it finds where blocks start (its tokens carry source line maps); a block runs from
its first line to the next block's first line, so the blocks partition the source exactly,
blank lines and any lines markdown-it emits nothing for (link definitions) included. The
first block also starts at line 1, taking any blank lines before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from markdown_it import MarkdownIt

from sitegen.diff.tokens import tokenize
from sitegen.render.markdown import opens_paragraph

# markdown-it token type -> block kind. The first token opening on a line names the block,
# so a quote's or a list item's first paragraph is a "quote" or a "list_item".
_KINDS = {  # and "reference" (link definitions) and "blank" (whitespace-only body)
    "paragraph_open": "paragraph",
    "heading_open": "heading",
    "fence": "code",
    "code_block": "code",
    "hr": "rule",
    "html_block": "html",
    "table_open": "table",
    "list_item_open": "list_item",
    "blockquote_open": "quote",
}
_INDEPENDENT = frozenset({"paragraph", "heading", "code", "rule"})


@cache
def _parser() -> MarkdownIt:
    # Same dialect as sitegen.render.markdown; block rules only, inline content is not needed.
    return MarkdownIt("commonmark", {"html": False}).disable(["inline", "text_join"])


@dataclass(frozen=True, slots=True)
class RawBlock:
    kind: str
    level: int  # heading level, or how deeply a list item / quote is nested (1 = top)
    line: int  # 1-based first line in the body
    start: int  # first token (index into Doc.keys)
    end: int  # one past its last token


@dataclass(frozen=True, slots=True)
class Doc:
    """A body ready to diff. ``"".join(raws) == text``; keys and raws run in parallel."""

    text: str
    keys: list[str]
    raws: list[str]
    blocks: list[RawBlock]
    owner: list[int]  # owner[token] = index of its block

    def block_text(self, index: int) -> str:
        block = self.blocks[index]
        return "".join(self.raws[block.start : block.end])

    def block_keys(self, index: int) -> tuple[str, ...]:
        block = self.blocks[index]
        return tuple(self.keys[block.start : block.end])

    def pieces(self) -> list[str] | None:
        """The texts of the blocks when Markdown reads each one on its own exactly as in the
        whole body (top-level paragraphs, headings, code and rules; no link definitions,
        lists or quotes, which join or refer across blocks), else None. Rendering them one
        at a time lets the versions of an article share the HTML of the blocks they share."""
        if "\r" in self.text or not self.blocks:  # \r: our lines are not markdown-it's
            return None
        # (A block inside a list or quote always follows its container's list_item or
        # quote block, so checking the kinds also rules out nested blocks.)
        if any(block.kind not in _INDEPENDENT for block in self.blocks):
            return None
        return [self.block_text(n) for n in range(len(self.blocks))]


def _starts(text: str) -> dict[int, tuple[str, int]]:
    """{0-based line: (kind, level)} for every line a block starts on."""
    # markdown-it turns a lone \r into a line break; keep its line numbers equal to ours.
    source = text.replace("\r", " ") if "\r" in text else text
    lines = source.split("\n")
    starts: dict[int, tuple[str, int]] = {}
    covered: list[tuple[int, int]] = []
    for offset, segment in segments(lines):
        found, spans = _segment_starts(segment)
        starts.update((offset + line, kind_level) for line, kind_level in found)
        covered += [(offset + first, offset + stop) for first, stop in spans]
    # Lines no block covers are link reference definitions (markdown-it keeps them aside):
    # each run of them is a block of its own, so it can move without its neighbours.
    inside = [False] * (len(lines) + 1)
    for first, stop in covered:
        for line in range(first, min(stop, len(lines))):
            inside[line] = True
    for line, text in enumerate(lines):
        if not inside[line] and text.strip() and line not in starts and (
                line == 0 or inside[line - 1] or not lines[line - 1].strip()):
            starts[line] = ("reference", 0)
    return starts


def segments(lines: list[str]) -> list[tuple[int, str]]:
    """The body as (first line, text) pieces that markdown-it parses alone into the same
    blocks as in the whole, so that each is parsed once however many versions share it.

    A piece starts after a blank line, at a line that starts with a letter or an opening
    quote (``opens_paragraph``): that closes every paragraph, list, quote and indented code
    block before it and opens none of them.
    Only a fenced code block stays open over such a line, so a body with a fence marker
    anywhere is one piece."""
    if any("```" in line or "~~~" in line for line in lines):
        return [(0, "\n".join(lines))]
    cuts = [0] + [n for n in range(1, len(lines))
                  if opens_paragraph(lines[n]) and not lines[n - 1].strip(" \t")]
    return [(first, "\n".join(lines[first:stop]))
            for first, stop in zip(cuts, [*cuts[1:], len(lines)], strict=True)]


Starts = tuple[tuple[tuple[int, tuple[str, int]], ...], tuple[tuple[int, int], ...]]


def _paragraphs(source: str) -> Starts | None:
    """What :func:`_markdown_starts` finds, without markdown-it, when every line that is
    not blank starts with a letter or an opening quote (most segments of news text): no
    block but a paragraph starts so, and a paragraph runs until a blank line (markdown-it's
    blank: spaces and tabs only). None for any other text."""
    starts: list[tuple[int, tuple[str, int]]] = []
    covered: list[tuple[int, int]] = []
    first = None
    lines = source.split("\n")
    for n, line in enumerate(lines):
        if not line.strip(" \t"):
            if first is not None:
                starts.append((first, ("paragraph", 0)))
                covered.append((first, n))
                first = None
        elif not opens_paragraph(line):
            return None
        elif first is None:
            first = n
    if first is not None:
        starts.append((first, ("paragraph", 0)))
        covered.append((first, len(lines)))
    return tuple(starts), tuple(covered)


@lru_cache(maxsize=8192)
def _segment_starts(source: str) -> Starts:
    """Where markdown-it starts blocks in ``source`` ((line, (kind, level)) pairs), and
    the line spans its top-level tokens cover."""
    found = _paragraphs(source)
    return found if found is not None else _markdown_starts(source)


def _markdown_starts(source: str) -> Starts:
    starts: dict[int, tuple[str, int]] = {}
    covered: list[tuple[int, int]] = []
    quotes = items = 0
    for token in _parser().parse(source):
        if token.level == 0 and token.map:
            covered.append((token.map[0], token.map[1]))
        kind = _KINDS.get(token.type)
        if token.type == "blockquote_open":
            quotes += 1
        elif token.type == "blockquote_close":
            quotes -= 1
        elif token.type == "list_item_open":
            items += 1
        elif token.type == "list_item_close":
            items -= 1
        if kind is None or not token.map:
            continue
        line = token.map[0]
        if line in starts:
            continue
        if kind == "heading":
            level = int(token.tag[1:])
        elif kind == "quote":
            level = quotes
        elif kind == "list_item":
            level = items
        else:
            level = quotes or items
            if quotes and kind == "paragraph":
                kind = "quote"
        starts[line] = (kind, level)
    return tuple(starts.items()), tuple(covered)


def _line_starts(text: str) -> dict[int, tuple[str, int]]:
    """Plain text: every line that is not blank starts a paragraph."""
    return {n: ("paragraph", 0) for n, line in enumerate(text.split("\n")) if line.strip()}


@lru_cache(maxsize=8192)
def _tokenized(chunk: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # The versions of an article share most of their paragraphs: tokenize each text once.
    keys, raws = tokenize(chunk)
    return tuple(keys), tuple(raws)


def parse(text: str, plain: bool = False) -> Doc:
    """Cut ``text`` into blocks and tokens: Markdown blocks, or with ``plain`` lines.

    Blocks without a token are folded into the one before (or after); a text with no token
    at all is one "blank" block holding one token with the empty key, so that even
    whitespace-only bodies diff and reconstruct exactly."""
    if not text:
        return Doc(text, [], [], [], [])
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    starts = _line_starts(text) if plain else _starts(text)
    firsts = sorted(line for line in starts if line < len(lines)) or [0]
    bounds = [0, *firsts[1:], len(lines)]  # the first block takes the lines before it
    keys: list[str] = []
    raws: list[str] = []
    blocks: list[RawBlock] = []
    owner: list[int] = []
    pending = ""  # text of token-less blocks, waiting for a block to join
    for n in range(len(bounds) - 1):
        first, stop = bounds[n], bounds[n + 1]
        chunk = text[offsets[first] : min(offsets[stop], len(text))]
        chunk_keys, cached_raws = _tokenized(chunk)
        if not chunk_keys:
            if raws:
                raws[-1] += chunk
            else:
                pending += chunk
            continue
        chunk_raws = list(cached_raws)
        if pending:
            chunk_raws[0] = pending + chunk_raws[0]
            pending = ""
        kind, level = starts.get(firsts[n], ("paragraph", 0))
        blocks.append(RawBlock(kind, level, firsts[n] + 1, len(keys), len(keys) + len(chunk_keys)))
        owner.extend([len(blocks) - 1] * len(chunk_keys))
        keys.extend(chunk_keys)
        raws.extend(chunk_raws)
    if not keys:
        return Doc(text, [""], [text], [RawBlock("blank", 0, 1, 0, 1)], [0])
    return Doc(text, keys, raws, blocks, owner)

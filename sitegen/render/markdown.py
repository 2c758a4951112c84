"""Article bodies: CommonMark with raw HTML shown as text, never rendered.

Article text is written by strangers. With ``html`` off, markdown-it escapes any tag in the
source, and its link validator drops ``javascript:``, ``vbscript:``, ``file:`` and non-image
``data:`` URLs.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False})


def render(source: str, shift: int = 0) -> str:
    """HTML for a body; ``shift`` moves its headings down (h1 to h2 for shift=1) so that
    they stay below the page's own headings."""
    parser = _parser()
    tokens = parser.parse(source)
    if shift:
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                token.tag = f"h{min(6, int(token.tag[1]) + shift)}"
    return parser.renderer.render(tokens, parser.options, {})


# What can make a block of words more than a paragraph of text: inline syntax (code,
# emphasis, links, escapes, autolinks), entities, tabs, control characters, and a space
# before a line break (a hard break, or a soft one markdown-it trims).
_NOT_PLAIN = re.compile(r"[\\`*_\[\]<>&\x00-\x09\x0b-\x1f\x7f]| \n")
_OPENERS = frozenset("\"'(“‘«„¿¡")  # marks no block starts with, that often open a paragraph


def opens_paragraph(line: str) -> bool:
    """Whether a line, if it starts a block, can only start a paragraph, and cannot start
    anything else within one (a list item, a quote, a heading, a fence, a setext
    underline): true of a line that starts with a letter or an opening quote."""
    first = line[:1]
    return first.isalpha() or first in _OPENERS


def plain_paragraph(text: str) -> str | None:
    """The HTML markdown-it makes of ``text`` when it is one paragraph of plain words,
    made without parsing it (most blocks of news text are); None for any other text.

    Every line :func:`opens_paragraph`, so no line opens a block or continues one but a
    paragraph; no character opens inline syntax, so its HTML is the text, escaped."""
    body = text.strip("\n")
    if (not body or body[-1].isspace() or _NOT_PLAIN.search(body)
            or not all(opens_paragraph(line) for line in body.split("\n"))):
        return None
    return "<p>" + body.replace('"', "&quot;") + "</p>\n"


@lru_cache(maxsize=4096)
def _piece(text: str) -> str:
    plain = plain_paragraph(text)
    return render(text) if plain is None else plain


def render_pieces(pieces: list[str]) -> str:
    """The same HTML as ``render("".join(pieces))`` when Markdown reads every piece on its
    own as it does in the whole (see ``sitegen.diff.blocks.Doc.pieces``); a piece that
    comes back in the next version is not rendered again."""
    return "".join(_piece(p) for p in pieces)


_HEADING = re.compile(r"<(/?)h([1-6])>")


def shift_headings(html: str, shift: int) -> str:
    """Move the headings of rendered HTML down by ``shift`` levels (h6 at most); the same as
    rendering with ``shift``, without parsing the Markdown again."""
    if not shift:
        return html
    return _HEADING.sub(lambda m: f"<{m[1]}h{min(6, int(m[2]) + shift)}>", html)


def headings_from(html: str, top: int) -> str:
    """Move rendered headings so that the body's highest one becomes ``h<top>`` (a body that
    starts at "##" does not leave a gap under the page's own heading); their relative levels
    stay as written."""
    levels = [int(m[2]) for m in _HEADING.finditer(html)]
    if not levels:
        return html
    shift = top - min(levels)
    return _HEADING.sub(lambda m: f"<{m[1]}h{max(1, min(6, int(m[2]) + shift))}>", html)

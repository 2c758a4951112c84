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


_HEADING = re.compile(r"<(/?)h([1-6])>")


def shift_headings(html: str, shift: int) -> str:
    """Move the headings of rendered HTML down by ``shift`` levels (h6 at most); the same as
    rendering with ``shift``, without parsing the Markdown again."""
    if not shift:
        return html
    return _HEADING.sub(lambda m: f"<{m[1]}h{min(6, int(m[2]) + shift)}>", html)

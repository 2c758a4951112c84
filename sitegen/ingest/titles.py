"""The headline a Markdown capture carries: its level-1 heading near the top.

Scraped Markdown rarely starts with its headline: a breadcrumb, a "Skip to content" link, a
date or a row of navigation links comes first. The headline is the first level-1 heading
when only such short lines come before it (and it is the document's only level-1 heading,
unless it is the very first line: documents that use "#" for their sections, such as RFCs,
have no headline of this kind). It becomes the version's title and leaves the body, as an
HTML page's headline does: the page shows the title, and a diff must not count it as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from markdown_it import MarkdownIt

from sitegen.ingest.normalise import clean_title

LEAD_LINES = 40  # the headline is in the first lines of the body...
PREAMBLE_WORDS = 12  # ...after lines of at most this many words outside links

_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_STARTS = frozenset("#=-`~")  # what a heading, a setext underline or a fence starts with
_NOT_PARAGRAPH = re.compile(r" {4}|\t| {0,3}(?:[>#|]|[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$))")
_LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\([^)]*\)|<[A-Za-z][A-Za-z0-9.+-]{1,31}:[^<>\s]*>"
                   r"|\bhttps?://\S+")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Heading:
    source: str  # its Markdown, without the "#" markers or the underline
    start: int  # its first line (0-based)
    end: int  # one past its last line
    level: int

    @property
    def text(self) -> str:
        """As a reader reads it: no markers, escapes, emphasis or link addresses."""
        return heading_text(self.source)


@cache
def _inline() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False})


@lru_cache(maxsize=1024)
def heading_text(source: str) -> str:
    """The words of a heading's Markdown, as rendered: "[*Big* news](u)" reads "Big news"."""
    out = []
    for token in _inline().parseInline(source.strip())[0].children or []:
        if token.type in ("text", "code_inline", "html_inline", "image"):  # image: its alt
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return clean_title("".join(out))


def headings(lines: list[str]) -> Iterator[Heading]:
    """The top-level ATX and setext headings of a body's lines (none inside code fences)."""
    fence: str | None = None
    for n, line in enumerate(lines):
        first = line.lstrip(" ")[:1]
        if first not in _STARTS:  # most lines: no heading, underline or fence starts so
            continue
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        if match := _FENCE.match(line):
            fence = match.group(1)[0] * 3
        elif match := _ATX.fullmatch(line):
            yield Heading(match.group(2) or "", n, n + 1, len(match.group(1)))
        elif (n and (match := _SETEXT.fullmatch(line)) and lines[n - 1].strip()
              and not _NOT_PARAGRAPH.match(lines[n - 1]) and not _ATX.fullmatch(lines[n - 1])
              and (n == 1 or not lines[n - 2].strip())):
            yield Heading(lines[n - 1], n - 1, n + 1, 1 if match.group(1)[0] == "=" else 2)


def _preamble(line: str) -> bool:
    """A line that may come before the headline: blank, or short once links are left out
    (breadcrumbs, navigation, a date, "Skip to content")."""
    return len(_WORD.findall(_LINK.sub(" ", line))) <= PREAMBLE_WORDS


def find(body: str) -> Heading | None:
    """The body's headline, by the rule in the module's docstring, if it has one."""
    lines = body.split("\n")
    if not any(line.lstrip(" ")[:1] in ("#", "=") for line in lines):
        return None  # no heading of either kind: most bodies, found without parsing
    tops: list[Heading] = []
    for heading in headings(lines):
        if heading.level == 1 and heading.source.strip():
            tops.append(heading)
            if len(tops) == 2:  # enough to know it is not the only one
                break
    if not tops:
        return None
    first = tops[0]
    lead = [line for line in lines[: first.start] if line.strip()]
    if not lead or (len(tops) == 1 and first.start < LEAD_LINES and all(map(_preamble, lead))):
        return first if first.text else None
    return None


def cut(body: str, heading: Heading) -> str:
    """The body without the heading's lines (and the blank line after them)."""
    lines = body.split("\n")
    end = heading.end + (heading.end < len(lines) and not lines[heading.end].strip())
    return "\n".join(lines[: heading.start] + lines[end:])


def drop(body: str, title: str) -> str:
    """The body without a headline (a level-1 or level-2 heading near the top, after short
    lines only) that repeats ``title``: the page shows the title once."""
    lines = body.split("\n")
    if not any(line.lstrip(" ")[:1] in ("#", "=", "-") for line in lines[:LEAD_LINES]):
        return body
    want = clean_title(title)
    for heading in headings(lines[:LEAD_LINES]):
        if heading.level <= 2 and heading.text == want:
            before = [line for line in lines[: heading.start] if line.strip()]
            if all(map(_preamble, before)):
                rest = cut(body, heading)
                return rest if rest.strip() else body
        if heading.level == 1:
            break  # a different headline: the title's heading would be a section
    return body

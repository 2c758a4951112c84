"""What "the same text" means: the normalisation applied before comparing and storing.

Scrapers see the same article through different HTML serialisers, so invisible differences
(composed or decomposed accents, non-breaking spaces, zero-width spaces, CRLF) must neither be
stored as they came nor count as a change. Page chrome named by the source's rules in
``_source.yaml`` is dropped too, and the pieces of lines its ``drop_inline`` patterns match
(such as the ``[12]`` link markers ``lynx -dump`` renumbers on every capture). Quote
characters are *not* unified: a change of „ to “ is a change of the text, and the diff pages
decide how to show it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from sitegen.content.source import SourceMeta

# No-break spaces become ordinary spaces; invisible characters that carry no text are removed.
# ZWJ and ZWNJ (U+200D, U+200C) are kept: they change how emoji and several scripts render.
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f"), " ")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"), None)
_TABLE = {**_SPACES, **_INVISIBLE}
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # a CommonMark backslash escape
_BLANKS = re.compile(r"\n{3,}")
_WHITESPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """NFC, \\n line ends, no-break spaces as spaces, invisible characters removed."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text.translate(_TABLE))


def clean_title(title: str) -> str:
    """A headline on one line: cleaned, with runs of whitespace (newlines too) as one space."""
    return _WHITESPACE.sub(" ", clean(title)).strip()


def plain(line: str) -> str:
    """A Markdown line with its backslash escapes removed: what a rule is matched against."""
    return _ESCAPED.sub(r"\1", line)


def _is_chrome(line: str, exact: frozenset[str], patterns: Iterable[re.Pattern[str]]) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    forms = {stripped, plain(stripped)}
    if forms & exact:
        return True
    return any(p.fullmatch(form) for p in patterns for form in forms)


def drop_inline(line: str, patterns: Iterable[re.Pattern[str]]) -> str:
    """``line`` without what ``patterns`` match in it, matched as the text reads (a stored
    ``\\[19\\]`` is matched as ``[19]``, and goes with its backslashes); a space left
    doubled where something was cut goes too."""
    spans: list[tuple[int, int]] = []  # each character of the text read: where it is stored
    chars: list[str] = []
    i = 0
    while i < len(line):
        escaped = _ESCAPED.match(line, i)
        end = escaped.end() if escaped else i + 1
        chars.append(line[end - 1])
        spans.append((i, end))
        i = end
    text = "".join(chars)
    cuts = sorted((spans[m.start()][0], spans[m.end() - 1][1])
                  for pattern in patterns for m in pattern.finditer(text) if m.end() > m.start())
    if not cuts:
        return line
    out, at = [], 0
    for start, end in cuts:
        if start >= at:
            out.append(line[at:start])
        at = max(at, end)
        kept = "".join(out)
        if not kept.strip():  # cut at the start: the line's indentation stays
            while line[at : at + 1] in (" ", "\t"):
                at += 1
        elif kept.endswith((" ", "\t")) and line[at : at + 1] in (" ", "\t"):
            at += 1  # "word [12] next": one space stays
    out.append(line[at:])
    return "".join(out).rstrip()


def drop_chrome(body: str, rules: SourceMeta) -> str:
    """The body without the lines that the source's rules call page chrome, and without
    the pieces of lines its ``drop_inline`` patterns match."""
    if not rules.drop_lines and not rules.drop_patterns and not rules.drop_inline:
        return body
    exact = frozenset(rules.drop_lines) | frozenset(plain(x) for x in rules.drop_lines)
    kept: list[str] = []
    dropped = False  # since the last kept text line: then its blank line goes too
    for line in body.split("\n"):
        if rules.drop_inline and line.strip():
            line = drop_inline(line, rules.drop_inline)
            if not line.strip():
                dropped = True  # nothing but chrome on it
                continue
        if _is_chrome(line, exact, rules.drop_patterns):
            dropped = True
        elif line.strip():
            kept.append(line)
            dropped = False
        elif not (dropped and (not kept or not kept[-1].strip())):
            kept.append(line)
    return "\n".join(kept)


def body(text: str, rules: SourceMeta) -> str:
    """The body as stored: cleaned, chrome dropped, no blank lines at either end, one final
    \\n (empty if nothing is left)."""
    text = drop_chrome(clean(text), rules).strip("\n")
    return text + "\n" if text.strip() else ""


def key(title: str, text: str, rules: SourceMeta) -> str:
    """A digest that is equal for two versions exactly when they count as the same.

    Beyond :func:`body` it ignores spaces at line ends and the number of blank lines between
    blocks: scrapers vary both from run to run, and they almost never change what a reader
    sees (the exception, a Markdown hard break made of two trailing spaces, is kept in the
    stored text but not compared). Stored bodies go through it again, so a rule added to
    ``_source.yaml`` later applies to old versions as well.
    """
    lines = (line.rstrip() for line in body(text, rules).split("\n"))
    compact = _BLANKS.sub("\n\n", "\n".join(lines)).strip()
    digest = hashlib.sha256(clean_title(title).encode("utf-8"))
    digest.update(b"\0")
    digest.update(compact.encode("utf-8"))
    return digest.hexdigest()

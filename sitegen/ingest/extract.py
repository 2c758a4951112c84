"""Turning an input file into a Markdown body (and a title, where the input has one).

Three formats come in. Plain text is escaped so that it renders exactly as written: a news
paragraph that starts "1." or "#" stays a paragraph, not a list or a heading. Markdown is kept
as it is. A saved HTML page goes through trafilatura, which finds the article's main text and
drops the page's navigation, footers and comment threads; it runs offline on the bytes given
and never fetches anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sitegen.ingest import titles
from sitegen.ingest.normalise import clean, clean_title, plain

FORMATS = ("text", "markdown", "html")
SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
            ".html": "html", ".htm": "html", ".xhtml": "html"}
_HTML_START = re.compile(rb"\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>])",
                         re.IGNORECASE | re.DOTALL)
_INLINE = re.compile(r"([\\`*_\[\]<>])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=[ \t]|$)")
_ATX = re.compile(r"(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*")


class InputError(Exception):
    """A file that cannot be imported; the message says why and what to do."""


@dataclass(frozen=True)
class Extracted:
    body: str  # Markdown, cleaned; chrome rules are applied later, by the session
    title: str | None = None  # found in the input itself
    url: str | None = None  # an HTML page's canonical address


def guess_format(name: str | None, data: bytes, *, sniff: bool = True) -> str | None:
    """The format by file suffix, else (if ``sniff``) HTML when it looks like a page, else
    text; None when the suffix is unknown and sniffing is off."""
    if name:
        suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if suffix in SUFFIXES:
            return SUFFIXES[suffix]
        if not sniff:
            return None
    return "html" if _HTML_START.match(data[:4096]) else "text"


def decode(data: bytes) -> str:
    """Text from UTF-8 (or UTF-16 with a byte-order mark); binary input is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"not valid UTF-16 text ({exc.reason})") from None
    if b"\0" in data:
        raise InputError("binary file (it contains NUL bytes); sitegen imports text, "
                         "Markdown or HTML")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset "
                         f"{exc.start}); re-save the file as UTF-8") from None
    return text.removeprefix("\ufeff")


def escape_line(line: str) -> str:
    """Markdown for one line of plain text that renders as exactly that text."""
    line = _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", line.strip()))
    if line[:1] in ("#", "-", "+", "=", "~", "|"):
        return "\\" + line
    return _ORDERED.sub(r"\1\\\2", line, count=1) if line[:1].isdigit() else line


def text_to_markdown(text: str) -> str:
    """Plain text as Markdown: every non-blank line is a paragraph of its own.

    Scraped news text has one paragraph per line (some tools add blank lines between them,
    some do not), so a line break is always kept as a paragraph break.
    """
    return "\n\n".join(escape_line(line) for line in clean(text).split("\n") if line.strip())


def markdown_title(body: str) -> str | None:
    """The headline of a Markdown body (``sitegen.ingest.titles``), if it has one."""
    heading = titles.find(body)
    return heading.text if heading else None


def _drop_heading(body: str, title: str) -> str:
    """The body without a leading heading that repeats the title (the page shows it)."""
    lines = body.split("\n")
    for i, line in enumerate(lines):
        if line.strip():
            match = _ATX.fullmatch(line.strip())
            if match and clean_title(plain(match.group(2))) == clean_title(title):
                return "\n".join(lines[i + 1 :])
            return body
    return body


@lru_cache(maxsize=1)
def _trafilatura_config() -> Any:
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # no signal alarms inside a library
    return config


def html_to_markdown(data: bytes) -> Extracted:
    """The article in a saved page: main text as Markdown, and the page's title and URL."""
    import trafilatura  # imported here: it takes a moment, and only HTML needs it

    if b"\0" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("binary file (it contains NUL bytes); sitegen imports text, "
                         "Markdown or HTML")
    try:
        page: str | bytes = decode(data)
    except InputError:
        page = data  # another encoding: trafilatura reads the page's charset declaration
    options = {"include_comments": False, "include_links": False, "include_images": False,
               "include_tables": True, "include_formatting": True, "deduplicate": False,
               "config": _trafilatura_config()}
    text = trafilatura.extract(page, output_format="markdown", **options)
    if not text or not text.strip():
        raise InputError("no article text found in the page (the extraction came out empty); "
                         "check that it is the article's page, or import its text with "
                         "--format text")
    meta = trafilatura.extract_metadata(page)
    title = clean_title(meta.title) if meta is not None and meta.title else None
    url = meta.url if meta is not None and meta.url else None
    body = clean(text)
    if title:
        body = _drop_heading(body, title)
    return Extracted(body=body, title=title or None, url=url)


def front_matter(data: bytes, origin: str) -> tuple[dict[str, Any], bytes]:
    """A Markdown input that is itself a version file (front matter, then the body): its
    fields and its body. Input without front matter comes back unchanged, with no fields."""
    from sitegen import yamlutil
    from sitegen.content.frontmatter import decode as decode_file
    from sitegen.content.frontmatter import split

    if not data.lstrip(b"\xef\xbb\xbf").startswith(b"---"):
        return {}, data
    text, problems = decode_file(data, origin)
    if text is None:
        raise InputError(problems[0].message)
    parts = split(text, origin)
    if not isinstance(parts, tuple):
        raise InputError(parts.message)
    try:
        meta = yamlutil.load(parts[0])
    except yamlutil.YamlProblem as exc:
        raise InputError(f"front matter, line {(exc.line or 0) + 1}: {exc.message}") from None
    if not isinstance(meta, dict):
        raise InputError("front matter must be 'key: value' lines")
    return meta, parts[1].encode("utf-8")


def convert(data: bytes, fmt: str) -> Extracted:
    """The Markdown body (and any title) of one input file in format ``fmt``."""
    if fmt == "html":
        result = html_to_markdown(data)
    elif fmt == "markdown":  # the session drops the headline from the body if it is used
        text = clean(decode(data))
        result = Extracted(body=text, title=markdown_title(text))
    elif fmt == "text":
        result = Extracted(body=text_to_markdown(decode(data)))
    else:
        raise ValueError(f"unknown format {fmt!r}")
    if not result.body.strip():
        raise InputError("empty: there is no text in it")
    return result

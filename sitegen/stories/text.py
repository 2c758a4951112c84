"""A version's text as the stories code compares it: sentences, normalised, with quotes and
markup gone, so that “ ” „ ‚ ' " and a Markdown link or emphasis never make two copies of a
sentence differ."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

# Every quotation mark and apostrophe of the seeds and of the common keyboards: dropped, not
# mapped to one, since one outlet writes “word”, another „word“ and a third 'word'.
# (Regular expressions, not str.translate with a table: a third of the time on long texts.)
_QUOTES = re.compile("[\"'`´‘’‚‛“”„‟‹›«»「」『』′″]")
_DASHES = re.compile("[‐‑‒–—―−]")
MIN_WORDS = 6  # shorter sentences are headings, captions and furniture, not evidence
# Paragraphs are cut in one pass over their text joined by NUL (not a call or two per
# paragraph and per sentence): a paragraph's end ends a sentence, and no image or link
# target runs across it.
_JOIN = "\x00"
_ENDS = frozenset((" ", _JOIN))  # the tokens that end a sentence
_LINKS = re.compile(r"!\[[^\]\x00]*\]\([^)\x00]*\)|\]\([^)\x00]*\)")  # images, link targets
_MARKS = re.compile(r"[*_#>`\[\]|]+")
# A word, or a sentence's end: the space after . ! or ? before anything but a digit, or NUL.
_TOKEN = re.compile(r"\w+(?:[.,]\w+)*|(?<=[.!?]) (?=[^ \d])|\x00")
_WORD = re.compile(r"\w+(?:[.,]\w+)*")  # (after normalise: no apostrophes left inside)


def normalise(text: str) -> str:
    """Lower case, NFKC, quotes removed, dashes unified, spacing collapsed."""
    if not text.isascii():  # NFKC leaves ASCII as it is
        text = _DASHES.sub("-", unicodedata.normalize("NFKC", text))
    text = _QUOTES.sub("", text)
    return " ".join(text.lower().split())


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def paragraphs(body: str) -> list[str]:
    return re.split(r"\n\s*\n", body)


def sentence_words(paragraphs: Iterable[str]) -> list[list[str]]:
    """The words of each sentence of ``MIN_WORDS`` words or more, in order: normalised,
    Markdown marks, link targets and quotation marks gone."""
    joined = _JOIN.join(paragraphs)
    if "](" in joined:
        joined = _LINKS.sub(" ", joined)
    tokens = _TOKEN.findall(normalise(_MARKS.sub(" ", joined)))
    found = []
    start = 0
    for end in [n for n, token in enumerate(tokens) if token in _ENDS] + [len(tokens)]:
        if end - start >= MIN_WORDS:
            found.append(tokens[start:end])
        start = end + 1
    return found


def sentences(body: str) -> list[str]:
    """The sentences of a Markdown body (``sentence_words``), each its words joined by
    single spaces: what the alignment compares."""
    return [" ".join(w) for w in sentence_words(paragraphs(body))]


def sentence_key(sentence: str) -> int:
    """A stable 63-bit key of a normalised sentence's words (for counting furniture)."""
    return key(" ".join(words(sentence)))


def key(joined: str) -> int:
    """The key of a sentence as its words joined by single spaces (``sentences``)."""
    return int.from_bytes(hashlib.blake2b(joined.encode(), digest_size=8).digest(), "big") >> 1




# A quotation: its opening and closing marks in any of the styles outlets use (“…”, „…“,
# "…", «…»); single marks are left out, being apostrophes as often as not.
_QUOTE = re.compile(r"[“„\"«]([^“”„\"«»\n]{12,400}?)[”“\"»]")
MIN_QUOTE_WORDS = 4
_OPENING = ("“", "„", '"', "«")


def quotes(body: str) -> list[str]:
    """The normalised quotations of at least ``MIN_QUOTE_WORDS`` words."""
    if not any(mark in body for mark in _OPENING):  # most paragraphs quote nobody
        return []
    found = []
    for match in _QUOTE.finditer(body):
        quote = normalise(match.group(1)).strip(" ,.;:")
        if len(words(quote)) >= MIN_QUOTE_WORDS:
            found.append(quote)
    return found

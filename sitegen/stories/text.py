"""A version's text as the stories code compares it: sentences, normalised, with quotes and
markup gone, so that “ ” „ ‚ ' " and a Markdown link or emphasis never make two copies of a
sentence differ."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Every quotation mark and apostrophe of the seeds and of the common keyboards: dropped, not
# mapped to one, since one outlet writes “word”, another „word“ and a third 'word'.
# (Regular expressions, not str.translate with a table: a third of the time on long texts.)
_QUOTES = re.compile("[\"'`´‘’‚‛“”„‟‹›«»「」『』′″]")
_DASHES = re.compile("[‐‑‒–—―−]")
MIN_WORDS = 6  # shorter sentences are headings, captions and furniture, not evidence
_MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|\]\([^)]*\)|[*_#>`\[\]|]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^\s\d])")
_WORD = re.compile(r"\w+(?:[.,'’]\w+)*")


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


def paragraph_sentences(paragraph: str) -> list[str]:
    """The normalised sentences of one paragraph that have at least ``MIN_WORDS`` words."""
    return [text for text, _ in paragraph_words(paragraph)]


def paragraph_words(paragraph: str) -> list[tuple[str, list[str]]]:
    """(normalised sentence, its words) of each sentence of ``MIN_WORDS`` words or more."""
    found = []
    for text in _SENTENCE_END.split(normalise(_MARKUP.sub(" ", paragraph))):
        w = _WORD.findall(text)
        if len(w) >= MIN_WORDS:
            found.append((text, w))
    return found


def sentences(body: str) -> list[str]:
    """The normalised sentences of a Markdown body that have at least ``MIN_WORDS`` words,
    in order (paragraphs first split on blank lines, then on sentence ends)."""
    return [s for paragraph in paragraphs(body) for s in paragraph_sentences(paragraph)]


def sentence_key(sentence: str) -> int:
    """A stable 63-bit key of a normalised sentence's words (for counting furniture)."""
    return words_key(words(sentence))


def words_key(found: list[str]) -> int:
    data = " ".join(found).encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big") >> 1




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

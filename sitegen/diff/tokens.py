"""Words, numbers and punctuation marks: the units a diff is made of.

A token's *raw* text is exactly what the source holds, whitespace after it included, so that
raw texts concatenate back to the source. Its *key* is what comparison sees: NFKC form with
every quote, apostrophe and dash style folded to one, so that "It\u2019s" and "It's" or an
en dash and "-" compare equal (a cosmetic difference, not a change). Whitespace is never a
token, and soft hyphens and zero-width characters are ignored in keys: scraped text is full
of them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

# Invisible characters scrapers leave in words: soft hyphen, zero-width space/joiners, word
# joiner, BOM. Inside a word they are part of it (and dropped from its key); alone they count
# as whitespace.
IGNORABLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
CURRENCY = "$£€¥₹"

# Quote, apostrophe and dash styles, written as escapes so that the code shows which is which:
# curly, low-9 and reversed single quotes, prime, single guillemets; the same for double
# quotes plus guillemets, CJK and fullwidth quotes; hyphens, figure/en/em dashes, bar, minus.
SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u2039\u203a"
DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u301d\u301e\uff02"
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d"
APOSTROPHE = "\u2019"
_FOLD = str.maketrans(
    {
        **dict.fromkeys(SINGLE_QUOTES, "'"),
        **dict.fromkeys(DOUBLE_QUOTES, '"'),
        **dict.fromkeys(DASHES, "-"),
        **dict.fromkeys(IGNORABLE, None),
    }
)


@cache
def _marks() -> str:
    """A regex class body for every combining mark (category M*): accents written as a
    separate code point (NFD text, Indic vowel signs) belong to the word before them."""
    codes = [c for c in range(0x300, 0x20000) if unicodedata.category(chr(c))[0] == "M"]
    codes += [c for c in range(0xE0100, 0xE01F0) if unicodedata.category(chr(c))[0] == "M"]
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(
        re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"
        for lo, hi in ranges
    )


@cache
def token_pattern(marks: bool = True) -> re.Pattern[str]:
    """A token (group ``t``) and the whitespace after it (group ``w``). Without ``marks``
    the pattern is faster and tokenizes any text free of combining marks the same way."""
    mark = _marks() if marks else ""
    inner = rf"[\w{mark}{IGNORABLE}]"  # may continue a word
    return re.compile(
        # numbers with their currency, decimals, thousands, unit and percent: £2.26bn, 2.5%
        rf"(?P<t>[{re.escape(CURRENCY)}]?\d+(?:[.,:]\d+)*{inner}*%?"
        # words, apostrophes inside them included: it's, don\u2019t, O'Brien
        rf"|[\w{mark}]{inner}*(?:['{APOSTROPHE}]{inner}+)*"
        # one punctuation mark or symbol, or a run of the same one: "...", "**", "```"
        rf"|(?P<p>[^\w\s{mark}{IGNORABLE}])(?P=p)*" + (rf"[{mark}]*)" if mark else ")")
        # everything else is whitespace (or an ignorable character on its own)
        + rf"(?P<w>[\s{IGNORABLE}]*)"
    )


def _has_marks(text: str) -> bool:
    # Cheaper than searching with the marks class: look at each distinct character once.
    return not text.isascii() and any(
        unicodedata.category(c)[0] == "M" for c in set(text) if c >= "\u0300")


_LEAD = re.compile(rf"[\s{IGNORABLE}]*")


def key(token: str) -> str:
    """The comparison form of a token."""
    if token.isascii():
        return token
    return unicodedata.normalize("NFKC", token).translate(_FOLD)


def tokenize(text: str) -> tuple[list[str], list[str]]:
    """(keys, raws) of ``text``; ``"".join(raws) == text`` whenever there is a token.

    Each raw is the token plus the whitespace after it; the first one also carries the
    whitespace before it. Tokenizing is local (no token crosses whitespace), so cutting a
    text at line starts and tokenizing the pieces gives the same tokens as the whole.
    """
    found = token_pattern(_has_marks(text)).findall(text, _LEAD.match(text).end())
    if not found:
        return [], []
    keys = [t if t.isascii() else key(t) for t, _, _ in found]
    raws = [t + w for t, _, w in found]
    lead = len(text) - sum(map(len, raws))
    if lead:
        raws[0] = text[:lead] + raws[0]
    return keys, raws


@lru_cache(maxsize=65536)  # an article's words recur in every diff of it
def is_word(token_key: str) -> bool:
    """Words and numbers count in "words added/removed"; punctuation does not."""
    return any(c.isalnum() for c in token_key)


@lru_cache(maxsize=65536)
def has_figure(token_key: str) -> bool:
    return any(c.isdigit() for c in token_key)


def normal(text: str) -> str:
    """``text`` as its token keys joined by single spaces: equal iff the difference is
    only cosmetic (whitespace, quote and dash styles, Unicode forms)."""
    return " ".join(tokenize(text)[0])

"""A scraped error page is not a version of the article.

Scrapers save whatever the server sent: a "404 Not Found", a "Page not found" page served
with status 200, a "Just a moment..." bot check. Stored as a version, such a page would show
the article's text deleted and put back, and give the article its title ("404") for good.
Every importer (and anything else that stores versions) asks :func:`error_page` first.

The rule, for a body (Markdown, as stored) and the titles known for it (the input's own and
any given one). It is an error page when all three hold:

1. the body is short: at most ``MAX_WORDS`` words (links and web addresses left out);
2. the body backs it up: it has a sentence only error pages write ("the page you are
   looking for", "could not be found", "has been removed", "check the URL", "enable
   JavaScript and cookies", "verify you are human", "error 404", "return to the
   homepage"), or at most ``TINY_WORDS`` words;
3. a title, or the body's first line, is *wholly* a status line ("404", "Error 404",
   "HTTP 500", "404 - Page Not Found") or an error phrase ("Page not found", "Access
   denied", "Sorry, this page is no longer available", "Just a moment..."). A title counts
   in segments split at " | ", " - ", " – ", " — ", " · ", " :: ", " » ", so that a site
   name rides along: "Page not found | BBC News".

A whole segment or line must match: an article *about* a 404 error ("Why the 404 page is
the web's most-seen page") is not one, nor is any article longer than ``MAX_WORDS`` words,
nor a short article whose title or first line only mentions an error.
"""

from __future__ import annotations

import re

MAX_WORDS = 300  # error pages are short; a longer text is read as an article
TINY_WORDS = 40  # a body this short says nothing against an error title or first line

_REASON = (r"(?:page |file |document |content |url )?not found|forbidden|gone"
           r"|unauthori[sz]ed|bad request|bad gateway|gateway time-?out"
           r"|service (?:temporarily )?unavailable|internal server error|server error"
           r"|too many requests|error|not available")
_STATUS = re.compile(
    rf"(?:(?:http|server)\s+)?(?:(?:error|status)\s*(?:code\s*)?[:#]?\s*)?[45]\d\d"
    rf"(?:\s*(?:[:\-–—|.(]\s*)?(?:{_REASON}|page)\)?)?(?:\s*error)?[.!]*", re.IGNORECASE)
_PHRASE = re.compile(
    r"(?:(?:sorry|oops|whoops|uh[- ]oh)[,!.]*\s*)?(?:"
    r"(?:the |this |that )?(?:page|file|document|article|content|url|link)\s+"
    r"(?:(?:was |is )?not found|(?:can ?not|could not|couldn.t|can.t) be found"
    r"|(?:does not|doesn.t|no longer) exists?"
    r"|(?:isn.t |is not |is no longer |is un|no longer |not |un)available"
    r"|(?:has been |was )?(?:removed|deleted|moved))"
    r"|(?:we )?(?:can.t|cannot|could not|couldn.t) find (?:that|this|the) (?:page|file|article)"
    r"|not found|access (?:is )?denied|access to this page has been denied|forbidden"
    r"|unauthori[sz]ed|bad request|bad gateway|gateway time-?out"
    r"|service (?:temporarily )?unavailable|internal server error|server error"
    r"|too many requests|request (?:was )?blocked|just a moment|attention required"
    r"|are you a (?:robot|human)|(?:please )?verify (?:that )?you are (?:a )?human"
    r"|(?:an )?error (?:has )?occurred|something went wrong|error)[.!?…]*", re.IGNORECASE)
_SAYS = re.compile(
    r"(?:page|article|story|content|file|url|address|link) (?:that )?you(?:.re| are| were)"
    r" (?:looking|searching) for"
    r"|(?:can ?not|could not|couldn.t|can.t|was not|wasn.t) (?:be )?found"
    r"|(?:does not|doesn.t|no longer) exists?|(?:has been|was|may have been) (?:re)?moved"
    r"|has been (?:deleted|removed)|check (?:the|your) (?:url|address|web address|spelling)"
    r"|mistyped|(?:enable|turn on) (?:javascript|cookies)|checking (?:your browser|if the"
    r" site connection)|verify (?:that )?you are (?:a )?human|not a robot"
    r"|\b(?:error|status)(?: code)?:? [45]\d\d\b|\b[45]\d\d\b.{0,3}(?:error|not found)"
    r"|(?:return|go back|back) to the (?:home ?page|front page|homepage)",
    re.IGNORECASE)
_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|·|::|»)\s+")
_LINKS = re.compile(r"!?\[((?:[^\]\\]|\\.)*)\]\([^)]*\)|<[A-Za-z][A-Za-z0-9.+-]{1,31}:[^<>\s]*>"
                    r"|\bhttps?://\S+")
_MARKERS = re.compile(r"^[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|=+[ \t]*$)|[*_`\\]+")
_WORD = re.compile(r"\w+")


def _plain(text: str) -> str:
    """Markdown as its words: link text kept, addresses, markers and emphasis left out."""
    return _MARKERS.sub("", _LINKS.sub(lambda m: m.group(1) or " ", text)).strip()


def _kind(text: str) -> str | None:
    """"status" or "phrase" if the whole of ``text`` is a status line or an error phrase."""
    text = " ".join(text.split())
    if _STATUS.fullmatch(text):
        return "status"
    if _PHRASE.fullmatch(text):
        return "phrase"
    return None


def error_page(body: str, *titles: str | None) -> str | None:
    """Why ``body`` with ``titles`` looks like an error page (for a message: 'its title is
    "404 Not Found"'), or None when it is read as the article."""
    lines = [line for line in (_plain(raw) for raw in body.split("\n")) if line]
    words = len(_WORD.findall(" ".join(lines)))
    if words > MAX_WORDS:
        return None
    says = _SAYS.search(" ".join(lines))
    backed = says is not None or words <= TINY_WORDS
    if not backed:
        return None
    for title in titles:
        for segment in _SEPARATORS.split(title or ""):
            if _kind(segment):
                return f"its title is \"{' '.join((title or '').split())}\""
    if lines and _kind(lines[0]):
        return f"it starts \"{lines[0]}\""
    return None

"""News text cut into sentences, by rules a reader can check.

A body is first cut into units that never share a sentence: paragraphs (runs of lines
between blank lines), and within them headings, list items and quote lines, which start a
unit of their own. Within a unit, a sentence ends at ``.``, ``!``, ``?`` or ``…`` (closing
quotes and brackets after it belong to it) followed by white space and then a capital
letter, a digit or an opening quote or bracket. It does not end there:

- after a title or other short form that is followed by a name or a number ("Mr.",
  "Dr.", "St.", "No.", "Jan.", "Inc." before a capital; see ``ABBREVIATIONS``);
- after an initial ("J. K. Rowling") or a dotted short form ("U.S.", "e.g."), unless the
  next word is one that begins sentences ("… in the U.S. The senator …");
- inside a number ("3.5", "1.000"), since no white space follows the point.

The sentences are the unit's text with runs of white space made single spaces.
"""

from __future__ import annotations

import re


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Short forms written with a point that are followed by a name, a number or a capitalised
# word far more often than they end a sentence. Compared without the point, case-sensitive.
ABBREVIATIONS = _names("""
    Mr Mrs Ms Mx Dr Prof Sr Jr St Mt Ft Gen Col Lt Maj Sgt Capt Cmdr Adm Gov Sen Rep Rev Hon
    Pres Supt Insp Det Cpl Pte Fr Br Messrs Mme Mlle Mgr Esq Cllr Sir
    Inc Ltd Co Corp Bros Plc Dept Univ Assn
    No Nos Vol Vols pp Fig Figs Art Sec Ch Op approx est ca cf vs al
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
    Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun
    Ave Blvd Rd Hwy
""")
# Words that begin sentences: after "U.S." or an initial, one of these starts a new one
# (no single letters: "J. A. Smith" is three initials of one name).
STARTERS = _names("""
    The An In On At It He She They We This That These Those There But And Or So Yet
    His Her Their Its Our My Your When While After Before If As However Meanwhile
    Officials Police Mr Mrs Ms Dr
""")

_UNIT_START = re.compile(r"^\s{0,3}(?:#{1,6}\s|>|[-*+]\s|\d{1,9}[.)]\s)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s|$)")
_BLANK = re.compile(r"\n[ \t]*(?:\n|$)")
_SPACE = re.compile(r"\s+")
# A candidate end: the mark, closing quotes/brackets, white space, and what comes next.
_END = re.compile(r"([.!?…]+)([\"'”’»“‘)\]]*)\s+(?=([\"'“‘«„‚(\[]*)(\S))")
_WORD_BEFORE = re.compile(r"(\S+)$")
_NEXT_WORD = re.compile(r"[\"'“‘«„‚(\[]*([^\s.,;:!?\"'”’»)\]]+)")


def units(body: str) -> list[str]:
    """The parts of a Markdown body that no sentence crosses, white space normalised."""
    found: list[str] = []
    for paragraph in _BLANK.split(body):
        current: list[str] = []
        for line in paragraph.split("\n"):
            if _UNIT_START.match(line) and current:
                found.append(" ".join(current))
                current = []
            if _HEADING.match(line):  # a heading is a unit of its own, whatever follows
                found.append(line)
            elif line.strip():
                current.append(line.strip())
        if current:
            found.append(" ".join(current))
    return [text for text in (_SPACE.sub(" ", u).strip() for u in found) if text]


def _continues(text: str, match: re.Match[str]) -> bool:
    """Whether the candidate end ``match`` is not an end after all."""
    mark, closers, _, first = match.groups()
    if not (first.isupper() or first.isdigit() or match.group(3)):
        return True  # a lower-case word or a sign follows: the same sentence goes on
    if mark != "." or closers:
        return False  # "?", "!", "…", and a point before a closing quote, end sentences
    before = _WORD_BEFORE.search(text, 0, match.start())
    word = before.group(1).lstrip("\"'“‘«„‚([") if before else ""
    if word in ABBREVIATIONS:
        return True
    dotted = re.fullmatch(r"(?:[A-Za-z]\.)*[A-Za-z]", word)
    if dotted:  # an initial ("J.") or a dotted short form ("U.S.", "e.g.")
        after = _NEXT_WORD.match(text, match.end())
        return not (after and after.group(1) in STARTERS)
    return False


def split_unit(text: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for match in _END.finditer(text):
        if _continues(text, match):
            continue
        end = match.start() + len(match.group(1)) + len(match.group(2))
        sentences.append(text[start:end])
        start = match.end()
    if start < len(text):
        sentences.append(text[start:])
    return sentences


def split(body: str) -> list[str]:
    """Every sentence of a body, in order."""
    return [s for unit in units(body) for s in split_unit(unit)]

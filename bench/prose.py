"""News-like prose from a fixed vocabulary, and the edits a newsroom makes to it.

The benchmark needs text that exercises the build as real articles do: paragraphs of a few
sentences, quotations, dashes, numbers and names, and edits between versions of the kinds
the archive exists to show. Everything is drawn from one ``random.Random`` so that a seed
gives the same bytes on every machine.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


WORDS = _words("""
the a of to in and for on with at by from as that which after before over under about
against between during without into through amid despite across government minister
ministers officials police council court judge jury report reports plan plans policy
policies budget tax taxes spending cuts funding deal talks agreement statement spokesman
spokeswoman company companies firm firms market markets shares prices inflation rates
bank banks economy growth jobs workers union strike strikes hospital hospitals patients
schools pupils teachers families residents people voters election campaign party parties
leader leaders members vote votes bill law laws rules changes review inquiry investigation
evidence claims allegations charges arrest arrested suspect victims crash fire flooding
storm weather warning warnings emergency services ambulance road roads rail trains
services passengers airport flights energy bills households climate emissions targets
housing homes rents prices developers planning permission scheme schemes project projects
year years month months week weeks day days morning evening night yesterday today
tomorrow recently earlier later last next first second third new old former latest
major minor significant serious urgent local national international regional public
private senior junior chief deputy acting independent official unofficial said says told
added warned confirmed denied announced expected expects believed believes described
called urged promised pledged rejected accepted admitted insisted suggested revealed
published released launched opened closed increased decreased rose fell reached
remained continued started ended agreed refused returned visited met discussed
criticised defended welcomed questioned raised reduced delayed approved blocked
more most less least many several some few all both each other another further
around nearly almost about roughly more than up down out off again still already also
however meanwhile instead although while because since until unless whether would could
should might must will may can not never only just even very much well too
""")

FIRST = _words("""James Sarah David Emma John Laura Michael Rachel Paul Helen Mark Claire Peter
Anna Richard Sophie Daniel Kate Thomas Lucy Andrew Fiona Simon Jane Robert Amira Chen
Priya Tomasz Aisha Olusegun Ingrid Mateo Keir Rishi Ursula Emmanuel Pete John""")
LAST = _words("""Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson
Evans Walker White Roberts Green Hall Wood Jackson Clarke Patel Khan Nowak Okafor Lindqvist
Garcia Healey Starmer Reeves Macron Hegseth Leyen Murphy Kelly Byrne""")
PLACES = ("London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Edinburgh", "Cardiff",
          "Belfast", "Bristol", "Liverpool", "Newcastle", "Sheffield", "Brussels", "Paris",
          "Berlin", "Washington", "Kyiv", "Warsaw", "Dublin", "Madrid", "Rome", "Ottawa",
          "Reykjavik", "Oslo", "Ankara", "Westminster", "Whitehall", "Downing Street")
ORGS = ("the NHS", "Nato", "the EU", "the UN", "Ofsted", "Ofgem", "the Treasury",
        "the Home Office", "the Met Police", "the Environment Agency", "the Bank of England",
        "the Commons", "the Lords", "the Supreme Court")

STRAIGHT = ('"', '"', "'")
CURLY = ("“", "”", "’")
DASHES = (" - ", " – ", " — ")

EDIT_KINDS = ("reworded", "inserted", "deleted", "moved", "headline", "cosmetic")
# How often each kind is chosen for a substantive edit (cosmetic edits are drawn apart:
# a cosmetic-only version is the whole change, as when a CMS changes its quote style).
SUBSTANTIVE = {"reworded": 45, "inserted": 18, "deleted": 12, "moved": 8, "headline": 17}
COSMETIC_SHARE = 0.15

_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Style:
    """A source's house style: its quote characters and the dash it puts between clauses."""

    quotes: tuple[str, str, str]
    dash: str


def name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _number(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.4:
        return str(rng.randint(2, 950))
    if kind < 0.7:
        return f"£{rng.randint(1, 99)}.{rng.randint(1, 9)}bn"
    return f"{rng.randint(2, 98)} per cent"


def sentence(rng: random.Random, style: Style, words: int) -> str:
    """One sentence of about ``words`` words, with the odd name, place and number."""
    out = rng.choices(WORDS, k=words)
    for _ in range(rng.randint(0, 2)):
        pick = rng.random()
        proper = (rng.choice(PLACES) if pick < 0.4 else rng.choice(ORGS) if pick < 0.6
                  else _number(rng) if pick < 0.8 else name(rng))
        out[rng.randrange(words)] = proper
    if words > 12 and rng.random() < 0.2:
        out[words // 2] = out[words // 2] + style.dash.rstrip()
    text = " ".join(out)
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, style: Style) -> str:
    """A news paragraph: one to three sentences, a quarter of them quoting someone."""
    sentences = [sentence(rng, style, rng.randint(8, 28)) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.25:
        opening, closing, _ = style.quotes
        quoted = sentences[0][:-1]
        sentences[0] = (f"{opening}{quoted},{closing} said {name(rng)}." if rng.random() < 0.5
                        else f"{name(rng)} said: {opening}{quoted}.{closing}")
    return " ".join(sentences)


def headline(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(5, 10))
    words[rng.randrange(len(words))] = rng.choice((*PLACES, *LAST))
    text = " ".join(words)
    if rng.random() < 0.15:
        text = f"{rng.choice(LAST)}: {text}"
    return text[0].upper() + text[1:]


def body(rng: random.Random, style: Style, words: int) -> list[str]:
    """Paragraphs adding up to about ``words`` words, with the odd subheading."""
    paras: list[str] = []
    count = 0
    target = max(20, int(words * rng.uniform(0.85, 1.15)) - 30)  # the last overshoots
    while count < target:
        if len(paras) >= 4 and rng.random() < 0.06:
            paras.append("## " + " ".join(rng.choices(WORDS, k=rng.randint(2, 5))).capitalize())
            continue
        para = paragraph(rng, style)
        paras.append(para)
        count += para.count(" ") + 1
    return paras


def _text_paragraphs(paras: list[str]) -> list[int]:
    """Indexes of ordinary paragraphs (not headings, lists or blank)."""
    return [i for i, p in enumerate(paras) if p and not p.startswith(("#", "-", "*", ">"))]


def reword(rng: random.Random, text: str) -> str:
    """A few words swapped for others: the commonest edit, and the hardest to spot."""
    spans = [m.span() for m in _WORD.finditer(text)]
    if not spans:
        return text + " " + rng.choice(WORDS) + "."
    out = text
    for start, end in sorted(rng.sample(spans, min(len(spans), rng.randint(1, 4))),
                             reverse=True):
        old = out[start:end]
        new = rng.choice(WORDS)
        while new == old:
            new = rng.choice(WORDS)
        out = out[:start] + new + out[end:]
    return out


def cosmetic(rng: random.Random, text: str, style: Style) -> str:
    """The same words in another typography: quotes, dashes or spacing."""
    swaps = [(a, b) for a, b in zip(STRAIGHT, CURLY, strict=True)]
    options = []
    if any(a in text for a, _ in swaps):
        options.append("curly")
    if any(b in text for _, b in swaps):
        options.append("straight")
    if any(d in text for d in DASHES):
        options.append("dash")
    choice = rng.choice(options) if options else "space"
    if choice == "curly":
        out, opening = [], True
        for ch in text:
            if ch == '"':
                out.append("“" if opening else "”")
                opening = not opening
            else:
                out.append("’" if ch == "'" else ch)
        return "".join(out)
    if choice == "straight":
        return text.replace("“", '"').replace("”", '"').replace("’", "'")
    if choice == "dash":
        for dash in DASHES:
            if dash in text:
                other = rng.choice([d for d in DASHES if d != dash])
                return text.replace(dash, other)
    spaces = [m.start() for m in re.finditer(r"\. (?=\S)", text)]
    if spaces:  # two spaces after a full stop, as some CMSs write
        at = rng.choice(spaces) + 1
        return text[:at] + " " + text[at:]
    return text.rstrip(".") + " ."  # a stray space before the full stop


def edit(rng: random.Random, title: str, paras: list[str], style: Style
         ) -> tuple[str, list[str], list[str]]:
    """The next version: (title, paragraphs, the kinds of edit made). It always differs from
    the one given, after the normalisation the importers apply (line-end spaces and blank
    lines do not count), because an unchanged re-fetch is never stored."""
    paras = list(paras)
    if rng.random() < COSMETIC_SHARE:
        kinds = ["cosmetic"]
    else:
        kinds = rng.choices(list(SUBSTANTIVE), weights=list(SUBSTANTIVE.values()),
                            k=rng.choice((1, 1, 1, 2, 2, 3)))
    done = []
    for kind in kinds:
        before = (title, list(paras))
        text_idx = _text_paragraphs(paras)
        if kind == "reworded" and text_idx:
            i = rng.choice(text_idx)
            paras[i] = reword(rng, paras[i])
        elif kind == "inserted" or (kind == "deleted" and len(text_idx) < 4):
            kind = "inserted"
            paras.insert(rng.randint(1, len(paras)), paragraph(rng, style))
        elif kind == "deleted":
            del paras[rng.choice(text_idx[1:])]
        elif kind == "moved" and len(paras) >= 3:
            i = rng.randrange(len(paras))
            moved = paras.pop(i)
            j = rng.choice([k for k in range(len(paras) + 1) if k != i])
            paras.insert(j, moved)
        elif kind == "headline":
            title = reword(rng, title) if rng.random() < 0.7 else headline(rng)
        elif kind == "cosmetic" and text_idx:
            i = rng.choice(text_idx)
            paras[i] = cosmetic(rng, paras[i], style)
        if (title, paras) != before:
            done.append(kind)
    if not done:  # every edit drawn was a no-op on this text: reword, which never is
        i = rng.choice(_text_paragraphs(paras) or [0])
        paras[i] = reword(rng, paras[i])
        done.append("reworded")
    return title, paras, done

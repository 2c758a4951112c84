"""The labelled set the stories thresholds are measured on: pairs of articles of different
sources, each with the relation a reader would give it (None: unrelated).

Built from the demo content (the four seeds) and from the rust-rfcs corpus: verbatim and
partial copies, copies with edits, machine-style paraphrases (every third word of four
letters or more swapped for another, as seed 001 swaps "call" for "name"), the same story told separately
(a few of the original's sentences quoted inside other text), and unrelated pairs that share
topic words (two RFCs), a site's boilerplate, or one quoted sentence."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sitegen.model import Article, Version

T0 = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
# Arbitrary replacement words, like a synonym spinner's worst picks.
SWAPS = ("name", "fee", "assembly", "folks", "belongings", "transfer", "shield", "embrace",
         "releasing", "nations", "continued", "mentioned", "assist", "army", "safety",
         "cheap", "vessel", "garden", "mild", "quest", "motion", "steady", "harbour")
BOILER = ["Sorry, we are not accepting comments on this article at the moment.",
          "Sign up to our daily newsletter for the latest headlines sent straight to you.",
          "Our journalism is funded by readers like you who value independent reporting."]
QUOTE = "We will not stand by while the rules are rewritten behind closed doors, she said."


def article(source: str, name: str, bodies: list[str], start: int = 0) -> Article:
    versions = tuple(Version(n, f"{source}/{name}/{n}.md", T0 + timedelta(hours=start + n),
                             name, body) for n, body in enumerate(bodies))
    return Article(source, name, versions)


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.split("\n\n")
            if len(p.split()) >= 8 and not p.lstrip().startswith(("#", "```", "|", "*", "-"))]


def rfc_bodies(shared: Path, limit: int = 30) -> list[tuple[str, str]]:
    """(slug, prose of the latest revision) of the first ``limit`` RFCs with enough prose."""
    found = []
    for folder in sorted((shared / "corpora" / "rust-rfcs").iterdir()):
        if not folder.is_dir():
            continue
        meta = json.loads((folder / "meta.json").read_text())
        prose = paragraphs((folder / meta["versions"][-1]["file"]).read_text())
        if len(prose) >= 8:
            found.append((folder.name, "\n\n".join(prose[:14])))
        if len(found) == limit:
            break
    return found


def _pick(word: str, n: int) -> str:
    digest = hashlib.sha256(f"{word}{n}".encode()).digest()
    return SWAPS[digest[0] % len(SWAPS)]


def paraphrase(text: str) -> str:
    out = []
    for paragraph in text.split("\n\n"):
        words = paragraph.split()
        counted = 0
        for n, w in enumerate(words):
            if len(w) > 3 and w.isalpha():
                counted += 1
                if counted % 3 == 0:
                    words[n] = _pick(w, n)
        out.append(" ".join(words))
    return "\n\n".join(out)


def edit(text: str, other: str) -> str:
    """Every third paragraph replaced by one of ``other``, the last two dropped."""
    mine, theirs = text.split("\n\n"), other.split("\n\n")
    out = [theirs[n % len(theirs)] if n % 3 == 1 else p for n, p in enumerate(mine)]
    return "\n\n".join(out[:-2])


def quote_some(text: str, own: str, count: int) -> str:
    """``own`` text with ``count`` sentences of ``text`` quoted in it."""
    sentences = [s.strip() for p in text.split("\n\n") for s in p.split(". ")
                 if len(s.split()) >= 8][:count * 2:2]
    mine = own.split("\n\n")
    for n, s in enumerate(sentences):
        mine.insert(1 + 2 * n, f"“{s.rstrip('.')},” the proposal says.")
    return "\n\n".join(mine)


def demo_pairs(project: Path) -> list[tuple[Article, Article, str | None]]:
    from sitegen.content.loader import load_article, scan

    _, specs, _ = scan(project, project / "content")
    arts = {s.source: load_article(s, 10_000_000, 10_000)[0] for s in specs}
    return [(arts["bbc"], arts["copycat"], "paraphrase"),
            (arts["shropshire-star"], arts["bbc"], "same story"),
            (arts["independent"], arts["bbc"], "same story"),
            (arts["independent"], arts["shropshire-star"], "same story"),
            (arts["shropshire-star"], arts["copycat"], "same story")]


def constructed_pairs(shared: Path) -> list[tuple[Article, Article, str | None]]:
    docs = rfc_bodies(shared)
    cases: list[tuple[Article, Article, str | None]] = []
    tail = "\n\n" + "\n\n".join(BOILER)
    for n, (slug, text) in enumerate(docs):
        other_slug, other = docs[(n + 7) % len(docs)]
        a = article("wire", slug, [text])
        kind = n % 8
        if kind == 0:
            cases.append((a, article("paper", slug, [text], 2), "copy"))
        elif kind == 1:
            half = "\n\n".join(text.split("\n\n")[:7])
            cases.append((a, article("paper", slug, [half + "\n\n" + BOILER[0]], 2), "copy"))
        elif kind == 2:
            cases.append((a, article("paper", slug, [edit(text, other)], 2), "edited copy"))
        elif kind == 3:
            cases.append((a, article("spinner", slug, [paraphrase(text)], 2), "paraphrase"))
        elif kind == 4:
            cases.append((a, article("blog", other_slug, [quote_some(text, other, 3)], 2),
                          "same story"))
        elif kind == 5:  # the same topic (Rust), nothing shared
            cases.append((a, article("paper", other_slug, [other], 2), None))
        elif kind == 6:  # the same furniture (both sites' CMS adds it to every article)
            cases.append((article("wire", slug, [text + tail]),
                          article("paper", other_slug, [other + tail], 2), None))
        else:  # one common quotation, and the furniture
            line = f"“{QUOTE}”"
            cases.append((article("wire", slug, [text + "\n\n" + line + tail]),
                          article("paper", other_slug, [line + "\n\n" + other + tail], 2),
                          None))
    return cases

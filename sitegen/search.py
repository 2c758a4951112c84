"""Client-side search with Pagefind: every version of every article, removed text included.

Indexing each version page would store an article's unchanged paragraphs once per version.
Instead each article gets one search document, built here and never written as a page: every
distinct block of text (paragraph, heading, list item…) and headline that any version had,
once, in a section for the set of versions that had it. A phrase that stood only in version 1
is in a section for {1}, so a search finds it, says "version 1", and the search page links to
version 1 and to the diff where it was removed. Results come one per article, with the
matching sections as Pagefind sub-results, and the index grows with the archive's distinct
text rather than with its number of versions.

Section headings carry one opaque token (``v0to2v4``: versions 0 to 2 and 4) that the search
page decodes; anything else there would be indexed as words of every article.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections import defaultdict
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from markupsafe import escape

from sitegen import urls
from sitegen.errors import SitegenError
from sitegen.model import Article, Source
from sitegen.output import link_or_copy, make_folder
from sitegen.pagefind_bundle import canonical

BUNDLE = "pagefind"
# The Pagefind UI components are not used: the search page has its own (static/search.js).
UNUSED = re.compile(r"pagefind-(ui|modular-ui|component-ui|highlight)\.(js|css)$")
_BLANK_LINES = re.compile(r"\n[ \t]*\n")


def blocks(body: str) -> list[str]:
    """A body's blocks as Markdown source: the text between blank lines."""
    return [b.strip() for b in _BLANK_LINES.split(body) if b.strip()]


_TYPOGRAPHY = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"',
                             "„": '"', "‟": '"', "«": '"', "»": '"', "–": "-", "—": "-",
                             "‐": "-", "‑": "-", "−": "-"})


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # [text](url) and ![alt](src): the words
_MARKER = re.compile(r"^[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+)",
                     re.MULTILINE)
_EMPHASIS = re.compile(r"\*{1,3}|`+|\\(?=[!-/:-@\[-`{-~])")  # escapes: any ASCII punctuation


def plain(block: str) -> str:
    """A block's words for the index, without Markdown's markers, link addresses, emphasis
    or escapes (markdown-it would take ten times as long for the same words; underscores
    are kept, as words such as snake_case need them)."""
    return _EMPHASIS.sub("", _MARKER.sub("", _LINK.sub(r"\1", block)))


@lru_cache(maxsize=8192)  # the versions of an article share most of their blocks
def _key(text: str) -> str:
    """Blocks that differ only in quote, dash or Unicode style or in spacing are one block,
    so that a cosmetic edit does not make a paragraph look removed."""
    if text.isascii():  # NFKC leaves ASCII alone, and every typographic mark is non-ASCII
        return " ".join(text.split())
    return " ".join(unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY).split())


def ranges(numbers: list[int]) -> list[tuple[int, int]]:
    """[0, 1, 2, 4] -> [(0, 2), (4, 4)]."""
    out: list[tuple[int, int]] = []
    for n in sorted(numbers):
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


def section_token(numbers: list[int]) -> str:
    return "".join(f"v{a}" if a == b else f"v{a}to{b}" for a, b in ranges(numbers))


def sections(article: Article) -> list[tuple[list[int], list[str], list[str]]]:
    """(versions, headlines, blocks) for each distinct set of versions, current text first,
    then newest first. Each distinct headline and block appears in exactly one section."""
    seen_in: dict[str, list[int]] = defaultdict(list)
    first_form: dict[str, str] = {}
    titles: dict[str, list[int]] = defaultdict(list)
    for version in article.versions:
        titles[version.title].append(version.number)
        for block in dict.fromkeys(blocks(version.body)):  # once per version
            key = _key(block)
            if not seen_in[key] or seen_in[key][-1] != version.number:
                seen_in[key].append(version.number)
            first_form.setdefault(key, block)
    groups: dict[tuple[int, ...], tuple[list[str], list[str]]] = {}
    for title, numbers in titles.items():
        groups.setdefault(tuple(numbers), ([], []))[0].append(title)
    for key, numbers in seen_in.items():
        groups.setdefault(tuple(numbers), ([], []))[1].append(first_form[key])
    latest = article.latest.number
    order = sorted(groups, key=lambda n: (latest not in n, -n[-1], -n[0]))
    return [(list(n), groups[n][0], groups[n][1]) for n in order]


def document_path(article: str) -> str:
    """Where the search document of article ``source/id`` is kept: one file per article in
    a folder per source, not a folder per article (Pagefind's folder for one part is made
    afresh each time it runs: at 10,000 articles the 1,250 folders of a part cost about
    half a second to make and remove). Pagefind's own URL for it is therefore not the
    article's; the search page links with the ``url`` in its metadata."""
    source, name = article.split("/", 1)
    return f"{source}/{name}.html"


def document(article: Article, source: Source, language: str) -> str:
    """The HTML Pagefind indexes for one article (never written as a page)."""
    latest = article.latest
    years = sorted({v.fetched.astimezone(UTC).year for v in article.versions})
    attrs = [
        ("data-pagefind-meta", f"title:{article.title}"),
        ("data-pagefind-meta", f"url:{urls.article(article.source, article.id)}"),
        ("data-pagefind-meta", f"source:{source.name}"),
        ("data-pagefind-meta", f"latest:{latest.number}"),
        ("data-pagefind-meta", f"changed:{latest.fetched.astimezone(UTC).isoformat()}"),
        ("data-pagefind-filter", f"source:{source.name}"),
        *(("data-pagefind-filter", f"year:{year}") for year in years),
        ("data-pagefind-sort", f"date:{latest.fetched.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"),
    ]
    # Plain strings with every value escaped (Markup.format cost more than the rest).
    title = escape(article.title)
    parts = [f'<!doctype html><html lang="{escape(language)}"><head><title>{title}</title>'
             "</head><body><main data-pagefind-body>"]
    parts += [f'<span {escape(name)}="{escape(value)}"></span>' for name, value in attrs]
    parts.append(f"<h1>{title}</h1>")
    for numbers, titles, texts in sections(article):
        token = escape(section_token(numbers))
        parts.append(f'<section><h2 id="{token}">{token}</h2>')
        parts += [f"<p><strong>{escape(t)}</strong></p>" for t in titles if t != article.title]
        parts += [f"<p>{escape(plain(text))}</p>" for text in texts]
        parts.append("</section>")
    parts.append("</main></body></html>")
    return "".join(parts)


def executable() -> Path:
    """The Pagefind binary that the ``pagefind[extended]`` wheel ships."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:  # the plain build, if someone installed that instead
        from pagefind_bin import get_executable  # type: ignore[no-redef]
    return Path(get_executable())


def start_pagefind(site: Path, out: Path, language: str, log: Path) -> subprocess.Popen[bytes]:
    """Start Pagefind's own command over every HTML file under ``site``, into ``out``; its
    messages go to ``log``. Not waited for: the build renders its list pages meanwhile.

    (Its Python service costs about 100 ms per document on 2 cores, against about 1 ms per
    document for one run over a folder.)
    """
    with log.open("wb") as messages:
        return subprocess.Popen(
            [str(executable()), "--site", str(site), "--output-path", str(out),
             "--force-language", language, "--silent"],
            stdin=subprocess.DEVNULL, stdout=messages, stderr=subprocess.STDOUT)


SHARD_SIZE = 2000  # articles in one part of the index, at most (see shard_count)
# A part other than the first needs only its index data: the page runs the first part's
# script and WebAssembly for all of them.
ENGINE = re.compile(r"(^|/)(pagefind\.js|pagefind-worker\.js|wasm\.[^/]*\.pagefind)$")


EMPTY_PART = ('<!doctype html><html lang="en"><body><main data-pagefind-body>'
              '<span data-pagefind-meta="title:No articles yet"></span>'
              '<span data-pagefind-meta="url:"></span><p>sitegenemptyindex</p></main>'
              "</body></html>")


def shard_count(articles: int) -> int:
    """How many parts the index is built in: a power of two, so that no part holds more than
    SHARD_SIZE articles. Each part is indexed on its own (a change re-indexes only its part,
    and Pagefind's memory is that of one part); the search page merges them."""
    count = 1
    while articles > count * SHARD_SIZE:
        count *= 2
    return count


def shard_of(article_key: str, count: int) -> int:
    """Which part an article's document goes in: fixed by its key, not by its neighbours."""
    return int(hashlib.sha256(article_key.encode()).hexdigest()[:8], 16) % count


def shard_folder(shard: int) -> str:
    return BUNDLE if shard == 0 else f"{BUNDLE}/s{shard}"


def part_of(path: str) -> int | None:
    """Which part of the index a site path belongs to (None: not the index)."""
    if not path.startswith(f"{BUNDLE}/"):
        return None
    found = re.match(rf"{BUNDLE}/s(\d+)/", path)
    return int(found[1]) if found else 0


class Indexing:
    """One part of the Pagefind bundle, made from ``documents`` ((file, path under the site)
    pairs): :meth:`start` links (or copies) them into a folder of their own and runs
    Pagefind over it, :meth:`result` waits for it and gives the part's files as
    site-relative path -> bytes; :meth:`close` stops it and removes its folder, whatever
    happened."""

    def __init__(self, language: str, shard: int, documents: list[tuple[Path, str]],
                 beside: Path):
        self.language, self.shard = language.split("-")[0].lower(), shard
        self.documents = documents
        # On the documents' file system, so that they are linked, not copied.
        self.folder = Path(tempfile.mkdtemp(prefix="sitegen-pagefind-", dir=beside))
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def started(self) -> bool:
        return self.process is not None

    def start(self) -> None:
        """Link the documents in and start Pagefind (once: a started part is left as is)."""
        if self.started:
            return
        site = self.folder / "site"
        made: set[str] = set()
        for source, rel in self.documents:
            target = f"{site}/{rel}"
            make_folder(target, made)
            link_or_copy(source, target)
        if not self.documents:
            # Pagefind makes no index of a site without a word in it (it exits with an
            # error), and the search page still needs a bundle: one page of one made-up
            # word, which only a search for that word finds (and then leads home).
            (site / "x").mkdir(parents=True)
            (site / "x/index.html").write_text(EMPTY_PART)
        self.process = start_pagefind(site, self.folder / BUNDLE, self.language,
                                      self.folder / "pagefind.log")

    def result(self) -> dict[str, bytes]:
        assert self.process is not None, "start() first"
        try:
            status = self.process.wait()
            if status != 0:
                said = (self.folder / "pagefind.log").read_text("utf-8", "replace").strip()
                raise SitegenError(f"search indexing failed (pagefind exit status {status}): "
                                   f"{said[-2000:]}")
            out, prefix = self.folder / BUNDLE, shard_folder(self.shard)
            return canonical({f"{prefix}/{p.relative_to(out).as_posix()}": p.read_bytes()
                              for p in sorted(out.rglob("*"))
                              if p.is_file() and not UNUSED.search(p.name)
                              and not (self.shard and ENGINE.search(p.name))})
        finally:
            self.close()

    def stop(self) -> None:
        """Kill the run if it is still going (without waiting for it)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()

    def close(self) -> None:
        self.stop()
        try:
            if self.process is not None:
                self.process.wait()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def close_all(parts: list[Indexing]) -> None:
    """Stop every run first, then wait for each and remove its folder: an interruption
    meanwhile leaves no run going."""
    for part in parts:
        part.stop()
    failed: BaseException | None = None
    for part in parts:
        try:
            part.close()
        except BaseException as exc:  # the others are still waited for and removed
            failed = failed or exc
    if failed is not None:
        raise failed


def story_document(slug: str, title: str, updated: datetime, members: list[tuple[str, str]],
                   relations: list[str], language: str) -> str:
    """The HTML Pagefind indexes for a story: its title, and each article's source, headline
    and relation (``members``: (source name, headline), first seen first)."""
    attrs = [("data-pagefind-meta", f"title:{title}"),
             ("data-pagefind-meta", f"url:{urls.story(slug)}"),
             ("data-pagefind-meta", "source:Story across sources"),
             ("data-pagefind-meta", "kind:story"),
             ("data-pagefind-meta", f"articles:{len(members)}"),
             ("data-pagefind-meta", f"changed:{updated.astimezone(UTC).isoformat()}"),
             ("data-pagefind-sort", f"date:{updated.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}")]
    parts = [f'<!doctype html><html lang="{escape(language)}"><head><title>{escape(title)}'
             "</title></head><body><main data-pagefind-body>"]
    parts += [f'<span {escape(name)}="{escape(value)}"></span>' for name, value in attrs]
    parts.append(f"<h1>{escape(title)}</h1><ul>")
    parts += [f"<li>{escape(source)}: {escape(headline)}</li>" for source, headline in members]
    parts.append("</ul><p>" + escape(", ".join(relations)) + "</p></main></body></html>")
    return "".join(parts)

"""What a static host needs besides the pages: sitemap, robots.txt, CNAME, .nojekyll.

GitHub Pages is the host most users have: it serves project sites under /<repo>/, answers
every missing URL with the site's 404.html, runs Jekyll unless .nojekyll exists, and refuses
sites over 1 GB. Absolute URLs are built here and only here, from ``base_url``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import UTC, datetime

from sitegen.config import Config

PAGES_LIMIT = 1_000_000_000  # GitHub Pages: published sites may be no larger than 1 GB
WARN_AT = 0.8
SITEMAP_MAX = 50_000  # URLs per sitemap file (sitemaps.org)


def _xml(text: str) -> str:
    """Text for an XML element: &, < and > escaped (what xml.sax.saxutils.escape does,
    without importing it and urllib with it on every build)."""
    return html.escape(text, quote=False)


def absolute(config: Config, url: str) -> str:
    assert config.base_url, "absolute URLs need base_url"
    return config.base_url + url


class Lines:
    """Formats sitemap ``<url>`` lines; an article's pages share a few times, formatted once."""

    def __init__(self, config: Config):
        assert config.base_url, "absolute URLs need base_url"
        self.base = _xml(config.base_url)
        self.lastmods: dict[datetime, str] = {}

    def line(self, url: str, updated: datetime | None) -> str:
        lastmod = self.lastmods.get(updated) if updated else ""
        if lastmod is None:
            lastmod = self.lastmods[updated] = (  # type: ignore[index]
                f"<lastmod>{updated.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}</lastmod>")
        return f"<url><loc>{self.base}{_xml(url)}</loc>{lastmod}</url>"


def sitemap_block(config: Config, pages: Iterable[tuple[str, datetime | None]]) -> str:
    """The sitemap lines of pages whose URLs all start with the first of them, and no other
    page's does (an article's pages): made by the article's job and kept with its record, so
    that a build formats only the lines of the articles it rebuilt. Empty without base_url."""
    if not config.base_url:
        return ""
    lines = Lines(config)
    return "\n".join(lines.line(url, updated) for url, updated in sorted(pages))


def _urlset(lines: list[str]) -> bytes:
    return ("\n".join(['<?xml version="1.0" encoding="UTF-8"?>',
                       '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
                       *lines, "</urlset>"]) + "\n").encode()


def sitemap_files(config: Config, pages: Iterable[tuple[str, datetime | None]],
                  blocks: Iterable[tuple[str, str]] = ()) -> dict[str, bytes]:
    """sitemap.xml (an index of sitemap-N.xml files past 50,000 URLs), sorted by URL: of
    ``pages`` (url, last change) and of ``blocks`` (first url, lines of
    :func:`sitemap_block`), which sort as a whole among the pages."""
    lines = Lines(config)
    # A block's first URL is the smallest of its URLs and no other page's URL starts with
    # it, so a page sorts before every URL of a block exactly when it sorts before its first.
    items = sorted([(url, "", updated) for url, updated in pages]
                   + [(first, text, None) for first, text in blocks if text])
    chunks: list[list[str]] = [[]]
    for url, text, updated in items:
        found = text.split("\n") if text else [lines.line(url, updated)]
        while found:
            room = SITEMAP_MAX - len(chunks[-1])
            if not room:
                chunks.append([])
                continue
            chunks[-1] += found[:room]
            found = found[room:]
    if len(chunks) == 1:
        return {"sitemap.xml": _urlset(chunks[0])}
    files: dict[str, bytes] = {}
    index = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for n, chunk in enumerate(chunks, 1):
        name = f"sitemap-{n}.xml"
        files[name] = _urlset(chunk)
        index.append(f"<sitemap><loc>{_xml(absolute(config, name))}</loc></sitemap>")
    index.append("</sitemapindex>")
    files["sitemap.xml"] = ("\n".join(index) + "\n").encode()
    return files


def host_files(config: Config, pages: Iterable[tuple[str, datetime | None]],
               blocks: Iterable[tuple[str, str]] = ()) -> dict[str, bytes]:
    """Every file the host needs, given the site's (url, last updated) HTML pages and the
    sitemap blocks of its articles (see :func:`sitemap_files`)."""
    files = {".nojekyll": b""}
    robots = "User-agent: *\nAllow: /\n"
    if config.base_url:
        files.update(sitemap_files(config, pages, blocks))
        robots += f"\nSitemap: {absolute(config, 'sitemap.xml')}\n"
    files["robots.txt"] = robots.encode()
    if config.cname:
        files["CNAME"] = (config.cname + "\n").encode()
    return files


def warnings(config: Config, total_bytes: int) -> list[str]:
    found = []
    if not config.base_url:
        found.append("base_url is not set, so no feeds, sitemap.xml or canonical links were "
                     "written (they need the site's public address) and 404.html links assume "
                     "the site is at the domain root; set base_url in sitegen.yaml or pass "
                     "--base-url")
    if total_bytes >= WARN_AT * PAGES_LIMIT:
        where = "over" if total_bytes > PAGES_LIMIT else "near"
        found.append(f"the site is {total_bytes / 1e6:,.0f} MB, {where} GitHub Pages' limit of "
                     f"{PAGES_LIMIT / 1e6:,.0f} MB per site (see docs/deploy.md)")
    return found

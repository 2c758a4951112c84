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


def _urlset(config: Config, entries: list[tuple[str, datetime | None]]) -> bytes:
    assert config.base_url, "absolute URLs need base_url"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lastmods: dict[datetime, str] = {}  # an article's pages share a few times
    base = _xml(config.base_url)
    for url, updated in entries:
        lastmod = lastmods.get(updated) if updated else ""
        if lastmod is None:
            lastmod = lastmods[updated] = (  # type: ignore[index]
                f"<lastmod>{updated.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}</lastmod>")
        lines.append(f"<url><loc>{base}{_xml(url)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()


def sitemap_files(config: Config, pages: Iterable[tuple[str, datetime | None]]
                  ) -> dict[str, bytes]:
    """sitemap.xml (an index of sitemap-N.xml files past 50,000 URLs), sorted by URL."""
    entries = sorted(pages)
    if len(entries) <= SITEMAP_MAX:
        return {"sitemap.xml": _urlset(config, entries)}
    files: dict[str, bytes] = {}
    index = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for n, start in enumerate(range(0, len(entries), SITEMAP_MAX), 1):
        name = f"sitemap-{n}.xml"
        files[name] = _urlset(config, entries[start:start + SITEMAP_MAX])
        index.append(f"<sitemap><loc>{_xml(absolute(config, name))}</loc></sitemap>")
    index.append("</sitemapindex>")
    files["sitemap.xml"] = ("\n".join(index) + "\n").encode()
    return files


def host_files(config: Config, pages: Iterable[tuple[str, datetime | None]]) -> dict[str, bytes]:
    """Every file the host needs, given the site's (url, last updated) HTML pages."""
    files = {".nojekyll": b""}
    robots = "User-agent: *\nAllow: /\n"
    if config.base_url:
        files.update(sitemap_files(config, pages))
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

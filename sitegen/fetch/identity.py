"""One article per canonical URL, and a folder name for it that never changes."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urldefrag, urlsplit

import courlan

from sitegen.content.names import name_problem

_SLUG = re.compile(r"[^a-z0-9]+")
MAX_SLUG = 80


def canonical(url: str) -> str:
    """The address with tracking parameters (utm_*, fbclid, ...) and the fragment dropped,
    the host lower-cased and the query sorted (courlan), so that one article has one URL."""
    cleaned = courlan.clean_url(url.strip()) or url.strip()
    return urldefrag(courlan.normalize_url(cleaned))[0]


def host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def folder_name(url: str, taken: set[str]) -> str:
    """A folder name for the article at ``url``: the last part of its path as a slug, with
    a short hash of the URL added when that name is taken or not allowed."""
    path = urlsplit(url).path.rstrip("/")
    last = re.sub(r"\.(s?html?|php|aspx?)$", "", path.rsplit("/", 1)[-1].lower())
    slug = _SLUG.sub("-", last).strip("-")[:MAX_SLUG].strip("-")
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]
    if not slug or name_problem(slug, "article"):
        slug = f"article-{digest}"
    if slug in taken:
        slug = f"{slug}-{digest}"
    return slug

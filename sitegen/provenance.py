"""What lets anyone check a published archive against its content: the SHA-256 of a
version's text, and the site's manifest of every version (path, hash, fetched).

The text hashed is the version's body exactly as ``sitegen export`` holds it in ``text``
(the Markdown source after front matter, line ends normalised to \\n), encoded as UTF-8:
one definition, used by the export, the version page, the manifest and ``sitegen verify``.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime

from sitegen.model import Article, Version

MANIFEST = "manifest.tsv.gz"  # at the site's root
HEADER = "# sitegen-manifest/1\tpath\tsha256\tfetched"


def text_sha256(body: str) -> str:
    """The hex SHA-256 of a version's text (its body, as the export's ``text`` holds it)."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def fetched_text(moment: datetime) -> str:
    """A fetched time as the manifest and the export write it: UTC, to the second or
    finer, ISO 8601 with a Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def manifest_line(version: Version) -> str:
    return f"{version.path}\t{text_sha256(version.body)}\t{fetched_text(version.fetched)}"


def manifest_block(article: Article) -> str:
    """An article's manifest lines (made by its build job and kept with its record)."""
    return "\n".join(manifest_line(v) for v in article.versions)


def manifest_file(blocks: Iterable[str]) -> bytes:
    """The manifest: a header, then every version's line sorted by path; gzip without a
    time stamp, so that the same content gives the same bytes."""
    lines = sorted(line for block in blocks if block for line in block.split("\n"))
    text = "\n".join([HEADER, *lines]) + "\n"
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)

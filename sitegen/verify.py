"""``sitegen verify``: check a built site's manifest against the project's content, so that
anyone holding a copy of the content can confirm a published archive was not altered.

The site is a folder, or the address of a published copy (its manifest is fetched). Every
version of ``content/`` must be in the manifest with the same text hash and fetched time,
and the manifest must name no version that ``content/`` does not hold.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from pathlib import Path

from sitegen.config import Config
from sitegen.content.loader import load_article, scan
from sitegen.errors import SitegenError
from sitegen.provenance import HEADER, MANIFEST, fetched_text, text_sha256

MAX_MANIFEST = 512 * 1024 * 1024  # decompressed: a crafted file cannot fill memory


@dataclass(frozen=True)
class Report:
    checked: int  # versions in content/
    listed: int  # versions in the manifest
    problems: list[str]  # one per version (or unreadable file), naming it

    @property
    def ok(self) -> bool:
        return not self.problems


def _decompress(data: bytes, where: str) -> str:
    if data[:2] == b"\x1f\x8b":  # (a server that sent it with Content-Encoding: gzip has
        try:                    # decoded it already)
            inflater = zlib.decompressobj(wbits=31)
            data = inflater.decompress(data, MAX_MANIFEST)
            if inflater.unconsumed_tail:
                raise SitegenError(f"{where} is larger than {MAX_MANIFEST:,} bytes once "
                                   "decompressed: not a manifest sitegen wrote")
        except (zlib.error, EOFError, gzip.BadGzipFile) as exc:
            raise SitegenError(f"{where} is not a readable gzip file ({exc}); build the "
                               "site again") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise SitegenError(f"{where} is not UTF-8 text: not a manifest sitegen wrote") from None


def read_manifest(site: str) -> tuple[str, bytes]:
    """(where it was read, its bytes) from a site folder or a site's address."""
    if site.startswith(("http://", "https://")):
        import httpx

        url = site if site.endswith("/") else site + "/"
        url += MANIFEST
        try:
            response = httpx.get(url, follow_redirects=True, timeout=30.0,
                                 headers={"Accept-Encoding": "identity"})
        except httpx.HTTPError as exc:
            raise SitegenError(f"could not fetch {url}: {exc}") from None
        if response.status_code != 200:
            raise SitegenError(f"{url} answered {response.status_code}: is it the address of "
                               "a site sitegen built (with a manifest)?")
        return url, response.content
    path = Path(site) / MANIFEST
    if not path.is_file():
        raise SitegenError(f"no {MANIFEST} in {site}: it is not a site sitegen built, or was "
                           "built by a version that wrote no manifest; build it again")
    return str(path), path.read_bytes()


def parse_manifest(text: str, where: str) -> dict[str, tuple[str, str]]:
    """path -> (sha256, fetched); a malformed line is an error naming it."""
    lines = text.split("\n")
    if lines[0] != HEADER:
        raise SitegenError(f"{where}:1: not a sitegen manifest (the first line should be "
                           f"{HEADER!r})")
    found: dict[str, tuple[str, str]] = {}
    for number, line in enumerate(lines[1:], 2):
        if not line:
            continue
        fields = line.split("\t")
        if len(fields) != 3 or len(fields[1]) != 64:
            raise SitegenError(f"{where}:{number}: not a manifest line (path, SHA-256 and "
                               "fetched time, separated by tabs)")
        if fields[0] in found:
            raise SitegenError(f"{where}:{number}: {fields[0]} is listed twice")
        found[fields[0]] = (fields[1], fields[2])
    return found


def verify(site: str, project: Path, config: Config) -> Report:
    """Compare the manifest of ``site`` with the versions in ``project``'s content/."""
    where, data = read_manifest(site)
    listed = parse_manifest(_decompress(data, where), where)
    content = project / "content"
    if not content.is_dir():
        raise SitegenError(f"no content/ folder in {project}: verify needs the content the "
                           "site was built from (-C PROJECT)")
    _, specs, problems = scan(project, content)
    found = [str(p) for p in problems]
    seen: set[str] = set()
    checked = 0
    for spec in specs:  # one article at a time: memory stays flat
        article, trouble = load_article(spec, config.max_file_size, config.max_paragraphs)
        found += [str(p) for p in trouble]
        for version in article.versions if article else ():
            checked += 1
            seen.add(version.path)
            entry = listed.get(version.path)
            sha, when = text_sha256(version.body), fetched_text(version.fetched)
            if entry is None:
                found.append(f"{version.path}: missing from the site's manifest")
            elif entry[0] != sha:
                found.append(f"{version.path}: text differs (content/ has SHA-256 {sha}, the "
                             f"site {entry[0]})")
            elif entry[1] != when:
                found.append(f"{version.path}: fetched time differs (content/ has {when}, "
                             f"the site {entry[1]})")
    found += [f"{path}: in the site's manifest but not in content/"
              for path in sorted(listed.keys() - seen)]
    return Report(checked, len(listed), found)

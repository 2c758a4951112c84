"""Make Pagefind's output byte-identical from one build to the next.

Pagefind 1.5 writes each filter's values in hash-map order, which differs from run to run
(upstream issue Pagefind/pagefind#638: fragments were made stable in 1.3, the filter and
metadata indexes were not). The filter files' names are hashes of their content and the
metadata file lists them, so one shuffled filter changes three files and two names.

This rewrites those files canonically: values sorted, re-encoded, named by a hash of the new
content, and the references in the metadata and entry files updated to match. The files
are gzip'd CBOR after a ``pagefind_dcd`` signature; the test suite's determinism tests fail
if a future Pagefind changes that.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re

import cbor2

SIGNATURE = b"pagefind_dcd"
_FILTER = re.compile(r"^(?P<dir>.*/filter/)(?P<lang>[^/_]+)_[0-9a-f]+\.pf_filter$")
_META = re.compile(r"^(?P<dir>.*/)pagefind\.(?P<lang>[^/_]+)_[0-9a-f]+\.pf_meta$")


class BundleFormatError(RuntimeError):
    """Pagefind's output is not in the format this module knows."""


def _decode(data: bytes, name: str) -> object:
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise BundleFormatError(f"{name}: unknown Pagefind file format")
    return cbor2.loads(raw[len(SIGNATURE):])


def _encode(value: object) -> tuple[bytes, str]:
    raw = SIGNATURE + cbor2.dumps(value)
    return gzip.compress(raw, compresslevel=9, mtime=0), hashlib.sha256(raw).hexdigest()


def canonical(files: dict[str, bytes]) -> dict[str, bytes]:
    """The same bundle with its filter, metadata and entry files in canonical form."""
    out = dict(files)
    renamed: dict[str, str] = {}  # old hash ("en_7565235") -> new hash
    for path in sorted(files):
        match = _FILTER.match(path)
        if not match:
            continue
        name, values = _decode(files[path], path)  # type: ignore[misc]
        data, digest = _encode([name, sorted(values, key=lambda v: v[0])])
        new_hash = f"{match['lang']}_{digest[:7]}"
        renamed[path.rsplit("/", 1)[1].removesuffix(".pf_filter")] = new_hash
        del out[path]
        out[f"{match['dir']}{new_hash}.pf_filter"] = data

    entry_path = next((p for p in files if p.endswith("pagefind-entry.json")), None)
    entry = json.loads(files[entry_path]) if entry_path else None
    for path in sorted(files):
        match = _META.match(path)
        if not match:
            continue
        meta = _decode(files[path], path)
        if not (isinstance(meta, list) and len(meta) > 3 and isinstance(meta[3], list)):
            raise BundleFormatError(f"{path}: unexpected Pagefind metadata layout")
        meta[3] = sorted([name, renamed.get(h, h)] for name, h in meta[3])
        data, digest = _encode(meta)
        lang = match["lang"]
        new_hash = f"{lang}_{digest[:10]}"
        del out[path]
        out[f"{match['dir']}pagefind.{new_hash}.pf_meta"] = data
        if entry is not None:
            entry["languages"][lang]["hash"] = new_hash
    if entry_path and entry is not None:
        out[entry_path] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
    return dict(sorted(out.items()))

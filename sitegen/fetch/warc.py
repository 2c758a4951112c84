"""Raw responses kept as WARC (warcio), outside content/, so that a stored version can be
checked against what the server sent: its ``response_sha256`` is the SHA-256 of the
record's payload, the body exactly as it came (still gzipped if it was sent so)."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from sitegen.fetch.http import Response

# The body is kept as sent but no longer chunked, and its length is known.
_TRANSFER = {"content-length", "transfer-encoding"}


class Archive:
    """Appends one gzipped WARC response record per page to ``path``."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(path, "ab")  # noqa: SIM115 - open for the whole run
        self.writer = WARCWriter(self.handle, gzip=True)

    def add(self, response: Response) -> None:
        headers = [(k, v) for k, v in response.headers.multi_items()
                   if k.lower() not in _TRANSFER]
        headers.append(("Content-Length", str(len(response.raw))))
        http = StatusAndHeaders(f"{response.status} {response.reason}", headers,
                                protocol="HTTP/1.1")
        record = self.writer.create_warc_record(response.url, "response",
                                                payload=io.BytesIO(response.raw),
                                                http_headers=http)
        self.writer.write_record(record)
        self.handle.flush()

    def close(self) -> None:
        self.handle.close()

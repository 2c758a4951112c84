"""Write the export: three tables streamed to JSON Lines (gzip), and to Parquet when pyarrow
is installed, one article at a time, so that memory stays flat at any archive size.

Everything is written into a folder beside the output and moved in once complete: an export
that fails (a content problem, a full disk) leaves the previous one as it was.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sitegen.export.rows import CHANGE_FIELDS, EDIT_FIELDS, VERSION_FIELDS, article_rows
from sitegen.provenance import fetched_text

FORMAT = "sitegen-export/1"
TABLES = ("versions", "changes", "edits")
# Parquet rows are buffered per table and written out as a row group at this many rows, or
# this much text, whichever comes first: memory stays flat however long the texts are.
ROW_GROUP = 5_000
ROW_GROUP_TEXT = 8_000_000


def has_parquet() -> bool:
    return importlib.util.find_spec("pyarrow") is not None


class _JsonLines:
    """A gzip JSON Lines file written row by row (no time stamp in the gzip header: the same
    archive gives the same bytes)."""

    def __init__(self, path: Path):
        self.raw: IO[bytes] = path.open("wb")
        self.gz = gzip.GzipFile(filename="", mode="wb", fileobj=self.raw, mtime=0,
                                compresslevel=6)

    def write(self, row: dict[str, Any]) -> None:
        self.gz.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode()
                      + b"\n")

    def close(self) -> None:
        self.gz.close()
        self.raw.close()


class _Parquet:
    """A Parquet file written a row group at a time."""

    def __init__(self, path: Path, table: str):
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa = pa
        self.schema = _schema(pa, table)
        self.writer = pq.ParquetWriter(str(path), self.schema, compression="zstd")
        self.rows: list[dict[str, Any]] = []
        self.text = 0  # characters of text in the rows buffered

    def write(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        self.text += sum(len(v) for v in row.values() if isinstance(v, str))
        if len(self.rows) >= ROW_GROUP or self.text >= ROW_GROUP_TEXT:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.writer.write_table(self.pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows, self.text = [], 0

    def close(self) -> None:
        self.flush()
        self.writer.close()


def _schema(pa: Any, table: str) -> Any:
    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(),
             "bool": pa.bool_(), "time": pa.timestamp("us", tz="UTC"),
             "diff": pa.list_(pa.list_(pa.string()))}
    fields = {"versions": VERSION_FIELDS, "changes": CHANGE_FIELDS, "edits": EDIT_FIELDS}[table]
    return pa.schema([pa.field(name, types[kind]) for name, kind in fields])


def _for_parquet(row: dict[str, Any], times: tuple[str, ...]) -> dict[str, Any]:
    return {k: (datetime.fromisoformat(v) if k in times and v else v) for k, v in row.items()}


_TIMES = {"versions": ("fetched", "published"), "changes": ("old_fetched", "fetched"),
          "edits": ()}


@dataclass
class Summary:
    articles: int = 0
    versions: int = 0
    changes: int = 0
    edits: int = 0
    files: dict[str, int] = field(default_factory=dict)  # name -> bytes
    seconds: float = 0.0


Progress = Callable[[str, int, int], None]


@contextlib.contextmanager
def _staging(out: Path) -> Iterator[Path]:
    """A temporary folder inside ``out``, removed at the end (and ``out`` with it if this
    export made it and failed)."""
    made = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".sitegen-export-", dir=out))
    try:
        yield folder
    except BaseException:
        if made:
            shutil.rmtree(out, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def export(articles: Iterator[Any], out: Path, *, total: int, since: datetime | None,
           parquet: bool, progress: Progress) -> Summary:
    """Write the tables of ``articles`` (loaded one at a time by the caller) into ``out``."""
    started = time.perf_counter()
    summary = Summary()
    names = [f"{t}.jsonl.gz" for t in TABLES] + ([f"{t}.parquet" for t in TABLES]
                                                 if parquet else [])
    with _staging(out) as staged:
        writers: dict[str, list[Any]] = {t: [_JsonLines(staged / f"{t}.jsonl.gz")]
                                         for t in TABLES}
        try:
            if parquet:
                for t in TABLES:
                    writers[t].append(_Parquet(staged / f"{t}.parquet", t))
            progress("Exporting articles", 0, total)
            for done, article in enumerate(articles, 1):
                rows = article_rows(article, since)
                counted = False
                for table, row in rows:
                    counted = True
                    setattr(summary, table, getattr(summary, table) + 1)
                    for writer in writers[table]:
                        writer.write(_for_parquet(row, _TIMES[table])
                                     if isinstance(writer, _Parquet) else row)
                summary.articles += counted
                progress("Exporting articles", done, total)
        finally:
            for group in writers.values():
                for writer in group:
                    writer.close()
        meta = {"format": FORMAT, "since": fetched_text(since) if since else None,
                "counts": {"articles": summary.articles, "versions": summary.versions,
                           "changes": summary.changes, "edits": summary.edits},
                "files": {name: _sha256(staged / name) for name in names}}
        (staged / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        for name in [*names, "meta.json"]:
            summary.files[name] = (staged / name).stat().st_size
            os.replace(staged / name, out / name)
        if not parquet:  # an older export's Parquet files would not match these tables
            for t in TABLES:
                (out / f"{t}.parquet").unlink(missing_ok=True)
    summary.seconds = time.perf_counter() - started
    return summary


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()

"""Scrapes that are data: a JSON array of objects, JSON Lines or CSV, one article per item.

The most common git-scraping output is a data file rewritten by each run (a feed's stories,
a front page's headlines). Each item, named by its ``--id`` field (a URL, usually), is an
article; a commit in which an item's title or text differs from the last one seen stores a
version of it, and an item that disappears is kept as it was. The text is the ``--text``
fields, or all fields but the id, the title and the url, written out readably, one paragraph
per line of a value, led by the field's name unless it is the one field chosen.

Commits are read one at a time, and each item's last record is kept, so that an unchanged
item costs a comparison of two dicts whatever the length of the history.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sitegen.content.names import name_problem
from sitegen.ingest.extract import InputError, decode, escape_line
from sitegen.ingest.session import Candidate, Outcome, Session

KINDS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv"}
URL_FIELD = "url"  # where an item's address is, when its id is not one
NAME_MAX = 60  # characters of an article name taken from an id, before its hash
FIELD_LIMIT = 2**31 - 1


class RecordsError(Exception):
    """A data file that cannot be read as items; the message says why."""


@dataclass(frozen=True)
class Fields:
    """Which fields of an item are its id, its title and its text."""

    id: str
    title: str = "title"
    text: tuple[str, ...] = ()  # empty: every field but the id, the title and the url

    @property
    def labelled(self) -> bool:
        """Whether the text names its fields: unless it is the one field chosen."""
        return len(self.text) != 1

    def text_of(self, record: dict[str, Any]) -> list[str]:
        if self.text:
            return list(self.text)
        skip = {self.id, self.title, URL_FIELD}
        return [k for k in record if k not in skip]


def kind_of(path: str) -> str | None:
    """The data format a file name says, if it says one."""
    name = path.rsplit("/", 1)[-1].lower()
    return KINDS.get(name[name.rfind("."):]) if "." in name else None


def _lines(text: str) -> list[dict[str, Any]]:
    records = []
    for n, line in enumerate(text.split("\n"), 1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except ValueError as exc:
                raise RecordsError(f"line {n} is not valid JSON ({exc})") from None
    return records


def _table(text: str, delimiter: str) -> list[dict[str, Any]]:
    csv.field_size_limit(FIELD_LIMIT)  # a cell may hold a whole article (the default: 128 KB)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(rows, None)
        if header is None:
            return []
        return [dict(zip(header, row, strict=False)) for row in rows if row]
    except csv.Error as exc:
        raise RecordsError(f"not valid CSV (line {rows.line_num}: {exc})") from None


def parse(data: bytes, kind: str | None) -> list[Any]:
    """The items in one version of a data file (objects, unless the file is broken): a JSON
    array, JSON Lines, or CSV/TSV with a header row. ``kind`` None: told by the text."""
    try:
        text = decode(data)
    except InputError as exc:
        raise RecordsError(str(exc)) from None
    start = text.lstrip()[:1]
    if kind is None:
        kind = "json" if start in ("[", "{") else "csv"
    if kind in ("csv", "tsv"):
        return _table(text, "," if kind == "csv" else "\t")
    if not start:
        return []
    if kind == "jsonl":
        return _lines(text)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # one object per line
            return _lines(text)
        raise RecordsError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: "
                           f"{exc.msg})") from None
    if isinstance(value, dict):
        arrays = [k for k, v in value.items() if isinstance(v, list)]
        hint = f"; the arrays in it are under {', '.join(map(repr, arrays))}" if arrays else ""
        raise RecordsError("holds a JSON object, not an array of items (or one object per "
                           f"line){hint}")
    if not isinstance(value, list):
        raise RecordsError(f"holds a JSON {type(value).__name__}, not an array of items")
    return value


def _scalar(value: Any) -> str | None:
    """An id or a title as text; None if it is empty or not a plain value."""
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def _readable(value: Any) -> str:
    """A field's value as a reader would write it down."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return ", ".join(_readable(v) for v in value if v is not None and v != "")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def body_of(record: dict[str, Any], fields: list[str], labelled: bool = True) -> str:
    """The Markdown text of an item: each field's lines as paragraphs, the first one led by
    the field's name if ``labelled``."""
    paragraphs: list[str] = []
    for name in fields:
        value = record.get(name)
        text = "" if value is None else _readable(value)
        lines = [escape_line(line) for line in text.split("\n") if line.strip()]
        if not lines:
            continue
        if labelled:
            lines[0] = f"{escape_line(str(name))}: {lines[0]}"
        paragraphs += lines
    return "\n\n".join(paragraphs) + "\n" if paragraphs else ""


def _is_url(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def article_name(key: str) -> str:
    """The article an id is stored as: the id itself if it is a valid name, else a readable
    part of it (a URL's path) and a hash of all of it, so that two ids never share one."""
    if len(key) <= NAME_MAX and name_problem(key, "article") is None:
        return key
    text = key
    if _is_url(key):
        parts = urlsplit(key)
        text = parts.path.rstrip("/") + (f"-{parts.query}" if parts.query else "")
        text = re.sub(r"(/index)?\.(s?html?|php|aspx?)$", "", text) or parts.netloc
    ascii_text = text.encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_text).strip("-._")[:NAME_MAX].rstrip("-._")
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"{name}-{digest}" if name else f"item-{digest}"


@dataclass
class _Problem:
    first: str  # where it was first seen
    count: int = 0
    commits: set[str] = field(default_factory=set)


@dataclass
class Items:
    """Reads the versions of one data file, commit by commit, into a session."""

    session: Session
    source: str
    fields: Fields
    report: Callable[[Outcome | None, int], None] = lambda _o, _n: None
    # Each item's last record, title and text, by id; and its article's name.
    last: dict[str, tuple[dict[str, Any], str, str]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    commits: int = 0
    repeated: int = 0  # commits that listed an id more than once
    checked: bool = False
    problems: dict[str, _Problem] = field(default_factory=dict)

    def _problem(self, message: str, where: str, commit: str) -> None:
        found = self.problems.setdefault(message, _Problem(where))
        found.count += 1
        found.commits.add(commit)

    def _check(self, records: list[Any]) -> None:
        """The first items seen must have the fields asked for: a misspelt --id or --title
        would otherwise make an archive of nonsense."""
        names: dict[str, None] = {}
        for record in records:
            if isinstance(record, dict):
                names.update(dict.fromkeys(record))
        if not names:
            return
        self.checked = True
        known = ", ".join(map(str, names))
        for option, wanted in [("--id", [self.fields.id]), ("--title", [self.fields.title]),
                               ("--text", list(self.fields.text))]:
            for name in wanted:
                if name not in names:
                    raise RecordsError(f"the items have no field {name!r} (give it with "
                                       f"{option}; their fields are: {known})")

    def add(self, origin: str, commit: str, fetched: datetime, data: bytes,
            kind: str | None) -> None:
        """Offer every item of one version of the file (in format ``kind``, None to tell by
        its text) whose record changed."""
        self.commits += 1
        try:
            records = parse(data, kind)
        except RecordsError as exc:
            self.session.tally.errors.append(f"{origin}: {exc}")
            self.report(None, 1)
            return
        if not self.checked:
            self._check(records)
        seen: set[str] = set()
        repeated = False
        for n, record in enumerate(records, 1):
            if not isinstance(record, dict):
                self._problem("an item that is not an object is not imported",
                              f"{origin} item {n}", commit)
                continue
            key = _scalar(record.get(self.fields.id))
            if key is None:
                self._problem(f"an item without {self.fields.id!r} is not imported",
                              f"{origin} item {n}", commit)
                continue
            if key in seen:
                repeated = True
                continue
            seen.add(key)
            previous = self.last.get(key)
            if previous is not None and previous[0] == record:
                continue
            title = _scalar(record.get(self.fields.title))
            text = body_of(record, self.fields.text_of(record), self.fields.labelled)
            if previous is not None and (title or previous[1], text) == previous[1:]:
                self.last[key] = (record, previous[1], text)
                continue
            title = title or (previous[1] if previous else None) or key
            self.last[key] = (record, title, text)
            address = key if _is_url(key) else _scalar(record.get(URL_FIELD))
            name = self.names.get(key) or self.names.setdefault(key, article_name(key))
            outcome = self.session.offer(self.source, name, Candidate(
                f"{origin} {key}", fetched, b"", "markdown", title,
                address if address and _is_url(address) else None,
                {"commit": commit}, body=text))
            self.report(outcome, 0)
        self.repeated += repeated
        self.report(None, 1)

    def finish(self, path: str) -> None:
        """Each kind of problem with the items of ``path`` as one error line, with how often
        it came; reported once, however many later runs meet it again."""
        tally = self.session.tally
        for message, found in self.problems.items():
            more = (f" (and {found.count - 1:,} more in {len(found.commits):,} commits)"
                    if found.count > 1 else "")
            line = f"{found.first}: {message}{more}"
            tally.errors.append(line)
            tally.same[line] = f"{path}: {message}"

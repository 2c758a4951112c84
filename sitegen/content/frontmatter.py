"""One version file: YAML front matter between ``---`` lines, then a Markdown body.

Validation happens here, per file, so that every problem names the file and, where it can,
the line. The result is plain data; numbering and ordering are the article's business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sitegen import yamlutil
from sitegen.content.text import clean, clean_value
from sitegen.errors import Problem, problem

KNOWN = ("title", "fetched", "url", "published", "byline")
_FENCE = re.compile(r"---[ \t]*")
_END = re.compile(r"(---|\.\.\.)[ \t]*")


@dataclass
class VersionData:
    """The validated fields of one version file."""

    path: str
    fetched: datetime
    title: str
    body: str
    url: str | None = None
    published: datetime | date | None = None
    byline: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def decode(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 text with the BOM dropped and line ends made \\n (both are fine in input)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = raw[exc.start : exc.start + 1].hex()
        return None, [problem(
            path,
            f"not valid UTF-8 (byte 0x{byte} at offset {exc.start}); "
            "re-save the file with UTF-8 encoding",
            line,
        )]
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, []


def split(text: str, path: str) -> tuple[str, str, int] | Problem:
    """(front matter, body, line the body starts on) or the problem with the fences."""
    if not text.strip():
        return problem(path, "empty file: a version file starts with front matter "
                             "('---', then title and fetched, then '---') and a Markdown body")
    lines = text.split("\n")
    if not _FENCE.fullmatch(lines[0]):
        return problem(path, "no front matter: the first line must be '---', followed by "
                             "title: and fetched: lines and a closing '---'", 1)
    for i in range(1, len(lines)):
        if _END.fullmatch(lines[i]):
            return "\n".join(lines[1:i]) + "\n", "\n".join(lines[i + 1 :]), i + 2
    return problem(path, "front matter is not closed: add a line '---' after the last field", 1)


# A day inside the years datetime can hold: the instant can then be shown in any zone
# (offsets are less than a day).
_EARLIEST, _LATEST = datetime(1, 1, 2), datetime(9999, 12, 30)


def parse_time(value: Any, key: str, *, date_ok: bool) -> datetime | date | str:
    """An aware datetime (or date when allowed); a string is the error message."""
    example = "e.g. 2025-03-07T10:12:00Z or 2025-03-07T11:12:00+01:00"
    if isinstance(value, str):
        text = value.strip()
        if date_ok and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            return f"{key} is not a valid time: {value!r}; write an ISO 8601 time, {example}"
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return (f"{key} has no time zone ({value.isoformat()}); add one, {example} "
                    "(a time without a zone is ambiguous)")
        if not _EARLIEST <= value.replace(tzinfo=None) <= _LATEST:
            return (f"{key} is out of range ({value.isoformat()}); give a time between the "
                    "years 1 and 9999 that every time zone can show")
        return value
    if isinstance(value, date):
        if date_ok:
            return value
        return f"{key} is a date without a time ({value.isoformat()}); write a full time, {example}"
    return f"{key} must be a time, not {type(value).__name__}; write it as {example}"


def _text_field(meta: dict, key: str) -> tuple[str | None, str | None]:
    """(value, None) or (None, error message) for an optional text field."""
    value = meta.get(key)
    if value is None or isinstance(value, str):
        return value, None
    kind = type(value).__name__
    return None, f"{key} must be text, not {kind} ({value!r}); put the value in quotes"


def parse(raw: bytes, path: str) -> tuple[VersionData | None, list[Problem]]:
    """Validate one version file's bytes; all of its problems are returned together."""
    text, problems = decode(raw, path)
    if text is None:
        return None, problems
    parts = split(text, path)
    if isinstance(parts, Problem):
        return None, [parts]
    front, body, _body_line = parts
    try:
        meta = yamlutil.load(front)
    except yamlutil.YamlProblem as exc:
        line = exc.line + 1 if exc.line else 1  # +1: the opening '---'
        return None, [problem(path, exc.message, line)]
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return None, [problem(path, "front matter must be 'key: value' lines, not "
                                    f"a {type(meta).__name__}", 2)]
    meta = clean_value(meta)
    body = clean(body)

    errors: list[tuple[str | None, str]] = []  # (key it is about, message)
    for key in meta:
        if not isinstance(key, str):
            errors.append((None, f"front-matter key {key!r} must be text"))

    title, error = _text_field(meta, "title")
    if error:
        errors.append(("title", error))
    elif not title or not title.strip():
        errors.append(("title", "missing title: add a line 'title: <the headline>'"))

    fetched: Any = None
    if meta.get("fetched") is None:
        errors.append(("fetched", "missing fetched: add a line 'fetched: <when this version "
                                  "was captured>', e.g. 2025-03-07T10:12:00Z"))
    else:
        fetched = parse_time(meta["fetched"], "fetched", date_ok=False)
        if isinstance(fetched, str):
            errors.append(("fetched", fetched))

    published: Any = None
    if meta.get("published") is not None:
        published = parse_time(meta["published"], "published", date_ok=True)
        if isinstance(published, str):
            errors.append(("published", published))

    url, error = _text_field(meta, "url")
    if error:
        errors.append(("url", error))
    byline, error = _text_field(meta, "byline")
    if error:
        errors.append(("byline", error))

    if errors:
        lines = yamlutil.key_lines(front)
        return None, [
            problem(path, message, lines[key] + 1 if key in lines else 1)
            for key, message in errors
        ]
    return VersionData(
        path=path,
        fetched=fetched,
        title=title.strip(),
        body=body,
        url=(url or "").strip() or None,
        published=published,
        byline=(byline or "").strip() or None,
        extra={k: v for k, v in meta.items() if k not in KNOWN},
    ), []

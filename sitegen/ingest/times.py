"""Times in and out: ``--fetched`` values, times in snapshot file names, version file names."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from sitegen.content.frontmatter import parse_time

# 2025-03-07T10-12-00Z, 2025-03-07T10:12:00Z, 20250307T101200Z, 2025-03-07_10-12-00+01-00,
# each with optional fractional seconds; a zone (Z or an offset) is required.
_NAME_TIME = re.compile(
    r"(?P<y>\d{4})-?(?P<mo>\d{2})-?(?P<d>\d{2})[T_ ]"
    r"(?P<h>\d{2})[-:]?(?P<mi>\d{2})(?:[-:]?(?P<s>\d{2})(?:[.,](?P<f>\d{1,6}))?)?"
    r"(?P<zone>Z|[+-]\d{2}(?:[-:]?\d{2})?)?", re.IGNORECASE)


def parse_fetched(value: str) -> datetime:
    """An ISO 8601 time with a zone, as ``fetched`` in front matter takes it."""
    result = parse_time(value, "--fetched", date_ok=False)
    if isinstance(result, str):
        raise ValueError(result)
    assert isinstance(result, datetime)
    return result


def time_from_name(stem: str) -> datetime:
    """The time a snapshot's file name (without its suffix) gives, or ValueError saying why."""
    match = _NAME_TIME.fullmatch(stem)
    if match is None:
        raise ValueError(f"no time in the file name {stem!r}: name snapshots by their time, "
                         "e.g. 2025-03-07T10-12-00Z, or list them in meta.json")
    zone = match["zone"]
    if zone is None:
        raise ValueError(f"the time in the file name {stem!r} has no time zone; add one "
                         "(e.g. 2025-03-07T10-12-00Z for UTC) or list the times in meta.json")
    try:
        if zone.upper() == "Z":
            tz = UTC
        else:
            digits = zone[1:].replace(":", "").replace("-", "")
            minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
            tz = timezone(timedelta(minutes=minutes if zone[0] == "+" else -minutes))
        return datetime(int(match["y"]), int(match["mo"]), int(match["d"]), int(match["h"]),
                        int(match["mi"]), int(match["s"] or 0),
                        int((match["f"] or "0").ljust(6, "0")), tzinfo=tz)
    except ValueError as exc:
        raise ValueError(f"the time in the file name {stem!r} is not a real time ({exc})") from None


def now() -> datetime:
    """The current time in UTC, to the second (version file names have seconds)."""
    return datetime.now(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    """ISO 8601 as front matter shows it, with 'Z' for UTC."""
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def file_stem(moment: datetime) -> str:
    """A version file's name without '.md': the UTC time, e.g. 2025-03-07T10-12-00Z."""
    utc = moment.astimezone(UTC)
    stem = utc.strftime("%Y-%m-%dT%H-%M-%S")
    if utc.microsecond:
        stem += f".{utc.microsecond:06d}"
    return stem + "Z"

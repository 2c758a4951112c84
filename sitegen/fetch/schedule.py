"""The fetch state of one source, ``content/<source>/_fetch.yaml``: for each article its
address, when it was checked and is next due, and the validators for conditional requests.

It is committed with the content (a CI runner starts empty), so it is small and
diff-friendly: sorted keys, one block per article, times in UTC. It is replaced atomically.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from sitegen import yamlutil
from sitegen.content import reading
from sitegen.content.source import FETCH_FILE as FILENAME
from sitegen.content.source import Schedule
from sitegen.errors import SitegenError
from sitegen.ingest.times import iso

HEADER = ("# Written by 'sitegen fetch': when each article was checked and is next due.\n"
          "# Commit it with content/. Deleting an entry loses only its schedule.\n")


@dataclass
class Entry:
    url: str
    aliases: list[str] = field(default_factory=list)  # feed addresses that led here
    checked: datetime | None = None
    changed: datetime | None = None  # when a new version was last stored (or first seen)
    due: datetime | None = None  # None: no longer checked (stopped or removed), but --all
    interval: int = 0  # seconds until the next check, after the last one
    etag: str | None = None
    last_modified: str | None = None
    words: int = 0  # of the last text seen: a much shorter one is a failed extraction
    removed: str | None = None  # e.g. "404 at 2025-03-07T10:00:00Z"
    problem: str | None = None  # why the last check failed

    def checked_now(self, when: datetime, changed: bool, rules: Schedule) -> None:
        """Move the next check: soon after a change, later after each check without one,
        and not at all once the article has not changed for ``rules.stop``."""
        self.checked = when
        if changed or self.changed is None:
            self.changed = when
            self.interval = int(rules.first)
        else:
            self.interval = int(min(max(self.interval, rules.first) * 2, rules.longest))
        stopped = when - self.changed >= timedelta(seconds=rules.stop)
        self.due = None if stopped else when + timedelta(seconds=self.interval)

    def failed(self, when: datetime, reason: str, rules: Schedule) -> None:
        """A failed check: tried again after the same interval; nothing else changes."""
        self.checked = when
        self.problem = reason
        self.due = when + timedelta(seconds=max(self.interval, int(rules.first)))

    def to_yaml(self) -> dict[str, Any]:
        data: dict[str, Any] = {"url": self.url}
        if self.aliases:
            data["aliases"] = sorted(self.aliases)
        for key in ("checked", "changed", "due"):
            value = getattr(self, key)
            data[key] = iso(value) if value else None
        data["interval"] = self.interval
        for key in ("etag", "last_modified", "words", "removed", "problem"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


@dataclass
class State:
    """A source's articles (by folder name) and its feeds' validators."""

    path: Path
    articles: dict[str, Entry] = field(default_factory=dict)
    feeds: dict[str, dict[str, str]] = field(default_factory=dict)

    def by_url(self) -> dict[str, str]:
        """Every known address (canonical or alias): the folder name of its article."""
        index: dict[str, str] = {}
        for name, entry in self.articles.items():
            for url in (entry.url, *entry.aliases):
                index[url] = name
        return index

    def save(self) -> None:
        """Write the file under a temporary name, then rename it over the old one."""
        data = {"articles": {k: self.articles[k].to_yaml() for k in sorted(self.articles)},
                "feeds": {k: self.feeds[k] for k in sorted(self.feeds)}}
        text = HEADER + yaml.safe_dump(data, sort_keys=True, allow_unicode=True, width=100,
                                       default_flow_style=False)
        tmp = self.path.parent / f".{FILENAME}.{secrets.token_hex(6)}.tmp"
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


def _time(value: Any, where: str) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if parsed.tzinfo is not None:
                return parsed
    raise ValueError(f"{where} must be a time with a zone, e.g. 2025-03-07T10:00:00Z, "
                     f"not {value!r}")


def load(path: Path, rel: str) -> State:
    """The state in ``path`` (empty if there is none); SitegenError naming the file, the
    line and the fix if it cannot be read."""
    state = State(path)
    if not path.exists():
        return state
    try:
        text = reading.read_file(path, reading.LIMIT, reading.SETTINGS).decode("utf-8")
        data = yamlutil.load(text) or {}
    except reading.Unreadable as exc:
        raise SitegenError(f"{rel}: {exc.message}") from None
    except UnicodeDecodeError as exc:
        raise SitegenError(f"{rel}: cannot be read ({exc}); restore it from git or delete it "
                           "(every article is then fetched as new)") from None
    except yamlutil.YamlProblem as exc:
        raise SitegenError(f"{rel}, line {(exc.line or 0) + 1}: {exc.message}; restore it "
                           "from git or delete it") from None
    lines = yamlutil.key_lines(text)
    try:
        if not isinstance(data, dict):
            raise ValueError("must be 'articles:' and 'feeds:' mappings")
        for name, item in (data.get("articles") or {}).items():
            where = f"article {name!r}"
            if not isinstance(item, dict) or not isinstance(item.get("url"), str):
                raise ValueError(f"{where} needs a 'url:'")
            state.articles[str(name)] = Entry(
                url=item["url"], aliases=[str(a) for a in item.get("aliases") or []],
                checked=_time(item.get("checked"), f"{where}: checked"),
                changed=_time(item.get("changed"), f"{where}: changed"),
                due=_time(item.get("due"), f"{where}: due"),
                interval=int(item.get("interval") or 0), etag=item.get("etag"),
                last_modified=item.get("last_modified"), words=int(item.get("words") or 0),
                removed=item.get("removed"), problem=item.get("problem"))
        for url, validators in (data.get("feeds") or {}).items():
            state.feeds[str(url)] = {str(k): str(v) for k, v in (validators or {}).items()}
    except (ValueError, TypeError, AttributeError) as exc:
        line = lines.get("articles")
        at = f", line {line}" if line else ""
        raise SitegenError(f"{rel}{at}: {exc}; correct it, restore it from git, or delete "
                           "the file") from None
    return state

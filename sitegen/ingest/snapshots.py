"""``sitegen import DIR``: a folder of snapshots, ``DIR/<article>/<time>.<ext>``.

An article folder may hold a ``meta.json`` (the shape ``shared/corpora/rust-rfcs`` uses):
``{"title", "url", "versions": [{"file", "time", "commit"}]}``; a file it lists takes its
time from there, any other from its name. Running the import again adds nothing: a version
already stored at the same time with the same text is counted as unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sitegen.content import reading
from sitegen.content.names import name_problem
from sitegen.ingest.extract import guess_format
from sitegen.ingest.session import Candidate, Outcome, Session
from sitegen.ingest.times import parse_fetched, time_from_name
from sitegen.links import link_problem

META = "meta.json"


@dataclass(frozen=True)
class Snapshot:
    path: Path
    fetched: datetime
    fmt: str
    title: str | None = None
    url: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Plan:
    """What a snapshot folder holds, and what was wrong with it."""

    articles: dict[str, list[Snapshot]] = field(default_factory=dict)  # in fetched order
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(s) for s in self.articles.values())


def _text(entry: dict[str, Any], key: str) -> str | None:
    value = entry.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key} must be a string, not {type(value).__name__}")
    return (value.strip() or None) if value else None


def _read_meta(file: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """(article-level fields, {file name: per-version fields}) or ValueError saying why."""
    try:
        data = json.loads(reading.read_file(file, reading.LIMIT, reading.SETTINGS))
    except reading.Unreadable as exc:
        raise ValueError(exc.message) from None
    except ValueError as exc:
        raise ValueError(f"cannot be read as JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError("must be a JSON object with title, url and versions")
    top = {"title": _text(data, "title"), "url": _text(data, "url")}
    listed: dict[str, dict[str, Any]] = {}
    versions = data.get("versions") or []
    if not isinstance(versions, list):
        raise ValueError("versions must be a list of {file, time} objects")
    for n, entry in enumerate(versions, 1):
        where = f"versions[{n - 1}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise ValueError(f"{where} must be an object with a \"file\" name")
        try:
            fields: dict[str, Any] = {k: _text(entry, k) for k in ("title", "url", "commit")}
            if entry.get("time") is not None:
                if not isinstance(entry["time"], str):
                    raise ValueError("time must be a string")
                fields["time"] = parse_fetched(entry["time"])
        except ValueError as exc:
            raise ValueError(f"{where} ({entry['file']}): {exc}") from None
        listed[entry["file"]] = fields
    return top, listed


def _refused(path: Path, root: Path, plan: Plan) -> bool:
    """A symbolic link leading out of the folder being imported is not read."""
    message = link_problem(path, root, str(root))
    if message:
        plan.errors.append(f"{path}: {message}")
    return message is not None


def _article(folder: Path, root: Path, fmt: str | None, plan: Plan) -> list[Snapshot]:
    """The snapshots of one article folder, in time order; problems go to ``plan.errors``."""
    top: dict[str, Any] = {}
    listed: dict[str, dict[str, Any]] = {}
    if _refused(folder / META, root, plan):
        return []
    if (folder / META).is_file():
        try:
            top, listed = _read_meta(folder / META)
        except ValueError as exc:
            plan.errors.append(f"{folder / META}: {exc}; the article is not imported")
            return []
    present = set()
    snapshots: list[Snapshot] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name == META:
            continue
        present.add(path.name)
        if _refused(path, root, plan):
            continue
        if path.is_dir():
            plan.errors.append(f"{path}: a folder inside an article folder; snapshots are "
                               "files, DIR/<article>/<time>.<ext>")
            continue
        kind = fmt or guess_format(path.name, b"", sniff=False)
        if kind is None:
            plan.errors.append(f"{path}: unknown file type {path.suffix or '(no suffix)'}; "
                               "name it .txt, .md or .html, or pass --format")
            continue
        info = listed.get(path.name, {})
        try:
            fetched = info.get("time") or time_from_name(path.name.rsplit(".", 1)[0])
        except ValueError as exc:
            plan.errors.append(f"{path}: {exc}")
            continue
        extra = {"commit": info["commit"]} if info.get("commit") else {}
        snapshots.append(Snapshot(path, fetched, kind, info.get("title") or top.get("title"),
                                  info.get("url") or top.get("url"), extra))
    for name in sorted(set(listed) - present):
        plan.errors.append(f"{folder / META}: lists {name!r}, which is not in the folder")
    return sorted(snapshots, key=lambda s: s.fetched)


def plan(directory: Path, fmt: str | None = None) -> Plan:
    """Scan ``directory`` without reading any snapshot's text."""
    result = Plan()
    root = directory.resolve()
    for entry in sorted(directory.iterdir()):
        if entry.name.startswith(".") or _refused(entry, root, result):
            continue
        if not entry.is_dir():
            result.errors.append(f"{entry}: not inside an article folder; snapshots go in "
                                 "DIR/<article>/<time>.<ext>")
            continue
        message = name_problem(entry.name, "article")
        if message:
            result.errors.append(f"{entry}: {message}")
            continue
        snapshots = _article(entry, root, fmt, result)
        if snapshots:
            result.articles[entry.name] = snapshots
    return result


def run(session: Session, source: str, todo: Plan,
        report: Callable[[Outcome], None] = lambda _: None) -> None:
    """Offer every planned snapshot to the session, article by article, in time order."""
    session.tally.errors.extend(todo.errors)
    for article, snapshots in todo.articles.items():
        for snap in snapshots:
            try:
                data = reading.read_file(snap.path)
            except reading.Unreadable as exc:
                message = exc.message
                outcome = Outcome("error", str(snap.path), f"{source}/{article}", message)
                session.tally.count(outcome)
            else:
                outcome = session.offer(source, article, Candidate(
                    str(snap.path), snap.fetched, data, snap.fmt, snap.title, snap.url,
                    snap.extra))
            report(outcome)

"""``content/<source>/_source.yaml``: an outlet's name, address, description, page-chrome
rules and what ``sitegen fetch`` reads (feeds, URL patterns, user agent, rate limit,
schedule).

The rules (``drop_lines``, ``drop_patterns``, ``drop_inline``) are used by the importers,
not by the build: they name lines (or, for ``drop_inline``, pieces of lines) that are the
site's furniture rather than the article, so that an import neither stores them nor counts
their coming and going as a change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sitegen import yamlutil
from sitegen.content import reading
from sitegen.content.frontmatter import decode
from sitegen.content.text import clean
from sitegen.errors import Problem, problem

FILENAME = "_source.yaml"
FETCH_FILE = "_fetch.yaml"  # sitegen fetch's schedule state (sitegen.fetch.schedule)
TEXT_KEYS = ("name", "url", "description", "user_agent")
RULE_KEYS = ("drop_lines", "drop_patterns", "drop_inline", "include", "exclude")
PATTERN_KEYS = ("drop_patterns", "drop_inline", "include", "exclude")  # regular expressions
ALLOWED = ("name", "url", "description", "drop_lines", "drop_patterns", "drop_inline",
           "feeds", "include", "exclude", "user_agent", "rate_limit", "schedule")
SCHEDULE_KEYS = ("first", "longest", "stop")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(s|m|h|d)")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Schedule:
    """When ``sitegen fetch`` checks an article again: ``first`` after a check that found
    a change, twice as long after each check that found none, never longer than
    ``longest``; not at all once it has not changed for ``stop`` (all in seconds)."""

    first: float = 15 * 60
    longest: float = 24 * 3600
    stop: float = 21 * 86400


@dataclass(frozen=True)
class SourceMeta:
    name: str | None = None
    url: str | None = None
    description: str | None = None
    drop_lines: tuple[str, ...] = ()  # exact lines (whitespace-trimmed) that are page chrome
    drop_patterns: tuple[re.Pattern[str], ...] = ()  # a line is chrome if one fully matches
    drop_inline: tuple[re.Pattern[str], ...] = ()  # every match inside a line is chrome
    feeds: tuple[str, ...] = ()  # RSS or Atom addresses that list the outlet's articles
    include: tuple[re.Pattern[str], ...] = ()  # fetch: an article URL must match one of these
    exclude: tuple[re.Pattern[str], ...] = ()  # fetch: ...and none of these
    user_agent: str | None = None
    rate_limit: float = 1.0  # seconds between two requests to one host
    schedule: Schedule = Schedule()


def duration(value: object) -> float | None:
    """Seconds in '90s', '15m', '2h', '21d' (or a plain number of seconds); None if not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value > 0 else None
    match = _DURATION.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match or float(match.group(1)) <= 0:
        return None
    return float(match.group(1)) * _UNITS[match.group(2)]


def _schedule(value: Any, rel: str, line: int) -> tuple[Schedule, list[Problem]]:
    if not isinstance(value, dict):
        return Schedule(), [problem(rel, "schedule must be 'key: value' lines ("
                                         f"{', '.join(SCHEDULE_KEYS)}), e.g. 'first: 15m'", line)]
    problems: list[Problem] = []
    values: dict[str, float] = {}
    for key, item in value.items():
        seconds = duration(item)
        if key not in SCHEDULE_KEYS:
            problems.append(problem(rel, f"schedule: unknown key {key!r}; allowed keys: "
                                         f"{', '.join(SCHEDULE_KEYS)}", line))
        elif seconds is None:
            problems.append(problem(rel, f"schedule: {key} must be a time such as 30m, 6h or "
                                         f"14d (s, m, h, d), not {item!r}", line))
        else:
            values[key] = seconds
    result = Schedule(**values)
    if result.first > result.longest:
        problems.append(problem(rel, "schedule: first must not be longer than longest", line))
    return result, problems


def _feeds(value: Any, rel: str, line: int,
           item_lines: list[int]) -> tuple[tuple[str, ...], list[Problem]]:
    if not isinstance(value, list):
        return (), [problem(rel, "feeds must be a list of RSS or Atom addresses, one '- https://"
                                 f"...' item per line, not {type(value).__name__}", line)]
    problems: list[Problem] = []
    feeds: list[str] = []
    for i, item in enumerate(value):
        at = item_lines[i] if i < len(item_lines) else line
        if not isinstance(item, str) or not item.strip().startswith(("http://", "https://")):
            problems.append(problem(rel, f"feeds item {i + 1} must be an http:// or https:// "
                                         f"address, not {item!r}", at))
        else:
            feeds.append(item.strip())
    return tuple(feeds), problems


def _item_lines(text: str, key: str) -> list[int]:
    """1-based line of each item of the top-level list ``key`` (empty if it is not one)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    if not isinstance(node, yaml.MappingNode):
        return []
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in v.value]
    return []


def _rules(key: str, value: Any, rel: str, line: int,
           item_lines: list[int]) -> tuple[tuple[Any, ...], list[Problem]]:
    """Validate one rule list: text items, and regular expressions for drop_patterns and
    drop_inline (which must not match empty text: it would remove nothing, everywhere)."""
    if value is None:
        return (), []
    if not isinstance(value, list):
        return (), [problem(rel, f"{key} must be a list of lines, one '- ...' item per line, "
                                 f"not {type(value).__name__}", line)]
    problems: list[Problem] = []
    items: list[Any] = []
    for i, item in enumerate(value):
        at = item_lines[i] if i < len(item_lines) else line
        if not isinstance(item, str) or not item.strip():
            problems.append(problem(rel, f"{key} item {i + 1} must be non-empty text, not "
                                         f"{item!r}; put it in quotes", at))
        elif key in PATTERN_KEYS:
            try:
                pattern = re.compile(item.strip())
            except re.error as exc:
                problems.append(problem(rel, f"{key} item {i + 1} is not a valid regular "
                                             f"expression ({exc}): {item!r}", at))
                continue
            if key == "drop_inline" and pattern.fullmatch(""):
                problems.append(problem(rel, f"{key} item {i + 1} matches empty text: "
                                             f"{item!r}; make it match at least one "
                                             "character (e.g. '+' instead of '*')", at))
            else:
                items.append(pattern)
        else:
            items.append(item.strip())
    return tuple(items), problems


def load_source_meta(file: Path, rel: str) -> tuple[SourceMeta, list[Problem]]:
    """Read and validate one _source.yaml; a missing file means the defaults."""
    if not file.exists() and not file.is_symlink():
        return SourceMeta(), []
    try:
        raw = reading.read_file(file, reading.LIMIT, reading.SETTINGS)
    except reading.Unreadable as exc:
        return SourceMeta(), [problem(rel, exc.message)]
    text, problems = decode(raw, rel)
    if text is None:
        return SourceMeta(), problems
    try:
        data = yamlutil.load(text)
    except yamlutil.YamlProblem as exc:
        return SourceMeta(), [problem(rel, exc.message, exc.line)]
    if data is None:
        return SourceMeta(), []
    if not isinstance(data, dict):
        return SourceMeta(), [problem(rel, "must be 'key: value' lines "
                                           f"({', '.join(ALLOWED)})", 1)]
    lines = yamlutil.key_lines(text)
    values: dict[str, Any] = {}
    for key, value in data.items():
        line = lines.get(str(key), 1)
        if key not in ALLOWED:
            problems.append(problem(rel, f"unknown key {key!r}; allowed keys: "
                                         f"{', '.join(ALLOWED)}", line))
        elif key in RULE_KEYS:
            values[key], found = _rules(key, value, rel, line, _item_lines(text, key))
            problems.extend(found)
        elif key == "feeds":
            values[key], found = _feeds(value, rel, line, _item_lines(text, key))
            problems.extend(found)
        elif key == "schedule":
            values[key], found = _schedule(value, rel, line)
            problems.extend(found)
        elif key == "rate_limit":
            seconds = duration(value)
            if seconds is None:
                problems.append(problem(rel, "rate_limit must be the time between two requests "
                                             f"to one host, such as 1s or 0.5s, not {value!r}",
                                        line))
            else:
                values[key] = seconds
        elif value is not None and not isinstance(value, str):
            problems.append(problem(rel, f"{key} must be text, not {type(value).__name__}; "
                                         "put the value in quotes", line))
        elif value is not None and value.strip():
            values[key] = clean(value.strip())
    return SourceMeta(**values), problems

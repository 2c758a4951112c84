"""``sitegen.yaml``: a typed schema, so a misspelt or mistyped key is an error naming it.

Each option declares its type, default and check; :func:`load_config` validates a file
against them and returns an immutable :class:`Config`. Adding an option is one line in
``OPTIONS`` and one field in ``Config``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sitegen import yamlutil
from sitegen.content import reading
from sitegen.content.frontmatter import decode
from sitegen.content.text import clean
from sitegen.errors import Problem, problem
from sitegen.links import link_problem

FILENAME = "sitegen.yaml"


@dataclass(frozen=True)
class Config:
    title: str = "News archive"
    description: str = ""
    base_url: str | None = None  # absolute, ending in "/", or None
    language: str = "en"
    timezone: str = "UTC"
    theme: str = "default"
    cname: str | None = None  # a custom domain for GitHub Pages: written to CNAME
    max_file_size: int = 10_000_000  # bytes; a larger version file is an error
    max_paragraphs: int = 20_000  # blank-line-separated blocks a version may have
    page_size: int = 50  # items on one page of a list
    list_limit: int = 500  # articles in the latest-changes and ranked lists
    feed_entries: int = 50  # entries in each feed
    remote_images: bool = False  # whether pages may load images from other sites (https)

    @property
    def base_path(self) -> str:
        """The path part of base_url ("/repo/"), or "/" when it is not set."""
        return urlsplit(self.base_url).path or "/" if self.base_url else "/"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


# The characters a URL may hold as written (RFC 3986: unreserved, reserved and '%').
_URL_CHARACTER = re.compile(r"[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]")


def check_base_url(value: str) -> str | None:
    """base_url goes raw into robots.txt, the sitemap, feeds and canonical links: it must be
    one clean absolute URL (a line break in it would add lines to robots.txt)."""
    bad = next((c for c in value if not _URL_CHARACTER.fullmatch(c)), None)
    if bad is not None:
        return (f"must be a plain URL: {bad!r} is not allowed in it (no spaces, line breaks "
                "or control characters; percent-encode any other character, e.g. %C3%A9)")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an absolute http(s) URL, e.g. https://user.github.io/repo/"
    if parts.query or parts.fragment or "?" in value or "#" in value:
        return "must not have a query (?) or fragment (#)"
    if "@" in parts.netloc:
        return "must not hold a user name or password (user@host): it would be published"
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when it is asked for it
    except ValueError:
        return "has an invalid port; write it as https://host:8080/"
    if re.search(r"%(?![0-9A-Fa-f]{2})", value):
        return "has a '%' that does not start an escape such as %20"
    return None


def _check_language(value: str) -> str | None:
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        return "must be a language tag such as 'en' or 'en-GB'"
    return None


def _check_timezone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "must be an IANA time zone name such as 'UTC' or 'Europe/London'"
    return None


def _check_theme(value: str) -> str | None:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", value):
        return "must be a folder name under themes/ (letters, digits, '.', '_', '-')"
    return None


_DOMAIN = re.compile(r"(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


def _check_cname(value: str) -> str | None:
    if not _DOMAIN.fullmatch(value):
        return "must be a bare domain name such as news.example.org (no scheme, no path)"
    return None


def _positive(value: int) -> str | None:
    return None if value > 0 else "must be a positive number"


def _nonempty(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


@dataclass(frozen=True)
class Option:
    kind: type
    check: Callable[[Any], str | None] | None = None
    help: str = ""


OPTIONS: dict[str, Option] = {
    "title": Option(str, _nonempty, "the archive's name, shown in every page's header"),
    "description": Option(str, None, "one sentence under the title on the home page"),
    "base_url": Option(str, check_base_url,
                       "the site's public address; needed for feeds, sitemap and canonical links"),
    "language": Option(str, _check_language, "the pages' language tag (html lang)"),
    "timezone": Option(str, _check_timezone, "IANA time zone times are shown in (default UTC)"),
    "theme": Option(str, _check_theme, "themes/<name>/ overrides the built-in theme's files"),
    "cname": Option(str, _check_cname, "a custom domain for GitHub Pages, written to CNAME"),
    "max_file_size": Option(int, _positive, "the largest version file read, in bytes"),
    "max_paragraphs": Option(int, _positive,
                             "the most paragraphs (blocks between blank lines) of a version"),
    "page_size": Option(int, _positive, "how many items one page of a list shows"),
    "list_limit": Option(int, _positive,
                         "how many articles the latest-changes and ranked lists show"),
    "feed_entries": Option(int, _positive, "how many entries each feed holds, newest first"),
    "remote_images": Option(bool, None, "let pages load images in article bodies from other "
                                        "sites (a reader's browser then contacts them)"),
}
assert set(OPTIONS) == {f.name for f in fields(Config)}


def normalise_base_url(value: str) -> str:
    return value if value.endswith("/") else value + "/"


def validate(data: dict[str, Any], rel: str, lines: dict[str, int]) -> tuple[Config, list[Problem]]:
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    allowed = ", ".join(OPTIONS)
    for key, value in data.items():
        line = lines.get(str(key))
        option = OPTIONS.get(key) if isinstance(key, str) else None
        if option is None:
            close = difflib.get_close_matches(str(key), OPTIONS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(problem(rel, f"unknown key {key!r}{hint}; allowed keys: {allowed}",
                                    line))
            continue
        if value is None:
            continue
        if not isinstance(value, option.kind) or (isinstance(value, bool)
                                                  and option.kind is not bool):
            wanted = "true or false" if option.kind is bool else option.kind.__name__
            problems.append(problem(rel, f"{key} must be {wanted}, not "
                                         f"{type(value).__name__} ({value!r})", line))
            continue
        message = option.check(value) if option.check else None  # on the value as written
        if message:
            problems.append(problem(rel, f"{key} {message} (got {value!r})", line))
            continue
        if isinstance(value, str):
            value = clean(value)
        values[key] = value
    if "base_url" in values:
        values["base_url"] = normalise_base_url(values["base_url"])
    return Config(**values), problems


def load_config(project: Path) -> tuple[Config, list[Problem]]:
    """The project's configuration; a missing sitegen.yaml means every default."""
    file = project / FILENAME
    message = link_problem(file, project.resolve(), "the project")
    if message:
        return Config(), [problem(FILENAME, message)]
    if not file.exists() and not file.is_symlink():
        return Config(), []
    try:
        raw = reading.read_file(file, reading.LIMIT, reading.SETTINGS)
    except reading.Unreadable as exc:
        return Config(), [problem(FILENAME, exc.message)]
    text, problems = decode(raw, FILENAME)
    if text is None:
        return Config(), problems
    try:
        data = yamlutil.load(text)
    except yamlutil.YamlProblem as exc:
        return Config(), [problem(FILENAME, exc.message, exc.line)]
    if data is None:
        return Config(), []
    if not isinstance(data, dict):
        return Config(), [problem(FILENAME, "must be 'key: value' lines; allowed keys: "
                                            + ", ".join(OPTIONS), 1)]
    return validate(data, FILENAME, yamlutil.key_lines(text))

"""Walk ``content/`` into the model, collecting every problem on the way.

Per-article work (:func:`load_article`) depends only on that article's files, so it can be
cached by their content and run in parallel.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sitegen.config import Config
from sitegen.content import reading
from sitegen.content.frontmatter import VersionData, parse
from sitegen.content.names import name_problem
from sitegen.content.source import FETCH_FILE, load_source_meta
from sitegen.content.source import FILENAME as SOURCE_FILE
from sitegen.errors import Problem, problem
from sitegen.links import link_problem
from sitegen.model import Archive, Article, Source, Version

VERSION_SUFFIX = ".md"


@dataclass(frozen=True)
class ArticleFiles:
    """Where an article's version files are: the input of :func:`load_article`."""

    source: str
    id: str
    files: tuple[tuple[str, str], ...]  # (project-relative posix path, absolute path)
    # From sitegen fetch's _fetch.yaml: when the article was last checked and is next due.
    checked: datetime | None = None
    due: datetime | None = None

    @property
    def key(self) -> str:
        """``source/article``, as the cache and the summaries name the article."""
        return f"{self.source}/{self.id}"


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _entries(folder: str) -> list[os.DirEntry[str]]:
    """Visible entries, sorted by name so that output never depends on listing order.

    ``os.scandir`` rather than ``Path.iterdir``: the directory listing already says which
    entries are folders and links, so a large archive is walked without a stat per file
    (a no-change rebuild of 50,000 versions is mostly this walk)."""
    with os.scandir(folder) as listing:
        return sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)


def scan(project: Path, content: Path
         ) -> tuple[list[tuple[str, Path]], list[ArticleFiles], list[Problem]]:
    """Find sources and article folders: ([(source id, folder)], [articles], problems)."""
    problems: list[Problem] = []
    sources: list[tuple[str, Path]] = []
    articles: list[ArticleFiles] = []
    real_content = content.resolve()
    top = _rel(content, project)
    message = link_problem(content, project.resolve(), "the project",
                           f"make {top}/ a folder in the project")
    if message:
        return [], [], [problem(top, message)]

    def refuse_link(entry: os.DirEntry[str], rel: str) -> bool:
        """A symlink that leads out of content/, or nowhere, is not followed."""
        if not entry.is_symlink():
            return False
        try:
            target = Path(entry.path).resolve(strict=True)
        except (OSError, RuntimeError):  # missing target; a loop (RuntimeError before 3.13)
            problems.append(problem(rel, "symbolic link that leads nowhere (its target is "
                                         "missing, or links lead round in a loop); remove "
                                         "it, or put back what it pointed to"))
            return True
        if not target.is_relative_to(real_content):
            problems.append(problem(rel, "symbolic link to a place outside content/; it is not "
                                         "read: copy the file in instead"))
            return True
        return False

    top_entries = _entries(str(content))
    for entry in top_entries:
        rel = f"{top}/{entry.name}"
        if refuse_link(entry, rel):
            continue
        if not entry.is_dir():
            problems.append(problem(rel, "unexpected file: content/ holds one folder per "
                                         "source (content/<source>/<article>/<version>.md)"))
            continue
        message = name_problem(entry.name, "source")
        if message:
            problems.append(problem(rel, message))
            continue
        sources.append((entry.name, content / entry.name))
        subs = _entries(entry.path)
        checks = _checks(content / entry.name, f"{rel}/{FETCH_FILE}", problems)
        for sub in subs:
            sub_rel = f"{rel}/{sub.name}"
            if refuse_link(sub, sub_rel):
                continue
            if not sub.is_dir():
                if sub.name not in (SOURCE_FILE, FETCH_FILE):
                    problems.append(problem(sub_rel, "unexpected file: a source folder holds "
                                            f"article folders, an optional {SOURCE_FILE} "
                                            f"and {FETCH_FILE}; "
                                            "version files go in content/<source>/<article>/"))
                continue
            message = name_problem(sub.name, "article")
            if message:
                problems.append(problem(sub_rel, message))
                continue
            files: list[tuple[str, str]] = []
            for item in _entries(sub.path):
                item_rel = f"{sub_rel}/{item.name}"
                if refuse_link(item, item_rel):
                    continue
                if item.is_dir():
                    problems.append(problem(item_rel, "unexpected folder inside an article "
                                            "folder: an article folder holds only its "
                                            "version files (*.md)"))
                elif not item.is_file():
                    problems.append(problem(item_rel, f"is {reading.NOT_ORDINARY}"))
                elif not item.name.endswith(VERSION_SUFFIX):
                    problems.append(problem(item_rel, "not a version file: version files end "
                                            "in .md; rename it or move it out of content/"))
                else:
                    files.append((item_rel, item.path))
            if not files:
                problems.append(problem(sub_rel, "article folder has no version files (*.md)"))
                continue
            checked, due = checks.get(sub.name, (None, None))
            articles.append(ArticleFiles(entry.name, sub.name, tuple(files), checked, due))
    return sources, articles, problems


def _checks(folder: Path, rel: str, problems: list[Problem]
            ) -> dict[str, tuple[datetime | None, datetime | None]]:
    """Each fetched article's last and next check, from the source's _fetch.yaml."""
    if not (folder / FETCH_FILE).is_file():
        return {}
    from sitegen.errors import SitegenError
    from sitegen.fetch import schedule  # only for projects that fetch

    try:
        state = schedule.load(folder / FETCH_FILE, rel)
    except SitegenError as exc:
        problems.append(problem(rel, str(exc).removeprefix(f"{rel}: ")))
        return {}
    return {name: (entry.checked, entry.due) for name, entry in state.articles.items()}


DEFAULT_MAX_BYTES: int = Config.max_file_size
DEFAULT_MAX_PARAGRAPHS: int = Config.max_paragraphs
_BLANK_LINE = re.compile(r"\n[ \t]*\n(?=[ \t]*[^\s])")  # one between two blocks


def paragraphs(body: str) -> int:
    """How many paragraphs ``body`` has: runs of text between blank lines (near the diff
    engine's count of blocks, and cheap enough to take before any of its work)."""
    return len(_BLANK_LINE.findall(body)) + (1 if body.strip() else 0)


def read_limited(path: str, rel: str, max_bytes: int) -> tuple[bytes | None, Problem | None]:
    try:
        return reading.read_file(path, max_bytes), None
    except reading.Unreadable as exc:
        return None, problem(rel, f"file {exc.message}")


def load_article(spec: ArticleFiles, max_bytes: int = DEFAULT_MAX_BYTES,
                 max_paragraphs: int = DEFAULT_MAX_PARAGRAPHS
                 ) -> tuple[Article | None, list[Problem]]:
    """Parse, validate, order and number one article's versions.

    The article is made of its valid versions (None if there is none); the problems of the
    others are returned with it, so that ``--keep-going`` can build what is valid.
    """
    problems: list[Problem] = []
    parsed: list[VersionData] = []
    for rel, path in spec.files:
        raw, trouble = read_limited(path, rel, max_bytes)
        if trouble is not None or raw is None:
            problems.append(trouble)  # type: ignore[arg-type]
            continue
        data, found = parse(raw, rel)
        problems.extend(found)
        # (a body of fewer lines than the limit cannot hold more paragraphs: not counted)
        count = (paragraphs(data.body) if data is not None
                 and data.body.count("\n") >= max_paragraphs else 0)
        if count > max_paragraphs:
            # Each paragraph is diffed and drawn: 900,000 one-line ones took 97 s and
            # 2.3 GB for one article of two versions.
            problems.append(problem(rel, f"has {count:,} paragraphs, over "
                                         f"the limit of {max_paragraphs:,}: check that it "
                                         "really is one article, or raise max_paragraphs in "
                                         "sitegen.yaml"))
        elif data is not None:
            parsed.append(data)
    seen: dict[object, VersionData] = {}
    unique: list[VersionData] = []
    for data in sorted(parsed, key=lambda d: d.path):
        instant = data.fetched.astimezone(UTC)
        if instant in seen:
            other = seen[instant]
            problems.append(problem(data.path, f"same fetched instant ({instant.isoformat()}) as "
                                    f"{other.path}; two versions of an article cannot share a "
                                    "time: correct one of them or delete the duplicate"))
        else:
            seen[instant] = data
            unique.append(data)
    if not unique:
        return None, problems
    ordered = sorted(unique, key=lambda d: d.fetched)
    versions = tuple(
        Version(number=n, path=d.path, fetched=d.fetched, title=d.title, body=d.body,
                url=d.url, published=d.published, byline=d.byline, extra=d.extra)
        for n, d in enumerate(ordered)
    )
    return Article(spec.source, spec.id, versions, spec.checked, spec.due), problems


def load_archive(project: Path, content: Path, max_bytes: int = DEFAULT_MAX_BYTES,
                 max_paragraphs: int = DEFAULT_MAX_PARAGRAPHS) -> tuple[Archive, list[Problem]]:
    """Everything under content/, validated; problems from every file are collected."""
    if not content.is_dir():
        rel = content.name
        return Archive(()), [problem(rel, f"no {rel}/ folder in {project}; create it, or run "
                                          "'sitegen new' to start a project")]
    source_dirs, specs, problems = scan(project, content)
    by_source: dict[str, list[Article]] = {sid: [] for sid, _ in source_dirs}
    for spec in specs:
        article, found = load_article(spec, max_bytes, max_paragraphs)
        problems.extend(found)
        if article is not None:
            by_source[spec.source].append(article)
    sources = []
    for sid, folder in source_dirs:
        meta, found = load_source_meta(folder / SOURCE_FILE, _rel(folder / SOURCE_FILE, project))
        problems.extend(found)
        sources.append(Source(id=sid, name=meta.name or sid, url=meta.url,
                              description=meta.description, articles=tuple(by_source[sid])))
    return Archive(tuple(sources)), sorted(problems)

"""``sitegen import-git``: one version per commit that changed a file, renames followed.

The history is read with two git processes whatever its length: one ``git log --raw -z``
walk (rename detection on, first-parent, oldest first) and one ``git cat-file --batch`` that
streams the changed blobs. Each file is followed as an identity across renames and named by
its first path, so a renamed file stays one article. Where the walk ended is kept in
``.sitegen-cache/import-git/<source>.json``: the next run reads only newer commits. The file
is a cache: without it the whole history is read again, and that adds nothing already there.

A file that cannot be imported (binary, emptied, no text) stays so in every later run, so
its error is reported once: it is kept in the same file, the position is saved all the same,
and a later run that meets it again (``--rescan``) counts it without failing. Only an error
the project causes (a broken ``_source.yaml``, a failed write) keeps the position, so that
the commits are read again once it is fixed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sitegen import urls
from sitegen.content import reading
from sitegen.content.names import MAX_LENGTH
from sitegen.errors import SitegenError
from sitegen.ingest import records
from sitegen.ingest.extract import SUFFIXES
from sitegen.ingest.session import Candidate, Outcome, Session, Tally, too_big

STATE_FORMAT = 1
RECORDS = "records"  # the format of a data file read item by item (--id)
_REGULAR = {b"100644", b"100755"}  # symlinks (120000) and submodules (160000) are not text
_GIT_CONFIG = ["-c", "log.showSignature=false", "-c", "diff.relative=false",
               "-c", "core.quotePath=false"]


class GitError(SitegenError):
    """git failed, or the folder is not a repository."""


def git(repo: Path, *args: str) -> bytes:
    """Run git in ``repo``; its output, or GitError with git's own message."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(["git", "-C", str(repo), *_GIT_CONFIG, *args],
                              capture_output=True, env=env, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH); import-git needs it") from None
    if done.returncode:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed in {repo}: {message[-1] if message else '?'}")
    return done.stdout


@dataclass
class _File:
    """A file followed through the history: its paths, and its article once named."""

    paths: list[str]
    article: str | None = None
    fmt: str | None = None
    changes: list[tuple[int, str, str]] = field(default_factory=list)  # (commit, path, blob)


@dataclass(frozen=True)
class _Commit:
    sha: str
    time: datetime


def _walk(repo: Path, since: str | None) -> Iterator[tuple[_Commit, list[list[str]]]]:
    """Each first-parent commit, oldest first, with its raw changes:
    [status letter, old blob, new blob, path] or, for a rename, [..., old path, new path]."""
    spec = f"{since}..HEAD" if since else "HEAD"
    out = git(repo, "log", "--reverse", "--first-parent", "--diff-merges=first-parent", "-M",
              "--raw", "-z", "--no-abbrev", "--no-color", "--format=%x01%H %cI", spec)
    tokens = out.split(b"\0")
    commit: _Commit | None = None
    changes: list[list[str]] = []
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        i += 1
        if token.startswith(b"\x01"):
            if commit:
                yield commit, changes
            sha, when = token[1:].decode().split(" ", 1)
            commit, changes = _Commit(sha, datetime.fromisoformat(when)), []
        elif token.startswith(b":"):
            _old_mode, new_mode, old_blob, blob, status = token[1:].split(b" ")[:5]
            count = 2 if status[:1] in (b"R", b"C") else 1
            paths = [p.decode("utf-8", "surrogateescape") for p in tokens[i : i + count]]
            i += count
            if new_mode in _REGULAR or status == b"D":
                changes.append([status.decode()[:1], old_blob.decode(), blob.decode(), *paths])
    if commit:
        yield commit, changes


def slug(text: str) -> str:
    """A valid article name from a path: ASCII letters, digits, '-', '_', '.'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_text).strip("-")
    name = name.lstrip("._-") or "article"
    if name in urls.SCOPE_NAMES:  # the source's own pages use these names
        name = name.replace(".", "-") if "." in name else f"{name}-article"
    if len(name) > MAX_LENGTH:  # shortened, with a hash of the whole so two stay apart
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
        name = f"{name[:MAX_LENGTH - 9].rstrip('-._')}-{digest}"
    return name


def _stem(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name


@dataclass
class GitPlan:
    """The versions to import, in commit order, and what the next run starts from."""

    head: str
    since: str | None  # the commit the walk started after (None: the whole history)
    versions: list[tuple[_Commit, _File, str, str]]  # (commit, file, path, blob)
    live: dict[str, _File]
    gone: dict[str, _File]
    unmatched: list[str]  # PATH arguments that matched no file
    unknown: list[str]  # files left out for their suffix (their latest paths)
    meta: list[str]  # repository files left out (README, requirements.txt, ...)
    chosen: list[_File]  # the files imported
    items: records.Items | None = None  # after an import of a data file: what it read


def _matches(path: str, wanted: list[str]) -> bool:
    return not wanted or any(path == w or path.startswith(w + "/") for w in wanted)


# The repository's own files, not scraped articles: left out unless a PATH names one. At
# the top of the repository; a README anywhere; anything in a hidden folder (.github/).
_META = re.compile(r"(readme|licen[cs]e|copying|notice|authors|contributors|contributing|"
                   r"changelog|changes|code_of_conduct|security|requirements([-_.].*)?)"
                   r"(\.[^./]*)?", re.IGNORECASE)
_README = re.compile(r"readme(\.[^./]*)?", re.IGNORECASE)


def is_meta(path: str) -> bool:
    """README.md, requirements.txt, LICENSE, .github/PULL_REQUEST_TEMPLATE.md, ..."""
    *folders, name = path.split("/")
    if any(f.startswith(".") for f in path.split("/")) or _README.fullmatch(name):
        return True
    return not folders and bool(_META.fullmatch(name))


def plan(repo: Path, wanted: list[str], fmt: str | None, state: dict | None) -> GitPlan:
    """Walk the history (from the saved head, if any) and choose the files to import."""
    head = git(repo, "rev-parse", "--verify", "-q", "HEAD^{commit}").decode().strip()
    since = state["head"] if state else None

    def kind(path: str, current: str | None) -> str | None:
        return fmt or SUFFIXES.get("." + path.rsplit(".", 1)[-1].lower()) or current

    live = {p: _File([p], a, kind(p, None)) for p, a in (state or {}).get("files", {}).items()}
    gone = {p: _File([p], a, kind(p, None)) for p, a in (state or {}).get("gone", {}).items()}
    files: list[_File] = list(live.values())
    commits: list[_Commit] = []

    for n, (commit, changes) in enumerate(_walk(repo, since) if since != head else ()):
        commits.append(commit)
        for status, old_blob, blob, *paths in changes:
            path = paths[-1]
            if status == "D":
                if path in live:
                    gone[path] = live.pop(path)
                continue
            item = live.pop(paths[0], None) if status == "R" else live.get(path)
            moved = item is not None and status == "R"
            if item is None:
                item = gone.pop(path, None) or _File([])
                if not item.paths:
                    files.append(item)
            if path not in item.paths:
                item.paths.append(path)
            item.fmt = kind(path, item.fmt)
            live[path] = item
            if not (moved and old_blob == blob):  # a pure rename changes no text
                item.changes.append((n, path, blob))

    chosen: list[_File] = []
    unknown: list[str] = []
    meta: list[str] = []
    for item in files:
        if not item.article and not any(_matches(p, wanted) for p in item.paths):
            continue
        if item.article or any(p in wanted for p in item.paths):
            pass  # imported before, or named: whatever it is
        elif all(is_meta(p) for p in item.paths):
            meta.append(item.paths[-1])
            continue
        if not item.fmt:
            named = [w for w in wanted if w in item.paths]
            if named:
                raise GitError(f"{named[0]} is not a text, Markdown or HTML file by its "
                               "suffix: give --id FIELD to import a JSON or CSV file item by "
                               "item, or --format to read it as one of those")
            unknown.append(item.paths[-1])
            continue
        chosen.append(item)
    used = {f.article for f in files if f.article}
    for item in chosen:
        if item.article is None:
            for name in (slug(_stem(item.paths[0])), slug(item.paths[0].rsplit(".", 1)[0])):
                if name not in used:
                    break
            else:
                name = next(f"{name}-{k}" for k in range(2, 10**6) if f"{name}-{k}" not in used)
            item.article = name
            used.add(name)
    versions = [(commits[n], f, p, b) for n, f, p, b in
                sorted(((n, f, p, b) for f in chosen for n, p, b in f.changes),
                       key=lambda v: v[0])]
    unmatched = [w for w in wanted if not any(_matches(p, [w]) for f in files for p in f.paths)]
    return GitPlan(head, since, versions, live, gone, unmatched if since is None else [],
                   sorted(unknown), sorted(meta), chosen)


def _blobs(repo: Path, shas: list[str]) -> Iterator[bytes | int]:
    """The contents of ``shas``, in order, from one ``git cat-file --batch`` process; for a
    blob over the import limit, its size instead (passed over, never held)."""
    process = subprocess.Popen(["git", "-C", str(repo), "cat-file", "--batch"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert process.stdin is not None and process.stdout is not None

    def feed() -> None:
        try:
            for sha in shas:
                process.stdin.write(sha.encode() + b"\n")  # type: ignore[union-attr]
            process.stdin.close()  # type: ignore[union-attr]
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        for sha in shas:
            header = process.stdout.readline().split()
            if len(header) != 3:
                raise GitError(f"git cat-file could not read blob {sha}")
            size = int(header[2])
            if size > reading.LIMIT:  # passed over a megabyte at a time
                left = size
                while left > 0:
                    chunk = process.stdout.read(min(left, 1 << 20))
                    if not chunk:
                        raise GitError(f"git cat-file could not read blob {sha}")
                    left -= len(chunk)
                process.stdout.read(1)
                yield size
                continue
            data = process.stdout.read(size)
            process.stdout.read(1)  # the newline after each object
            yield data
    finally:
        process.stdout.close()
        process.kill()
        process.wait()
        writer.join()


def _state_file(project: Path, source: str) -> Path:
    return project / ".sitegen-cache" / "import-git" / f"{source}.json"


def _state_key(roots: str, wanted: list[str], fmt: str | None,
               fields: records.Fields | None) -> str:
    parts: list[object] = [roots, sorted(wanted), fmt]
    if fields:
        parts.append([fields.id, fields.title, list(fields.text)])
    return json.dumps(parts)


def load_state(project: Path, source: str, key: str) -> dict | None:
    try:
        data = json.loads(_state_file(project, source).read_text("utf-8"))
        entry = data["imports"][key]
        return entry if data.get("format") == STATE_FORMAT else None
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no state, or not one this version wrote: read the whole history


def save_state(project: Path, source: str, key: str, repo: Path, result: GitPlan,
               errors: list[str]) -> None:
    file = _state_file(project, source)
    try:
        data = json.loads(file.read_text("utf-8"))
        if data.get("format") != STATE_FORMAT:
            raise ValueError
    except (OSError, ValueError):
        data = {"format": STATE_FORMAT, "imports": {}}
    data["imports"][key] = {
        "repo": str(repo), "head": result.head,
        "files": {p: f.article for p, f in sorted(result.live.items()) if f.article},
        "gone": {p: f.article for p, f in sorted(result.gone.items()) if f.article},
        "errors": sorted(errors),
    }
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", "utf-8")
    tmp.replace(file)


def repo_root(repo: Path) -> Path:
    if not repo.is_dir():
        raise GitError(f"{repo} is not a folder")
    return Path(git(repo, "rev-parse", "--show-toplevel").decode().strip())


def relative_paths(root: Path, paths: list[str]) -> list[str]:
    """PATH arguments as repository paths (relative to its top), without './' or '/' ends."""
    result = []
    for raw in paths:
        path = Path(raw)
        if path.is_absolute():
            try:
                path = path.resolve().relative_to(root.resolve())
            except ValueError:
                raise GitError(f"{raw} is not inside the repository {root}") from None
        text = path.as_posix().strip("/")
        if text.startswith("..") or text.startswith("/"):
            raise GitError(f"{raw} is not inside the repository {root}")
        if text and text != ".":
            result.append(text)
    return result


def run(session: Session, source: str, repo: Path, wanted: list[str], fmt: str | None, *,
        fields: records.Fields | None = None, rescan: bool = False,
        started: Callable[[int], None] = lambda _: None,
        report: Callable[[Outcome | None, int], None] = lambda _o, _n: None) -> GitPlan:
    """Import the history of ``wanted`` in ``repo`` into ``source``: each file as an
    article, or with ``fields``, the one data file chosen as an article per item.
    ``started`` is given the number of file versions to read; ``report`` each outcome and
    how many of those versions it finished."""
    try:
        roots = git(repo, "rev-list", "--max-parents=0", "HEAD").decode().split()
    except GitError:
        raise GitError(f"{repo} has no commits to import") from None
    key = _state_key(" ".join(sorted(roots)), wanted, fmt, fields)
    saved = load_state(session.project, source, key)
    state = None if rescan else saved
    if state and state.get("head"):
        try:
            git(repo, "merge-base", "--is-ancestor", state["head"], "HEAD")
        except GitError:
            state = None  # history rewritten: read all of it again
    result = plan(repo, wanted, RECORDS if fields else fmt, state)
    if fields and len(result.chosen) > 1:
        raise GitError(f"--id reads one data file, and {', '.join(wanted)} "
                       f"{'is' if len(wanted) == 1 else 'are'} {len(result.chosen)} files: "
                       f"{', '.join(sorted(f.paths[-1] for f in result.chosen))}; name one")
    tally = session.tally
    for path in result.unmatched:
        tally.errors.append(f"{path}: no file in the history of {repo} matches it")
    started(len(result.versions))
    blobs = _blobs(repo, [blob for _c, _f, _p, blob in result.versions])
    items = records.Items(session, source, fields, report) if fields else None
    for (commit, item, path, _blob), data in zip(result.versions, blobs, strict=True):
        assert item.article is not None and item.fmt is not None
        origin = f"{repo.name}:{path}@{commit.sha[:12]}"
        if isinstance(data, int):
            outcome = Outcome("error", origin, f"{source}/{item.article}", too_big(data))
            tally.count(outcome)
            report(outcome, 1)
            continue
        if items is None:
            report(session.offer(source, item.article, Candidate(
                origin, commit.time, data, item.fmt, extra={"commit": commit.sha})), 1)
            continue
        try:
            items.add(origin, commit.sha, commit.time, data, records.kind_of(path))
        except records.RecordsError as exc:
            raise GitError(f"{origin}: {exc}") from None
    if items is not None:
        items.finish(result.chosen[0].paths[0] if result.chosen else "")
        result.items = items
    known = _settle_errors(tally, repo.name, saved, whole=result.since is None)
    if not tally.retry:
        save_state(session.project, source, key, repo, result, known)
    return result


def _settle_errors(tally: Tally, repo_name: str, saved: dict | None, *, whole: bool
                   ) -> list[str]:
    """Leave in ``tally.errors`` only the errors no earlier run reported, and count the
    others in ``tally.repeated``; what the next run is to count as reported: the errors
    found, and, unless the whole history was read, the earlier ones too. They are kept
    without the repository's folder name, which a new clone may change."""
    known = set((saved or {}).get("errors") or [])
    found = [(line, tally.same.get(line) or line.removeprefix(f"{repo_name}:"))
             for line in tally.errors]
    tally.errors = [line for line, name in found if name not in known]
    tally.repeated = len(found) - len(tally.errors)
    names = {name for _line, name in found}
    return sorted(names if whole else names | known)

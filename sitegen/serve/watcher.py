"""Watching the project's input, and turning bursts of changes into single rebuilds.

A save in an editor is several file events (a temp file, a rename, a backup), a ``git pull``
or an import is hundreds. :class:`Debouncer` waits for a quiet moment (or a maximum delay,
for an endless stream) and hands the whole set of changed paths to one rebuild; changes that
arrive while a rebuild runs are collected for exactly one follow-up. Only what the build
reads is watched: ``content/``, ``themes/`` and ``sitegen.yaml`` (not the whole project,
which may hold a virtualenv or a ``.git`` of thousands of folders).
"""

from __future__ import annotations

import contextlib
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

from sitegen.config import FILENAME as CONFIG
from sitegen.errors import SitegenError

TREES = ("content", "themes")
# Opened and closed events are left out: the build reading the input must not trigger a build.
EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent,
    DirCreatedEvent, DirDeletedEvent, DirMovedEvent,
]
_KINDS = {EVENT_TYPE_CREATED, EVENT_TYPE_MODIFIED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED}


def ignored_name(name: str) -> bool:
    """Editor and system litter: swap, backup, lock and probe files, and hidden names."""
    return (name.startswith((".", "#"))  # .file.swp, .#lock (Emacs), #autosave#, .DS_Store
            or name.endswith(("~", ".swp", ".swo", ".swx", "___jb_tmp___", "___jb_old___"))
            or name == "4913"  # Vim's write-permission probe
            or name == "__pycache__")


def relevant(rel: str) -> bool:
    """Whether a project-relative posix path is input the build reads."""
    if rel == CONFIG:
        return True
    parts = rel.split("/")
    return parts[0] in TREES and not any(ignored_name(p) for p in parts)


def is_full(changed: Iterable[str]) -> bool:
    """Whether a change reaches every page: the settings or the theme."""
    return any(rel == CONFIG or rel.split("/")[0] == "themes" for rel in changed)


class Debouncer:
    """Calls ``action(changed paths)`` once per burst of :meth:`add` calls, one at a time."""

    def __init__(self, action: Callable[[frozenset[str]], None], *, quiet: float = 0.3,
                 max_wait: float = 2.0):
        self.action = action
        self.quiet = quiet
        self.max_wait = max_wait
        self._wake = threading.Condition()
        self._pending: set[str] = set()
        self._first = self._last = 0.0
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="sitegen-rebuild", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def add(self, paths: Iterable[str]) -> None:
        with self._wake:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._pending.update(paths)
            self._last = now
            self._wake.notify()

    def _next_batch(self) -> frozenset[str] | None:
        with self._wake:
            while not self._stopped:
                if not self._pending:
                    self._wake.wait()
                    continue
                due = min(self._last + self.quiet, self._first + self.max_wait)
                delay = due - time.monotonic()
                if delay <= 0:
                    batch = frozenset(self._pending)
                    self._pending.clear()
                    return batch
                self._wake.wait(delay)
            return None

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            try:
                self.action(batch)  # without the lock: changes keep arriving meanwhile
            except Exception:  # the preview must outlive a bug in one rebuild
                traceback.print_exc()

    def stop(self) -> None:
        """Stop; a rebuild that is running is waited for (it is writing into our folder)."""
        with self._wake:
            self._stopped = True
            self._wake.notify()
        if self._thread.is_alive():
            self._thread.join()


class Watcher(FileSystemEventHandler):
    """Reports changed input paths (project-relative, posix) to ``notify``."""

    def __init__(self, project: Path, notify: Callable[[set[str]], None]):
        self.project = project
        self.notify = notify
        self.observer = Observer()
        self._trees: dict[str, ObservedWatch] = {}

    def start(self) -> None:
        # watchdog warns when a folder created in a burst (mkdir -p, an import) is added to a
        # recursive watch twice, which it handles; the warning is noise in the terminal.
        warnings.filterwarnings("ignore", message="Callback with id .* already exists",
                                category=RuntimeWarning, module=r"watchdog\.")
        # The project folder itself, not recursively: sitegen.yaml, and content/ or themes/
        # appearing (or being replaced) later.
        try:
            self.observer.schedule(self, str(self.project), recursive=False,
                                   event_filter=EVENTS)
            for name in TREES:
                self._watch_tree(name)
            self.observer.start()
        except OSError as exc:
            raise SitegenError(
                f"cannot watch {self.project} for changes: {exc.strerror or exc} (on Linux, "
                "'no space left' means the inotify watch limit: raise "
                "fs.inotify.max_user_watches)") from None

    def _watch_tree(self, name: str) -> None:
        old = self._trees.pop(name, None)
        if old is not None:
            with contextlib.suppress(KeyError, OSError):  # its folder is gone, and the watch
                self.observer.unschedule(old)
        folder = self.project / name
        if folder.is_dir():
            self._trees[name] = self.observer.schedule(self, str(folder), recursive=True,
                                                       event_filter=EVENTS)

    def _relative(self, path: str | bytes) -> str | None:
        try:
            return Path(str(path) if isinstance(path, str) else path.decode()).relative_to(
                self.project).as_posix()
        except ValueError:
            return None

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _KINDS:
            return
        if event.is_directory and event.event_type == EVENT_TYPE_MODIFIED:
            return  # a folder's listing changed: the event for the entry itself is enough
        paths = [event.src_path]
        if event.event_type == EVENT_TYPE_MOVED:
            paths.append(event.dest_path)  # editors save by renaming a temp file over it
        changed = {rel for p in paths if (rel := self._relative(p)) and relevant(rel)}
        for rel in changed:
            if rel in TREES and event.is_directory and event.event_type != EVENT_TYPE_DELETED:
                try:
                    self._watch_tree(rel)
                except OSError:  # not watched, but this change still rebuilds
                    traceback.print_exc()
        if changed:
            self.notify(changed)

    def stop(self) -> None:
        self.observer.stop()
        if self.observer.is_alive():
            self.observer.join()

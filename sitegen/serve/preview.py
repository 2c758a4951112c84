"""A preview session: the first build, the server, the watcher, and rebuilds on change.

The site is built into a temporary folder the session owns (as ``mkdocs serve`` does), so
previewing never replaces the ``site/`` a user built for publishing, and stopping removes it.
Rebuilds go through :func:`sitegen.build.build`, the same code as ``sitegen build``: what
the preview shows is what would be published, with one difference: ``base_url`` is the
preview's own address (as ``mkdocs serve`` does with ``site_url``), so that feeds, the
sitemap and canonical links, which need an absolute address, work in the preview whether or
not ``base_url`` is set. ``build()`` finds what changed itself, from
content hashes (the build cache, ``.sitegen-cache/``, keeps a record per output folder), so a
rebuild after an edit re-renders only the pages that edit reaches; the changed paths are used
only to say in the terminal what is being rebuilt.
"""

from __future__ import annotations

import ipaddress
import shutil
import socket
import tempfile
import threading
import time
import traceback
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from sitegen.build import BuildResult, build
from sitegen.config import load_config
from sitegen.errors import BuildError, SitegenError
from sitegen.render.helpers import plural
from sitegen.serve.livereload import Status
from sitegen.serve.server import PreviewServer, open_server
from sitegen.serve.watcher import Debouncer, Watcher, is_full
from sitegen.terminal import Terminal

TEMP_PREFIX = "sitegen-serve-"


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` names is on this machine only."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return False
    return all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos)


def describe(changed: frozenset[str]) -> str:
    """``content/a/b/v1.md`` or ``content/a/b/v1.md and 4 more`` for the terminal."""
    first = sorted(changed)[0]
    return first if len(changed) == 1 else f"{first} and {len(changed) - 1} more"


class Preview:
    """Serve ``project`` and keep it rebuilt; use as a context manager to clean up."""

    def __init__(self, project: Path, *, host: str = "127.0.0.1", port: int = 8000,
                 base_path: str = "/", search: bool = True, console: Console | None = None,
                 quiet: float = 0.3, max_wait: float = 2.0):
        self.project = project.resolve()
        if not self.project.is_dir():
            raise SitegenError(f"project folder {project} does not exist; give it with -C, "
                               "or run 'sitegen new' to start one")
        self.console = console or Terminal()
        self.search = search
        self.status = Status()
        self.builds = 0
        self._warnings: list[str] = []
        self.workdir: Path | None = None
        self.output = Path()
        # The port first: a port in use is reported before anything is built or made.
        self.server: PreviewServer = open_server(host, port, self.output, base_path,
                                                 self.status)
        self.workdir = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
        self.output = self.server.root = self.workdir / "site"
        self.debouncer = Debouncer(self.rebuild, quiet=quiet, max_wait=max_wait)
        self.watcher = Watcher(self.project, self.debouncer.add)
        self._serving = threading.Event()

    @property
    def port(self) -> int:
        """The port listened on (the one the system picked, for port 0)."""
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        """The address to open: a wildcard host is shown as this machine's loopback."""
        host, port = self.server.server_address[:2]
        host = str(host)
        if host in ("0.0.0.0", ""):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}{self.server.base_path}"

    def start(self) -> None:
        """Watch first (a save during the first build is not lost), then build once."""
        self.watcher.start()
        config, problems = load_config(self.project)
        if not problems and not config.base_url:
            self.console.print(
                f"Feeds, sitemap.xml and canonical links use the preview's address, {self.url}; "
                "a build for publishing needs base_url in sitegen.yaml (or sitegen build "
                "--base-url) to have them.", markup=False)
        self.rebuild(None)
        self.debouncer.start()

    def serve_forever(self) -> None:
        self._serving.set()
        try:
            self.server.serve_forever(poll_interval=0.2)
        finally:
            self._serving.clear()

    def rebuild(self, changed: frozenset[str] | None) -> None:
        """Build into the output and publish the outcome to the pages that are open."""
        if changed:
            scope = "rebuilding everything" if is_full(changed) else "rebuilding"
            self.console.print(f"Changed: {describe(changed)}; {scope}", markup=False)
        started = time.perf_counter()
        try:
            # build() finds what changed itself, from content hashes (.sitegen-cache/);
            # the error page is cleared just before the new output is put in place.
            result = build(self.project, self.output, base_url=self.url, search=self.search,
                           on_publish=self.status.clearing)
        except BuildError as exc:
            lines = [str(p) for p in exc.problems]
            for line in lines:
                self.console.print(line, markup=False)
            self._failed(str(exc), lines)
        except SitegenError as exc:
            self.console.print(str(exc), markup=False)
            self._failed("the build stopped", [str(exc)])
        except Exception as exc:  # a bug in one build must not end the preview
            for line in traceback.format_exc().splitlines():
                self.console.print(line, markup=False)
            self._failed("unexpected error (a bug in sitegen)", [f"{type(exc).__name__}: {exc}"])
        else:
            self._built(result, time.perf_counter() - started)
        finally:
            self.builds += 1

    def _built(self, result: BuildResult, seconds: float) -> None:
        self.status.succeeded()
        if result.warnings != self._warnings:  # said once, not after every save
            self._warnings = result.warnings
            for warning in result.warnings:
                self.console.print(f"[yellow]Warning:[/] {escape(warning)}")
        self.console.print(
            f"[green]Built[/] {plural(result.articles, 'article')}, "
            f"{plural(result.versions, 'version')}: {plural(result.pages, 'page')} "
            f"in {seconds:.2f} s")

    def _failed(self, summary: str, lines: list[str]) -> None:
        self.status.failed(summary, lines)
        shown = "the last good build" if self.status.current.has_site else "an error page"
        self.console.print(f"[bold red]Build failed:[/] {summary}; serving {shown} until "
                           "the input is fixed (the browser shows the problems too)")

    def close(self) -> None:
        """Stop everything and remove the temporary build folder."""
        self.status.close()
        if self._serving.is_set():
            self.server.shutdown()
        self.watcher.stop()
        self.debouncer.stop()  # waits for a running rebuild: it writes into workdir
        self.server.server_close()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def __enter__(self) -> Preview:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

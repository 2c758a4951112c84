"""``sitegen serve``."""

from __future__ import annotations

import signal
import webbrowser
from pathlib import Path
from types import FrameType

import click
from rich.markup import escape

from sitegen.cli.build import project_option
from sitegen.config import load_config
from sitegen.errors import SitegenError
from sitegen.serve.paths import normalise_base_path
from sitegen.serve.preview import Preview, is_loopback
from sitegen.terminal import Terminal


def configured_base_path(project: Path) -> str:
    """Where the site will live (the path of base_url), so the preview matches it.

    404.html links start from that path; serving elsewhere would break them. A config
    with problems gives "/": the first build reports the problems.
    """
    config, problems = load_config(project)
    try:
        return "/" if problems else normalise_base_path(config.base_path)
    except ValueError:
        return "/"


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM cleans up the way Ctrl-C does


@click.command()
@project_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on. Anything but a loopback address lets other "
                   "machines read the preview.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to listen on; 0 picks any free port.")
@click.option("--base-path", metavar="PATH", default=None,
              help="Serve the site under this path, as GitHub Pages serves a project site "
                   "(e.g. /repo/), so links that only work at / show up broken here too.  "
                   "[default: the path of base_url in sitegen.yaml, else /]")
@click.option("--no-search", "no_search", is_flag=True,
              help="Skip the search index (and the search page): faster rebuilds.")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a web browser.")
def serve(project: Path, host: str, port: int, base_path: str | None, no_search: bool,
          open_browser: bool) -> None:
    """Build the site, serve it locally, and rebuild and reload the browser on every save.

    Watches PROJECT/content, PROJECT/themes and PROJECT/sitegen.yaml. A build error is shown
    in the terminal and on the page in the browser, and the last good build stays served
    until the file is fixed. The site is built into a temporary folder (site/ is left alone)
    that is removed on Ctrl-C.
    """
    if base_path is None:
        base = configured_base_path(project)
    else:
        try:
            base = normalise_base_path(base_path)
        except ValueError as exc:
            raise SitegenError(f"--base-path {exc}") from None
    out = Terminal()
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        with Preview(project, host=host, port=port, base_path=base, search=not no_search,
                     console=out) as preview:
            if not is_loopback(host):
                out.print(f"[bold yellow]Warning: serving on {escape(host)}, not on "
                          f"loopback: anyone who can reach this machine on port {preview.port} "
                          "can read the preview, unpublished content included. Leave --host "
                          "out to serve on 127.0.0.1 only.[/]")
            preview.start()
            out.print(f"Serving [bold]{escape(preview.url)}[/] (press Ctrl-C to stop)")
            if open_browser:
                webbrowser.open(preview.url)
            preview.serve_forever()
    except KeyboardInterrupt:
        out.print("Stopped; the temporary build folder is removed.")

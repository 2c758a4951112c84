"""``sitegen fetch``: read the sources' feeds and store the articles' new versions."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from sitegen.cli.build import project_option
from sitegen.fetch.http import USER_AGENT, Options
from sitegen.fetch.run import Round
from sitegen.terminal import Terminal


@click.command()
@click.option("--all", "every", is_flag=True,
              help="Check every tracked article now, whatever the schedule says.")
@click.option("-v", "--verbose", is_flag=True, help="Say what happened to each URL.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=20.0, show_default=True,
              metavar="SECONDS", help="Give up on a request after this long (it is retried).")
@click.option("--retries", type=click.IntRange(min=0), default=2, show_default=True,
              help="Retries of a request that timed out or got a 5xx or 429 answer "
                   "(after the server's Retry-After, up to 60 s).")
@click.option("--concurrency", type=click.IntRange(min=1, max=32), default=4,
              show_default=True, help="Requests in flight at once (each host is still "
                                      "limited by its rate_limit).")
@click.option("--warc", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="Also append every page's response, its body as sent, to this WARC file "
                   "(keep it outside content/), so each version can be checked against it.")
@project_option
def fetch(every: bool, verbose: bool, timeout: float, retries: int, concurrency: int,
          warc: Path | None, project: Path) -> None:
    """Read every source's feeds and check the articles that are due.

    New articles in the feeds are fetched and stored; tracked articles are checked again on
    a schedule that slows down as they stop changing (content/<source>/_fetch.yaml). A
    version is stored only when the text changed. A URL that fails is reported and stores
    nothing; the run goes on. Exit status: 0 when the run did its work, 1 for a
    configuration error, 2 when every request failed.
    """
    out = Terminal()
    err = Terminal(stderr=True)
    lines: list[str] = []
    options = Options(user_agent=USER_AGENT, timeout=timeout, retries=retries)
    fetch_round = Round(project, every=every, options=options, workers=concurrency,
                        report=(lambda line: lines.append(line)) if verbose else
                        (lambda _line: None), warc=warc)
    show = out.is_terminal and not verbose
    progress = Progress(TextColumn("Fetching"), BarColumn(), MofNCompleteColumn(),
                        console=out, transient=True, disable=not show)
    task = progress.add_task("fetch", total=None)

    def advance(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)
        for line in lines:
            out.print(line, markup=False)
        lines.clear()

    # A cancelled CI job: stop as for Ctrl-C (the caller's own handler comes back after).
    before = signal.signal(signal.SIGTERM, _interrupt)
    try:
        with progress:
            summary = fetch_round.run(advance)
    except KeyboardInterrupt:
        err.print("Interrupted: every version stored so far is kept, and the schedule "
                  "saved.", markup=False)
        sys.exit(130)
    finally:
        signal.signal(signal.SIGTERM, before)
    for line in lines:
        out.print(line, markup=False)
    if not verbose:
        for failure in summary.failures:
            err.print(f"Failed: {failure}", markup=False)
    out.print(summary.line() + ".", markup=False)
    if summary.succeeded == 0 and summary.failed:
        err.print("Error: every request failed; check the network and the feed addresses.",
                  markup=False)
        sys.exit(2)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt

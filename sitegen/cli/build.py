"""``sitegen build``."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from sitegen.build import build as run_build
from sitegen.render.helpers import plural
from sitegen.terminal import Terminal

project_option = click.option(
    "-C", "--project", "project", type=click.Path(file_okay=False, path_type=Path),
    default=".", show_default=True, help="The project folder (holding content/ and sitegen.yaml).")


@contextlib.contextmanager
def progress_bar(console: Console) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on a terminal (it disappears when done), nothing elsewhere: a long build
    shows how far it has got, and logs stay clean."""
    if not console.is_terminal:
        yield lambda what, done, total: None
        return
    # Imported here: a build in a log (CI, the benchmark) does not load it.
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def update(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=total)
            bar.update(tasks[what], completed=done, total=total)

        yield update


@click.command()
@project_option
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Where to write the site.  [default: PROJECT/site]")
@click.option("--base-url", metavar="URL", default=None,
              help="The site's public address, e.g. https://user.github.io/repo/ "
                   "(overrides base_url in sitegen.yaml).")
@click.option("--overwrite", is_flag=True,
              help="Replace an output folder even if sitegen did not create it.")
@click.option("--no-search", "no_search", is_flag=True,
              help="Skip the search index (and the search page): faster, for previews.")
@click.option("-k", "--keep-going", is_flag=True,
              help="Build every valid file even if others have problems; list what was "
                   "skipped.")
@click.option("--no-cache", "no_cache", is_flag=True,
              help="Ignore .sitegen-cache/ and rebuild everything (the output is the same).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for rendering, and search indexer runs at once (at "
                   "most 4).  [default: one per CPU]")
def build(project: Path, output: Path | None, base_url: str | None, overwrite: bool,
          no_search: bool, keep_going: bool, no_cache: bool, jobs: int | None) -> None:
    """Build the archive from PROJECT/content into the output folder.

    Every content problem is reported as path:line: message; if there is any, nothing is
    written and the previous output is left as it was (exit status 1). With --keep-going
    the valid files are built, the problems are listed as skipped, and the exit status is 0.
    """
    err = Terminal(stderr=True)
    with progress_bar(err) as progress:
        result = run_build(project, output, base_url=base_url, overwrite=overwrite,
                           search=not no_search, keep_going=keep_going, cache=not no_cache,
                           jobs=jobs, progress=progress)
    for item in result.skipped:
        err.print(f"[yellow]Skipped:[/] {escape(str(item))}")
    try:
        shown = result.output.relative_to(Path.cwd())
    except ValueError:
        shown = result.output
    out = Terminal()
    for warning in result.warnings:
        err.print(f"[yellow]Warning:[/] {escape(warning)}")
    out.print(
        f"Built {plural(result.sources, 'source')}, {plural(result.articles, 'article')}, "
        f"{plural(result.versions, 'version')}: {plural(result.pages, 'page')} "
        f"({plural(result.files, 'file')}) in {shown}/ in {result.seconds:.2f} s"
        + (f"; {plural(len(result.skipped), 'problem')} skipped (listed above)"
           if result.skipped else ""),
        markup=False)
    rate = result.hit_rate
    out.print(
        f"Cache: {plural(result.reused, 'article')} reused, {result.rebuilt:,} rebuilt"
        + (f" (hit rate {rate:.1%})" if rate is not None else "")
        + f"; {plural(result.written, 'file')} written, {result.deleted:,} deleted",
        markup=False)

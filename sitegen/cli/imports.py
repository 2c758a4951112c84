"""``sitegen import`` and ``sitegen import-git``, and the progress and summary they share."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sitegen.cli.build import project_option
from sitegen.content.names import name_problem
from sitegen.errors import SitegenError, printable
from sitegen.ingest import gitimport, records, snapshots
from sitegen.ingest.extract import FORMATS
from sitegen.ingest.session import Outcome, Session, Tally
from sitegen.render.helpers import plural
from sitegen.terminal import Terminal

format_option = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default=None,
    help="Read every file as this format.  [default: by suffix: .txt text, .md markdown, "
         ".html html]")
source_option = click.option(
    "--source", metavar="SOURCE", default=None,
    help="The source (content/SOURCE/) to import into.  [default: the folder's name]")
verbose_option = click.option("-v", "--verbose", is_flag=True,
                              help="Say what happened to every file, not only the errors.")


def pick_source(source: str | None, folder: Path) -> str:
    """The --source given, or the folder's name; either must be a valid source name."""
    name = source or folder.resolve().name
    message = name_problem(name, "source")
    if message:
        hint = "" if source else "; pass --source with a valid name"
        raise SitegenError(f"cannot import into source {name!r}: {message}{hint}")
    return name


Report = Callable[[Outcome | None, int], None]


@contextmanager
def progress(label: str, verbose: bool) -> Iterator[tuple[Callable[[int], None], Report]]:
    """(start(total), report(outcome, done)): a progress bar on a terminal, nothing in a
    log; ``done`` is how many of the total the outcome finished."""
    err = Terminal(stderr=True)
    out = Terminal()
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=err, transient=True,
                   disable=not err.is_terminal)
    task = bar.add_task(escape(printable(label)), total=None)  # the label names a folder

    def start(total: int) -> None:
        bar.update(task, total=total)

    def report(outcome: Outcome | None, done: int = 1) -> None:
        if done:
            bar.advance(task, done)
        if verbose and outcome is not None and outcome.kind != "error":
            out.print(str(outcome), markup=False)

    with bar:
        yield start, report


def summarise(tally: Tally, where: str, seconds: float, note: str = "") -> None:
    """Print the errors, then one summary line (and the note); exit with status 1 if
    anything failed that no earlier run reported."""
    err = Terminal(stderr=True)
    for line in [*tally.skipped, *tally.errors]:
        err.print(line, markup=False)
    errors = plural(len(tally.errors), "error")
    if tally.repeated:
        errors += f" ({tally.repeated:,} already reported by an earlier run, not repeated)"
    skipped = f"{plural(len(tally.skipped), 'error page')} skipped, " if tally.skipped else ""
    out = Terminal()
    out.print(
        f"{where}: {tally.added:,} added ({plural(tally.reverts, 'revert')} among them), "
        f"{tally.unchanged:,} unchanged, {skipped}{errors}; "
        f"{plural(len(tally.articles), 'article')} in {seconds:.2f} s", markup=False)
    if note:
        out.print(note, markup=False)
    if tally.renumbering:
        out.print(f"Note: {tally.renumbering:,} of the added versions "
                  f"{'is' if tally.renumbering == 1 else 'are'} older than versions stored "
                  "before: those were renumbered, so links to their pages (vN/) and diffs now "
                  "lead to other versions.", markup=False)
    if tally.errors:
        sys.exit(1)


def listing(paths: list[str], most: int = 10) -> str:
    """``a, b, c``, or the first ``most`` of them and ``and 12 more``."""
    shown = ", ".join(paths[:most])
    return shown + (f" and {len(paths) - most:,} more" if len(paths) > most else "")


@click.command("import")
@click.argument("directory", metavar="DIR",
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@source_option
@format_option
@verbose_option
@project_option
def import_dir(directory: Path, source: str | None, fmt: str | None, verbose: bool,
               project: Path) -> None:
    """Import a folder of snapshots: DIR/<article>/<time>.<ext>, one file per version.

    File names give the time (2025-03-07T10-12-00Z, 20250307T101200Z, ...; a zone is
    required) unless the article folder's meta.json lists the file with a "time". A
    meta.json may also give the article's "title" and "url". Versions identical to the
    stored ones are skipped, so running the import again adds nothing.
    """
    began = time.perf_counter()
    name = pick_source(source, directory)
    session = Session(project, title_fallback=True)
    todo = snapshots.plan(directory, fmt)
    with progress(f"Importing {directory.name}", verbose) as (start, report):
        start(todo.total)
        snapshots.run(session, name, todo, report)
    summarise(session.tally, f"content/{name}/", time.perf_counter() - began)


@click.command("import-git")
@click.argument("repo", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("paths", metavar="[PATH]...", nargs=-1)
@source_option
@format_option
@click.option("--id", "id_field", metavar="FIELD", default=None,
              help="Read the one PATH as data (a JSON array of objects, JSON Lines, or CSV "
                   "with a header row) and make an article of each item, named by this field "
                   "(a URL, usually).")
@click.option("--title", "title_field", metavar="FIELD", default="title", show_default=True,
              help="With --id: the field that is an item's headline.")
@click.option("--text", "text_fields", metavar="FIELD", multiple=True,
              help="With --id: a field that is an item's text; repeat it for more.  "
                   "[default: every field but the id, the title and url]")
@click.option("--rescan", is_flag=True,
              help="Read the whole history again instead of only the commits since the "
                   "last run (adds only what is missing).")
@verbose_option
@project_option
def import_git(repo: Path, paths: tuple[str, ...], source: str | None, fmt: str | None,
               id_field: str | None, title_field: str, text_fields: tuple[str, ...],
               rescan: bool, verbose: bool, project: Path) -> None:
    """Import the history of files in the git repository REPO: one version per commit that
    changed a file, fetched at the commit's time, following renames.

    PATHs (files or folders, relative to the repository's top) choose the files; without
    them every .txt, .md and .html file is imported. The repository's own files (README,
    LICENSE, requirements.txt, hidden folders such as .github/) are left out unless a PATH
    names one. Each file becomes an article named after its first file name. A second run
    reads only the commits made since the first.

    With --id, the one PATH is a data file that the scraper rewrites (a JSON array of
    objects, JSON Lines, or CSV): each item is an article, and a commit that changes an
    item's title or text stores a version of it; items that disappear are kept.
    """
    began = time.perf_counter()
    fields = None
    if id_field is not None:
        if len(paths) != 1:
            raise click.UsageError("--id reads one data file: give it as the one PATH, e.g. "
                                   "sitegen import-git REPO stories.json --id url")
        if fmt:
            raise click.UsageError("--format does not go with --id: the data file's format "
                                   "comes from its suffix (.json, .jsonl, .csv, .tsv) or text")
        fields = records.Fields(id_field, title_field, text_fields)
    elif text_fields or title_field != "title":
        raise click.UsageError("--title and --text choose fields of a data file: they need "
                               "--id")
    root = gitimport.repo_root(repo)
    name = pick_source(source, root)
    wanted = gitimport.relative_paths(root, list(paths))
    session = Session(project, title_fallback=True)
    with progress(f"Importing {root.name}", verbose) as (start, report):
        result = gitimport.run(session, name, root, wanted, fmt, fields=fields, rescan=rescan,
                               started=start, report=report)
    out = Terminal()
    commits = len({commit.sha for commit, *_ in result.versions})
    if result.since == result.head:
        out.print(f"No new commits since {result.head[:12]}.", markup=False)
    else:
        since = f"since {result.since[:12]}" if result.since else "in the whole history"
        out.print(f"{plural(commits, 'commit')} {since} changed the chosen files "
                  f"(up to {result.head[:12]}).", markup=False)
    if result.unknown:
        out.print(f"Skipped {plural(len(result.unknown), 'file')} that "
                  f"{'is' if len(result.unknown) == 1 else 'are'} not text, Markdown or HTML "
                  f"by {'its' if len(result.unknown) == 1 else 'their'} suffix: "
                  f"{listing(result.unknown)} (--format reads every file as one of those; "
                  "--id FIELD imports a JSON or CSV file item by item)", markup=False)
    if result.meta:
        out.print(f"Left out {plural(len(result.meta), 'repository file')}, not articles: "
                  f"{listing(result.meta)} (name one as a PATH to import it)", markup=False)
    if result.items is not None and result.items.commits:
        items = result.items
        repeated = (f"; {plural(items.repeated, 'version')} listed an id more than once "
                    "(the first item with it was used)" if items.repeated else "")
        out.print(f"Read {plural(items.commits, 'version')} of the data file: "
                  f"{plural(len(items.last), 'distinct item')}{repeated}.", markup=False)
    tally = session.tally
    note = ""
    if tally.retry:
        note = ("The position is not saved: once the problems above are fixed, the next run "
                "reads these commits again.")
    elif tally.errors:
        note = (f"The position is saved at {result.head[:12]}: the next run starts after it "
                "and does not report these errors again (--rescan reads the whole history "
                "again).")
    summarise(tally, f"content/{name}/", time.perf_counter() - began, note)

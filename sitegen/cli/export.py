"""``sitegen export``: the archive as a dataset for research (docs/export.md)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import click
from rich.markup import escape

from sitegen.build import resolve_config
from sitegen.cli.build import progress_bar, project_option
from sitegen.content.frontmatter import parse_time
from sitegen.content.loader import ArticleFiles, load_article, scan
from sitegen.errors import BuildError, Problem, problem
from sitegen.model import Article
from sitegen.render.helpers import plural
from sitegen.terminal import Terminal


def _since(_ctx: click.Context, _param: click.Parameter, value: str | None
           ) -> datetime | None:
    if value is None:
        return None
    result = parse_time(value, "--since", date_ok=True)
    if isinstance(result, str):
        raise click.BadParameter(result.removeprefix("--since "))
    if not isinstance(result, datetime):
        assert isinstance(result, date)
        return datetime(result.year, result.month, result.day, tzinfo=UTC)
    return result


def _size(count: int) -> str:
    return f"{count / 1e6:,.1f} MB" if count >= 100_000 else f"{count / 1e3:,.1f} kB"


@click.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@project_option
@click.option("--since", metavar="TIME", callback=_since, default=None,
              help="Only the versions fetched after TIME (ISO 8601, e.g. 2025-03-07 or "
                   "2025-03-07T10:12:00Z) and the changes that led to them.")
@click.option("--parquet/--no-parquet", default=None,
              help="Also write Parquet files (needs pyarrow).  [default: when pyarrow is "
                   "installed]")
@click.option("-k", "--keep-going", is_flag=True,
              help="Export every valid version even if other files have problems; list "
                   "what was skipped.")
def export(out_dir: Path, project: Path, since: datetime | None, parquet: bool | None,
           keep_going: bool) -> None:
    """Write the archive to OUT_DIR as a dataset: versions, changes and sentence edits.

    versions.jsonl.gz holds every version's text, SHA-256 and capture details;
    changes.jsonl.gz each change between consecutive versions (significance, diff counts,
    headline change); edits.jsonl.gz each change's sentence-level edit actions (added,
    deleted, edited with its word diff, moved). With pyarrow installed the same tables are
    also written as .parquet. meta.json gives the format version and the files' hashes.
    The fields are described in docs/export.md. Any content problem stops the export and
    leaves OUT_DIR as it was (unless --keep-going).
    """
    from sitegen.export.write import export as run_export
    from sitegen.export.write import has_parquet

    if parquet and not has_parquet():
        raise click.UsageError("--parquet needs pyarrow: pip install pyarrow")
    project = project.resolve()
    config = resolve_config(project, None)
    content = project / "content"
    if out_dir.resolve().is_relative_to(content.resolve()):
        raise click.UsageError(f"{out_dir} is inside content/, where every file must be a "
                               "version: export somewhere else, e.g. data/")
    if not content.is_dir():
        raise BuildError([problem("content", f"no content/ folder in {project}; create it, "
                                             "or run 'sitegen new' to start a project")])
    _, specs, problems = scan(project, content)
    if problems and not keep_going:
        raise BuildError(problems)
    found: list[Problem] = []

    def articles(specs: list[ArticleFiles]) -> Iterator[Article]:
        for spec in specs:
            article, trouble = load_article(spec, config.max_file_size, config.max_paragraphs)
            if trouble and not keep_going:
                raise BuildError(trouble)
            found.extend(trouble)
            if article is not None:
                yield article

    err = Terminal(stderr=True)
    with progress_bar(err) as progress:
        summary = run_export(articles(specs), out_dir, total=len(specs), since=since,
                             parquet=has_parquet() if parquet is None else parquet,
                             progress=progress)
    for item in sorted(problems + found):
        err.print(f"[yellow]Skipped:[/] {escape(str(item))}", highlight=False)
    files = ", ".join(f"{name} {_size(size)}" for name, size in summary.files.items()
                      if name != "meta.json")
    Terminal().print(
        f"Exported {plural(summary.articles, 'article')}: "
        f"{plural(summary.versions, 'version')}, {plural(summary.changes, 'change')}, "
        f"{plural(summary.edits, 'edit action')} to {out_dir}/ in {summary.seconds:.2f} s "
        f"({files})", markup=False)

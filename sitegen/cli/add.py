"""``sitegen add``: store one new version of an article, if it changed."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from sitegen.cli.build import project_option
from sitegen.content import reading
from sitegen.content.frontmatter import parse_time
from sitegen.errors import SitegenError
from sitegen.ingest.extract import FORMATS, InputError, front_matter, guess_format
from sitegen.ingest.session import Candidate, Session
from sitegen.ingest.times import file_stem, iso, now, parse_fetched
from sitegen.render.helpers import plural
from sitegen.terminal import Terminal

FUTURE_SLACK = timedelta(minutes=1)  # clocks disagree a little


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _fetched(_ctx: click.Context, _param: click.Parameter, value: str | None):
    if value is None:
        return None
    try:
        return parse_fetched(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc).removeprefix("--fetched ")) from None


@click.command()
@click.argument("target", metavar="SOURCE/ARTICLE")
@click.argument("file", metavar="[FILE|-]", required=False)
@click.option("--title", metavar="T", help="The headline.  [default: the page's own title "
              "for HTML, the first '# heading' near the top for Markdown, else the article's "
              "headline at that time]")
@click.option("--url", metavar="U", help="The article's address at its source.  [default: "
              "an HTML page's canonical URL, else the address the article already has]")
@click.option("--fetched", metavar="TIME", callback=_fetched,
              help="When this version was captured, ISO 8601 with a zone, e.g. "
                   "2025-03-07T10:12:00Z.  [default: a Markdown file's own 'fetched:', "
                   "else now]")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="How to read the input.  [default: by the file's suffix, else HTML if it "
                   "looks like a page, else text]")
@project_option
def add(target: str, file: str | None, title: str | None, url: str | None, fetched,
        fmt: str | None, project: Path) -> None:
    """Store FILE (or standard input) as the next version of SOURCE/ARTICLE.

    Plain text is escaped so that it shows exactly as written; HTML pages have their main
    text extracted; a Markdown file with front matter (a version file from elsewhere) gives
    its title, url and fetched time unless the options say otherwise. Nothing is written if
    the text and title are the same as the article's previous version; a version identical
    to an older one is stored as a revert to it.
    """
    source, _, article = target.partition("/")
    if not source or not article or "/" in article:
        raise click.BadParameter("give it as SOURCE/ARTICLE, e.g. bbc/starmer-ukraine",
                                 param_hint="SOURCE/ARTICLE")
    if file in (None, "-"):
        if file is None and sys.stdin.isatty():
            raise click.UsageError("no input: give a FILE, or '-' and pipe the text in")
        origin = "<stdin>"
        try:
            data = reading.read_stream(sys.stdin.buffer)
        except reading.Unreadable as exc:
            raise SitegenError(f"standard input {exc.message}") from None
    else:
        origin = file
        try:
            data = reading.read_file(file)
        except reading.Unreadable as exc:
            raise SitegenError(f"{file}: {exc.message}") from None
    kind = fmt or guess_format(None if origin == "<stdin>" else origin, data)
    assert kind is not None
    if kind == "markdown":  # a version file from elsewhere: its fields are the defaults
        try:
            meta, data = front_matter(data, origin)
        except InputError as exc:
            raise SitegenError(f"{origin}: {exc}") from None
        title = title or _text(meta.get("title"))
        url = url or _text(meta.get("url"))
        if fetched is None and meta.get("fetched") is not None:
            when = parse_time(meta["fetched"], "fetched", date_ok=False)
            if isinstance(when, str):
                raise SitegenError(f"{origin}: {when}")
            fetched = when
    if fetched is None:
        fetched = now()
        if (project / "content" / source / article / f"{file_stem(fetched)}.md").exists():
            fetched = datetime.now(UTC)  # a second add within the second: keep them apart
    else:
        warn_if_future(fetched)
    session = Session(project, title_fallback=False)
    outcome = session.offer(source, article, Candidate(origin, fetched, data, kind, title, url))
    if outcome.kind in ("error", "skipped"):  # an error page: nothing stored, say so
        raise SitegenError(str(outcome))
    message = outcome.message[0].upper() + outcome.message[1:]
    if outcome.kind == "unchanged":
        message += "; nothing written"
    out = Terminal()
    out.print(message + ".", markup=False)
    if outcome.renumbered and outcome.number is not None:
        out.print(renumbering_note(outcome.number, outcome.renumbered), markup=False)


def renumbering_note(number: int, moved: int) -> str:
    """What inserting version ``number`` before ``moved`` stored versions did to them."""
    last = number + moved - 1
    if moved == 1:
        change = (f"which is renumbered: version {number} is now version {number + 1}, so "
                  f"links to its page (v{number}/) and to the diffs that include it")
    else:
        change = (f"which are renumbered: versions {number}-{last} are now versions "
                  f"{number + 1}-{last + 1}, so links to their pages (v{number}/ to v{last}/) "
                  "and to the diffs that include them")
    return (f"Note: it is older than {plural(moved, 'stored version')}, {change} now lead to "
            "other versions.")


def warn_if_future(fetched: datetime) -> None:
    """A capture time ahead of the clock is most often a wrong date or zone."""
    current = datetime.now(UTC)
    if fetched > current + FUTURE_SLACK:
        Terminal(stderr=True).print(
            f"Warning: the capture time {iso(fetched)} is in the future (now {iso(now())}); "
            "it is stored as given: check the date and the time zone.", markup=False)

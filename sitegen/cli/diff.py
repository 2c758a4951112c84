"""``sitegen diff``: compare two files, sitegen version files or plain text/Markdown."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.text import Text

from sitegen.content import frontmatter, reading
from sitegen.diff import Diff, diff_texts, diff_versions
from sitegen.diff import html as diff_html
from sitegen.diff import text as diff_text
from sitegen.errors import Problem, printable
from sitegen.terminal import Terminal

STYLES = {"del": "red strike", "ins": "green underline", "head": "cyan", "note": "bold"}
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown")


def _load(path: Path) -> tuple[frontmatter.VersionData | None, str, int, list[Problem]]:
    """(version data or None, body, lines before the body, problems). A file whose first
    line is ``---`` is a version file; anything else is all body."""
    name = str(path)
    try:
        raw = reading.read_file(path)
    except reading.Unreadable as exc:
        return None, "", 0, [Problem(name, 0, exc.message)]
    text, problems = frontmatter.decode(raw, name)
    if text is None:
        return None, "", 0, problems
    if text.split("\n", 1)[0].rstrip(" \t") != "---":
        return None, text, 0, []
    data, problems = frontmatter.parse(raw, name)
    parts = frontmatter.split(text, name)
    skip = parts[2] - 1 if isinstance(parts, tuple) else 0
    return data, data.body if data else "", skip, problems


@click.command()
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "html"]),
              default="text", show_default=True, help="What to print.")
@click.option("--blocks", type=click.Choice(["auto", "markdown", "lines"]), default="auto",
              show_default=True,
              help="How to find paragraphs in files without front matter: Markdown blocks, "
                   "or one per line (auto: lines unless the file name ends in .md).")
def diff(old: Path, new: Path, fmt: str, blocks: str) -> None:
    """Show what changed from OLD to NEW, block by block and word by word.

    OLD and NEW are sitegen version files (front matter, then a Markdown body) or any text
    or Markdown files. The significance and the numbers come first, then each changed
    block with its line numbers in the files; --format json prints the documented
    sitegen-diff/1 form (lines there are body lines), --format html a standalone page.
    """
    loaded = [_load(old), _load(new)]
    problems = [p for *_, found in loaded for p in found]
    if problems:
        err = Terminal(stderr=True)
        for item in sorted(problems):
            err.print(str(item), markup=False)
        sys.exit(1)
    (old_data, old_body, old_skip, _), (new_data, new_body, new_skip, _) = loaded
    shift = (old_skip, new_skip)
    if old_data and new_data:
        result: Diff = diff_versions(old_data, new_data)
    else:
        markdown = [data is not None or path.suffix.lower() in MARKDOWN_SUFFIXES
                    for data, path in ((old_data, old), (new_data, new))]
        plain = blocks == "lines" or (blocks == "auto" and not any(markdown))
        result = diff_texts(old_body, new_body, plain=plain)
    if fmt == "json":
        click.echo(result.to_json(indent=2))
    elif fmt == "html":
        click.echo(diff_html.document(result, str(old), str(new), shift=shift), nl=False)
    else:
        _print_text(result, str(old), str(new), shift)


def _print_text(result: Diff, old: str, new: str, shift: tuple[int, int]) -> None:
    """The text form, for people: control characters in the names and the texts are shown
    escaped, never sent to the terminal (the JSON form carries the exact text)."""
    out = Terminal()
    if not out.is_terminal:
        click.echo(printable(diff_text.plain(result, old, new, shift), keep="\n\t"), nl=False)
        return
    text = Text()
    for style, raw in diff_text.segments(result, old, new, shift):
        chunk = printable(raw, keep="\n\t")
        if style in ("del", "ins"):  # no underlined or struck-through spaces around words
            core = chunk.strip()
            lead = chunk[: len(chunk) - len(chunk.lstrip())]
            text.append(lead)
            text.append(core, style=STYLES[style])
            text.append(chunk[len(lead) + len(core) :])
        else:
            text.append(chunk, style=STYLES.get(style or "", ""))
    out.print(text, end="")

"""The ``sitegen`` command line: thin click commands over the library's components."""

from __future__ import annotations

import sys

import click
from rich.console import Console

from sitegen import __version__
from sitegen.errors import BuildError, SitegenError

stderr = Console(stderr=True, highlight=False, soft_wrap=True)


class Group(click.Group):
    """Prints sitegen's own errors as messages, not tracebacks, and exits with status 1."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except BuildError as exc:
            for item in exc.problems:
                stderr.print(str(item), markup=False)
            stderr.print(f"[bold red]Error:[/] {exc}; nothing was written.")
            sys.exit(1)
        except SitegenError as exc:
            stderr.print("[bold red]Error:[/] ", end="")
            stderr.print(str(exc), markup=False)
            sys.exit(1)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="sitegen")
def main() -> None:
    """Build a static, searchable archive of how news articles change.

    sitegen reads every stored version of every article from content/, works out what
    changed between versions, and writes a static site to site/.
    """


def _register() -> None:
    from sitegen.cli import add, build, diff, imports, new, serve

    main.add_command(add.add)
    main.add_command(build.build)
    main.add_command(diff.diff)
    main.add_command(imports.import_dir)
    main.add_command(imports.import_git)
    main.add_command(new.new)
    main.add_command(serve.serve)


_register()

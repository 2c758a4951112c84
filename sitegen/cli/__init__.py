"""The ``sitegen`` command line: thin click commands over the library's components."""

from __future__ import annotations

import difflib
import importlib
import sys

import click

from sitegen import __version__
from sitegen.errors import BuildError, SitegenError, printable
from sitegen.terminal import Terminal

stderr = Terminal(stderr=True)


# Each command's module, imported only when that command runs (or help lists it): a
# no-change `sitegen build` should not pay for importing the preview server or the importers.
COMMANDS = {"add": ("add", "add"), "build": ("build", "build"), "diff": ("diff", "diff"),
            "export": ("export", "export"), "fetch": ("fetch", "fetch"),
            "import": ("imports", "import_dir"), "import-git": ("imports", "import_git"),
            "new": ("new", "new"), "serve": ("serve", "serve"),
            "verify": ("verify", "verify")}


class Group(click.Group):
    """Loads commands on demand; prints sitegen's own errors as messages, not tracebacks,
    and exits with status 1."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, name = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(f"sitegen.cli.{module}"), name)
        return command

    def resolve_command(self, ctx: click.Context, args: list[str]
                        ) -> tuple[str | None, click.Command | None, list[str]]:
        # click suggests close names only among commands it has loaded, and these load on
        # demand: a mistyped name is matched against the table here.
        name = args[0]
        if name not in COMMANDS and not name.startswith("-") and not ctx.resilient_parsing:
            close = difflib.get_close_matches(name.replace("_", "-"), COMMANDS, n=1)
            if close:
                ctx.fail(f"No such command {name!r}. Did you mean {close[0]!r}?")
        return super().resolve_command(ctx, args)

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
        except click.ClickException as exc:  # click prints it: names in it shown escaped
            exc.message = printable(exc.message)
            raise


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="sitegen")
def main() -> None:
    """Build a static, searchable archive of how news articles change.

    sitegen reads every stored version of every article from content/, works out what
    changed between versions, and writes a static site to site/.
    """

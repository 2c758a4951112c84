"""``sitegen new``."""

from __future__ import annotations

from pathlib import Path

import click

from sitegen.scaffold import create_project, requirement
from sitegen.terminal import Terminal


@click.command()
@click.argument("directory", type=click.Path(path_type=Path))
def new(directory: Path) -> None:
    """Create a new project in DIRECTORY, ready to build.

    It holds sitegen.yaml, one example article with two versions, a .gitignore, a GitHub
    Pages workflow (.github/workflows/pages.yml), a scheduled workflow that fetches, commits
    and publishes (.github/workflows/fetch.yml), and the requirements.txt they install from.
    """
    pin = requirement()
    written = create_project(directory, pin)
    out = Terminal()
    out.print(f"Created {directory}/ with {len(written)} files. Next:", markup=False)
    out.print(f"  cd {directory}", markup=False)
    out.print("  sitegen build          # writes the archive to site/", markup=False)
    if pin is None:
        Terminal(stderr=True).print(
            "[yellow]Note:[/] this sitegen was installed from a local folder; before publishing "
            "with the GitHub Pages workflow, say in requirements.txt where sitegen comes from "
            "(see docs/deploy.md).")


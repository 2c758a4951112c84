"""``sitegen new``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from sitegen.scaffold import create_project


@click.command()
@click.argument("directory", type=click.Path(path_type=Path))
def new(directory: Path) -> None:
    """Create a new project in DIRECTORY: sitegen.yaml and one example article with two
    versions, ready to build."""
    written = create_project(directory)
    out = Console(highlight=False, soft_wrap=True)
    out.print(f"Created {directory}/ with {len(written)} files. Next:")
    out.print(f"  cd {directory}")
    out.print("  sitegen build          # writes the archive to site/")


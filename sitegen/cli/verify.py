"""``sitegen verify``: check a built site against the project's content (docs/export.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sitegen.build import resolve_config
from sitegen.cli.build import project_option
from sitegen.errors import printable
from sitegen.render.helpers import plural
from sitegen.terminal import Terminal


@click.command()
@click.argument("site", required=False, metavar="[SITE]")
@project_option
def verify(site: str | None, project: Path) -> None:
    """Check that SITE holds exactly the versions in PROJECT/content, unaltered.

    SITE is a built site's folder (default: PROJECT/site) or the address of a published
    copy, such as https://user.github.io/repo/. Its manifest.tsv.gz (path, SHA-256 of the
    text and fetched time of every version) is compared with the version files: each
    version whose text or time differs, that is missing from the site, or that the site
    lists but content/ does not hold, is named, and the exit status is 1.
    """
    from sitegen.verify import verify as run_verify

    project = project.resolve()
    config = resolve_config(project, None)
    report = run_verify(site or str(project / "site"), project, config)
    if report.problems:
        err = Terminal(stderr=True)
        for line in report.problems:
            err.print(printable(line), markup=False, highlight=False)
        err.print(f"Verification failed: {plural(len(report.problems), 'problem')} "
                  f"({plural(report.checked, 'version')} in content/, "
                  f"{report.listed:,} in the site's manifest)", markup=False)
        sys.exit(1)
    Terminal().print(f"Verified: the site's manifest lists exactly the "
                     f"{plural(report.checked, 'version')} in content/, unaltered",
                     markup=False)

"""docs/cli.md must show exactly what ``--help`` prints, for every command.

After changing a command's options or help text, regenerate the blocks with:

    SITEGEN_REGEN=1 python -m pytest tests/test_docs.py
"""

from __future__ import annotations

import os
import re

import click
from click.testing import CliRunner

from sitegen.cli import main
from tests.conftest import ROOT

CLI_DOC = ROOT / "docs" / "cli.md"
BLOCK = re.compile(r"(<!-- help: (?P<cmd>[a-z -]+) -->\n```text\n)(?P<body>.*?)(```\n<!-- end help -->)",
                   re.S)


def help_text(command: str) -> str:
    args = [*command.split()[1:], "--help"]
    result = CliRunner().invoke(main, args, terminal_width=88, prog_name="sitegen")
    assert result.exit_code == 0, result.output
    return result.output


def test_every_command_is_documented() -> None:
    documented = {m.group("cmd") for m in BLOCK.finditer(CLI_DOC.read_text())}
    ctx = click.Context(main, info_name="sitegen")
    names = main.list_commands(ctx)
    assert all(main.get_command(ctx, name) for name in names)  # every name loads
    expected = {"sitegen"} | {f"sitegen {name}" for name in names}
    assert documented == expected


def test_cli_doc_matches_help_output() -> None:
    text = CLI_DOC.read_text()
    if os.environ.get("SITEGEN_REGEN") == "1":
        text = BLOCK.sub(lambda m: m.group(1) + help_text(m.group("cmd")) + m.group(4), text)
        CLI_DOC.write_text(text)
    for match in BLOCK.finditer(text):
        assert match.group("body") == help_text(match.group("cmd")), (
            f"docs/cli.md is out of date for '{match.group('cmd')}'; regenerate with "
            "SITEGEN_REGEN=1 python -m pytest tests/test_docs.py")


def test_readme_quick_start_commands_exist() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "python3 dev.py demo" in readme and "python3 dev.py test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert "dev.py test" in ci

"""``sitegen diff`` through click's CliRunner, in all three formats."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sitegen.cli import main
from sitegen.diff import Diff
from tests.conftest import SEEDS, need, version_file, write

OLD_BODY = "Sir Keir has held a call with leaders.\n\nSecond paragraph <script>x</script>.\n"
NEW_BODY = "Sir Keir has held a name with leaders.\n\nSecond paragraph <script>x</script>.\n"


def versions(tmp_path: Path) -> tuple[Path, Path]:
    old = write(tmp_path / "a.md", version_file("Starmer speaks to allies",
                                                "2025-03-07T10:00:00Z", OLD_BODY))
    new = write(tmp_path / "b.md", version_file("Starmer speaks to EU allies",
                                                "2025-03-07T13:00:00Z", NEW_BODY,
                                                byline="Jo Smith"))
    return old, new


def test_text_format_marks_words_when_not_a_terminal(runner: CliRunner, tmp_path: Path) -> None:
    old, new = versions(tmp_path)
    result = runner.invoke(main, ["diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:2] == [f"--- {old}", f"+++ {new}"]
    assert lines[2].startswith("minor: headline changed; byline changed; 1 word added")
    assert "title (minor): Starmer speaks to {+EU+} allies" in lines
    assert "byline (minor): {+Jo Smith+}" in lines
    assert "Sir Keir has held a [-call-]{+name+} with leaders." in lines
    assert "@@ line 5 -> 6, paragraph, changed" in lines  # file lines, after the front matter
    assert "\x1b[" not in result.output


def test_text_format_colours_a_terminal(runner: CliRunner, tmp_path: Path) -> None:
    old, new = versions(tmp_path)
    result = runner.invoke(main, ["diff", str(old), str(new)], env={"FORCE_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert "\x1b[9;31mcall\x1b[0m" in result.output  # red, struck through
    assert "\x1b[4;32mname\x1b[0m" in result.output  # green, underlined
    assert "[-" not in result.output


def test_json_format(runner: CliRunner, tmp_path: Path) -> None:
    old, new = versions(tmp_path)
    result = runner.invoke(main, ["diff", str(old), str(new), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["format"] == "sitegen-diff/1"
    assert data["significance"] == "minor"
    assert data["title"]["new"] == "Starmer speaks to EU allies"
    assert set(data["fields"]) == {"byline"}
    diff = Diff.from_dict(data)
    assert diff.old_text() == OLD_BODY and diff.new_text() == NEW_BODY


def test_html_format_is_a_standalone_escaped_page(runner: CliRunner, tmp_path: Path) -> None:
    old, new = versions(tmp_path)
    result = runner.invoke(main, ["diff", str(old), str(new), "-f", "html"])
    assert result.exit_code == 0, result.output
    page = result.output
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<style>" in page and "<script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page  # the unchanged neighbour, escaped
    assert "<del>" in page and "<ins>" in page


def test_front_matter_problems_are_reported_with_lines(runner: CliRunner,
                                                       tmp_path: Path) -> None:
    old, _ = versions(tmp_path)
    bad = write(tmp_path / "bad.md", "---\ntitle: ok\nfetched: yesterday\n---\nBody.\n")
    result = runner.invoke(main, ["diff", str(old), str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:3: fetched is not a valid time" in result.output
    not_utf8 = tmp_path / "latin1.txt"
    not_utf8.write_bytes("caf\xe9\n".encode("latin-1"))
    result = runner.invoke(main, ["diff", str(not_utf8), str(old)])
    assert result.exit_code == 1 and f"{not_utf8}:1: not valid UTF-8" in result.output


def test_plain_files_are_all_body_with_a_paragraph_per_line(runner: CliRunner,
                                                           tmp_path: Path) -> None:
    old = write(tmp_path / "old.txt", "First line stays.\nSecond line here.\nThird.\n")
    new = write(tmp_path / "new.txt", "First line stays.\nSecond line there.\nThird.\n")
    result = runner.invoke(main, ["diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert "@@ line 2 -> 2, paragraph, changed\nSecond line [-here-]{+there+}.\n" in result.output
    markdown = runner.invoke(main, ["diff", str(old), str(new), "--blocks", "markdown"])
    assert "@@ line 1 -> 1, paragraph, changed" in markdown.output


def test_identical_files(runner: CliRunner, tmp_path: Path) -> None:
    old, _ = versions(tmp_path)
    result = runner.invoke(main, ["diff", str(old), str(old)])
    assert result.exit_code == 0
    assert "none: the versions are identical" in result.output


def test_seed_paraphrase(runner: CliRunner) -> None:
    seeds = need(SEEDS, "seeds")
    result = runner.invoke(main, ["diff", str(seeds / "001_e82bf5f21d7b90ea.txt"),
                                  str(seeds / "002_a53f768cbebe2416.txt"), "-f", "json"])
    assert result.exit_code == 0
    diff = Diff.from_json(result.output)
    assert diff.new_text() == (seeds / "002_a53f768cbebe2416.txt").read_text(encoding="utf-8")

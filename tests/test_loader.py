"""The content loader: the valid format, and one test per kind of invalid input."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from sitegen.content.loader import load_archive
from tests.conftest import version_file, write


def load(root: Path):
    return load_archive(root, root / "content")


def messages(root: Path) -> list[str]:
    _archive, problems = load(root)
    return [str(p) for p in problems]


def one(root: Path) -> str:
    found = messages(root)
    assert len(found) == 1, found
    return found[0]


def test_valid_project_is_ordered_by_fetched_not_by_file_name(tmp_path: Path) -> None:
    art = tmp_path / "content/bbc/c9wpy9x890wo"
    write(art / "z-first.md", version_file("Old", "2025-03-07T10:00:00+01:00", "A.\n"))
    write(art / "a-second.md", version_file("New", "2025-03-07T09:30:00Z", "B.\n"))
    write(tmp_path / "content/bbc/_source.yaml", "name: BBC News\nurl: https://www.bbc.com/\n")
    archive, problems = load(tmp_path)
    assert problems == []
    (source,) = archive.sources
    assert (source.id, source.name, source.url) == ("bbc", "BBC News", "https://www.bbc.com/")
    (article,) = source.articles
    assert [v.title for v in article.versions] == ["Old", "New"]  # 09:00Z before 09:30Z
    assert [v.number for v in article.versions] == [0, 1]
    assert article.versions[0].path == "content/bbc/c9wpy9x890wo/z-first.md"
    assert article.versions[0].fetched.utcoffset() == timedelta(hours=1)


def test_optional_fields_and_extra_keys_are_kept(tmp_path: Path) -> None:
    write(tmp_path / "content/s/pep-0008/v.md", version_file(
        "T", "2025-03-07T10:00:00Z", "Body\n", url="https://example.com/a",
        byline="A. Writer", published="2025-03-06", section="World"))
    archive, problems = load(tmp_path)
    assert problems == []
    version = archive.sources[0].articles[0].versions[0]
    assert version.url == "https://example.com/a"
    assert version.byline == "A. Writer"
    assert str(version.published) == "2025-03-06"
    assert version.extra == {"section": "World"}
    assert version.body == "Body\n"


def test_bom_and_crlf_are_fine(tmp_path: Path) -> None:
    text = "\ufeff---\r\ntitle: T\r\nfetched: 2025-03-07T10:00:00Z\r\n---\r\nLine one.\r\n"
    (tmp_path / "content/s/a").mkdir(parents=True)
    (tmp_path / "content/s/a/v.md").write_bytes(text.encode("utf-8"))
    archive, problems = load(tmp_path)
    assert problems == []
    assert archive.sources[0].articles[0].versions[0].body == "Line one.\n"


def test_iso_string_fetched_is_accepted(tmp_path: Path) -> None:
    write(tmp_path / "content/s/a/v.md", version_file("T", "'2025-03-07T10:00:00+05:30'", "x"))
    archive, problems = load(tmp_path)
    assert problems == []
    assert archive.sources[0].articles[0].versions[0].fetched.utcoffset() == timedelta(
        hours=5, minutes=30)


@pytest.mark.parametrize("name", ["_drafts", ".hidden", "bad name", "über", "a+b"])
def test_invalid_source_folder_names(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "content" / name
    write(folder / "a/v.md", version_file("T", "2025-03-07T10:00:00Z", "x"))
    if name.startswith("."):
        assert messages(tmp_path) == []  # hidden folders are ignored, as git's are
        return
    message = one(tmp_path)
    assert message.startswith(f"content/{name}: source folder name {name!r}")


def test_invalid_article_folder_name(tmp_path: Path) -> None:
    write(tmp_path / "content/bbc/my article/v.md", version_file("T", "2025-03-07T10:00:00Z", "x"))
    assert one(tmp_path) == (
        "content/bbc/my article: article folder name 'my article' contains ' '; rename the "
        "folder using only letters, digits, '-', '_' and '.'")


def test_reserved_source_name(tmp_path: Path) -> None:
    write(tmp_path / "content/static/a/v.md", version_file("T", "2025-03-07T10:00:00Z", "x"))
    assert "is reserved for the site's own pages" in one(tmp_path)


def test_stray_files_are_errors(tmp_path: Path) -> None:
    write(tmp_path / "content/notes.md", "x")
    write(tmp_path / "content/bbc/loose.md", "x")
    write(tmp_path / "content/bbc/a/v.md", version_file("T", "2025-03-07T10:00:00Z", "x"))
    write(tmp_path / "content/bbc/a/v.txt", "x")
    write(tmp_path / "content/bbc/a/sub/v.md", "x")
    found = messages(tmp_path)
    assert [m.split(":")[0] for m in found] == [
        "content/bbc/a/sub", "content/bbc/a/v.txt", "content/bbc/loose.md", "content/notes.md"]
    assert "version files end in .md" in found[1]


def test_empty_article_folder(tmp_path: Path) -> None:
    (tmp_path / "content/bbc/a").mkdir(parents=True)
    assert one(tmp_path) == "content/bbc/a: article folder has no version files (*.md)"


def test_missing_content_folder(tmp_path: Path) -> None:
    assert "no content/ folder" in one(tmp_path)


BAD_FILES = {
    "empty": ("", "content/s/a/v.md: empty file"),
    "no front matter": ("title: T\n", "content/s/a/v.md:1: no front matter"),
    "unclosed": ("---\ntitle: T\nfetched: 2025-03-07T10:00:00Z\nbody\n",
                 "content/s/a/v.md:1: front matter is not closed"),
    "yaml syntax": ("---\ntitle: T\nfetched: [2025\n---\n", "content/s/a/v.md:4: YAML syntax error"),
    "not a mapping": ("---\n- a\n- b\n---\n", "content/s/a/v.md:2: front matter must be 'key: value'"),
    "missing title": ("---\nfetched: 2025-03-07T10:00:00Z\n---\n", "content/s/a/v.md:1: missing title"),
    "blank title": ("---\ntitle: '  '\nfetched: 2025-03-07T10:00:00Z\n---\n",
                    "content/s/a/v.md:2: missing title"),
    "title not text": ("---\ntitle: 2025\nfetched: 2025-03-07T10:00:00Z\n---\n",
                       "content/s/a/v.md:2: title must be text, not int (2025); put the value in quotes"),
    "missing fetched": ("---\ntitle: T\n---\n", "content/s/a/v.md:1: missing fetched"),
    "naive fetched": ("---\ntitle: T\nfetched: 2025-03-07 10:00:00\n---\n",
                      "content/s/a/v.md:3: fetched has no time zone (2025-03-07T10:00:00)"),
    "naive string": ("---\ntitle: T\nfetched: '2025-03-07T10:00'\n---\n",
                     "content/s/a/v.md:3: fetched has no time zone"),
    "date only": ("---\ntitle: T\nfetched: 2025-03-07\n---\n",
                  "content/s/a/v.md:3: fetched is a date without a time (2025-03-07)"),
    "unparseable": ("---\ntitle: T\nfetched: yesterday\n---\n",
                    "content/s/a/v.md:3: fetched is not a valid time: 'yesterday'"),
    "number": ("---\ntitle: T\nfetched: 12\n---\n", "content/s/a/v.md:3: fetched must be a time, not int"),
    "url not text": ("---\ntitle: T\nfetched: 2025-03-07T10:00:00Z\nurl: [1]\n---\n",
                     "content/s/a/v.md:4: url must be text, not list"),
    "byline not text": ("---\ntitle: T\nfetched: 2025-03-07T10:00:00Z\nbyline: {a: 1}\n---\n",
                        "content/s/a/v.md:4: byline must be text, not dict"),
    "naive published": ("---\ntitle: T\nfetched: 2025-03-07T10:00:00Z\npublished: 2025-03-07 09:00\n---\n",
                        "content/s/a/v.md:4: published has no time zone"),
    "python tag": ("---\ntitle: !!python/object/apply:os.system ['echo hi']\nfetched: 2025-03-07T10:00:00Z\n---\n",
                   "content/s/a/v.md:2: YAML tag !!python/object/apply:os.system is not allowed"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_invalid_version_file(tmp_path: Path, case: str) -> None:
    text, expected = BAD_FILES[case]
    write(tmp_path / "content/s/a/v.md", text)
    assert one(tmp_path).startswith(expected)


def test_several_problems_in_one_file_are_all_reported(tmp_path: Path) -> None:
    write(tmp_path / "content/s/a/v.md", "---\ntitle: 5\nfetched: 2025-03-07\n---\n")
    assert messages(tmp_path) == [
        "content/s/a/v.md:2: title must be text, not int (5); put the value in quotes",
        "content/s/a/v.md:3: fetched is a date without a time (2025-03-07); write a full time, "
        "e.g. 2025-03-07T10:12:00Z or 2025-03-07T11:12:00+01:00",
    ]


def test_not_utf8_names_the_byte_offset(tmp_path: Path) -> None:
    raw = b"---\ntitle: T\nfetched: 2025-03-07T10:00:00Z\n---\nCaf\xe9\n"
    (tmp_path / "content/s/a").mkdir(parents=True)
    (tmp_path / "content/s/a/v.md").write_bytes(raw)
    assert one(tmp_path) == ("content/s/a/v.md:5: not valid UTF-8 (byte 0xe9 at offset 50); "
                             "re-save the file with UTF-8 encoding")


def test_same_instant_in_different_zones_is_a_duplicate(tmp_path: Path) -> None:
    write(tmp_path / "content/s/a/1.md", version_file("T", "2025-03-07T10:00:00Z", "x"))
    write(tmp_path / "content/s/a/2.md", version_file("T", "2025-03-07T11:00:00+01:00", "y"))
    assert one(tmp_path).startswith(
        "content/s/a/2.md: same fetched instant (2025-03-07T10:00:00+00:00) as content/s/a/1.md")


def test_symlink_outside_content_is_refused(tmp_path: Path) -> None:
    outside = write(tmp_path / "secret.md", version_file("T", "2025-03-07T10:00:00Z", "x"))
    write(tmp_path / "content/s/a/ok.md", version_file("T", "2025-03-07T11:00:00Z", "x"))
    os.symlink(outside, tmp_path / "content/s/a/link.md")
    assert one(tmp_path).startswith("content/s/a/link.md: symbolic link to a place outside")


def test_errors_from_every_file_are_collected_and_sorted(tmp_path: Path) -> None:
    write(tmp_path / "content/b/x/v.md", "")
    write(tmp_path / "content/a/y/v.md", "---\ntitle: T\n---\n")
    write(tmp_path / "content/a/_source.yaml", "nmae: A\n")
    found = messages(tmp_path)
    assert [m.split(":")[0] for m in found] == [
        "content/a/_source.yaml", "content/a/y/v.md", "content/b/x/v.md"]
    assert found[0] == ("content/a/_source.yaml:1: unknown key 'nmae'; allowed keys: "
                        "name, url, description, drop_lines, drop_patterns, drop_inline, feeds, include, exclude, user_agent, rate_limit, schedule")


def test_source_yaml_wrong_type(tmp_path: Path) -> None:
    write(tmp_path / "content/a/y/v.md", version_file("T", "2025-03-07T10:00:00Z", "x"))
    write(tmp_path / "content/a/_source.yaml", "name: A\ndescription: [1, 2]\n")
    assert one(tmp_path) == ("content/a/_source.yaml:2: description must be text, not list; "
                             "put the value in quotes")


def test_published_may_be_a_quoted_date(tmp_path: Path) -> None:
    write(tmp_path / "content/s/a/v.md", version_file("T", "2025-03-07T10:00:00Z", "x",
                                                      published="'2025-03-06'"))
    archive, problems = load(tmp_path)
    assert problems == []
    assert str(archive.sources[0].articles[0].versions[0].published) == "2025-03-06"


def test_control_characters_become_replacement_characters(tmp_path: Path) -> None:
    write(tmp_path / "content/s/a/v.md",
          '---\ntitle: "Bell \\x07 and \\uffff"\nfetched: 2025-03-07T10:00:00Z\n'
          'tags: ["\\x1b"]\n---\nBody \x0b end\n')
    archive, problems = load(tmp_path)
    assert problems == []
    version = archive.sources[0].articles[0].versions[0]
    assert version.title == "Bell \ufffd and \ufffd"
    assert version.extra == {"tags": ["\ufffd"]}
    assert version.body == "Body \ufffd end\n"

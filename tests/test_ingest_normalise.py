"""Normalisation, plain-text escaping, file-name times and the source rules' schema."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.content.source import SourceMeta, load_source_meta
from sitegen.ingest import normalise
from sitegen.ingest.extract import escape_line, guess_format, markdown_title, text_to_markdown
from sitegen.ingest.times import file_stem, iso, time_from_name
from sitegen.render.markdown import render

NONE = SourceMeta()


def test_clean_unifies_invisible_differences():
    assert normalise.clean("Cafe\u0301 10\u00a0km\u202fnow\r\nzero\u200bwidth soft\u00adhyphen\r") \
        == "Café 10 km now\nzerowidth softhyphen\n"
    assert normalise.clean("👩\u200d💻 ZWJ kept") == "👩\u200d💻 ZWJ kept"


def test_key_ignores_what_a_reader_cannot_see():
    base = normalise.key("Headline", "One para.\n\nTwo para.\n", NONE)
    assert normalise.key(" Headline\u00a0", "One para.  \r\n\r\n\r\n\r\nTwo\u00a0para.", NONE) \
        == base
    assert normalise.key("Headline", "One para.\n\nTwo\u200b para.\n", NONE) == base
    assert normalise.key("Headline!", "One para.\n\nTwo para.\n", NONE) != base
    assert normalise.key("Headline", "One para.\n\nTwo para!\n", NONE) != base
    assert normalise.key("Headline", "One „para“.\n\nTwo para.\n", NONE) != \
        normalise.key("Headline", "One “para”.\n\nTwo para.\n", NONE)  # quotes are text


def test_drop_chrome_matches_whole_lines_and_unescaped_forms():
    rules = SourceMeta(drop_lines=("Advertisement",),
                       drop_patterns=(re.compile(r"Please refresh the page.*"),))
    body = ("Advertisement\n\nStory text mentions Advertisement.\n\n"
            "Please refresh the page or navigate\n\n\\#tag line\n\nAdvertisement\n")
    assert normalise.body(body, rules) == "Story text mentions Advertisement.\n\n\\#tag line\n"
    rules = SourceMeta(drop_lines=("1. Not a list",))
    assert normalise.body("Kept\n\n1\\. Not a list\n", rules).strip() == "Kept"


LINES = ["# not a heading", "1. not a list", "2) nor this", "- dash", "+ plus", "* star",
         "---", "***", "___", "> quote", "<b>tag</b>", "&amp; &#123; &copy; R&D", "[a](b)",
         "![i](x)", "`code`", "ends with \\", "~~~", "```", "    indented", "=====",
         "<https://example.com>", "*emph* and _emph_ and **strong**", "| a | b |", "#", "1."]


def _rendered_text(markdown: str) -> str:
    match = re.fullmatch(r"<p>(.*)</p>\n", render(markdown), re.DOTALL)
    assert match, render(markdown)
    return html.unescape(match.group(1))


@pytest.mark.parametrize("line", LINES)
def test_escaped_text_renders_as_written(line: str):
    assert _rendered_text(escape_line(line)) == line.strip()


PIECES = [*"#-+*_=~`|>!<[](){}\\&;.:1 \tax", "&amp;", "&#1;", "1.", "é", "http://"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join).filter(str.strip))
def test_any_escaped_line_renders_as_written(line: str):
    assert _rendered_text(escape_line(line)) == line.strip()


def test_text_keeps_each_line_as_a_paragraph():
    assert text_to_markdown("One\nTwo\n\n\n  Three  \n") == "One\n\nTwo\n\nThree"


def test_markdown_title_is_a_leading_level_one_heading():
    assert markdown_title("\n# The *headline* #\n\nText") == "The headline"
    assert markdown_title("# The \\*headline\\*\n") == "The *headline*"
    assert markdown_title("## Second level\n") is None
    assert markdown_title("Short line first\n\n# Heading\n") == "Heading"
    assert markdown_title("A whole paragraph of the article comes first, long enough to be "
                          "text rather than a breadcrumb.\n\n# Heading\n") is None


def test_guess_format():
    assert guess_format("a.HTM", b"") == "html"
    assert guess_format("a.markdown", b"") == "markdown"
    assert guess_format(None, b"  <!DOCTYPE html><html>") == "html"
    assert guess_format(None, b"<!-- saved --><html lang=en>") == "html"
    assert guess_format(None, b"<b>bold</b> news") == "text"
    assert guess_format("a.json", b"{}", sniff=False) is None


@pytest.mark.parametrize(("stem", "expected"), [
    ("2025-03-07T10-12-00Z", "2025-03-07T10:12:00Z"),
    ("2025-03-07T10:12:00Z", "2025-03-07T10:12:00Z"),
    ("20250307T101200Z", "2025-03-07T10:12:00Z"),
    ("2025-03-07_10-12-00+01-00", "2025-03-07T10:12:00+01:00"),
    ("2025-03-07T10-12-00.250+0530", "2025-03-07T10:12:00.250000+05:30"),
])
def test_time_from_name(stem: str, expected: str):
    assert iso(time_from_name(stem)) == expected


@pytest.mark.parametrize(("stem", "says"), [
    ("2025-03-07T10-12-00", "no time zone"),
    ("snapshot", "no time in the file name"),
    ("2025-02-30T10-12-00Z", "not a real time"),
    ("2025-03-07T10-12-00+25-00", "not a real time"),
])
def test_bad_time_in_name(stem: str, says: str):
    with pytest.raises(ValueError, match=says):
        time_from_name(stem)


def test_file_stem_is_utc():
    assert file_stem(time_from_name("2025-03-07T11-12-00+01-00")) == "2025-03-07T10-12-00Z"


def _source_yaml(tmp_path: Path, text: str) -> tuple[SourceMeta, list[str]]:
    file = tmp_path / "_source.yaml"
    file.write_text(text, encoding="utf-8")
    meta, problems = load_source_meta(file, "content/x/_source.yaml")
    return meta, [str(p) for p in problems]


def test_source_rules_are_read(tmp_path: Path):
    meta, problems = _source_yaml(tmp_path, "name: X\ndrop_lines:\n  - ' Advertisement '\n"
                                            "drop_patterns:\n  - 'Please refresh.*'\n")
    assert problems == []
    assert meta.drop_lines == ("Advertisement",)
    assert [p.pattern for p in meta.drop_patterns] == ["Please refresh.*"]


def test_source_rules_errors_name_key_and_line(tmp_path: Path):
    _, problems = _source_yaml(tmp_path, "name: X\ndrop_lines:\n  - ok\n  - 12\n"
                                         "drop_patterns:\n  - 'fine.*'\n  - '(unclosed'\n")
    assert problems == [
        "content/x/_source.yaml:4: drop_lines item 2 must be non-empty text, not 12; "
        "put it in quotes",
        "content/x/_source.yaml:7: drop_patterns item 2 is not a valid regular expression "
        "(missing ), unterminated subpattern at position 0): '(unclosed'",
    ]
    _, problems = _source_yaml(tmp_path, "drop_lines: Advertisement\ndrop_line: []\n")
    assert problems[0].startswith("content/x/_source.yaml:1: drop_lines must be a list")
    assert problems[1] == ("content/x/_source.yaml:2: unknown key 'drop_line'; allowed keys: "
                           "name, url, description, drop_lines, drop_patterns, drop_inline, feeds, include, exclude, user_agent, rate_limit, schedule")

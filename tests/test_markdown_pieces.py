"""A body rendered a block at a time must be byte-for-byte the body rendered whole.

The version pages render each block of a body on its own (and reuse the HTML of blocks an
earlier version shared) whenever ``Doc.pieces()`` says Markdown reads the blocks
independently. These properties pin that down on generated Markdown, including the
constructs that join or refer across blocks (lists, quotes, link definitions, lazy lines,
setext underlines, indented code, unclosed fences, carriage returns).
"""

from __future__ import annotations

from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.diff import blocks
from sitegen.diff.blocks import parse
from sitegen.pages.articles import body_html
from sitegen.render import markdown
from tests.test_diff_properties import block, join, sentence

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def simple_block(draw) -> str:
    """Mostly blocks that stand alone, and a few that lean on their neighbours."""
    text = draw(sentence())
    kind = draw(st.sampled_from(
        ["p", "p", "p", "h", "h_closed", "indented", "fence", "open_fence", "lazy", "setext",
         "hr", "entity", "reflink", "tab", "item_paragraph", "other"]))
    if kind == "h":
        return "#" * draw(st.integers(1, 6)) + " " + text
    if kind == "h_closed":
        return "## " + text + " ##"
    if kind == "indented":
        return "    " + text + "\n\n    " + draw(sentence())
    if kind == "fence":
        return "~~~ info\n" + text + "\n\n" + draw(sentence()) + "\n~~~"
    if kind == "open_fence":
        return "```\n" + text  # runs to the end of the body
    if kind == "lazy":
        return text + "\n    " + draw(sentence())  # indented line continues the paragraph
    if kind == "setext":
        return text + "\n" + draw(st.sampled_from(["===", "---", "  ---  "]))
    if kind == "hr":
        return draw(st.sampled_from(["---", "***", "___", " - - -"]))
    if kind == "entity":
        return text + " &amp; &copy; &#35; \\*not em\\* <b>x</b> \u0000"
    if kind == "reflink":
        return text + " [see][ref] and [ref] and ![img][ref]"
    if kind == "tab":
        return "\t" + text
    if kind == "item_paragraph":  # the second paragraph of a list item is not top-level
        return "- " + text + "\n\n  " + draw(sentence())
    return draw(block())  # lists, quotes, link definitions, ...


@st.composite
def body(draw) -> str:
    text = join(draw(st.lists(simple_block(), max_size=8)), draw)
    if draw(st.booleans()) and draw(st.booleans()):
        text = text.replace("\n", draw(st.sampled_from(["\r\n", "\r"])), 1)
    return text


@SETTINGS
@given(body())
def test_pieces_render_as_the_whole_body(text: str) -> None:
    pieces = parse(text).pieces()
    if pieces is not None:
        assert "".join(pieces) == text
        assert markdown.render_pieces(pieces) == markdown.render(text)
    assert body_html(text) == markdown.render(text)


@SETTINGS
@given(body())
def test_blocks_found_piece_by_piece_are_the_blocks_of_the_whole(text: str) -> None:
    """markdown-it parses a body in pieces (each cached); the blocks must be the same as
    from one parse of the whole body."""
    with mock.patch.object(blocks, "segments", lambda lines: [(0, "\n".join(lines))]):
        whole = parse(text)
    assert parse(text) == whole


@SETTINGS
@given(body(), st.booleans(), st.sampled_from(["x", "“", '"', "(", "¡"]))
def test_paragraphs_are_found_as_markdown_it_finds_them(text: str, letters_only: bool,
                                                        opener: str) -> None:
    """Segments of plain paragraphs skip markdown-it; what is found must be the same."""
    source = text.replace("\r", " ")
    if letters_only:  # make the fast path apply to most examples
        source = "\n".join(opener + line.lstrip(" \t") if line.strip(" \t") else line
                           for line in source.split("\n"))
    fast = blocks._paragraphs(source)
    if fast is not None:
        assert fast == blocks._markdown_starts(source)


def test_plain_paragraphs_skip_markdown_it() -> None:
    assert blocks._paragraphs("One\ntwo\n \t\nÉté.\n\n") == (
        ((0, ("paragraph", 0)), (3, ("paragraph", 0))), ((0, 2), (3, 4)))
    assert blocks._paragraphs("One\n# Two") is None
    assert blocks._paragraphs("One\n\u00a0\nTwo") is None  # not blank for markdown-it


def test_a_body_is_parsed_in_pieces_between_paragraphs() -> None:
    lines = ["Intro.", "", "- a", "", "  still a", "", "Next.", "# Head", "", "Été.", "",
             "“Quoted.”", "", "- b", "", "(Aside.)"]
    assert [first for first, _ in blocks.segments(lines)] == [0, 6, 9, 11, 15]
    fenced = ["Intro.", "", "~~~", "", "code", "~~~", "", "Next."]
    assert [first for first, _ in blocks.segments(fenced)] == [0]


def test_plain_paragraphs_and_headings_are_pieces() -> None:
    text = "# Title\n\nFirst *one*.\n\nSecond\nline.\n\n---\n\n    code\n"
    assert parse(text).pieces() == ["# Title\n\n", "First *one*.\n\n", "Second\nline.\n\n",
                                    "---\n\n", "    code\n"]


def test_blocks_that_lean_on_others_are_rendered_whole() -> None:
    for text in ("Text [a].\n\n[a]: http://example.com/\n",  # a definition elsewhere
                 "- one\n- two\n",  # list items: one list
                 "- one\n\n  two\n",  # a list item's second paragraph
                 "> quoted\n>\n> more\n",  # one quote
                 "a\r```\n\nb\n\n```"):  # markdown-it's lines are not ours: the fence
        assert parse(text).pieces() is None  # opens on the line we count as the first
        assert body_html(text) == markdown.render(text)


# Words and what could make a block of them more than plain text: punctuation markdown-it
# treats specially, entities, quotes, spaces and breaks of every kind, control characters.
_PLAIN_TOKENS = st.sampled_from([
    "word", "Été", "漢字", "ß", "5", " ", " ", "  ", "\n", "\n", " \n", "  \n", "\n\n", "\n ",
    ".", ",", ":", "!", "?", "'", '"', "“", "”", "-", "–", "#", "=", "+", "~", "^", "$", "%",
    "@", "{", "}", "(", ")", "/", "\\", "`", "*", "_", "[", "]", "<", ">", "&", "&amp;", "|",
    "\t", "\r", "\x00", "\x0b", "\x0c", "\x1f", "\x7f", "\u00a0", "\u2028", "\u2029",
    "\u3000", "\u0085", "\u200b", "1.", "- ", "> ", "===", "---", "    "])


@settings(max_examples=2000, deadline=None)
@given(st.lists(_PLAIN_TOKENS, max_size=20).map("".join), st.booleans(),
       st.sampled_from(["w", "“", "(", '"', "'", "¿"]))
def test_a_plain_paragraph_is_what_markdown_it_makes_of_it(text: str, wordy: bool,
                                                           opener: str) -> None:
    if wordy:  # lines that start as the fast path wants, in most examples
        text = "\n".join(opener + line for line in text.split("\n"))
    fast = markdown.plain_paragraph(text)
    if fast is not None:
        assert fast == markdown.render(text)


def test_plain_paragraphs_are_made_without_markdown_it() -> None:
    text = "\nRishi Kelly said: “Fees rose 5% (not 3%)” - \"again\"!\nÉté #2 = 1+1.\n“No.”\n\n"
    assert markdown.plain_paragraph(text) == (
        "<p>Rishi Kelly said: “Fees rose 5% (not 3%)” - &quot;again&quot;!\n"
        "Été #2 = 1+1.\n“No.”</p>\n")
    assert markdown.plain_paragraph(text) == markdown.render(text)
    for other in ("A *b*", "A  \nhard break", "A \nB", "A\n- b", "A\n===", "A &amp; B",
                  "A <b>", "1. one", "A\n\nB", "A\tb", "A\\", " A", "A \n"):
        assert markdown.plain_paragraph(other) is None, other

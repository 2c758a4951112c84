"""HTML renderings of diffs: escaping of hostile text, readable structure, side-by-side rows."""

from __future__ import annotations

import html as stdlib_html
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from sitegen.diff import diff_field, diff_texts, diff_versions
from sitegen.diff import html as diff_html
from sitegen.model import Version

HOSTILE = [
    '<script>alert("pwned")</script> & friends',
    "Click [here](javascript:alert(1)) or <img src=x onerror=alert(2)> \"quoted\" 'single'",
    "# <b onclick=\"x()\">Heading</b> &amp; &lt;",
    "- item <iframe src=//evil></iframe>",
    "> quote with </p></blockquote><script>x</script>",
    "```\n<script>code()</script>\n```",
]
ALLOWED = {"p", "del", "ins", "span", "strong", "blockquote", "pre", "code"}


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def tags_of(markup: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = Tags()
    parser.feed(markup)
    return parser.tags


def assert_safe(markup: str, allowed: set[str] = ALLOWED,
                attributes: frozenset[str] = frozenset({"class"})) -> None:
    for tag, attrs in tags_of(markup):
        assert tag in allowed, (tag, markup)
        for name, _ in attrs:
            assert name in attributes, (tag, name, markup)
    lowered = markup.lower()
    for needle in ("<script", "<img", "<iframe", "<b ", "href=", "javascript:alert(1))\"",
                   "onerror=alert(2)>"):
        assert needle not in lowered, needle


def hostile_pair() -> tuple[str, str]:
    old = "\n\n".join(["Intro paragraph that stays.", *HOSTILE[:4], "Outro."]) + "\n"
    new = "\n\n".join(["Intro paragraph that stays.", HOSTILE[1].replace("here", "there"),
                       HOSTILE[0], HOSTILE[4], HOSTILE[5], "Outro, changed."]) + "\n"
    return old, new


@pytest.mark.parametrize("screen_reader", [False, True])
def test_hostile_text_is_escaped_everywhere(screen_reader: bool) -> None:
    old, new = hostile_pair()
    diff = diff_texts(old, new)
    assert {op.op for op in diff.blocks} >= {"changed", "deleted", "inserted"}
    inline = diff_html.inline(diff, screen_reader=screen_reader)
    assert_safe(inline)
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; friends" in inline
    assert "](javascript:alert(1)) or &lt;img src=x onerror=alert(2)&gt;" in inline  # as text
    for row in diff_html.rows(diff, screen_reader=screen_reader):
        for cell in (row.old, row.new):
            if cell is not None:
                assert_safe(cell)


def test_hostile_headline_and_fields_are_escaped() -> None:
    when = datetime(2025, 3, 7, tzinfo=UTC)
    old = Version(0, "a.md", when, "<script>x</script> \"A\" & B", "Body.\n",
                  url="javascript:alert(1)", byline="<b>Jo</b>")
    new = Version(1, "b.md", when, "<script>y</script> \"A\" & C", "Body.\n",
                  url="https://example.com/?a=1&b=<x>", byline=None)
    diff = diff_versions(old, new)
    assert diff.title is not None
    for change in (diff.title, *diff.field_changes):
        assert_safe(diff_html.field(change, screen_reader=True))
        for cell in diff_html.field_cells(change):
            assert_safe(cell)
    page = diff_html.document(diff, "<old>.md", "new&.md")
    assert_safe(page, ALLOWED | {"html", "head", "meta", "title", "style", "body", "h1",
                                 "table", "thead", "tr", "th", "tbody", "td", "div"},
                frozenset({"class", "lang", "charset", "colspan"}))
    assert "&lt;old&gt;.md" in page and "new&amp;.md" in page


def text_of(markup: str, drop: str) -> str:
    """The visible text of ``markup`` without ``drop`` elements (del or ins)."""
    markup = re.sub(rf"<{drop}>.*?</{drop}>", "", markup, flags=re.S)
    markup = re.sub(r'<span class="diff-sr">.*?</span>', "", markup)
    return stdlib_html.unescape(re.sub(r"<[^>]+>", "", markup))


def words(text: str) -> list[str]:
    return text.split()


def test_rows_show_each_side_without_markers() -> None:
    old = "# Title\n\nOne two three.\n\n- item one\n- item two\n\n> quoted\n\nMoved para here.\n"
    new = ("## Title\n\nOne 2 three.\n\nMoved para here!\n\n- item one\n- item two\n\n"
           "> quoted more\n")
    diff = diff_texts(old, new)
    table = diff_html.rows(diff)
    assert len(table) == len(diff.blocks)
    olds = " ".join(text_of(r.old, "ins") for r in table if r.old)
    news = " ".join(text_of(r.new, "del") for r in table if r.new)
    assert words(olds) == ["Title", "One", "two", "three.", "•", "item", "one", "•", "item",
                           "two", "quoted", "Moved", "para", "here."]
    assert words(news) == ["Title", "One", "2", "three.", "Moved", "para", "here!", "•", "item",
                           "one", "•", "item", "two", "quoted", "more"]
    kinds = [(r.kind, r.block) for r in table]
    assert ("changed", "quote") in kinds and kinds[0] == ("changed", "heading")
    assert table[0].new.startswith('<p class="diff-block diff-heading diff-h2"><strong>')
    moved = [n for n, r in enumerate(table) if r.kind == "moved"]
    for n in moved:
        other = table[n].move_to if table[n].move_to is not None else table[n].move_from
        assert other is not None and table[other].kind == "moved"
        assert {table[n].old is None, table[other].old is None} == {True, False}


def test_inline_reads_without_css_and_screen_reader_text_is_optional() -> None:
    diff = diff_texts("He held a call with leaders.\n", "He held a name with leaders.\n")
    plain = diff_html.inline(diff)
    assert plain == ('<p class="diff-block diff-paragraph">He held a <del>call</del> '
                     "<ins>name</ins> with leaders.</p>")
    spoken = diff_html.inline(diff, screen_reader=True)
    assert '<del><span class="diff-sr">[removed: </span>call<span class="diff-sr">]</span>' \
        in spoken
    assert '<ins><span class="diff-sr">[added: </span>name' in spoken


def test_changes_only_leaves_out_the_unchanged_blocks_html() -> None:
    old = "Kept one.\n\nMoved away.\n\nChanged a word.\n\nKept two.\n\nGone.\n"
    new = "Kept one.\n\nChanged the word.\n\nKept two.\n\nMoved away.\n\nAdded.\n"
    diff = diff_texts(old, new)
    full = diff_html.inline_blocks(diff)
    short = diff_html.inline_blocks(diff, changes_only=True)
    assert short == [(change, html if change else "") for change, html in full]
    assert sum(change for change, _ in full) >= 3 and not all(c for c, _ in full)


def test_short_common_words_inside_a_rewrite_are_folded() -> None:
    diff = diff_texts("Allow indexing of tuples and tuple structs: consistency.\n",
                      "Stay with the status quo of records and named structs: patterns.\n")
    inline = diff_html.inline(diff)
    assert inline.count("<del>") <= 2, inline


def test_fold_collapses_unchanged_runs() -> None:
    paras = [f"Paragraph number {n} is here." for n in range(10)]
    new = list(paras)
    new[5] = "Paragraph number five is here."
    table = diff_html.rows(diff_texts("\n\n".join(paras), "\n\n".join(new)))
    folded = diff_html.fold(table, context=1)
    assert folded[0] == 4 and folded[-1] == 3
    assert [r.kind for r in folded[1:-1]] == ["equal", "changed", "equal"]


def test_old_and_new_words_never_run_together() -> None:
    # A headline rewritten to its end: the struck old words and the new ones are two
    # phrases, not "…Ukraineurges allies…".
    change = diff_field("title", "Starmer holds call on Ukraine", "Starmer urges allies")
    assert diff_html.field(change) == ("Starmer <del>holds call on Ukraine</del> "
                                       "<ins>urges allies</ins>")
    # A word replaced before punctuation, and a word dropped with the space before it.
    diff = diff_texts("It said the move.\n\nThe war in Ukraine.\n",
                      "It said the plan.\n\nThe war.\n")
    inline = diff_html.inline(diff)
    assert "the <del>move</del> <ins>plan</ins>." in inline
    assert "war <del>in Ukraine</del>." in inline  # the new text has no space after "war"
    # Punctuation replaced by punctuation stays tight; unchanged text is not touched.
    assert diff_html.spaced([(None, "Ukraine"), ("del", "."), ("ins", "!")]) == [
        (None, "Ukraine"), ("del", "."), ("ins", "!")]
    cells = diff_html.field_cells(change)
    assert cells == ("Starmer <del>holds call on Ukraine</del>", "Starmer <ins>urges allies</ins>")


def test_escape_backslashes_are_hidden_but_not_in_code() -> None:
    old = ("\\*\\*Breaking\\*\\* \\[1\\] a\\_b and `C:\\*` <https://x.org/a\\_b>\n\n"
           "```\nprint('\\*')\n```\n")
    new = old.replace("\\[1\\]", "\\[2\\]").replace("print", "echo")
    inline = diff_html.inline(diff_texts(old, new))
    assert "**Breaking** [<del>1</del> <ins>2</ins>] a_b and `C:\\*` &lt;https://x.org/a\\_b&gt;" \
        in inline
    assert "(&#x27;\\*&#x27;)" in inline  # a code block's backslash is text

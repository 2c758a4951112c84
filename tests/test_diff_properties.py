"""Properties of the diff engine on generated texts (hypothesis).

Every diff must give back both texts exactly (equal + delete parts: the old one; equal +
insert parts: the new one, moves included), a text diffed with itself is all equal with
significance "none", diffs survive JSON, pickle and the build cache's typed JSON unchanged,
and a diff holds (``Diff.holds``) exactly the versions it was made from.
"""

from __future__ import annotations

import dataclasses
import pickle
from types import SimpleNamespace

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.diff import Diff, diff_field, diff_texts, diff_versions
from sitegen.diff import html as diff_html
from sitegen.diff import text as diff_text
from sitegen.diff.tokens import tokenize

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

WORDS = ["the", "a", "Starmer", "call", "name", "Ukraine", "EU's", "It’s", "don't", "£2.26bn",
         "€800bn", "2.5%", "20", "1990s", "naïve", "e\u0301te\u0301", "Zürich", "日本",
         "inter\u00adnational", "ｆｕｌｌ", "ﬁne", "x_y", "<script>", "&amp;", "`code`",
         "**bold**", "[link](javascript:alert(1))", "O'Brien", "co-operate"]
PUNCT = [",", ".", ";", ":", "!", "?", "-", "–", "—", "\"", "“", "”", "„", "'", "’", "(", ")",
         "...", "…", "/"]
SPACES = [" ", " ", " ", "  ", "\t", "\u00a0", " \u200b"]


@st.composite
def sentence(draw) -> str:
    items = draw(st.lists(st.sampled_from(WORDS + PUNCT), min_size=1, max_size=14))
    out = []
    for item in items:
        out.append(item)
        out.append(draw(st.sampled_from(SPACES)))
    return "".join(out).strip() or "word"


@st.composite
def block(draw) -> str:
    text = draw(sentence())
    kind = draw(st.sampled_from(["p", "p", "p", "h", "li", "ol", "quote", "code", "multi",
                                 "hr", "setext", "ref"]))
    if kind == "h":
        return "#" * draw(st.integers(1, 6)) + " " + text
    if kind == "li":
        return "\n".join(f"- {draw(sentence())}" for _ in range(draw(st.integers(1, 3))))
    if kind == "ol":
        return f"{draw(st.integers(1, 12))}. {text}"
    if kind == "quote":
        return "> " + text + draw(st.sampled_from(["", "\n>\n> " + draw(sentence())]))
    if kind == "code":
        return "```\n" + text + "\n  indented <b>\n```"
    if kind == "multi":
        return text + "\n" + draw(sentence()) + draw(st.sampled_from(["", "  ", " \t"]))
    if kind == "hr":
        return draw(st.sampled_from(["---", "***", "- - -"]))
    if kind == "setext":
        return text + "\n" + draw(st.sampled_from(["===", "---"]))
    if kind == "ref":
        return "[ref]: http://example.com/" + str(draw(st.integers(0, 9)))
    return text


@st.composite
def document(draw) -> list[str]:
    return draw(st.lists(block(), min_size=0, max_size=10))


def join(blocks: list[str], draw) -> str:
    gaps = st.sampled_from(["\n\n", "\n\n", "\n\n\n", "\n \n", "\n\n\n\n\n", "\n"])
    text = draw(st.sampled_from(["", "\n", "\n\n", "  \n"]))
    for n, item in enumerate(blocks):
        text += item + (draw(gaps) if n < len(blocks) - 1 else "")
    return text + draw(st.sampled_from(["", "\n", "\n\n", "\n  \n"]))


def _restyle(text: str) -> str:
    return (text.replace("'", "\u2019").replace('"', "\u201c").replace(" - ", " \u2013 ")
            .replace("  ", " "))


@st.composite
def pair(draw) -> tuple[str, str]:
    """A document and an edited version: blocks inserted, deleted, moved, duplicated,
    edited word by word or restyled, and whitespace changed."""
    old = draw(document())
    new = list(old)
    for _ in range(draw(st.integers(0, 5))):
        action = draw(st.sampled_from(["insert", "delete", "move", "dup", "edit", "style"]))
        if action == "insert" or not new:
            new.insert(draw(st.integers(0, len(new))), draw(block()))
            continue
        k = draw(st.integers(0, len(new) - 1))
        if action == "delete":
            del new[k]
        elif action == "move":
            item = new.pop(k)
            new.insert(draw(st.integers(0, len(new))), item)
        elif action == "dup":
            new.insert(draw(st.integers(0, len(new))), new[k])
        elif action == "edit":
            words = new[k].split(" ")
            at = draw(st.integers(0, len(words) - 1))
            words[at] = draw(st.sampled_from(WORDS))
            new[k] = " ".join(words)
        else:
            new[k] = _restyle(new[k])
    return join(old, draw), join(new, draw)


def check(old: str, new: str) -> Diff:
    diff = diff_texts(old, new)
    assert diff.old_text() == old
    assert diff.new_text() == new
    for op in diff.blocks:
        assert op.op in ("equal", "changed", "deleted", "inserted", "move_out", "move_in")
        if op.move is not None:
            partner = diff.blocks[op.move]
            assert partner.move == diff.blocks.index(op)
            assert {op.op, partner.op} == {"move_out", "move_in"}
            old_side = "".join(p.old for p in op.inner if p.op != "insert")
            new_side = "".join(p.new for p in op.inner if p.op != "delete")
            out = op if op.op == "move_out" else partner
            into = partner if op.op == "move_out" else op
            assert old_side == out.old[0].text and new_side == into.new[0].text
    assert 0.0 <= diff.stats.changed_share <= 1.0
    return diff


@SETTINGS
@given(pair())
def test_markdown_pairs_rebuild_both_texts(texts: tuple[str, str]) -> None:
    check(*texts)


@SETTINGS
@given(st.text(max_size=300), st.text(max_size=300))
def test_any_text_pairs_rebuild_both_texts(old: str, new: str) -> None:
    check(old, new)


@SETTINGS
@given(st.text(st.sampled_from(list("ab \n\n\t-#>*`.,’\u0301")), max_size=120),
       st.text(st.sampled_from(list("ab \n\n\t-#>*`.,’\u0301")), max_size=120))
def test_syntax_heavy_pairs_rebuild_both_texts(old: str, new: str) -> None:
    check(old, new)


@SETTINGS
@given(st.one_of(st.builds(lambda d: d[0], pair()), st.text(max_size=300)))
def test_identical_texts_are_all_equal(text: str) -> None:
    diff = check(text, text)
    assert all(op.op == "equal" and not op.cosmetic for op in diff.blocks)
    assert diff.significance == "none"
    stats = diff.stats
    assert (stats.words_added, stats.words_removed, stats.tokens_added, stats.tokens_removed,
            stats.tokens_moved, stats.blocks_added, stats.blocks_removed, stats.blocks_changed,
            stats.blocks_moved, stats.changed_share) == (0, 0, 0, 0, 0, 0, 0, 0, 0, 0.0)


@SETTINGS
@given(pair())
def test_restyled_text_is_cosmetic(texts: tuple[str, str]) -> None:
    old = texts[0]
    new = _restyle(old).replace("\n\n", "\n\n\n")
    diff = check(old, new)
    assert diff.significance in ("cosmetic", "none")
    assert (diff.significance == "none") == (old == new)


@SETTINGS
@given(pair())
def test_json_and_pickle_round_trip(texts: tuple[str, str]) -> None:
    diff = diff_texts(*texts)
    assert Diff.from_json(diff.to_json()) == diff
    assert pickle.loads(pickle.dumps(diff)) == diff
    assert msgspec.json.decode(msgspec.json.encode(diff), type=Diff) == diff


def version(title: str, body: str, url: str | None, byline: str | None) -> SimpleNamespace:
    return SimpleNamespace(title=title, body=body, url=url, byline=byline)


FIELD = st.one_of(st.none(), st.sampled_from(["https://a.example/1", "https://a.example/2",
                                              "By A", "By B", ""]))


@SETTINGS
@given(pair(), st.sampled_from(["Old", "New", "new"]), FIELD, FIELD)
def test_a_diff_holds_its_versions_and_no_others(texts: tuple[str, str], title: str,
                                                 url: str | None, byline: str | None) -> None:
    old = version("Old", texts[0], "https://a.example/1", "By A")
    new = version(title, texts[1], url, byline)
    diff = diff_versions(old, new)
    assert diff.holds(old, new)
    assert msgspec.json.decode(msgspec.json.encode(diff), type=Diff).holds(old, new)
    assert not diff.holds(version("Other", texts[0], old.url, old.byline), new)
    assert not diff.holds(old, version(new.title, texts[1] + "x", new.url, new.byline))
    if texts[0] != texts[1]:
        assert not diff.holds(new, old)


@SETTINGS
@given(pair(), st.data())
def test_any_part_changed_in_a_diff_is_seen(texts: tuple[str, str], data: st.DataObject) -> None:
    """A diff whose text was altered anywhere (as a crafted cache might) does not hold."""
    old, new = version("T", texts[0], None, None), version("T", texts[1], None, None)
    diff = diff_versions(old, new)
    spots = [(n, k) for n, op in enumerate(diff.blocks) for k in range(len(op.parts))]
    if not spots:
        return
    n, k = data.draw(st.sampled_from(spots))
    op = diff.blocks[n]
    part = op.parts[k]
    side = data.draw(st.sampled_from(["old", "new"]))
    changed = dataclasses.replace(part, **{side: getattr(part, side) + "!"})
    parts = (*op.parts[:k], changed, *op.parts[k + 1:])
    blocks = (*diff.blocks[:n], dataclasses.replace(op, parts=parts), *diff.blocks[n + 1:])
    assert not dataclasses.replace(diff, blocks=blocks).holds(old, new)


@SETTINGS
@given(st.text(max_size=400))
def test_tokens_cover_the_text(text: str) -> None:
    keys, raws = tokenize(text)
    assert len(keys) == len(raws)
    if keys:
        assert "".join(raws) == text
    else:
        assert not text.strip() or all(c in "\u00ad\u200b\u200c\u200d\u2060\ufeff" or c.isspace()
                                       for c in text)


@SETTINGS
@given(st.one_of(st.none(), st.text(max_size=80)), st.one_of(st.none(), st.text(max_size=80)))
def test_field_changes_rebuild_both_values(old: str | None, new: str | None) -> None:
    change = diff_field("title", old, new)
    if old == new:
        assert change is None
        return
    assert change is not None
    assert "".join(p.old for p in change.parts if p.op != "insert") == (old or "")
    assert "".join(p.new for p in change.parts if p.op != "delete") == (new or "")
    assert change.significance in ("cosmetic", "minor", "major")


@SETTINGS
@given(pair())
def test_renderings_escape_and_keep_every_block(texts: tuple[str, str]) -> None:
    diff = diff_texts(*texts)
    table = diff_html.rows(diff, screen_reader=True)
    assert len(table) == len(diff.blocks)
    for markup in [diff_html.inline(diff), *(r.old or "" for r in table),
                   *(r.new or "" for r in table)]:
        assert "<script" not in markup and "<b>" not in markup
    diff_text.plain(diff)


@SETTINGS
@given(st.one_of(pair(), st.tuples(
    st.text(st.sampled_from(list("ab \n\n\t-#>*`.,’\u0301")), max_size=120),
    st.text(st.sampled_from(list("ab \n\n\t-#>*`.,’\u0301")), max_size=120))))
def test_cached_blocks_are_drawn_as_each_view_draws_them_alone(texts: tuple[str, str]) -> None:
    """Unchanged blocks' HTML is cached once for all views: every cell and inline block
    must be what drawing it alone, uncached, gives."""
    diff = diff_texts(*texts)
    table = diff_html.rows(diff, screen_reader=True)
    inline = diff_html.inline_blocks(diff, screen_reader=True)
    draw = diff_html._render_blocks
    for op, row, (_, html) in zip(diff.blocks, table, inline, strict=True):
        parts = op.inner if op.move is not None else op.parts
        if op.old:
            assert row.old == draw(parts, op.old, (), "old", True)
        if op.new:
            assert row.new == draw(parts, (), op.new, "new", True)
        if op.move is None:
            assert html == draw(op.parts, op.old, op.new, "inline", True)


def test_cached_blocks_keep_their_own_blocks_and_kinds() -> None:
    """Text split into blocks differently on the two sides, and a block whose kind changed
    with its context, are drawn as their own blocks (found by an independent review)."""
    split = diff_texts("- x\n\n    a\n\n    b\n", "x\n\n    a\n\n    b\n")
    cells = [row.old for op, row in zip(split.blocks, diff_html.rows(split), strict=True)
             if len(op.old) == 2]
    assert cells and all(c.count('<p class="diff-block') == 2 for c in cells), cells
    kind = diff_texts("- a\n\n    b\n", "a\n\n    b\n")
    ops = [(op, html) for op, (_, html) in zip(kind.blocks, diff_html.inline_blocks(kind),
                                                 strict=True) if op.op == "equal"]
    assert ops and all(op.new[0].kind == "code" and html.startswith("<pre") for op, html in ops)

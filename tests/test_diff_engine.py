"""Alignment, moves, significance and the version-level API of the diff engine."""



from __future__ import annotations

import pickle
from datetime import UTC, datetime

import pytest

from sitegen.diff import Diff, diff_texts, diff_versions
from sitegen.diff.model import FORMAT
from sitegen.diff.tokens import tokenize
from sitegen.model import Version

P = [
    "Sir Keir Starmer has held a call with leaders from the EU, Turkey, Norway, Iceland "
    "and Canada as part of the ongoing diplomatic push on Ukraine.",
    "During the meeting, the non-EU countries were briefed on the EU's plans to step up "
    "defence, which include freeing up €800bn (£670bn) for military spending.",
    "European Commission President Ursula von der Leyen said the move would help Europe "
    "protect \"our people, territories and assets\".",
    "UK Defence Secretary John Healey earlier returned from Washington DC, where he met "
    "with his US counterpart Pete Hegseth.",
    "The US has paused military aid to Ukraine and stop sharing intelligence as it "
    "reviews \"all aspects of this relationship\".",
    "Chancellor Rachel Reeves also announced a £2.26bn loan to Ukraine, funded by seized "
    "Russian assets.",
]


def body(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs) + "\n"


def ops(diff: Diff) -> list[str]:
    return [op.op for op in diff.blocks]


def version(title: str, text: str, **extra: str | None) -> Version:
    return Version(number=0, path="x.md", fetched=datetime(2025, 3, 7, tzinfo=UTC),
                   title=title, body=text, **extra)


def test_tokens_keep_money_and_percentages_whole() -> None:
    keys, _ = tokenize("freeing up €800bn (£670bn), a £2.26bn loan and 2.5% growth; it’s")
    assert keys == ["freeing", "up", "€800bn", "(", "£670bn", ")", ",", "a", "£2.26bn",
                    "loan", "and", "2.5%", "growth", ";", "it's"]


def test_edited_paragraph_aligns_despite_insertions_and_deletions_around_it() -> None:
    new = list(P)
    new[2] = new[2].replace("Commission", "Fee").replace("said", "mentioned")
    new.insert(2, "A new paragraph about something else entirely, with many new words.")
    del new[1]
    new.insert(5, "Another new paragraph.")
    diff = diff_texts(body(P), body(new))
    changed = [op for op in diff.blocks if op.op == "changed"]
    assert len(changed) == 1
    assert changed[0].old[0].index == 2
    assert changed[0].new[0].text.startswith("European Fee")
    assert [p.text for p in changed[0].parts if p.op != "equal"] == [
        "Commission ", "Fee ", "said ", "mentioned "]
    assert ops(diff).count("inserted") == 2 and ops(diff).count("deleted") == 1
    assert diff.stats.blocks_added == 2 and diff.stats.blocks_removed == 1


@pytest.mark.parametrize("edit", [False, True])
def test_moved_paragraph_is_a_move(edit: bool) -> None:
    new = [P[0], P[2], P[3], P[4], P[1], P[5]]
    if edit:
        new[4] = new[4].replace("military", "army")
    diff = diff_texts(body(P), body(new))
    out = [op for op in diff.blocks if op.op == "move_out"]
    into = [op for op in diff.blocks if op.op == "move_in"]
    assert len(out) == len(into) == 1
    assert out[0].old[0].index == 1 and into[0].new[0].index == 4
    assert diff.blocks[out[0].move] is into[0] and diff.blocks[into[0].move] is out[0]
    assert ops(diff).count("deleted") == ops(diff).count("inserted") == 0
    assert diff.stats.blocks_moved == 1
    inner = [(p.op, p.text) for p in into[0].inner if p.op != "equal"]
    assert inner == ([("delete", "military "), ("insert", "army ")] if edit else [])
    assert diff.significance == "minor"


def test_the_smaller_side_of_a_swap_is_the_one_moved() -> None:
    short = "Short one."
    diff = diff_texts(body([short, P[0], P[1]]), body([P[0], P[1], short]))
    moved = [op for op in diff.blocks if op.op == "move_in"]
    assert len(moved) == 1 and moved[0].new[0].text.startswith(short)


def test_split_paragraph_is_one_change_with_nothing_lost() -> None:
    old = body([P[0] + " " + P[1], P[2]])
    new = body([P[0], P[1], P[2]])
    diff = diff_texts(old, new)
    assert ops(diff) == ["changed", "equal"]
    assert len(diff.blocks[0].old) == 1 and len(diff.blocks[0].new) == 2
    assert diff.stats.tokens_added == diff.stats.tokens_removed == 0
    assert diff.significance == "cosmetic"


def test_identical_blocks_are_not_word_diffed() -> None:
    diff = diff_texts(body(P), body([*P[:3], P[3] + " More.", *P[4:]]))
    assert ops(diff) == ["equal", "equal", "equal", "changed", "equal", "equal"]
    assert all(len(op.parts) == 1 for op in diff.blocks if op.op == "equal")


def test_identical_versions_have_significance_none() -> None:
    v = version("Headline", body(P), url="https://example.com/a")
    diff = diff_versions(v, v)
    assert diff.significance == "none"
    assert diff.title is None and diff.fields == {}
    assert all(op.op == "equal" for op in diff.blocks)


@pytest.mark.parametrize("new", [
    body(P).replace("EU's", "EU’s").replace('"our', "“our").replace('assets"', "assets”"),
    body(P).replace('"our people', "„our people").replace('assets"', "assets“").replace(
        "non-EU", "non\u2011EU"),
    body(P).replace(" ", "  ").replace("\n\n", "\n\n\n"),
    body(P).replace("ﬁ", "fi").replace("assets", "ａssets"),  # NFKC: fullwidth a
    body([p.replace(", ", ",\n") for p in P]),  # re-wrapped lines
])
def test_style_and_whitespace_changes_are_cosmetic(new: str) -> None:
    diff = diff_texts(body(P), new)
    assert diff.significance == "cosmetic"
    assert all(op.op == "equal" for op in diff.blocks)
    assert any(op.cosmetic for op in diff.blocks)
    assert diff.new_text() == new


@pytest.mark.parametrize(("new", "said"), [
    (body(P).replace("EU's", "EU’s").replace('"our', "“our").replace('assets"', "assets”"),
     "only quotation marks and apostrophes changed"),
    (body(P).replace('"our people', "„our people").replace("non-EU", "non\u2011EU"),
     "only quotation marks and dashes changed"),
    (body(P).replace(" ", "  ").replace("\n\n", "\n\n\n"), "only spacing changed"),
    (body([p.replace(", ", ",\n") for p in P]), "only spacing changed"),
    (body(P).replace("assets", "ａssets"), "only character forms changed"),
    (body(P).replace("Europe", "Eu\u00adrope"), "only invisible characters changed"),
    (body(P).replace("EU's", "EU’s").replace(" - ", " – ").replace("Ukraine and", "Ukraine  and"),
     "only apostrophes and spacing changed"),
])
def test_a_cosmetic_change_says_what_it_changed(new: str, said: str) -> None:
    from sitegen.diff.readable import summary
    from sitegen.render.diffview import describe

    diff = diff_texts(body(P), new)
    assert diff.significance == "cosmetic"
    assert summary(diff) == f"cosmetic: {said}"
    assert describe(diff) == said
    # Words changed too: counted, and the restyling is not called "only".
    mixed = diff_texts(body(P), new.replace("ongoing", "continued"))
    assert "only" not in describe(mixed) and "1 word added" in describe(mixed)


def test_dash_styles_are_cosmetic() -> None:
    for dash in ("\u2013", "\u2014", "\u2212"):
        diff = diff_texts("on security - and I say", f"on security {dash} and I say")
        assert diff.significance == "cosmetic"


def test_word_swap_is_minor_and_a_changed_figure_or_new_paragraph_major() -> None:
    assert diff_texts(body(P), body(P).replace("ongoing", "continued")).significance == "minor"
    assert diff_texts(body(P), body(P).replace("£2.26bn", "£2.5bn")).significance == "major"
    added = body([*P, "Police said a man had been arrested near the scene."])
    assert diff_texts(body(P), added).significance == "major"
    rewrite = body([P[0], "Something else was said by somebody else on another day.", *P[2:]])
    assert diff_texts(body(P), rewrite).significance == "major"


def test_headline_changes() -> None:
    text = body(P)
    old = version("Starmer speaks to European allies in diplomatic push on Ukraine", text)
    tweak = version("Starmer speaks to EU allies in diplomatic push on Ukraine", text)
    rewrite = version("Europe must be ready if US walks away, Macron warns", text)
    curly = version("Starmer’s allies in diplomatic push", text)
    straight = version("Starmer's allies in diplomatic push", text)
    d = diff_versions(old, tweak)
    assert d.title is not None and d.title.significance == "minor" and d.significance == "minor"
    assert [p.text for p in d.title.parts if p.op != "equal"] == ["European ", "EU "]
    assert d.stats.tokens_added == 0 and d.blocks and all(op.op == "equal" for op in d.blocks)
    assert diff_versions(old, rewrite).significance == "major"
    assert diff_versions(straight, curly).significance == "cosmetic"


def test_a_headline_restyled_in_case_is_cosmetic_word_by_word() -> None:
    from sitegen.diff import html as diff_html
    from sitegen.render.diffview import describe

    text = body(P)
    old = version("Starmer Urges Allies To Step Up On Ukraine", text)
    new = version("Starmer urges allies to step up on Ukraine", text)
    d = diff_versions(old, new)
    assert d.title is not None and d.title.significance == "cosmetic"
    assert d.significance == "cosmetic" and describe(d) == "only the headline's letter case changed"
    assert all(p.op == "equal" for p in d.title.parts)
    shown = diff_html.field(d.title)
    assert "<del>" not in shown and "<ins>" not in shown
    assert shown.startswith('Starmer <span class="diff-style" title="was Urges">urges</span> '
                            '<span class="diff-style" title="was Allies">allies</span>')
    # A word changed as well: that word is the change, the rest keeps its place.
    also = diff_versions(old, version("Starmer urges allies to step up now on Ukraine", text))
    assert also.title is not None and also.title.significance == "minor"
    assert [p.text for p in also.title.parts if p.op != "equal"] == ["now "]
    # The body keeps letter case as text: "US" and "us" are different words there.
    assert diff_texts("Tell the US.\n", "Tell the us.\n").significance != "cosmetic"


def test_field_changes_are_reported_apart_from_the_body() -> None:
    old = version("H", "Body.\n", url="https://example.com/a", byline="Jo Smith")
    new = version("H", "Body.\n", url="https://example.com/b", byline=None)
    diff = diff_versions(old, new)
    assert set(diff.fields) == {"url", "byline"}
    assert diff.fields["byline"].old == "Jo Smith" and diff.fields["byline"].new is None
    assert diff.fields["url"].significance == "minor"
    assert diff.significance == "minor"
    data = diff.to_dict()
    assert data["format"] == FORMAT and set(data["fields"]) == {"url", "byline"}
    assert Diff.from_json(diff.to_json()) == diff
    assert pickle.loads(pickle.dumps(diff)) == diff


def test_diffs_are_immutable() -> None:
    diff = diff_texts("a\n", "b\n")
    with pytest.raises(AttributeError):
        diff.significance = "none"  # type: ignore[misc]
    diff.fields["x"] = None  # type: ignore[assignment]
    assert diff.fields == {}


def test_plain_text_lines_are_paragraphs() -> None:
    old, new = "\n".join(P) + "\n", "\n".join([P[0], P[1].replace("military", "army"), *P[2:]])
    assert ops(diff_texts(old, new)) == ["changed"]  # Markdown: one paragraph
    plain = diff_texts(old, new, plain=True)
    assert ops(plain) == ["equal", "changed", "equal", "equal", "equal", "equal"]
    assert plain.new_text() == new


def test_empty_and_blank_bodies() -> None:
    for old, new in [("", ""), ("", "Text.\n"), ("Text.\n", ""), ("  \n", "\n"), ("", " ")]:
        diff = diff_texts(old, new)
        assert diff.old_text() == old and diff.new_text() == new
    assert diff_texts("  \n", "\n").significance == "cosmetic"
    assert diff_texts("", "Text.\n").significance == "major"  # all of the text is new


def test_a_page_renders_the_versions_the_diffs_parsed_without_parsing_them_again() -> None:
    from types import SimpleNamespace

    from sitegen.diff import engine
    from sitegen.pages.articles import body_html

    old = SimpleNamespace(title="T", body="One paragraph.\n\nTwo.\n", url=None, byline=None)
    new = SimpleNamespace(title="T", body="One paragraph.\n\nThree.\n", url=None, byline=None)
    engine._parsed.cache_clear()  # what earlier tests parsed must not hide a parse here
    engine.diff_versions(old, new)
    misses = engine._parsed.cache_info().misses
    assert misses == 2  # each body parsed once for the diff
    assert body_html(old.body) == "<p>One paragraph.</p>\n<p>Two.</p>\n"
    body_html(new.body)
    assert engine._parsed.cache_info().misses == misses

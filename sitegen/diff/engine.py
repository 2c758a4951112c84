"""Diffs of bodies and of whole versions: the alignment turned into parts, stats and a
significance."""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol

from sitegen.diff import significance
from sitegen.diff.align import Op, align
from sitegen.diff.blocks import Doc, parse
from sitegen.diff.model import DELETE, EQUAL, INSERT, Block, BlockOp, Diff, FieldChange, Part, Stats
from sitegen.diff.sequence import Run, matches
from sitegen.diff.tokens import has_figure, is_word, tokenize


class Versionlike(Protocol):
    """What a diff reads from a version: ``sitegen.model.Version`` or a parsed file."""

    @property
    def title(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def url(self) -> str | None: ...
    @property
    def byline(self) -> str | None: ...


FIELDS = ("url", "byline")


@lru_cache(maxsize=16)
def _parsed(text: str, plain: bool) -> tuple[Doc, tuple[Block, ...]]:
    # A build diffs each version against the one before and the one after (and the first
    # against the latest), and renders it: parse it, and cut out its blocks' texts, once.
    # ``plain`` has no default: lru_cache keys f(x) and f(x, False) apart. The blocks are a
    # tuple: every caller shares them.
    doc = parse(text, plain)
    return doc, _blocks(doc)


def _doc(text: str, plain: bool = False) -> Doc:
    return _parsed(text, plain)[0]


def parsed(text: str) -> Doc:
    """A Markdown body cut into blocks, from the cache the diffs use: a page that shows the
    blocks right after the build diffed the versions parses nothing again."""
    return _doc(text)


def diff_versions(old: Versionlike, new: Versionlike) -> Diff:
    """The diff of two versions: body, headline and the url/byline fields."""
    body = _diff(*_parsed(old.body, False), *_parsed(new.body, False))
    title = diff_field("title", old.title, new.title)
    changes = tuple(c for name in FIELDS
                    if (c := diff_field(name, getattr(old, name), getattr(new, name))))
    level = significance.overall(body.significance, title, changes)
    return Diff(body.blocks, body.stats, level, title, changes)


def diff_texts(old: str, new: str, *, plain: bool = False) -> Diff:
    """The diff of two Markdown bodies (no title, no fields). With ``plain`` the texts are
    not Markdown: each line that is not blank is a paragraph (scraped text often has one
    paragraph per line and no blank lines, which Markdown would read as one paragraph)."""
    return _diff(*_parsed(old, plain), *_parsed(new, plain))


def diff_field(name: str, old: str | None, new: str | None) -> FieldChange | None:
    """A word diff of one front-matter field, or None when it is the same text."""
    if old == new:
        return None
    a_keys, a_raws = tokenize(old or "")
    b_keys, b_raws = tokenize(new or "")
    if name == "title":  # "Title Case" made "Sentence case" is a restyling, not a rewrite
        a_keys, b_keys = _caseless(a_keys), _caseless(b_keys)
    count = _Count()
    parts = _parts(a_keys, a_raws, b_keys, b_raws, matches(a_keys, b_keys), count)
    if not parts:  # whitespace on one side and nothing on the other: keep the texts
        parts = tuple(p for p in (Part(DELETE, old or "", ""), Part(INSERT, "", new or ""))
                      if p.text)
    elif not a_raws and old:
        parts = (Part(DELETE, old, ""), *parts)
    elif not b_raws and new:
        parts = (*parts, Part(INSERT, "", new))
    level = significance.field(name, count.removed + count.added, len(a_keys) + len(b_keys),
                               count.figures)
    return FieldChange(name, old, new, parts, level)


def _caseless(keys: list[str]) -> list[str]:
    """Token keys with letter case folded (upper then lower, as compare.js can do too)."""
    return [key.upper().lower() for key in keys]


class _Count:
    """Running totals of changed tokens while parts are built."""

    __slots__ = ("added", "figures", "moved", "removed", "words_added", "words_removed")

    def __init__(self) -> None:
        self.added = self.removed = self.moved = 0
        self.words_added = self.words_removed = self.figures = 0

    def take(self, keys: list[str], op: str) -> int:
        """Count removed/added tokens; the number of words among them."""
        words = 0
        for key in keys:
            if not key:
                continue  # the empty key of a whitespace-only body
            if op == DELETE:
                self.removed += 1
            else:
                self.added += 1
            if is_word(key):
                words += 1
            if has_figure(key):
                self.figures += 1
        if op == DELETE:
            self.words_removed += words
        else:
            self.words_added += words
        return words


def _parts(a_keys: list[str], a_raws: list[str], b_keys: list[str], b_raws: list[str],
           runs: list[Run], count: _Count | None) -> tuple[Part, ...]:
    """Parts of the word diff of two token lists, given their matching runs."""
    parts: list[Part] = []
    i = j = 0
    for ri, rj, size in [*runs, (len(a_keys), len(b_keys), 0)]:
        if ri > i:
            parts.append(Part(DELETE, "".join(a_raws[i:ri]), ""))
            if count:
                count.take(a_keys[i:ri], DELETE)
        if rj > j:
            parts.append(Part(INSERT, "", "".join(b_raws[j:rj])))
            if count:
                count.take(b_keys[j:rj], INSERT)
        if size:
            old = "".join(a_raws[ri : ri + size])
            new = "".join(b_raws[rj : rj + size])
            parts.append(Part(EQUAL, old, old if new == old else new))
        i, j = ri + size, rj + size
    return tuple(parts)


def _blocks(doc: Doc) -> tuple[Block, ...]:
    return tuple(Block(n, raw.kind, raw.level, raw.line, doc.block_text(n))
                 for n, raw in enumerate(doc.blocks))


def _diff(a: Doc, old_blocks: tuple[Block, ...], b: Doc, new_blocks: tuple[Block, ...]
          ) -> Diff:
    count = _Count()
    ops: list[BlockOp] = []
    added = removed = changed = moved = 0
    big_blocks = 0  # added or removed blocks long enough to be a fact of their own
    aligned = align(a, b)
    inners: dict[int, tuple[Part, ...]] = {}
    for op in aligned:
        ta, ta_end = _tokens(a, op.olo, op.ohi)
        tb, tb_end = _tokens(b, op.nlo, op.nhi)
        olds, news = old_blocks[op.olo : op.ohi], new_blocks[op.nlo : op.nhi]
        if op.op in ("equal", "changed"):
            parts = _parts(a.keys[ta:ta_end], a.raws[ta:ta_end], b.keys[tb:tb_end],
                           b.raws[tb:tb_end], op.runs, count)
            ops.append(BlockOp(op.op, olds, news, parts))
            changed += op.op == "changed"
        elif op.op == "deleted":
            words = count.take(a.keys[ta:ta_end], DELETE)
            ops.append(BlockOp("deleted", olds, (), (Part(DELETE, olds[0].text, ""),)))
            removed += 1
            big_blocks += words >= significance.MAJOR_BLOCK_WORDS
        elif op.op == "inserted":
            words = count.take(b.keys[tb:tb_end], INSERT)
            ops.append(BlockOp("inserted", (), news, (Part(INSERT, "", news[0].text),)))
            added += 1
            big_blocks += words >= significance.MAJOR_BLOCK_WORDS
        else:
            inner = _move(a, b, aligned, op, count, inners)
            if op.op == "move_out":
                ops.append(BlockOp("move_out", olds, (), (Part(DELETE, olds[0].text, ""),),
                                   op.move, inner))
            else:
                ops.append(BlockOp("move_in", (), news, (Part(INSERT, "", news[0].text),),
                                   op.move, inner))
                moved += 1
    tokens_old = len(a.keys) - (a.keys == [""])
    tokens_new = len(b.keys) - (b.keys == [""])
    total = tokens_old + tokens_new
    stats = Stats(
        words_added=count.words_added,
        words_removed=count.words_removed,
        blocks_added=added,
        blocks_removed=removed,
        blocks_changed=changed,
        blocks_moved=moved,
        changed_share=(count.added + count.removed + count.moved) / total if total else 0.0,
        figures_changed=count.figures,
        tokens_old=tokens_old,
        tokens_new=tokens_new,
        tokens_added=count.added,
        tokens_removed=count.removed,
        tokens_moved=count.moved,
    )
    level = significance.body(a.text == b.text, stats, big_blocks)
    return Diff(tuple(ops), stats, level)


def _tokens(doc: Doc, lo: int, hi: int) -> tuple[int, int]:
    if hi <= lo:
        return 0, 0
    return doc.blocks[lo].start, doc.blocks[hi - 1].end


def _move(a: Doc, b: Doc, aligned: list[Op], op: Op, count: _Count,
          inners: dict[int, tuple[Part, ...]]) -> tuple[Part, ...]:
    """The inner diff of a move, built (and counted) once for its two entries."""
    out = op if op.op == "move_out" else aligned[op.move or 0]
    into = aligned[out.move or 0]
    if out.olo not in inners:
        ta, ta_end = _tokens(a, out.olo, out.ohi)
        tb, tb_end = _tokens(b, into.nlo, into.nhi)
        inners[out.olo] = _parts(a.keys[ta:ta_end], a.raws[ta:ta_end], b.keys[tb:tb_end],
                                 b.raws[tb:tb_end], op.runs, count)
        count.moved += sum(size for _, _, size in op.runs)
    return inners[out.olo]

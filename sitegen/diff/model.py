"""The diff objects and their JSON form (``sitegen-diff/1``, described in docs/diff.md).

Everything is frozen and built from tuples, strings and numbers only, so a diff can be
kept in the build cache as typed JSON (``Diff.holds`` checks one read back). The parts of a
diff hold the source text exactly, whitespace included: the old side is the concatenation
of the ``equal`` (old text) and ``delete`` parts of ``blocks`` in order, the new side that
of ``equal`` (new text) and ``insert`` parts.
"""

from __future__ import annotations

import json
import operator
from dataclasses import dataclass, fields
from typing import Any

FORMAT = "sitegen-diff/1"

EQUAL, DELETE, INSERT = "equal", "delete", "insert"
# Block operations. A move is two entries: ``move_out`` where the block left (its old text
# as one delete part) and ``move_in`` where it arrived (its new text as one insert part);
# both carry the word diff between the two texts in ``inner``.
OPS = ("equal", "changed", "deleted", "inserted", "move_out", "move_in")
SIGNIFICANCE = ("none", "cosmetic", "minor", "major")


@dataclass(frozen=True, slots=True)
class Part:
    """A run of tokens: ``equal`` (on both sides; ``old`` and ``new`` differ only in
    whitespace or cosmetic forms), ``delete`` (old side only) or ``insert`` (new only)."""

    op: str
    old: str
    new: str

    @property
    def text(self) -> str:
        return self.old if self.op == DELETE else self.new

    @property
    def cosmetic(self) -> bool:
        """An equal part whose two texts differ (in whitespace or style only)."""
        return self.op == EQUAL and self.old != self.new


@dataclass(frozen=True, slots=True)
class Block:
    """A block of one version: its position, kind (paragraph, heading, list_item, quote,
    code, table, rule, html, blank) and source text, blank lines after it included."""

    index: int
    kind: str
    level: int  # heading level; nesting depth of a list item or quote (1 = top level)
    line: int  # 1-based line in the body where it starts
    text: str


@dataclass(frozen=True, slots=True)
class BlockOp:
    """One entry of the aligned block sequence.

    ``old`` and ``new`` are the blocks on each side: one and one for ``equal`` and most
    ``changed`` entries, several when text flowed across block boundaries (a paragraph split
    in two, or two merged), none on one side for ``deleted``/``inserted`` and the two move
    entries. ``move`` is the index in ``Diff.blocks`` of a move's other entry.
    """

    op: str
    old: tuple[Block, ...]
    new: tuple[Block, ...]
    parts: tuple[Part, ...]
    move: int | None = None
    inner: tuple[Part, ...] = ()

    @property
    def kind(self) -> str:
        """The block kind to style it by (the new one when there is one)."""
        return (self.new or self.old)[0].kind

    @property
    def is_change(self) -> bool:
        return self.op != "equal"

    @property
    def cosmetic(self) -> bool:
        return self.op == "equal" and any(p.old != p.new for p in self.parts)


@dataclass(frozen=True, slots=True)
class FieldChange:
    """A front-matter field (title, url, byline) that differs between the versions."""

    name: str
    old: str | None
    new: str | None
    parts: tuple[Part, ...]
    significance: str  # cosmetic, minor or major


@dataclass(frozen=True, slots=True)
class Stats:
    """Counts for the body. Tokens are words, numbers and punctuation marks; "words" leave
    punctuation out. Moved text is not added or removed: a move adds its inner changes to
    the added/removed counts and its unchanged tokens to ``tokens_moved``."""

    words_added: int = 0
    words_removed: int = 0
    blocks_added: int = 0
    blocks_removed: int = 0
    blocks_changed: int = 0
    blocks_moved: int = 0
    changed_share: float = 0.0  # (added + removed + moved tokens) / (old + new tokens)
    figures_changed: int = 0  # added or removed tokens holding a digit (title included)
    tokens_old: int = 0
    tokens_new: int = 0
    tokens_added: int = 0
    tokens_removed: int = 0
    tokens_moved: int = 0


@dataclass(frozen=True, slots=True)
class Diff:
    """What changed from one version to the next. ``significance`` is ``none`` for identical
    versions (every block ``equal``, all stats zero)."""

    blocks: tuple[BlockOp, ...]
    stats: Stats
    significance: str
    title: FieldChange | None = None
    field_changes: tuple[FieldChange, ...] = ()

    @property
    def fields(self) -> dict[str, FieldChange]:
        """url/byline changes by field name (a fresh dict: the diff itself stays frozen)."""
        return {change.name: change for change in self.field_changes}

    def old_text(self) -> str:
        """The old body, rebuilt from the parts."""
        return "".join(p.old for op in self.blocks for p in op.parts if p.op != INSERT)

    def new_text(self) -> str:
        return "".join(p.new for op in self.blocks for p in op.parts if p.op != DELETE)

    def holds(self, old: Any, new: Any) -> bool:
        """Whether this is a diff of the versions ``old`` and ``new`` (anything with their
        ``title``, ``body``, ``url`` and ``byline``), as far as its text goes: every part and
        block holds their texts exactly, each block once and in order, with known operations
        only. A diff read back from the build cache is used only if it holds: a damaged or
        crafted one would otherwise show a change that never happened."""
        if self.significance not in SIGNIFICANCE:
            return False
        sides: tuple[list[Block], list[Block]] = ([], [])
        for n, op in enumerate(self.blocks):
            moved = op.op in ("move_out", "move_in")
            if (op.op not in OPS
                    or not all(map(_part_holds, op.parts)) or not all(map(_part_holds, op.inner))
                    or not _SHAPES[op.op](op)
                    or moved != (op.move is not None)
                    or (moved and not (0 <= op.move < len(self.blocks)  # type: ignore[operator]
                                       and self.blocks[op.move].move == n))  # type: ignore[index]
                    or _parts_text(op.parts, "old") != "".join(b.text for b in op.old)
                    or _parts_text(op.parts, "new") != "".join(b.text for b in op.new)):
                return False
            sides[0].extend(op.old)
            sides[1].extend(op.new)
        for blocks, body in zip(sides, (old.body, new.body), strict=True):
            blocks.sort(key=operator.attrgetter("index"))
            if ([b.index for b in blocks] != list(range(len(blocks)))
                    or "".join(b.text for b in blocks) != body):
                return False
        changes = {c.name: c for c in self.field_changes}
        if len(changes) != len(self.field_changes) or not set(changes) <= {"url", "byline"}:
            return False
        for name, change in (("title", self.title), *((f, changes.get(f)) for f in
                                                      ("url", "byline"))):
            was, now = getattr(old, name), getattr(new, name)
            if change is None:
                if was != now:
                    return False
            elif (change.name != name or (change.old, change.new) != (was, now)
                  or change.significance not in SIGNIFICANCE
                  or not all(map(_part_holds, change.parts))
                  or _parts_text(change.parts, "old") != (was or "")
                  or _parts_text(change.parts, "new") != (now or "")):
                return False
        return True

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "significance": self.significance,
            "stats": {f.name: getattr(self.stats, f.name) for f in fields(Stats)},
            "title": _field_json(self.title) if self.title else None,
            "fields": {c.name: _field_json(c) for c in self.field_changes},
            "blocks": [_op_json(op) for op in self.blocks],
        }

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Diff:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} diff: format is {data.get('format')!r}")
        return cls(
            blocks=tuple(_op_from(op) for op in data["blocks"]),
            stats=Stats(**data["stats"]),
            significance=data["significance"],
            title=_field_from("title", data["title"]) if data["title"] else None,
            field_changes=tuple(_field_from(k, v) for k, v in data["fields"].items()),
        )

    @classmethod
    def from_json(cls, text: str) -> Diff:
        return cls.from_dict(json.loads(text))


def _part_holds(part: Part) -> bool:
    """A known operation, with no text on the side it is not on."""
    return (part.op == EQUAL or (part.op == DELETE and not part.new)
            or (part.op == INSERT and not part.old))


# What each block operation holds: blocks on which sides, parts of which kinds.
_SHAPES = {
    "equal": lambda op: bool(op.old and op.new) and all(p.op == EQUAL for p in op.parts),
    "changed": lambda op: bool(op.old or op.new),
    "deleted": lambda op: bool(op.old) and not op.new and all(p.op == DELETE for p in op.parts),
    "inserted": lambda op: bool(op.new) and not op.old and all(p.op == INSERT for p in op.parts),
    "move_out": lambda op: bool(op.old) and not op.new and all(p.op == DELETE for p in op.parts),
    "move_in": lambda op: bool(op.new) and not op.old and all(p.op == INSERT for p in op.parts),
}


def _part_json(part: Part) -> dict[str, str]:
    if part.op == EQUAL and part.old != part.new:
        return {"op": EQUAL, "old": part.old, "new": part.new}
    return {"op": part.op, "text": part.text}


def _part_from(data: dict[str, str]) -> Part:
    op = data["op"]
    if "text" not in data:
        return Part(op, data["old"], data["new"])
    text = data["text"]
    return Part(op, "" if op == INSERT else text, "" if op == DELETE else text)


def _parts_text(parts: tuple[Part, ...], side: str) -> str:
    skip = INSERT if side == "old" else DELETE
    return "".join(getattr(p, side) for p in parts if p.op != skip)


def _op_json(op: BlockOp) -> dict[str, Any]:
    out: dict[str, Any] = {"op": op.op, "kind": op.kind}
    for side in ("old", "new"):
        out[side] = [{"index": b.index, "kind": b.kind, "level": b.level, "line": b.line,
                      "chars": len(b.text)} for b in getattr(op, side)]
    if op.move is not None:
        out["move"] = op.move
        out["inner"] = [_part_json(p) for p in op.inner]
    out["parts"] = [_part_json(p) for p in op.parts]
    return out


def _op_from(data: dict[str, Any]) -> BlockOp:
    parts = tuple(_part_from(p) for p in data["parts"])
    sides = {}
    for side in ("old", "new"):
        text = _parts_text(parts, side)
        blocks, at = [], 0
        for ref in data[side]:
            blocks.append(Block(ref["index"], ref["kind"], ref["level"], ref["line"],
                                text[at : at + ref["chars"]]))
            at += ref["chars"]
        sides[side] = tuple(blocks)
    return BlockOp(data["op"], sides["old"], sides["new"], parts, data.get("move"),
                   tuple(_part_from(p) for p in data.get("inner", ())))


def _field_json(change: FieldChange) -> dict[str, Any]:
    return {"old": change.old, "new": change.new, "significance": change.significance,
            "parts": [_part_json(p) for p in change.parts]}


def _field_from(name: str, data: dict[str, Any]) -> FieldChange:
    return FieldChange(name, data["old"], data["new"],
                       tuple(_part_from(p) for p in data["parts"]), data["significance"])

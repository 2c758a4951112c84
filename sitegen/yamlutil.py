"""Safe YAML loading with the line numbers that error messages need.

Only ``SafeLoader`` is ever used: a YAML tag in a scraped file must not build Python objects.
The C loader is used when PyYAML was built with libyaml (it is about ten times faster).
A key given twice in one mapping is an error (PyYAML would keep the last one silently).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_MERGE = "tag:yaml.org,2002:merge"


class YamlProblem(Exception):
    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.message = message
        self.line = line


class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader, refusing duplicate and unhashable mapping keys with their line."""

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if key_node.tag == _MERGE:  # '<<: *anchor': keys given here override those
                    continue
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                try:
                    again = key in seen
                except TypeError:
                    kind = "a list" if isinstance(key, list) else "a mapping"
                    raise YamlProblem(f"a key may not be {kind}: keys are plain values such as "
                                      "text or numbers; fix the YAML", line) from None
                if again:  # (the first one's line would be off in front matter's numbering)
                    raise YamlProblem(f"duplicate key {key!r}, given above too: each key may be "
                                      "given once; remove one of them", line)
                seen.add(key)
        return super().construct_mapping(node, deep)


    def construct_timestamp(self, node: yaml.Node) -> Any:
        """A date or time, or a YamlProblem for one that does not exist (2025-13-01), with
        its line, where PyYAML raises a bare ValueError."""
        try:
            return self.construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            raise YamlProblem(f"{node.value!r} is not a real date or time ({exc}); write "
                              "it as e.g. 2025-03-07 or 2025-03-07T10:12:00Z",
                              node.start_mark.line + 1) from None


Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_timestamp)

MAX_VALUES = 10_000  # values a document may expand to through aliases ("billion laughs")


def _expanded(node: yaml.Node, memo: dict[int, int]) -> int:
    """How many values ``node`` stands for once every alias is expanded (memoised, so a
    graph built to explode costs its size in nodes to measure, not its expansion)."""
    key = id(node)
    if key not in memo:
        memo[key] = 0  # a recursive alias counts once
        if isinstance(node, yaml.SequenceNode):
            memo[key] = 1 + sum(_expanded(child, memo) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            memo[key] = 1 + sum(_expanded(k, memo) + _expanded(v, memo) for k, v in node.value)
        else:
            memo[key] = 1
    return memo[key]


def _check_aliases(text: str) -> None:
    """Refuse documents whose anchors and aliases expand past MAX_VALUES values.

    PyYAML shares aliased objects, so loading such a document is cheap; but anything that
    walks the result (templates, JSON, hashing) pays the full expansion.
    """
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if node is not None and _expanded(node, {}) > MAX_VALUES:
        raise YamlProblem(f"YAML aliases expand to more than {MAX_VALUES:,} values; "
                          "write the values out instead of repeating anchors", 1)


def load(text: str) -> Any:
    """Parse YAML text; a syntax error becomes a YamlProblem with a 1-based line."""
    try:
        if "*" in text:
            _check_aliases(text)
        return yaml.load(text, Loader=Loader)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        tag = re.search(r"tag '([^']*)'", str(exc.problem))
        if tag is None:  # a value that does not fit its tag, such as !!map on a list
            raise YamlProblem(f"YAML error: {exc.problem}; fix the YAML", line) from None
        shown = tag.group(1).replace("tag:yaml.org,2002:", "!!")
        raise YamlProblem(f"YAML tag {shown} is not allowed: front matter holds only plain "
                          "values (text, numbers, times, lists, mappings); remove the tag",
                          line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "invalid YAML"
        hint = _colon_hint(text, mark.line) if mark and "mapping values" in what else None
        raise YamlProblem(f"YAML syntax error: {hint or what + '; fix the YAML'}",
                          mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML error: {exc}", None) from None
    except (ValueError, OverflowError) as exc:  # a value its tag cannot make: !!float abc
        raise YamlProblem(f"YAML value that cannot be read ({exc}); fix the YAML",
                          None) from None
    except RecursionError:  # lists or mappings nested hundreds deep
        raise YamlProblem("YAML nested too deeply to read: these files hold plain values "
                          "(text, numbers, times, short lists); flatten it", None) from None


_PLAIN_PAIR = re.compile(r"\s*([A-Za-z_][\w-]*):[ \t]+([^'\"\s].*?)[ \t]*")


def _colon_hint(text: str, line: int) -> str | None:
    """For ``title: Starmer: allies meet`` (a headline with a colon, the commonest case):
    the line written with the value quoted."""
    lines = text.split("\n")
    match = _PLAIN_PAIR.fullmatch(lines[line]) if line < len(lines) else None
    if match is None or ": " not in match.group(2):
        return None
    key, value = match.groups()
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return (f"the value of {key!r} contains ': ', which YAML reads as the start of another "
            f"key; put the value in quotes: {key}: {quoted}")


def key_lines(text: str) -> dict[str, int]:
    """1-based line of each top-level key of a YAML mapping (empty if it is not one)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        str(key.value): key.start_mark.line + 1
        for key, _ in node.value
        if isinstance(key, yaml.ScalarNode)
    }

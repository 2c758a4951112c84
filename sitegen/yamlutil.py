"""Safe YAML loading with the line numbers that error messages need.

Only ``SafeLoader`` is ever used: a YAML tag in a scraped file must not build Python objects.
The C loader is used when PyYAML was built with libyaml (it is about ten times faster).
"""

from __future__ import annotations

from typing import Any

import yaml

Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlProblem(Exception):
    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.message = message
        self.line = line


def load(text: str) -> Any:
    """Parse YAML text; a syntax error becomes a YamlProblem with a 1-based line."""
    try:
        return yaml.load(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "invalid YAML"
        raise YamlProblem(f"YAML syntax error: {what}", mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML error: {exc}", None) from None


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

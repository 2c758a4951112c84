"""``content/<source>/_source.yaml``: an outlet's name, address and description."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sitegen import yamlutil
from sitegen.content.frontmatter import decode
from sitegen.content.text import clean
from sitegen.errors import Problem, problem

FILENAME = "_source.yaml"
ALLOWED = ("name", "url", "description")


@dataclass(frozen=True)
class SourceMeta:
    name: str | None = None
    url: str | None = None
    description: str | None = None


def load_source_meta(file: Path, rel: str) -> tuple[SourceMeta, list[Problem]]:
    """Read and validate one _source.yaml; a missing file means the defaults."""
    if not file.exists():
        return SourceMeta(), []
    text, problems = decode(file.read_bytes(), rel)
    if text is None:
        return SourceMeta(), problems
    try:
        data = yamlutil.load(text)
    except yamlutil.YamlProblem as exc:
        return SourceMeta(), [problem(rel, exc.message, exc.line)]
    if data is None:
        return SourceMeta(), []
    if not isinstance(data, dict):
        return SourceMeta(), [problem(rel, "must be 'key: value' lines "
                                           f"({', '.join(ALLOWED)})", 1)]
    lines = yamlutil.key_lines(text)
    values: dict[str, str] = {}
    for key, value in data.items():
        line = lines.get(str(key), 1)
        if key not in ALLOWED:
            problems.append(problem(rel, f"unknown key {key!r}; allowed keys: "
                                         f"{', '.join(ALLOWED)}", line))
        elif value is not None and not isinstance(value, str):
            problems.append(problem(rel, f"{key} must be text, not {type(value).__name__}; "
                                         "put the value in quotes", line))
        elif value is not None and value.strip():
            values[key] = clean(value.strip())
    return SourceMeta(**values), problems

"""sitegen.yaml: the schema's defaults, and errors that name the key and its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.config import OPTIONS, Config, load_config
from tests.conftest import write


def load(tmp_path: Path, text: str) -> tuple[Config, list[str]]:
    write(tmp_path / "sitegen.yaml", text)
    config, problems = load_config(tmp_path)
    return config, [str(p) for p in problems]


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    config, problems = load_config(tmp_path)
    assert problems == []
    assert config == Config()
    assert (config.timezone, config.theme, config.base_url) == ("UTC", "default", None)


def test_valid_file(tmp_path: Path) -> None:
    config, problems = load(tmp_path, "title: T\nbase_url: https://u.github.io/repo\n"
                                      "timezone: Europe/London\nlanguage: en-GB\n"
                                      "remote_images: true\n")
    assert problems == []
    assert config.base_url == "https://u.github.io/repo/"  # normalised with a trailing slash
    assert config.timezone == "Europe/London"
    assert config.remote_images is True and Config().remote_images is False


def test_unknown_key_names_the_key_the_line_and_the_allowed_ones(tmp_path: Path) -> None:
    _, problems = load(tmp_path, "title: T\ntimezon: UTC\n")
    assert problems == [f"sitegen.yaml:2: unknown key 'timezon' (did you mean 'timezone'?); "
                        f"allowed keys: {', '.join(OPTIONS)}"]


@pytest.mark.parametrize(("text", "expected"), [
    ("title: 3\n", "sitegen.yaml:1: title must be str, not int (3)"),
    ("title: ''\n", "sitegen.yaml:1: title must not be empty"),
    ("language: true\n", "sitegen.yaml:1: language must be str, not bool (True)"),
    ("timezone: Mars/Olympus\n", "sitegen.yaml:1: timezone must be an IANA time zone name"),
    ("base_url: example.com\n", "sitegen.yaml:1: base_url must be an absolute http(s) URL"),
    ("base_url: https://x.org/?a=1\n", "sitegen.yaml:1: base_url must not have a query"),
    ('base_url: "https://x.org/\\nDisallow: /"\n',
     "sitegen.yaml:1: base_url must be a plain URL: '\\n' is not allowed in it (no spaces, "
     "line breaks or control characters; percent-encode any other character, e.g. %C3%A9) "
     "(got 'https://x.org/\\nDisallow: /')"),
    ('base_url: "https://x.org/\\e]0;title\\a"\n',
     "sitegen.yaml:1: base_url must be a plain URL: '\\x1b' is not allowed"),
    ("base_url: https://x.org/my archive/\n", "sitegen.yaml:1: base_url must be a plain URL: "
                                              "' ' is not allowed"),
    ("base_url: https://me:secret@x.org/\n",
     "sitegen.yaml:1: base_url must not hold a user name or password"),
    ("base_url: https://x.org:80a/\n", "sitegen.yaml:1: base_url has an invalid port"),
    ("base_url: https://x.org/100%/\n", "sitegen.yaml:1: base_url has a '%' that does not"),
    ("remote_images: 'yes'\n",
     "sitegen.yaml:1: remote_images must be true or false, not str ('yes')"),
    ("language: english language\n", "sitegen.yaml:1: language must be a language tag"),
    ("theme: ../x\n", "sitegen.yaml:1: theme must be a folder name under themes/"),
    ("- a\n", "sitegen.yaml:1: must be 'key: value' lines"),
    ("title: A\nbase_url: https://x.org/\ntitle: B\n",
     "sitegen.yaml:3: duplicate key 'title', given above too: each key may be given once; "
     "remove one of them"),
    ("? {title: A}\n: B\n", "sitegen.yaml:1: a key may not be a mapping: keys are plain "
                            "values such as text or numbers; fix the YAML"),
    ("title: !!map [A]\n", "sitegen.yaml:1: YAML error: expected a mapping node, but found "
                           "sequence; fix the YAML"),
    ("title: [\n", "sitegen.yaml:2: YAML syntax error"),
])
def test_invalid_values(tmp_path: Path, text: str, expected: str) -> None:
    _, problems = load(tmp_path, text)
    assert len(problems) == 1
    assert problems[0].startswith(expected)


def test_every_problem_is_reported(tmp_path: Path) -> None:
    _, problems = load(tmp_path, "titel: x\ntimezone: Nowhere\n")
    assert [p.split(":")[1] for p in problems] == ["1", "2"]

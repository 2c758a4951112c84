"""Hypothesis fuzzing of the front-matter reader: any bytes give either a version or clean
problems naming the file; nothing ever raises."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.content.frontmatter import parse

PATH = "content/s/a/v.md"
yaml_bits = st.sampled_from(["---", "...", "title:", "fetched:", "url:", "byline:", "published:",
                             "2025-03-07T10:00:00Z", "2025-03-07", "&a", "*a", "[", "]", "{",
                             "}", "- ", ": ", "'", '"', "!!python/object:os.system", "\t",
                             "\ufeff", "\r\n", "\n", "\x00", "\x85", "\u2028", "é", "#", "|",
                             ">", "%YAML 1.1", "!tag", "~", "null", "true", "0x1F"])
documents = st.lists(st.one_of(yaml_bits, st.text(string.printable, max_size=12)),
                     max_size=40).map("".join)


def check(raw: bytes) -> None:
    data, problems = parse(raw, PATH)
    assert (data is None) == bool(problems)  # a version, or the reasons there is none
    for item in problems:
        assert item.path == PATH
        assert isinstance(item.message, str) and item.message
        assert item.line >= 0
    if data is not None:
        assert data.title.strip() and data.fetched.utcoffset() is not None
        data.body.encode("utf-8")  # no lone surrogates survive
        data.title.encode("utf-8")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_structured_noise_never_crashes(text: str) -> None:
    check(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash(raw: bytes) -> None:
    check(raw)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.text(max_size=200))
def test_any_title_and_body_round_trip_when_quoted(title: str, body: str) -> None:
    quoted = '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raw = f"---\ntitle: {quoted}\nfetched: 2025-03-07T10:00:00Z\n---\n{body}"
    check(raw.encode("utf-8", "surrogatepass"))

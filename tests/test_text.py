"""The scrub of characters HTML and XML cannot hold."""

from __future__ import annotations

import pytest

from sitegen.content.text import clean


@pytest.mark.parametrize(("raw", "expected"), [
    ("plain text, é, 😀, \t tab and\nnewline", "plain text, é, 😀, \t tab and\nnewline"),
    ("bell\x07 esc\x1b del\x7f c1\x85", "bell\ufffd esc\ufffd del\ufffd c1\ufffd"),
    ("\ufdd0\ufffe\uffff", "\ufffd\ufffd\ufffd"),
    ("\U0001fffe \U0010ffff \U0001f600", "\ufffd \ufffd \U0001f600"),
    ("form\x0cfeed", "form\ufffdfeed"),
])
def test_clean(raw: str, expected: str) -> None:
    assert clean(raw) == expected

"""Text from strangers, made safe to put in HTML and XML.

Control characters, Unicode noncharacters and lone surrogates (which YAML escapes such as
``"\\x07"`` or ``"\\ud800"`` can produce) are not allowed in HTML or XML documents, and a lone
surrogate cannot even be written as UTF-8. Each one is replaced by U+FFFD, the replacement
character, so that it stays visible; the input file itself is never changed.
"""

from __future__ import annotations

import re
from typing import Any

# Two simple patterns: Python's regular expressions are slow on a set of scattered astral
# code points, and almost no text has an astral character at all.
_BMP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]")
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")
REPLACEMENT = "\ufffd"


def _astral_noncharacters(text: str) -> str:
    """U+1FFFE, U+1FFFF, … U+10FFFF: the last two code points of every plane."""
    return "".join(REPLACEMENT if ord(c) > 0xFFFF and ord(c) & 0xFFFE == 0xFFFE else c
                   for c in text)


def clean(text: str) -> str:
    if _BMP.search(text):
        text = _BMP.sub(REPLACEMENT, text)
    if _ASTRAL.search(text):
        text = _astral_noncharacters(text)
    return text


def clean_value(value: Any) -> Any:
    """``clean`` applied to every string in a YAML value (keys included)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    if isinstance(value, dict):
        return {clean_value(k): clean_value(v) for k, v in value.items()}
    return value

"""Text from strangers, made safe to put in HTML and XML.

Control characters, Unicode noncharacters and lone surrogates (which YAML escapes such as
``"\\x07"`` or ``"\\ud800"`` can produce) are not allowed in HTML or XML documents, and a lone
surrogate cannot even be written as UTF-8. Each one is replaced by U+FFFD, the replacement
character, so that it stays visible; the input file itself is never changed.
"""

from __future__ import annotations

import re
from typing import Any

_NONCHARACTERS = "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}"
                         for plane in range(17))
DISALLOWED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ud800-\udfff"
                        + _NONCHARACTERS + "]")
REPLACEMENT = "\ufffd"


def clean(text: str) -> str:
    return DISALLOWED.sub(REPLACEMENT, text) if DISALLOWED.search(text) else text


def clean_value(value: Any) -> Any:
    """``clean`` applied to every string in a YAML value (keys included)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    if isinstance(value, dict):
        return {clean_value(k): clean_value(v) for k, v in value.items()}
    return value

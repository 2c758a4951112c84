"""Problems found in a project's input, reported together as ``path:line: message``.

The loader never stops at the first problem: a scraper-filled archive can have hundreds of
broken files, and a user wants the whole list in one run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# What a terminal acts on rather than shows: C0 and C1 controls (escape sequences can clear
# the screen or set the window title), DEL, the Unicode line separators and bidirectional
# controls (which reorder the rest of the line), and lone surrogates (a file name that is not
# UTF-8, which cannot even be written out).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                      "\u2066-\u2069\ud800-\udfff]")


def printable(text: str, keep: str = "") -> str:
    """``text`` safe to print: each control character written as an escape such as ``\\x1b``
    or ``\\u202e`` (as Python writes them), except those in ``keep``."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: m.group() if m.group() in keep
                        else m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input file (``line`` is 1-based, or None for the whole file)."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        """One line, whatever the file's name holds."""
        path, message = printable(self.path), printable(self.message)
        return f"{path}:{self.line}: {message}" if self.line else f"{path}: {message}"


def problem(path: str, message: str, line: int | None = None) -> Problem:
    # line 0 sorts a whole-file problem before the line-numbered ones of the same file.
    return Problem(path, line or 0, message)


class SitegenError(Exception):
    """An error the user can fix; the CLI prints it without a traceback."""


class BuildError(SitegenError):
    """The input has problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        noun = "problem" if len(self.problems) == 1 else "problems"
        super().__init__(f"{len(self.problems)} {noun} in the input")

"""Problems found in a project's input, reported together as ``path:line: message``.

The loader never stops at the first problem: a scraper-filled archive can have hundreds of
broken files, and a user wants the whole list in one run.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input file (``line`` is 1-based, or None for the whole file)."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}: {self.message}"
        return f"{self.path}: {self.message}"


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

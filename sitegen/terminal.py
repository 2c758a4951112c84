"""What sitegen prints: a rich Console that shows control characters instead of obeying them.

Messages name files, and file names (like headlines and URLs) come from strangers: a name
holding an escape sequence could clear the screen or set the window title of whoever runs
the build, and one holding a line break could pass for another message. Every string
printed through :class:`Terminal` has its control characters written as escapes (``\\x1b``,
``\\n``): one string printed is one line.
"""

from __future__ import annotations

from typing import IO, Any

from rich.console import Console

from sitegen.errors import printable


class Terminal(Console):
    """A Console for sitegen's messages (no highlighting, no wrapping of long paths)."""

    def __init__(self, *, stderr: bool = False, file: IO[str] | None = None, **options: Any):
        super().__init__(stderr=stderr, file=file, highlight=False, soft_wrap=True, **options)

    def print(self, *objects: Any, **options: Any) -> None:
        super().print(*(printable(o) if isinstance(o, str) else o for o in objects),
                      **options)

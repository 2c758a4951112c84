"""Build errors in the browser: an overlay on the last good page, or a page of its own.

The problems are the same ``path:line: message`` lines the terminal shows, HTML-escaped
(a message can quote the input, and the input is scraped text). The overlay is drawn by the
server into the HTML it sends, so it shows even with scripts off; its stylesheet is an
external file because the site's Content-Security-Policy allows only ``style-src 'self'``.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from sitegen.serve.paths import RESERVED

if TYPE_CHECKING:
    from sitegen.serve.livereload import Snapshot

CSS_URL = RESERVED + "overlay.css"

CSS = """\
/* sitegen serve: the build-error overlay (never part of a built site). */
#sitegen-overlay {
  position: fixed; inset: 0 0 auto 0; z-index: 2147483647; max-height: 85vh; overflow: auto;
  margin: 0; padding: 1rem 1.25rem; box-sizing: border-box;
  background: #2b0b0e; color: #ffe9ea; border-bottom: 4px solid #e5484d;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; text-align: left;
  box-shadow: 0 6px 24px rgba(0, 0, 0, .45);
}
#sitegen-overlay h2 {
  margin: 0 0 .5rem; font-family: inherit; font-size: 1.1rem; font-weight: 700; color: #ff9592;
}
#sitegen-overlay p { margin: 0 0 .75rem; }
#sitegen-overlay pre {
  margin: 0 0 .75rem; padding: .75rem; white-space: pre-wrap; overflow-wrap: anywhere;
  background: #1a0507; color: #fff; border-radius: 4px;
  font: 14px/1.45 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
}
#sitegen-overlay button {
  font: inherit; padding: .2rem .8rem; cursor: pointer;
  color: inherit; background: transparent; border: 1px solid currentColor; border-radius: 4px;
}
body.sitegen-error-page { margin: 0; min-height: 100vh; background: #2b0b0e; }
"""


def _body(snapshot: Snapshot, *, page: bool) -> str:
    problems = "\n".join(escape(line) for line in snapshot.problems)
    shown = ("There is no site to show yet." if page
             else "You are looking at the last good build.")
    return (
        f'<h2>Build failed: {escape(snapshot.summary or "")}</h2>\n'
        f"<pre>{problems}</pre>\n"
        f"<p>{shown} Fix the file and save; this page reloads by itself.</p>\n"
    )


def banner(snapshot: Snapshot) -> str:
    """The overlay drawn on top of the last good build's pages."""
    return (
        f'<link rel="stylesheet" href="{CSS_URL}">\n'
        '<div id="sitegen-overlay" role="alert">\n'
        + _body(snapshot, page=False)
        + '<button type="button" data-sitegen-close>Dismiss</button>\n</div>\n'
    )


def error_page(snapshot: Snapshot) -> bytes:
    """The whole response while no build has ever succeeded (live reload is added later)."""
    return (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Build failed · sitegen serve</title>\n"
        f'<link rel="stylesheet" href="{CSS_URL}">\n</head>\n'
        '<body class="sitegen-error-page">\n<div id="sitegen-overlay" role="alert">\n'
        + _body(snapshot, page=True)
        + "</div>\n</body>\n</html>\n"
    ).encode("utf-8")

"""Live reload: the build status, a long-poll to wait for the next build, and the script.

Each finished build (good or failed) bumps a generation number. Every HTML page the server
sends carries the generation it was built from; its script asks ``/__sitegen__/wait`` for
news, the server holds the request until the generation moves on (or a timeout passes), and
the page reloads itself. Long-polling needs nothing but plain HTTP and fetch (as in
``mkdocs serve``). The script is an external file because the site's Content-Security-Policy
allows only ``script-src 'self'``; an inline script would be blocked.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass

from sitegen.serve import overlay
from sitegen.serve.paths import RESERVED

SCRIPT_URL = RESERVED + "livereload.js"
WAIT_URL = RESERVED + "wait"
POLL_SECONDS = 25.0  # below common proxy and browser idle timeouts

SCRIPT = """\
// Injected by `sitegen serve` only: reloads this page when the site has been rebuilt.
(function () {
  "use strict";
  var me = document.currentScript;
  var generation = me.dataset.generation;
  var server = me.dataset.server;
  var close = document.querySelector("[data-sitegen-close]");
  if (close) {
    close.addEventListener("click", function () {
      document.getElementById("sitegen-overlay").remove();
    });
  }
  function poll() {
    fetch("__WAIT__?since=" + generation + "&server=" + server, {cache: "no-store"})
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (state) {
        if (String(state.generation) !== generation || state.server !== server) {
          location.reload();
        } else {
          poll();
        }
      })
      .catch(function () { setTimeout(poll, 1000); });  // server restarting: try again
  }
  poll();
})();
""".replace("__WAIT__", WAIT_URL)


@dataclass(frozen=True)
class Snapshot:
    """The outcome of the latest build, as one immutable value (read without locking)."""

    generation: int = 0
    summary: str | None = None  # None: the latest build succeeded
    problems: tuple[str, ...] = ()  # "path:line: message" lines
    has_site: bool = False  # some build has succeeded, so there is a site to show

    @property
    def failed(self) -> bool:
        return self.summary is not None


class Status:
    """The latest build's outcome, and a way for requests to wait for the next one."""

    def __init__(self) -> None:
        self.server = secrets.token_hex(6)  # a restarted server makes every page reload
        self.current = Snapshot()
        self._changed = threading.Condition()
        self._closed = False

    def succeeded(self) -> None:
        self._publish(Snapshot(self.current.generation + 1, None, (), True))

    def failed(self, summary: str, problems: list[str]) -> None:
        now = self.current
        self._publish(Snapshot(now.generation + 1, summary, tuple(problems), now.has_site))

    def _publish(self, snapshot: Snapshot) -> None:
        with self._changed:
            self.current = snapshot
            self._changed.notify_all()

    def wait(self, since: int, timeout: float = POLL_SECONDS) -> int:
        """The generation once it differs from ``since``, or after ``timeout`` seconds."""
        with self._changed:
            self._changed.wait_for(
                lambda: self.current.generation != since or self._closed, timeout)
            return self.current.generation

    def close(self) -> None:
        """Release every waiting request (the server is stopping)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()


def tags(snapshot: Snapshot, server: str, *, banner: bool = True) -> bytes:
    """What is added to an HTML page: the error overlay if any, and the script."""
    script = (f'<script src="{SCRIPT_URL}" data-generation="{snapshot.generation}" '
              f'data-server="{server}" defer></script>\n')
    shown = overlay.banner(snapshot) if banner and snapshot.failed else ""
    return (shown + script).encode("utf-8")


def inject(html: bytes, snapshot: Snapshot, server: str, *, banner: bool = True) -> bytes:
    """``html`` with :func:`tags` before its last ``</body>`` (or at the end)."""
    added = tags(snapshot, server, banner=banner)
    at = html.lower().rfind(b"</body>")
    if at == -1:
        return html + added
    return html[:at] + added + html[at:]

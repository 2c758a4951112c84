"""A static server that answers like GitHub Pages, for tests: a site under a sub-path,
index.html for folders, a redirect for folders without their slash, and the site's 404.html
(with status 404) for anything missing."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit


class PagesHandler(SimpleHTTPRequestHandler):
    def __init__(self, *args, root: Path, prefix: str, **kwargs):
        self.root, self.prefix = root, prefix
        super().__init__(*args, directory=str(root), **kwargs)

    def log_message(self, format: str, *args) -> None:
        pass

    def _not_found(self) -> None:
        body = (self.root / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if not path.startswith(self.prefix):
            return self._not_found()
        rel = path[len(self.prefix):]
        target = (self.root / rel).resolve()
        if not target.is_relative_to(self.root.resolve()) or ".." in rel.split("/"):
            return self._not_found()
        if target.is_dir():
            if not path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.end_headers()
                return None
            target = target / "index.html"
        if not target.is_file():
            return self._not_found()
        self.path = "/" + target.relative_to(self.root.resolve()).as_posix()
        return super().do_GET()


@contextlib.contextmanager
def serve(root: Path, prefix: str = "/") -> Iterator[str]:
    """Serve ``root`` at ``prefix`` on a free port; yields the site's base URL."""
    handler = partial(PagesHandler, root=root, prefix=prefix)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()

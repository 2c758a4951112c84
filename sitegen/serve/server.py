"""The HTTP side of the preview: the latest complete build, the way GitHub Pages serves it.

Every request looks the file up afresh under the output folder. ``sitegen build`` replaces
that folder in one atomic swap, so a request sees either the old site or the new one; if a
file vanishes between lookup and open (the swap happened in between) the lookup is done once
more against the new tree. HTML responses get the live-reload script (and the error overlay
after a failed build) added on the way out; the files on disk are never changed.
"""

from __future__ import annotations

import errno
import ipaddress
import json
import mimetypes
import os
import re
import socket
import socketserver
import sys
import time
from email.utils import formatdate
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

from sitegen.errors import SitegenError
from sitegen.serve import livereload, overlay
from sitegen.serve.paths import RESERVED, decode, find, segments_of, url_of

_OCTETS = "application/octet-stream"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".wasm": "application/wasm",
    # Pagefind's index: binary (gzipped) chunks that its own script fetches and unpacks.
    ".pagefind": _OCTETS,
    ".pf_meta": _OCTETS,
    ".pf_index": _OCTETS,
    ".pf_fragment": _OCTETS,
    ".pf_filter": _OCTETS,
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".pdf": "application/pdf",
}


def content_type(name: str) -> str:
    """The Content-Type for a file name: our table first, so it never depends on the OS."""
    suffix = os.path.splitext(name)[1].lower()
    return TYPES.get(suffix) or mimetypes.guess_type(name)[0] or _OCTETS


def _not_found_page(message: str) -> bytes:
    return ("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>Not found · sitegen serve</title>\n</head>\n<body>\n"
            f"<h1>Not found</h1>\n<p>{escape(message)}</p>\n</body>\n</html>\n").encode()


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server that knows the build folder, base path and build status."""

    daemon_threads = True  # a held long-poll must not keep the process alive
    request_queue_size = 64  # a page's burst of requests while the first build runs

    def __init__(self, address: tuple[str, int], root: Path, base_path: str,
                 status: livereload.Status):
        self.address_family = _family(address[0])
        self.root = root
        self.base_path = base_path
        self.status = status
        super().__init__(address, Handler)
        # The names a request may give in Host (with the port): see serves().
        bound = ipaddress.ip_address(str(self.server_address[0]).split("%")[0])
        self.open_to_network = not bound.is_loopback
        self.names = {"localhost", "127.0.0.1", "::1", str(bound), address[0].lower()}
        if self.open_to_network:
            self.names.add(socket.gethostname().lower())

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's full DNS name, which can take seconds.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    def serves(self, host: str | None) -> bool:
        """Whether a request's Host header names this server. A page of another site can
        have its own name resolve to this machine (DNS rebinding) and then read the preview
        as same-origin; its requests carry that name, so only this server's own names (and,
        when it listens beyond loopback, any IP address of the machine) are answered."""
        found = _HOST.fullmatch(host or "")
        if found is None:
            return False
        name = (found.group(1) or found.group(2)).lower().rstrip(".")
        port = int(found.group(3)) if found.group(3) else 80
        if port != self.server_port:
            return False
        if name in self.names:
            return True
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return self.open_to_network

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return  # the browser went away (a reload cancels the long-poll): not a problem
        super().handle_error(request, client_address)  # type: ignore[arg-type]


_HOST = re.compile(r"(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+))(?::([0-9]{1,5}))?")


def _family(host: str) -> socket.AddressFamily:
    try:
        return socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)[0][0]
    except (socket.gaierror, UnicodeError) as exc:
        raise SitegenError(f"cannot serve on host {host!r}: {exc}") from None


def open_server(host: str, port: int, root: Path, base_path: str,
                status: livereload.Status) -> PreviewServer:
    """Bind the port now, so a port in use is reported before anything is built."""
    try:
        return PreviewServer((host, port), root, base_path, status)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise SitegenError(
                f"port {port} on {host} is already in use (is another sitegen serve or web "
                f"server running?); choose another with --port {port + 1 if port else 8001}, "
                "or --port 0 for any free port") from None
        if exc.errno == errno.EACCES:
            raise SitegenError(f"not allowed to use port {port} on {host} (ports below 1024 "
                               "need administrator rights); use e.g. --port 8000") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise SitegenError(f"{host} is not an address of this machine; use --host "
                               "127.0.0.1 (the default)") from None
        raise SitegenError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"  # keep-alive: a page's many small requests share sockets
    server_version = "sitegen-serve"
    timeout = 60  # seconds an idle kept-alive connection stays open

    def parse_request(self) -> bool:
        """The request line and headers, refusing at once what this server does not answer:
        an HTTP/0.9 request ("GET /", no headers: http.server would wait for headers until
        the connection timed out) and a Host that is not this server's."""
        if len(self.raw_requestline.split()) == 2:
            self.command, self.request_version = None, "HTTP/1.0"
            self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
            self.close_connection = True
            self.send_error(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, "HTTP/0.9 is not supported")
            return False
        if not super().parse_request():
            return False
        if not self.server.serves(self.headers.get("Host")):
            self.close_connection = True
            self.send_body = self.command != "HEAD"
            port = self.server.server_port
            self._send(HTTPStatus.MISDIRECTED_REQUEST, TYPES[".txt"],
                       f"This preview answers only at its own address, such as "
                       f"http://127.0.0.1:{port}/ or http://localhost:{port}/; this request "
                       f"named another host.\n".encode(), {"Connection": "close"})
            return False
        return True

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Requests are not logged: the terminal is for builds and their errors."""

    def _respond(self, *, body: bool) -> None:
        self.send_body = body
        raw, _, query = self.path.partition("#")[0].partition("?")
        if raw.startswith(RESERVED):
            self._own(raw[len(RESERVED):], query)
            return
        snapshot = self.server.status.current
        if not snapshot.has_site:
            page = livereload.inject(overlay.error_page(snapshot), snapshot,
                                     self.server.status.server, banner=False)
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, TYPES[".html"], page)
            return
        path = decode(raw)
        segments = None if path is None else segments_of(path)
        if path is None or segments is None:
            self._not_found()
            return
        base = self.server.base_path
        prefix = [s for s in base.split("/") if s]
        suffix = f"?{query}" if query else ""
        if segments[: len(prefix)] != prefix:
            if not segments:
                self._redirect(base)  # "/" to "/repo/", as a project site's visitors expect
            else:
                self._not_found(f"This preview serves the site under {base}", site_page=False)
            return
        rest = segments[len(prefix):]
        trailing = path.endswith("/")
        if prefix and not rest and not trailing:
            self._redirect(base + suffix)
            return
        root = self.server.root
        for attempt in range(2):
            target = find(root, rest, trailing_slash=trailing)
            if target.add_slash:
                self._redirect(url_of(rest, base, slash=True) + suffix)
                return
            if target.file is None:
                if attempt == 0 and not root.exists():  # mid-swap where renameat2 is missing
                    time.sleep(0.05)
                    continue
                break
            try:
                self._file(target.file)
                return
            except (FileNotFoundError, NotADirectoryError):
                continue  # a rebuild swapped the folder in between: look in the new one
        self._not_found()

    def _own(self, name: str, query: str) -> None:
        """The server's own files under /__sitegen__/."""
        if name == "livereload.js":
            self._send(HTTPStatus.OK, TYPES[".js"], livereload.SCRIPT.encode("utf-8"))
        elif name == "overlay.css":
            self._send(HTTPStatus.OK, TYPES[".css"], overlay.CSS.encode("utf-8"))
        elif name == "wait":
            status = self.server.status
            params = parse_qs(query)
            since = params.get("since", [""])[0]
            if params.get("server", [""])[0] == status.server and since.isdigit():
                generation = status.wait(int(since))
            else:
                generation = status.current.generation
            answer = json.dumps({"server": status.server, "generation": generation})
            self._send(HTTPStatus.OK, TYPES[".json"], answer.encode("utf-8"),
                       {"Cache-Control": "no-store"})
        else:
            self._send(HTTPStatus.NOT_FOUND, TYPES[".txt"], b"Not found\n")

    def _file(self, file: Path, code: HTTPStatus = HTTPStatus.OK) -> None:
        with open(file, "rb") as handle:
            stat = os.fstat(handle.fileno())
            data = handle.read()
        kind = content_type(file.name)
        tag = f"{stat.st_ino:x}-{stat.st_mtime_ns:x}-{stat.st_size:x}"
        if kind.startswith("text/html"):
            snapshot = self.server.status.current
            data = livereload.inject(data, snapshot, self.server.status.server)
            tag += f"-{snapshot.generation}"  # the overlay and script depend on the build
        etag = f'"{tag}"'
        headers = {"ETag": etag, "Last-Modified": formatdate(stat.st_mtime, usegmt=True)}
        asked = self.headers.get("If-None-Match", "")
        if code == HTTPStatus.OK and etag in (t.strip() for t in asked.split(",")):
            self._send(HTTPStatus.NOT_MODIFIED, kind, b"", headers)
            return
        self._send(code, kind, data, headers)

    def _not_found(self, message: str = "There is no page at this address.", *,
                   site_page: bool = True) -> None:
        """The site's own 404.html where GitHub Pages would use it, else a plain page."""
        if site_page:
            page = find(self.server.root, ["404.html"], trailing_slash=False).file
            if page is not None:
                try:
                    self._file(page, HTTPStatus.NOT_FOUND)
                    return
                except (FileNotFoundError, NotADirectoryError):
                    pass
        snapshot = self.server.status.current
        html = livereload.inject(_not_found_page(message), snapshot, self.server.status.server)
        self._send(HTTPStatus.NOT_FOUND, TYPES[".html"], html)

    def _redirect(self, location: str) -> None:
        # 302, not GitHub's 301: browsers keep a 301 for good, and the next preview on this
        # port may have another base path.
        self._send(HTTPStatus.FOUND, TYPES[".txt"], f"See {location}\n".encode(),
                   {"Location": location})

    def _send(self, code: HTTPStatus, kind: str, data: bytes,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        if code != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.send_body and code != HTTPStatus.NOT_MODIFIED:
            self.wfile.write(data)

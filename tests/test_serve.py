"""``sitegen serve`` end to end: a real server on a free port, real HTTP, real file changes.

Every wait polls with a deadline; nothing sleeps blindly except where a test must show that
something did *not* happen.
"""

from __future__ import annotations

import http.client
import io
import json
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import feedparser
import pytest
from rich.console import Console

from sitegen.errors import SitegenError
from sitegen.serve.preview import TEMP_PREFIX, Preview
from sitegen.serve.server import content_type
from tests.conftest import version_file, write

TIMEOUT = 10.0


class Running:
    """A started Preview served from a background thread, with small HTTP helpers."""

    def __init__(self, preview: Preview, log: io.StringIO):
        self.preview = preview
        self.log = log
        self.host, self.port = preview.server.server_address[:2]

    def get(self, path: str, method: str = "GET",
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        """One request with ``path`` sent exactly as given (no client-side normalising)."""
        conn = http.client.HTTPConnection(str(self.host), self.port, timeout=TIMEOUT)
        try:
            conn.request(method, path, headers=headers or {})
            response = conn.getresponse()
            body = response.read().decode("utf-8", "replace")
            return response.status, {k.lower(): v for k, v in response.getheaders()}, body
        finally:
            conn.close()

    def text(self, path: str) -> str:
        return self.get(path)[2]


def wait_for(check: Callable[[], object], what: str | Callable[[], str],
             timeout: float = TIMEOUT) -> float:
    """Poll ``check`` until it is true; the seconds it took."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            shown = what() if callable(what) else what
            raise AssertionError(f"timed out after {timeout} s waiting for {shown}")
        time.sleep(0.05)
    return time.monotonic() - started


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Callable[..., Running]]:
    """Start previews of a project (temp folders go under tmp_path/tmp, to be checked)."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    started: list[Preview] = []

    def start(project: Path, **options: object) -> Running:
        log = io.StringIO()
        # No search index unless a test asks: Pagefind adds ~0.1 s per article to a build.
        options = {"quiet": 0.1, "max_wait": 1.0, "search": False, **options}
        preview = Preview(project, port=0, console=Console(file=log, width=200),
                          **options)  # type: ignore[arg-type]
        started.append(preview)
        preview.start()
        threading.Thread(target=preview.serve_forever, daemon=True).start()
        return Running(preview, log)

    yield start
    for preview in started:
        preview.close()
    assert not list(temp.glob(TEMP_PREFIX + "*")), "a temporary build folder was left behind"


def test_serves_the_built_site_with_live_reload_injected(project: Path, serve) -> None:
    site = serve(project)
    status, headers, body = site.get("/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-cache"
    assert "Second headline" in body
    assert '<script src="/__sitegen__/livereload.js"' in body
    assert "sitegen-overlay" not in body
    on_disk = (site.preview.output / "index.html").read_text()
    assert "__sitegen__" not in on_disk  # injected into responses only
    status, headers, body = site.get("/paper/story/")
    assert status == 200 and "Second headline" in body
    status, headers, _ = site.get("/static/style.css")
    assert status == 200 and headers["content-type"] == "text/css; charset=utf-8"
    status, headers, body = site.get("/__sitegen__/livereload.js")
    assert status == 200 and headers["content-type"] == "text/javascript; charset=utf-8"
    assert "location.reload()" in body


def test_feeds_and_sitemap_work_in_the_preview(project: Path, serve) -> None:
    """Without base_url a published build has no feeds; the preview knows its own address
    and uses it, so feeds, the sitemap and the pages' feed links work in it."""
    site = serve(project)
    base = site.preview.url
    status, headers, body = site.get("/feed.atom")
    assert status == 200 and headers["content-type"] == "application/atom+xml"
    feed = feedparser.parse(body)
    assert not feed.bozo and feed.entries
    for entry in feed.entries:
        assert entry.link.startswith(base)
        path = "/" + entry.link.removeprefix(base).removesuffix("#changes")
        assert site.get(path)[0] == 200, path
    assert site.get("/paper/story/feed.rss")[0] == 200
    status, _, sitemap = site.get("/sitemap.xml")
    assert status == 200 and f"<loc>{base}paper/story/</loc>" in sitemap
    page = site.text("/paper/story/")
    assert 'type="application/rss+xml"' in page and "RSS feed</a>" in page
    log = site.log.getvalue()
    assert "Warning: base_url is not set" not in log
    assert (f"Feeds, sitemap.xml and canonical links use the preview's address, {base}; "
            "a build for publishing needs base_url") in log


def test_sitegen_build_output_has_no_preview_script(project: Path, serve) -> None:
    from sitegen.build import build

    serve(project)
    result = build(project)
    for page in result.output.rglob("*.html"):
        assert "__sitegen__" not in page.read_text()


def test_search_index_is_built_and_served(project: Path, serve) -> None:
    site = serve(project, search=True)
    status, headers, body = site.get("/search/")
    assert status == 200 and "search.js" in body
    bundle = site.preview.output / "pagefind"
    found = {p.suffix or p.name for p in bundle.rglob("*") if p.is_file()}
    assert {".js", ".json", ".pagefind", ".pf_meta", ".pf_index", ".pf_fragment"} <= found
    for path in sorted(bundle.rglob("*")):
        if path.is_file():
            rel = path.relative_to(site.preview.output).as_posix()
            status, headers, _ = site.get("/" + rel)
            assert status == 200, rel
            assert headers["content-type"] == content_type(path.name), rel
            assert headers["content-type"] != "text/html; charset=utf-8", rel


def test_content_types_over_http(project: Path, serve) -> None:
    site = serve(project)
    files = {"pagefind/pagefind.wasm": "application/wasm",
             "pagefind/wasm.en.pagefind": "application/octet-stream",
             "pagefind/index/en_1.pf_index": "application/octet-stream",
             "pagefind/fragment/en_1.pf_fragment": "application/octet-stream",
             "pagefind/pagefind-entry.json": "application/json",
             "pagefind/pagefind.js": "text/javascript; charset=utf-8",
             "feeds/all.xml": "application/xml"}
    for rel in files:
        write(site.preview.output / rel, "x")
    for rel, kind in files.items():
        status, headers, body = site.get("/" + rel)
        assert (status, headers["content-type"], body) == (200, kind, "x"), rel


def test_etag_revalidation_and_head(project: Path, serve) -> None:
    site = serve(project)
    status, headers, _ = site.get("/static/style.css")
    status, _again, body = site.get("/static/style.css",
                                   headers={"If-None-Match": headers["etag"]})
    assert status == 304 and body == ""
    status, head, body = site.get("/", method="HEAD")
    assert status == 200 and body == "" and int(head["content-length"]) > 0


def test_edit_add_and_delete_content(project: Path, serve) -> None:
    site = serve(project)
    write(project / "content/paper/story/b.md",
          version_file("Edited headline", "2025-03-07T13:00:00Z", "One.\n\nTwo, changed.\n"))
    wait_for(lambda: "Edited headline" in site.text("/paper/story/"), "the edit")

    assert site.get("/paper/other/")[0] == 404
    write(project / "content/paper/other/a.md",
          version_file("A new article", "2025-03-08T09:00:00Z", "Fresh.\n"))
    wait_for(lambda: site.get("/paper/other/")[0] == 200, "the new article")
    assert "A new article" in site.text("/")

    shutil.rmtree(project / "content/paper/other")
    wait_for(lambda: site.get("/paper/other/")[0] == 404, "the deleted article to go")
    assert "A new article" not in site.text("/")
    assert site.log.getvalue().count("Feeds, sitemap.xml and canonical links use") == 1


def test_a_burst_of_files_is_one_rebuild(project: Path, serve) -> None:
    site = serve(project, quiet=0.3, max_wait=5.0)
    before = site.preview.builds
    for i in range(100):
        write(project / f"content/wire/item-{i:03}/a.md",
              version_file(f"Wire item {i}", "2025-03-08T09:00:00Z", "Text.\n"))
    wait_for(lambda: site.get("/wire/item-099/")[0] == 200,
             lambda: f"the imported articles; log:\n{site.log.getvalue()}")
    time.sleep(1.0)  # long enough for a second, unwanted rebuild to have happened
    assert site.preview.builds == before + 1
    assert site.get("/wire/item-000/")[0] == 200


def test_editor_litter_does_not_rebuild(project: Path, serve) -> None:
    site = serve(project)
    before = site.preview.builds
    story = project / "content/paper/story"
    for name in (".b.md.swp", "b.md~", "4913", ".#b.md"):
        write(story / name, "scratch")
    write(project / "content/.git/index", "x")
    write(project / "notes.txt", "not input")
    time.sleep(0.8)
    assert site.preview.builds == before


def test_broken_file_shows_overlay_and_recovers(project: Path, serve) -> None:
    site = serve(project)
    broken = project / "content/paper/story/c.md"
    write(broken, "---\ntitle: Broken <b>headline</b>\n---\nNo fetched time.\n")
    wait_for(lambda: "sitegen-overlay" in site.text("/paper/story/"), "the error overlay")
    status, _, body = site.get("/paper/story/")
    assert status == 200
    assert "Second headline" in body  # the last good build is still served
    assert "content/paper/story/c.md:" in body
    assert "Broken <b>" not in body
    assert '<link rel="stylesheet" href="/__sitegen__/overlay.css">' in body
    assert "content/paper/story/c.md:" in site.log.getvalue()
    assert "Build failed" in site.log.getvalue()

    write(broken, version_file("Fixed headline", "2025-03-07T15:00:00Z", "Now fine.\n"))
    wait_for(lambda: "Fixed headline" in site.text("/paper/story/"), "the fixed build")
    assert "sitegen-overlay" not in site.text("/paper/story/")


def test_error_lines_are_escaped(project: Path, serve) -> None:
    site = serve(project)
    write(project / "content/<img src=x>/story/a.md",
          version_file("T", "2025-03-07T10:00:00Z", "x\n"))
    wait_for(lambda: "sitegen-overlay" in site.text("/"), "the error overlay")
    body = site.text("/")
    assert "content/&lt;img src=x&gt;" in body
    assert "<img src=x>" not in body


def test_first_build_failing_serves_an_error_page_until_fixed(project: Path, serve) -> None:
    config = write(project / "sitegen.yaml", "title: Demo\ntimezone: Mars/Olympus\n")
    site = serve(project)
    status, _headers, body = site.get("/")
    assert status == 500
    assert "sitegen.yaml:2: timezone" in body
    assert "There is no site to show yet" in body
    assert "/__sitegen__/livereload.js" in body
    assert site.get("/paper/story/")[0] == 500
    write(config, "title: Demo\ntimezone: UTC\n")
    wait_for(lambda: site.get("/")[0] == 200, "the site after the fix")
    assert "Second headline" in site.text("/")


def test_theme_change_rebuilds(project: Path, serve) -> None:
    site = serve(project)
    write(project / "themes/default/templates/footer.html", "<p>Custom footer text</p>\n")
    wait_for(lambda: "Custom footer text" in site.text("/"), "the theme override")
    assert "rebuilding everything" in site.log.getvalue()


def test_content_folder_created_after_start(tmp_path: Path, serve) -> None:
    project = tmp_path / "empty"
    project.mkdir()
    site = serve(project)
    assert site.get("/")[0] == 500  # no content/ yet
    write(project / "content/paper/story/a.md",
          version_file("Late headline", "2025-03-07T10:00:00Z", "x\n"))
    wait_for(lambda: site.get("/")[0] == 200, "the first good build")
    write(project / "content/paper/story/a.md",
          version_file("Later headline", "2025-03-07T10:00:00Z", "x\n"))
    wait_for(lambda: "Later headline" in site.text("/"), "a change inside the new content/")


def test_content_folder_deleted_and_restored(project: Path, serve, tmp_path: Path) -> None:
    site = serve(project)
    moved = tmp_path / "content-away"
    (project / "content").rename(moved)
    wait_for(lambda: "no content/ folder" in site.text("/"), "the missing-content overlay")
    moved.rename(project / "content")
    wait_for(lambda: "sitegen-overlay" not in site.text("/"), "the restored site")
    write(project / "content/paper/story/b.md",
          version_file("Watched again", "2025-03-07T13:00:00Z", "x\n"))
    wait_for(lambda: "Watched again" in site.text("/"), "a change inside the restored folder")


def test_long_poll_answers_when_a_build_finishes(project: Path, serve) -> None:
    site = serve(project)
    state = json.loads(site.text("/__sitegen__/wait?since=999&server=other"))
    server, generation = state["server"], state["generation"]
    answer: list[dict] = []
    waiter = threading.Thread(target=lambda: answer.append(json.loads(
        site.text(f"/__sitegen__/wait?since={generation}&server={server}"))))
    waiter.start()
    time.sleep(0.3)
    assert not answer  # held while nothing changes
    write(project / "content/paper/story/b.md",
          version_file("Poll headline", "2025-03-07T13:00:00Z", "x\n"))
    waiter.join(TIMEOUT)
    assert answer and answer[0]["generation"] > generation


TRAVERSALS = [
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "/..%2f..%2f..%2fetc/passwd",
    "/..%5c..%5c..%5cetc%5cpasswd",
    "/..\\..\\..\\etc\\passwd",
    "/%252e%252e/%252e%252e/etc/passwd",
    "/paper/../../secret.txt",
    "/paper/%2e%2e/%2e%2e/secret.txt",
    "//etc/passwd",
    "/%2fetc%2fpasswd",
    "/etc/passwd%00.html",
    "/leak.txt",
    "/leakdir/",
    "/leakdir/index.html",
]


@pytest.mark.parametrize("base", ["/", "/repo/"])
def test_traversal_attempts_are_not_found(project: Path, serve, tmp_path: Path,
                                          base: str) -> None:
    site = serve(project, base_path=base)
    secret = write(site.preview.workdir / "secret.txt", "TOP SECRET beside the site")
    outside = write(tmp_path / "outside/index.html", "TOP SECRET folder")
    (site.preview.output / "leak.txt").symlink_to(secret)
    (site.preview.output / "leakdir").symlink_to(outside.parent)
    for path in TRAVERSALS:
        path = base.rstrip("/") + path
        status, _, body = site.get(path)
        assert status == 404, path
        assert "TOP SECRET" not in body and "root:" not in body, path


def test_absolute_form_and_odd_targets_are_not_found(project: Path, serve) -> None:
    site = serve(project)
    assert site.get("http://example.com/etc/passwd")[0] == 421  # Host: example.com
    assert site.get("http://example.com/etc/passwd",
                    headers={"Host": f"127.0.0.1:{site.port}"})[0] == 404
    assert site.get("/%ff%fe")[0] == 404
    assert site.get("/" + "a" * 5000)[0] == 404  # longer than a file name may be
    assert site.get("/paper/" + "b" * 300 + "/")[0] == 404


def test_only_requests_naming_this_server_are_answered(project: Path, serve) -> None:
    """DNS rebinding: a page at http://evil.example:PORT/ whose name now resolves to
    127.0.0.1 would read the preview as its own origin; its requests say Host:
    evil.example:PORT, and are refused."""
    site = serve(project)
    port = site.port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}",
                 f"[::1]:{port}"):
        status, _, body = site.get("/paper/story/", headers={"Host": host})
        assert status == 200 and "Second headline" in body, host
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1:{port + 1}", "127.0.0.1",
                 f"localhost.evil.example:{port}", f"evil.example@127.0.0.1:{port}",
                 f"192.168.1.20:{port}", "", f"127.0.0.1:{port}/x"):
        for method in ("GET", "HEAD"):
            status, headers, body = site.get("/paper/story/", method,
                                             headers={"Host": host})
            assert status == 421, (host, method)
            assert "Second headline" not in body
            assert headers["connection"] == "close"
    status, _, body = site.get("/__sitegen__/wait", headers={"Host": "evil.example"})
    assert status == 421 and "generation" not in body
    assert f"http://127.0.0.1:{port}/" in body
    # No Host at all (http.client always sends one: written by hand).
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw:
        raw.sendall(b"GET /paper/story/ HTTP/1.0\r\n\r\n")
        answer = raw.makefile("rb").read()
    assert answer.startswith(b"HTTP/1.1 421 ") and b"Second headline" not in answer


def test_served_beyond_loopback_any_address_of_the_machine_is_answered(project: Path,
                                                                      serve) -> None:
    """With --host 0.0.0.0 other machines use this one's address, which the server
    cannot list: any IP address is answered (DNS rebinding needs a name), names are not."""
    site = serve(project, host="0.0.0.0")
    for host, status in ((f"192.168.1.20:{site.port}", 200), (f"[fe80::1]:{site.port}", 200),
                         (f"localhost:{site.port}", 200), (f"evil.example:{site.port}", 421),
                         (f"192.168.1.20:{site.port + 1}", 421)):
        assert site.get("/paper/story/", headers={"Host": host})[0] == status, host


def test_an_http09_request_is_answered_at_once(project: Path, serve) -> None:
    """An HTTP/0.9 request line has no headers after it: it gets an error and the
    connection is closed, instead of being held open waiting for headers."""
    site = serve(project)
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", site.port), timeout=TIMEOUT) as raw:
        raw.sendall(b"GET /paper/story/\r\n")
        answer = raw.makefile("rb").read()  # returns when the server closes
    assert time.monotonic() - started < 5
    assert answer.startswith(b"HTTP/1.1 505 ")
    assert b"Second headline" not in answer


def test_base_path_serves_like_github_pages(project: Path, serve) -> None:
    site = serve(project, base_path="/repo/")
    status, headers, _ = site.get("/")
    assert status == 302 and headers["location"] == "/repo/"
    status, headers, _ = site.get("/repo")
    assert status == 302 and headers["location"] == "/repo/"
    status, _, body = site.get("/repo/")
    assert status == 200 and "Second headline" in body
    status, headers, _ = site.get("/repo/paper/story?x=1")
    assert status == 302 and headers["location"] == "/repo/paper/story/?x=1"
    assert site.get("/repo/paper/story/")[0] == 200
    assert site.get("/repo/static/style.css")[0] == 200
    for outside in ("/paper/story/", "/static/style.css", "/repository/", "/index.html"):
        status, _, body = site.get(outside)
        assert status == 404 and "serves the site under /repo/" in body, outside
    assert site.preview.url.endswith("/repo/")


def test_site_404_page_is_used_inside_the_base_path(project: Path, serve) -> None:
    site = serve(project, base_path="/repo/")
    write(site.preview.output / "404.html", "<html><body>Custom missing page</body></html>")
    status, _headers, body = site.get("/repo/nothing/here/")
    assert status == 404 and "Custom missing page" in body
    assert "/__sitegen__/livereload.js" in body
    assert "Custom missing page" not in site.get("/elsewhere/")[2]


def test_port_in_use_is_a_clear_error(project: Path, serve) -> None:
    site = serve(project)
    with pytest.raises(SitegenError, match=r"already in use.*--port 0"):
        Preview(project, port=site.port)


def test_requests_during_a_rebuild_get_a_complete_site(project: Path, serve) -> None:
    """Hammer the server while it rebuilds many times: never a 5xx, never a missing page."""
    site = serve(project, quiet=0.01, max_wait=0.05)
    failures: list[tuple[str, int]] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            for path in ("/", "/paper/story/", "/paper/story/v1/", "/static/style.css"):
                status = site.get(path)[0]
                if status != 200:
                    failures.append((path, status))

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for thread in readers:
        thread.start()
    before = site.preview.builds
    for i in range(15):
        write(project / "content/paper/story/b.md",
              version_file(f"Headline {i}", "2025-03-07T13:00:00Z", "x\n"))
        time.sleep(0.1)
    wait_for(lambda: "Headline 14" in site.text("/"), "the last edit")
    stop.set()
    for thread in readers:
        thread.join()
    assert site.preview.builds - before >= 3
    assert failures == []


def test_close_removes_the_build_folder(project: Path, serve) -> None:
    site = serve(project)
    workdir = site.preview.workdir
    assert workdir is not None and (workdir / "site/index.html").exists()
    site.preview.close()
    assert not workdir.exists()


def _page(browser, url: str):  # type: ignore[no-untyped-def]
    """A fresh browser page on ``url`` that records console errors (CSP reports among them)."""
    context = browser.new_context()
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]

    def record(message) -> None:  # type: ignore[no-untyped-def]
        if message.type == "error" and not message.location.get("url", "").endswith(
                "/favicon.ico"):  # the site has no favicon; the browser asks anyway
            page.errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", record)
    page.goto(url, wait_until="load")
    return context, page


def test_browser_reloads_by_itself_after_a_save(project: Path, serve, browser) -> None:
    site = serve(project)
    context, page = _page(browser, site.preview.url + "paper/story/")
    try:
        assert "Second headline" in page.inner_text("body")
        page.evaluate("window.sitegenMarker = 1")  # a reload forgets it
        write(project / "content/paper/story/b.md",
              version_file("Reloaded headline", "2025-03-07T13:00:00Z", "Two.\n"))
        page.get_by_text("Reloaded headline").first.wait_for(timeout=TIMEOUT * 1000)
        assert page.evaluate("window.sitegenMarker") is None
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        context.close()


def test_browser_shows_the_error_overlay_and_recovers(project: Path, serve, browser) -> None:
    site = serve(project)
    context, page = _page(browser, site.preview.url + "paper/story/")
    try:
        broken = write(project / "content/paper/story/c.md", "---\ntitle: No time\n---\nx\n")
        overlay = page.locator("#sitegen-overlay")
        overlay.wait_for(state="visible", timeout=TIMEOUT * 1000)
        assert "content/paper/story/c.md:" in overlay.inner_text()
        # The overlay's stylesheet loaded despite the site's Content-Security-Policy.
        assert overlay.evaluate("e => getComputedStyle(e).position") == "fixed"
        assert "Second headline" in page.inner_text("main")  # the last good build beneath
        page.click("[data-sitegen-close]")  # the script's handler dismisses it
        assert overlay.count() == 0
        write(broken, version_file("Recovered headline", "2025-03-07T15:00:00Z", "x\n"))
        page.get_by_text("Recovered headline").first.wait_for(timeout=TIMEOUT * 1000)
        assert page.locator("#sitegen-overlay").count() == 0
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        context.close()


def test_browser_search_works_through_the_preview(project: Path, serve, browser) -> None:
    """Pagefind's script, wasm and index files arrive with types the browser accepts."""
    site = serve(project, search=True)
    context, page = _page(browser, site.preview.url + "search/?q=changed")
    try:
        result = page.locator("#search-results li").first
        result.wait_for(timeout=TIMEOUT * 1000)
        assert "Second headline" in result.inner_text()
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        context.close()


def test_browser_error_page_turns_into_the_site(project: Path, serve, browser) -> None:
    config = write(project / "sitegen.yaml", "title: Demo\ntheme: no-such-theme\n")
    site = serve(project, base_path="/repo/")
    context, page = _page(browser, site.preview.url)
    try:
        assert "theme 'no-such-theme' not found" in page.inner_text("#sitegen-overlay")
        write(config, "title: Demo\n")
        page.get_by_text("Second headline").first.wait_for(timeout=TIMEOUT * 1000)
        assert page.url == site.preview.url
    finally:
        context.close()

"""``sitegen serve`` pieces on their own: path mapping, content types, filters, debouncing."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from sitegen.serve import livereload, overlay
from sitegen.serve.paths import decode, find, normalise_base_path, segments_of, url_of
from sitegen.serve.server import content_type
from sitegen.serve.watcher import Debouncer, is_full, relevant


@pytest.mark.parametrize(("given", "expected"), [
    ("/", "/"), ("", "/"), ("repo", "/repo/"), ("/repo", "/repo/"), ("/repo/", "/repo/"),
    ("/a/b/", "/a/b/"), ("//repo//", "/repo/"),
])
def test_base_path_is_normalised(given: str, expected: str) -> None:
    assert normalise_base_path(given) == expected


@pytest.mark.parametrize("given", ["/../", "/a/./", "/a b/", "/a\\b/", "/__sitegen__/", "/%2e/"])
def test_unusable_base_paths_are_refused(given: str) -> None:
    with pytest.raises(ValueError):
        normalise_base_path(given)


@pytest.mark.parametrize(("raw", "expected"), [
    ("/a/b/", "/a/b/"),
    ("/a%20b", "/a b"),
    ("/%2e%2e/x", "/../x"),  # decoded once; segments_of then refuses it
    ("/%252e%252e/x", "/%2e%2e/x"),  # never decoded twice
    ("/a%5cb", None),
    ("/a\\b", None),
    ("/a%00b", None),
    ("/%ff", None),  # not UTF-8
    ("a/b", None),
    ("http://example.com/", None),
])
def test_decode(raw: str, expected: str | None) -> None:
    assert decode(raw) == expected


def test_dot_segments_are_refused() -> None:
    assert segments_of("/a/../b") is None
    assert segments_of("/a/./b") is None
    assert segments_of("//a//b/") == ["a", "b"]


def test_redirect_urls_are_paths_never_hosts() -> None:
    assert url_of(["evil.example", "x"], "/", slash=True) == "/evil.example/x/"
    assert url_of([], "/repo/", slash=True) == "/repo/"
    assert url_of(["a b", "c"], "/repo/", slash=False) == "/repo/a%20b/c"


def test_find_maps_urls_like_github_pages(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "dir").mkdir(parents=True)
    (root / "index.html").write_text("home")
    (root / "dir/index.html").write_text("dir")
    (root / "about.html").write_text("about")
    assert find(root, [], trailing_slash=True).file == root / "index.html"
    assert find(root, ["dir"], trailing_slash=True).file == root / "dir/index.html"
    assert find(root, ["dir"], trailing_slash=False).add_slash
    assert find(root, ["about"], trailing_slash=False).file == root / "about.html"
    assert find(root, ["about.html"], trailing_slash=True).file is None
    assert find(root, ["missing"], trailing_slash=False).file is None


def test_find_refuses_symlinks_leading_out(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside/index.html").write_text("secret")
    (root / "page.html").write_text("fine")
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (root / "leakdir").symlink_to(tmp_path / "outside")
    (root / "alias.html").symlink_to(root / "page.html")
    assert find(root, ["leak.txt"], trailing_slash=False).file is None
    assert find(root, ["leakdir"], trailing_slash=False) == find(root, ["nothing"],
                                                                 trailing_slash=False)
    assert find(root, ["leakdir"], trailing_slash=True).file is None
    assert find(root, ["alias.html"], trailing_slash=False).file == root / "alias.html"


@pytest.mark.parametrize(("name", "expected"), [
    ("index.html", "text/html; charset=utf-8"),
    ("style.css", "text/css; charset=utf-8"),
    ("pagefind.js", "text/javascript; charset=utf-8"),
    ("feed.xml", "application/xml"),
    ("sitemap.xml", "application/xml"),
    ("pagefind-entry.json", "application/json"),
    ("wasm.en.pagefind", "application/octet-stream"),
    ("pagefind.wasm", "application/wasm"),
    ("en_1a2b.pf_meta", "application/octet-stream"),
    ("en_1a2b.pf_index", "application/octet-stream"),
    ("en_1a2b.pf_fragment", "application/octet-stream"),
    ("en_1a2b.pf_filter", "application/octet-stream"),
    ("LOGO.SVG", "image/svg+xml"),
    ("robots.txt", "text/plain; charset=utf-8"),
    ("no-extension", "application/octet-stream"),
])
def test_content_types(name: str, expected: str) -> None:
    assert content_type(name) == expected


@pytest.mark.parametrize(("rel", "expected"), [
    ("sitegen.yaml", True),
    ("content/paper/story/a.md", True),
    ("content/paper/_source.yaml", True),
    ("content", True),
    ("themes/default/templates/base.html", True),
    ("content/paper/story/.a.md.swp", False),
    ("content/paper/story/a.md~", False),
    ("content/paper/story/4913", False),
    ("content/paper/story/.#a.md", False),
    ("content/paper/story/#a.md#", False),
    ("content/.git/index", False),
    ("content/paper/.hidden/a.md", False),
    ("site/index.html", False),
    (".git/HEAD", False),
    ("notes.txt", False),
])
def test_relevant_paths(rel: str, expected: bool) -> None:
    assert relevant(rel) is expected


def test_config_and_theme_changes_are_full_rebuilds() -> None:
    assert is_full({"sitegen.yaml"})
    assert is_full({"content/a/b/c.md", "themes/default/static/style.css"})
    assert not is_full({"content/a/b/c.md"})


def _recorder(delay: float = 0.0) -> tuple[list[frozenset[str]], threading.Event, object]:
    calls: list[frozenset[str]] = []
    called = threading.Event()

    def action(batch: frozenset[str]) -> None:
        calls.append(batch)
        time.sleep(delay)
        called.set()

    return calls, called, action


def _settle(calls: list, count: int, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while len(calls) < count and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_burst_is_one_call() -> None:
    calls, _, action = _recorder()
    debouncer = Debouncer(action, quiet=0.1, max_wait=5.0)  # type: ignore[arg-type]
    debouncer.start()
    try:
        for i in range(100):
            debouncer.add({f"content/s/a/{i}.md"})
            time.sleep(0.002)
        _settle(calls, 1)
        time.sleep(0.3)
        assert len(calls) == 1
        assert len(calls[0]) == 100
    finally:
        debouncer.stop()


def test_max_wait_bounds_an_endless_stream() -> None:
    calls, _, action = _recorder()
    debouncer = Debouncer(action, quiet=0.2, max_wait=0.3)  # type: ignore[arg-type]
    debouncer.start()
    try:
        deadline = time.monotonic() + 0.8
        while time.monotonic() < deadline:
            debouncer.add({"content/s/a/x.md"})
            time.sleep(0.05)
        assert len(calls) >= 2  # it did not wait for a quiet moment that never came
    finally:
        debouncer.stop()


def test_changes_during_a_build_make_exactly_one_follow_up() -> None:
    calls, _, action = _recorder(delay=0.5)
    debouncer = Debouncer(action, quiet=0.05, max_wait=1.0)  # type: ignore[arg-type]
    debouncer.start()
    try:
        debouncer.add({"content/s/a/1.md"})
        _settle(calls, 1)
        for i in range(2, 30):  # all while the first "build" is running
            debouncer.add({f"content/s/a/{i}.md"})
            time.sleep(0.01)
        _settle(calls, 2)
        time.sleep(0.8)
        assert len(calls) == 2
        assert calls[0] == {"content/s/a/1.md"}
        assert len(calls[1]) == 28
    finally:
        debouncer.stop()


def test_stop_waits_for_a_running_build() -> None:
    calls, called, action = _recorder(delay=0.3)
    debouncer = Debouncer(action, quiet=0.01, max_wait=1.0)  # type: ignore[arg-type]
    debouncer.start()
    debouncer.add({"content/s/a/1.md"})
    _settle(calls, 1)
    debouncer.stop()
    assert called.is_set()


def test_overlay_escapes_problems() -> None:
    snapshot = livereload.Snapshot(3, "1 problem in the input",
                                   ("content/<b>/x.md:2: bad <script>alert(1)</script>",), True)
    html = livereload.inject(b"<html><body><p>page</p></body></html>", snapshot, "abc").decode()
    assert "<script>alert(1)" not in html
    assert "content/&lt;b&gt;/x.md:2: bad &lt;script&gt;" in html
    assert html.index('id="sitegen-overlay"') < html.index("</body>")
    assert 'data-generation="3"' in html and 'data-server="abc"' in html
    page = overlay.error_page(snapshot).decode()
    assert "There is no site to show yet" in page and "&lt;script&gt;" in page


def test_injection_without_body_tag_appends() -> None:
    html = livereload.inject(b"<p>fragment</p>", livereload.Snapshot(1, has_site=True), "s")
    assert html.startswith(b"<p>fragment</p>")
    assert b"livereload.js" in html and b"sitegen-overlay" not in html


def test_status_wait_returns_on_a_new_build() -> None:
    status = livereload.Status()
    threading.Timer(0.1, status.succeeded).start()
    started = time.monotonic()
    assert status.wait(0, timeout=5) == 1
    assert time.monotonic() - started < 2
    assert status.wait(1, timeout=0.05) == 1  # nothing new: times out with the same number

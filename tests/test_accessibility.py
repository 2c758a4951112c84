"""Accessibility of every page of the demo: landmarks, one h1 and headings in order, labelled
controls, a language, image text; and text contrast in the light and dark themes."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitegen.build import build
from tests.conftest import ROOT
from tests.pages_server import serve


class Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.tags: dict[str, int] = {}
        self.lang: str | None = None
        self.inputs: list[dict[str, str | None]] = []
        self.labels: set[str] = set()
        self.images_without_alt = 0
        self.in_label = 0

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.in_label -= 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "html":
            self.lang = values.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag in ("input", "select") and values.get("type") != "hidden":
            self.inputs.append({**values, "in-label": "yes" if self.in_label else None})
        if tag == "label":
            self.in_label += 1
            if values.get("for"):
                self.labels.add(values["for"])  # type: ignore[arg-type]
        if tag == "img" and "alt" not in values:
            self.images_without_alt += 1


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("a11y") / "site"
    build(ROOT, out, base_url="https://example.org/a11y/")
    return out


def test_every_page_has_landmarks_one_h1_and_headings_in_order(demo: Path) -> None:
    problems = {}
    for page in sorted(demo.rglob("*.html")):
        outline = Outline()
        outline.feed(page.read_text())
        found = []
        if not outline.lang:
            found.append("no lang")
        for tag in ("header", "nav", "main", "footer"):
            if not outline.tags.get(tag):
                found.append(f"no <{tag}>")
        if outline.tags.get("main", 0) > 1:
            found.append("more than one <main>")
        if outline.headings.count(1) != 1:
            found.append(f"{outline.headings.count(1)} h1")
        for before, after in zip(outline.headings, outline.headings[1:], strict=False):
            if after > before + 1:
                found.append(f"h{before} then h{after}")
        for control in outline.inputs:
            named = (control.get("aria-label") or control.get("in-label")
                     or control.get("id") in outline.labels)
            if not named:
                found.append(f"unlabelled {control}")
        if outline.images_without_alt:
            found.append("img without alt")
        if found:
            problems[page.relative_to(demo).as_posix()] = found
    assert problems == {}


SAMPLES = [  # (selector, what) whose text must stand out from its background
    ("main p", "body text"), (".muted", "muted text"), ("main a", "links"),
    (".kicker", "kickers"), (".sig-major", "major badge"), (".sig-minor", "minor badge"),
    (".sig-cosmetic", "cosmetic badge"), (".pill", "pills"), (".flag", "flags"),
    (".site-nav a", "navigation"), (".crumbs a", "breadcrumbs"),
]


def _rgba(css: str) -> tuple[float, float, float, float]:
    """Chromium's computed colours: rgb(…), rgba(…), or color(srgb r g b / a) from
    color-mix(), as 0-1 channels and alpha."""
    numbers = [float(x) for x in re.findall(r"[\d.]+", css)]
    if css.startswith("color("):
        r, g, b = numbers[:3]
    else:
        r, g, b = (n / 255 for n in numbers[:3])
    return r, g, b, numbers[3] if len(numbers) > 3 else 1.0


def _over(top: tuple[float, float, float, float], below: tuple[float, float, float, float]):
    a = top[3]
    return (*tuple(top[i] * a + below[i] * (1 - a) for i in range(3)), 1.0)


def _luminance(rgb: tuple[float, ...]) -> float:
    f = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb[:3]]
    return 0.2126 * f[0] + 0.7152 * f[1] + 0.0722 * f[2]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_contrast(demo: Path, browser, scheme: str) -> None:
    pages = ["", "bbc/c9wpy9x890wo/", "bbc/c9wpy9x890wo/v1/", "bbc/c9wpy9x890wo/compare/"]
    low = []
    with serve(demo, "/") as root:
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        for path in pages:
            page.goto(root + path)
            for selector, what in SAMPLES:
                paper = _rgba(page.eval_on_selector("body",
                                                    "e => getComputedStyle(e).backgroundColor"))
                for found in page.eval_on_selector_all(selector, """els => els.slice(0, 5).map(e => {
                    const layers = [];
                    for (let n = e; n; n = n.parentElement) layers.push(getComputedStyle(n).backgroundColor);
                    return [getComputedStyle(e).color, layers]; })"""):
                    bg = paper
                    for layer in reversed(found[1]):  # from the page down to the element
                        colour = _rgba(layer)
                        if colour[3] > 0:
                            bg = _over(colour, bg)
                    fg = _luminance(_over(_rgba(found[0]), bg))
                    bg = _luminance(bg)
                    ratio = (max(fg, bg) + 0.05) / (min(fg, bg) + 0.05)
                    if ratio < 4.5:
                        low.append((path, what, found, round(ratio, 2)))
        context.close()
    assert low == []

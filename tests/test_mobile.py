"""Every page of the demo on a phone (390 px wide, as an iPhone 14's screen): nothing pans
sideways, and no text, SVG labels included, is drawn smaller than can be read."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.build import build
from tests.conftest import ROOT
from tests.pages_server import serve

WIDTH, HEIGHT = 390, 844
SMALLEST = 11.5  # px: the smallest text drawn anywhere (the stylesheet's smallest is 12)

# Each element with text of its own, drawn and visible: its text size in CSS pixels as shown
# (an SVG's text is scaled with its drawing).
SIZES = """() => {
  const found = [];
  for (const e of document.querySelectorAll('body *')) {
    const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || e.closest('title, desc, script, style, option')) continue;
    const box = e.getBoundingClientRect();
    const style = getComputedStyle(e);
    if (!box.width || !box.height || style.visibility === 'hidden') continue;
    if (e.closest('.visually-hidden')) continue;
    let size = parseFloat(style.fontSize);
    if (e instanceof SVGElement && e.ownerSVGElement) {
      const m = e.getScreenCTM();
      size *= Math.hypot(m.a, m.b);
    }
    found.push([e.tagName.toLowerCase(), e.textContent.trim().slice(0, 30), size]);
  }
  return found;
}"""

# A select whose chosen option's text is wider than the room the select gives it.
CUT_SELECTS = """() => [...document.querySelectorAll('select')].filter(s => {
  const probe = document.createElement('span');
  const style = getComputedStyle(s);
  probe.style.font = style.font;
  probe.style.position = 'absolute';
  probe.style.whiteSpace = 'pre';
  probe.textContent = s.options[s.selectedIndex].text;
  document.body.append(probe);
  const room = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
    - 20;  // the arrow
  const needed = probe.getBoundingClientRect().width;
  probe.remove();
  return needed > room;
}).map(s => s.options[s.selectedIndex].text)"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mobile") / "site"
    build(ROOT, out, base_url="https://example.org/mobile/")
    return out


def test_every_page_fits_a_phone(demo: Path, browser) -> None:
    pages = sorted(p.relative_to(demo).as_posix().removesuffix("index.html")
                   for p in demo.rglob("*.html"))
    assert len(pages) > 50
    wide, small, cut = {}, {}, {}
    with serve(demo, "/mobile/") as root:
        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
        page = context.new_page()
        for path in pages:
            page.goto(root + path)
            if path.endswith("/compare/"):  # its script draws the diff once the data is in
                page.wait_for_load_state("networkidle")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > WIDTH:
                wide[path] = scroll
            tiny = [t for t in page.evaluate(SIZES) if t[2] < SMALLEST]
            if tiny:
                small[path] = tiny[:3]
            if page.evaluate(CUT_SELECTS):
                cut[path] = page.evaluate(CUT_SELECTS)
        context.close()
    assert wide == {}, "pages wider than the phone"
    assert small == {}, "text too small to read"
    assert cut == {}, "drop-downs that cut their text off"

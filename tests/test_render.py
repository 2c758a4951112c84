"""Rendering: relative URLs, times in the configured zone, escaping, theme overrides."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sitegen import urls
from sitegen.build import build
from sitegen.errors import BuildError, SitegenError
from sitegen.render import markdown, timefmt
from sitegen.render.theme import BUILTIN, safe_href
from tests.conftest import version_file, write


@pytest.mark.parametrize(("src", "dst", "expected"), [
    ("", "", "./"),
    ("", "bbc/", "bbc/"),
    ("", "static/style.css", "static/style.css"),
    ("bbc/", "", "../"),
    ("bbc/x/v1/", "bbc/x/", "../"),
    ("bbc/x/v1/", "bbc/x/v2/", "../v2/"),
    ("bbc/x/v1/", "static/style.css", "../../../static/style.css"),
    ("bbc/x/", "bbc/x/", "./"),
    ("404.html", "bbc/", "bbc/"),
])
def test_relative_links(src: str, dst: str, expected: str) -> None:
    assert urls.relative(src, dst) == expected


def test_output_paths() -> None:
    assert urls.output_path("") == "index.html"
    assert urls.output_path("bbc/x/v0/") == "bbc/x/v0/index.html"
    assert urls.output_path("404.html") == "404.html"


@pytest.mark.parametrize(("seconds", "words"), [
    (10, "less than a minute"), (60, "1 minute"), (44 * 60, "44 minutes"),
    (50 * 60, "about 1 hour"), (3 * 3600 + 3 * 60, "about 3 hours"), (30 * 3600, "1 day"),
    (5 * 86400, "5 days"), (40 * 86400, "about 1 month"), (50 * 86400, "about 2 months"),
    (100 * 86400, "3 months"), (400 * 86400, "about 1 year"), (500 * 86400, "over 1 year"),
    (700 * 86400, "almost 2 years"),
])
def test_distance_in_words(seconds: int, words: str) -> None:
    assert timefmt.distance(seconds) == words


def test_times_use_the_configured_zone_with_daylight_saving() -> None:
    summer = datetime(2025, 7, 1, 9, 30, tzinfo=UTC)
    london = ZoneInfo("Europe/London")
    assert timefmt.long_time(summer, london) == "1 July 2025, 10:30 BST"
    assert timefmt.iso(summer, london) == "2025-07-01T10:30:00+01:00"
    assert timefmt.long_time(summer, ZoneInfo("UTC")) == "1 July 2025, 09:30 UTC"


def test_markdown_shows_raw_html_as_text_and_drops_script_links() -> None:
    html = markdown.render('<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>\n')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_markdown_headings_shift_below_the_page_headings() -> None:
    assert markdown.render("# A\n\n###### B\n", shift=2) == "<h3>A</h3>\n<h6>B</h6>\n"


@pytest.mark.parametrize(("value", "expected"), [
    ("https://a.org/x", "https://a.org/x"), ("http://a.org", "http://a.org"),
    ("javascript:alert(1)", None), (" JavaScript:alert(1)", None), ("data:text/html,x", None),
    ("//evil.org", None), ("", None), (None, None),
    ('https://a.org/?q="><b>&x=1', "https://a.org/?q=%22%3E%3Cb%3E&x=1"),
    ("https://a.org/caf%C3%A9 é", "https://a.org/caf%C3%A9%20%C3%A9"),
])
def test_only_http_urls_become_links(value: str | None, expected: str | None) -> None:
    assert safe_href(value) == expected


def _built(tmp_path: Path, project: Path, **kwargs) -> Path:
    out = tmp_path / "out"
    build(project, out, **kwargs)
    return out


def test_pages_escape_titles_and_show_times_in_the_zone(tmp_path: Path) -> None:
    root = tmp_path / "p"
    write(root / "sitegen.yaml", "timezone: Europe/London\n")
    write(root / "content/s/a/v.md", version_file(
        "'<script>alert(1)</script> & \"quotes\"'", "2025-07-01T09:30:00Z", "Body <b>x</b>\n",
        url="'javascript:alert(1)'"))
    out = _built(tmp_path, root)
    page = (out / "s/a/v0/index.html").read_text()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;" in page
    assert 'href="javascript' not in page
    assert "Body &lt;b&gt;x&lt;/b&gt;" in page
    assert '<time datetime="2025-07-01T10:30:00+01:00">1 July 2025, 10:30 BST</time>' in page


def test_all_internal_links_are_relative(tmp_path: Path, project: Path) -> None:
    out = _built(tmp_path, project)
    for page in out.rglob("*.html"):
        if page.name == "404.html":
            continue  # served at any depth: its links are absolute (test_hosting.py)
        text = page.read_text()
        assert 'href="/' not in text and 'src="/' not in text, page


def test_project_theme_overrides_one_template(tmp_path: Path, project: Path) -> None:
    write(project / "themes/default/templates/footer.html", "<p>Our own footer</p>\n")
    out = _built(tmp_path, project)
    home = (out / "index.html").read_text()
    assert "Our own footer" in home
    assert "Latest changes" in home  # the rest still comes from the built-in theme


def test_project_theme_overrides_one_asset(tmp_path: Path, project: Path) -> None:
    write(project / "themes/default/static/style.css", "body { color: red }\n")
    out = _built(tmp_path, project)
    assert (out / "static/style.css").read_text() == "body { color: red }\n"


def test_a_named_theme_falls_back_to_the_default(tmp_path: Path, project: Path) -> None:
    write(project / "sitegen.yaml", "theme: mine\n")
    write(project / "themes/mine/templates/footer.html", "<p>Mine</p>\n")
    out = _built(tmp_path, project)
    assert "Mine" in (out / "index.html").read_text()


def test_missing_theme_is_an_error(tmp_path: Path, project: Path) -> None:
    write(project / "sitegen.yaml", "theme: nope\n")
    with pytest.raises(SitegenError, match="theme 'nope' not found"):
        _built(tmp_path, project)


def test_template_error_names_the_template_file_and_line(tmp_path: Path, project: Path) -> None:
    write(project / "themes/default/templates/footer.html", "<p>\n{{ no_such_thing.x }}</p>\n")
    with pytest.raises(BuildError) as info:
        _built(tmp_path, project)
    (problem,) = info.value.problems
    assert str(problem).startswith("themes/default/templates/footer.html:2: template error:")


@pytest.mark.parametrize("template", ["footer.html", "404.html"])
def test_a_missing_asset_is_a_template_error(tmp_path: Path, project: Path,
                                             template: str) -> None:
    """Also on the 404 page, whose links are absolute (it is served at any address)."""
    default = BUILTIN / "default/templates" / template
    write(project / f"themes/default/templates/{template}",
          default.read_text().replace("{% endblock %}", "{{ asset('nope.css') }}{% endblock %}", 1)
          if template == "404.html" else "<p>{{ asset('nope.css') }}</p>\n")
    with pytest.raises(BuildError) as info:
        _built(tmp_path, project)
    assert {str(p) for p in info.value.problems} == {
        f"themes/default/templates/{template}:{1 if template == 'footer.html' else 2}: "
        "template error: asset 'nope.css' is not in the theme's static/"}


@pytest.mark.parametrize("shift", [0, 1, 2, 5])
def test_shifting_rendered_headings_equals_rendering_shifted(shift: int) -> None:
    source = "# One\n\ntext <h1>raw</h1>\n\nTwo\n===\n\n### Three\n\n> #### Four\n\n    # code\n"
    assert markdown.shift_headings(markdown.render(source), shift) == markdown.render(source, shift)


def test_body_headings_start_one_below_the_page() -> None:
    html = markdown.render("## Section\n\ntext\n\n#### Sub\n")
    assert markdown.headings_from(html, 2) == "<h2>Section</h2>\n<p>text</p>\n<h4>Sub</h4>\n"
    assert markdown.headings_from("<p>no headings</p>", 2) == "<p>no headings</p>"


def test_one_of_anything_is_singular_in_charts_and_feeds() -> None:
    from datetime import date

    from sitegen.diff import diff_versions
    from sitegen.feeds import _change, _first_seen
    from sitegen.model import Version, VersionSummary
    from sitegen.render.charts import activity_svg, timeline_svg

    chart = str(activity_svg({date(2025, 3, 7): (0, 1)}, "", lambda u: u))
    assert ": 1 change, 0 first seen</title>" in chart
    assert "1 change and 0 first sightings between" in chart and "with 1 stored version." in chart
    when = [datetime(2025, 3, 7, h, tzinfo=UTC) for h in (10, 11)]
    timeline = str(timeline_svg([VersionSummary(0, when[0], "A"),
                                 VersionSummary(1, when[1], "A", "minor", 1, 0, 0.1)],
                                "s", "a", lambda u: u, UTC))
    assert "1 change between" in timeline and "1 word added or removed in all" in timeline
    assert "minor change, 1 word added, 0 removed" in timeline
    old = Version(0, "a.md", when[0], "A", "One.\n\nTwo.\n\nThree.\n\nFour.\n\nFive.\n")
    new = Version(1, "b.md", when[1], "A", "One.\n\nTwo!\n\nThree.\n\nFour.\n\nFive.\n")
    assert "Read the whole text (1 more paragraph)" in _first_seen(old, "x", UTC)
    assert "(4 unchanged paragraphs not shown here)" in _change(
        diff_versions(old, new), old, new, "x", UTC)
    one = Version(1, "b.md", when[1], "A", "One!\n\nTwo.\n")
    assert "(1 unchanged paragraph not shown here)" in _change(
        diff_versions(Version(0, "a.md", when[0], "A", "One.\n\nTwo.\n"), one), old, one, "x", UTC)

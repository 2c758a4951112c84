"""Partials compiled into the pages that include them (render/includes.py): the same output
as Jinja's includes, the same error locations, and no stale compiled pages."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import jinja2
import pytest

from sitegen import job
from sitegen.config import Config
from sitegen.render.theme import BUILTIN, Theme
from tests.conftest import write

TEMPLATES = {
    # Put in: inside with and for, after a set (in a loop too), a child's block, nested.
    "page.html": (
        "{% extends 'layout.html' %}\n"
        "{% set shared = 'page' %}\n"
        "{% block body %}\n"
        "{% with who='with' %}{% include 'hello.html' %}{% endwith %}\n"
        "{% for who in ['a', 'b'] %}\n"
        "  {% include 'hello.html' %}\n"
        "{% set c = who|upper %}{% include 'change.html' %}\n"
        "{% endfor %}\n"
        "{% set shared = 'block' %}{% include 'sets.html' %}after: {{ shared }} "
        "{{ own is defined }}\n"
        "{% include 'outer.html' %}\n"
        "{% include 'deep.html' %}\n"
        "{% endblock %}\n"),
    "layout.html": "<main>\n{% block body %}{% endblock %}\n{% include 'foot.html' %}</main>\n",
    "hello.html": "{# a comment #}\n  <p>Hello {{ who }}</p>\n",
    "change.html": "<i>{{ c }}</i>\n",
    "sets.html": "{% set shared = 'partial' %}{% set own = 1 %}in: {{ shared }} {{ own }}\n",
    "outer.html": "[{% include 'inner.html' %}]\n",
    "inner.html": "inner sees {{ shared }}\n",
    "foot.html": "<footer>{{ title|default('no title') }}</footer>\n",
    "deep.html": "{% if depth|default(2) > 0 %}{% with depth=depth|default(2) - 1 %}"
                 "<{{ depth }}>{% include 'deep.html' %}{% endwith %}{% endif %}",
    # Left to Jinja: a variable name, ignore missing, without context, macros, blocks, self,
    # the page's loop (an include does not pass it on), names the page sets only later or
    # in a branch not taken (the include reads the context's).
    "kept.html": (
        "{% set name = 'hello.html' %}{% with who='var' %}{% include name %}{% endwith %}\n"
        "{% include 'missing.html' ignore missing %}\n"
        "{% include 'foot.html' without context %}\n"
        "{% include 'macro.html' %}{% include 'block.html' %}{% include 'self.html' %}\n"
        "{% for x in [1] %}{% include 'looped.html' %}{% endfor %}\n"
        "{% if false %}{% set who = 'never' %}{% endif %}{% include 'hello.html' %}"
        "{% include 'title.html' %}{% set title = 'later' %}{{ title }}\n"),
    "macro.html": "{% macro m() %}macro{% endmacro %}{{ m() }}\n",
    "block.html": "{% block b %}block{% endblock %}\n",
    "self.html": "{% block s %}self{% endblock %} {{ self.s() }}\n",
    "looped.html": "{{ loop is defined }}\n",
    "title.html": "{{ title|default('none') }}\n",
}
PUT_IN = {"hello.html", "change.html", "sets.html", "outer.html", "inner.html", "foot.html",
          "deep.html"}
LEFT = {"missing.html", "macro.html", "block.html", "self.html", "looped.html",
        "hello.html", "title.html", "foot.html"}


def _theme(root: Path, templates: dict[str, str]) -> Theme:
    for name, text in templates.items():
        write(root / "themes/default/templates" / name, text)
    return Theme(root, Config())


def _included(env: jinja2.Environment, name: str) -> set[str]:
    """The templates a compiled template still asks for at render time."""
    source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
    code = env.compile(source, name, name, raw=True)
    return set(re.findall(r"get_template\('([^']+)'", code))


def test_put_in_partials_render_as_jinjas_includes(tmp_path: Path) -> None:
    theme = _theme(tmp_path, TEMPLATES)
    cases = [("page.html", {"title": "T"}), ("page.html", {}),
             ("kept.html", {"who": "context", "title": "given"})]
    for name, context in cases:
        fast = theme.env.get_template(name).render(context)
        assert fast == theme.plain_env.get_template(name).render(context), name
    assert fast == ("  <p>Hello var</p>\n<footer>no title</footer>\nmacro\nblockself self\n"
                    "False\n  <p>Hello context</p>\ngiven\nlater\n")
    page = theme.env.get_template("page.html").render(title="T")
    assert "  <p>Hello with</p>\n" in page and "<i>B</i>" in page
    assert "  <p>Hello a</p>\n" in page and "  <p>Hello b</p>\n" in page
    assert "in: partial 1\nafter: block False" in page  # what a partial sets stays in it
    assert "[inner sees block\n]" in page and "<1><0>" in page
    assert "<footer>T</footer>" in page
    # deep.html is put in once; its include of itself stays (a cycle). sets.html reads a
    # name it sets, which the page has: left to Jinja.
    assert _included(theme.env, "page.html") == {"layout.html", "deep.html", "sets.html"}
    assert _included(theme.env, "layout.html") == set()
    assert _included(theme.env, "kept.html") == LEFT
    assert _included(theme.plain_env, "page.html") == {"layout.html"} | (PUT_IN - {
        "foot.html", "inner.html"})


def test_the_built_in_themes_partials_are_put_in(tmp_path: Path) -> None:
    """What makes the built-in theme's pages faster: none of them includes at render time
    (an override of a partial is put in the same way)."""
    write(tmp_path / "themes/default/templates/footer.html", "<p>Mine</p>\n")
    theme = Theme(tmp_path, Config())
    pages = sorted(p.name for p in (BUILTIN / "default/templates").glob("*.html"))
    asked = {name: _included(theme.env, name) for name in pages}
    assert {n for n, found in asked.items() if found - {"base.html"}} == set(), asked
    assert "<p>Mine</p>" in theme.env.get_template("base.html").render(
        page_url="", search_enabled=False, link=str, asset=str)


def test_an_error_in_a_put_in_partial_names_the_partial(tmp_path: Path) -> None:
    theme = _theme(tmp_path, {**TEMPLATES, "inner.html": "line one\n{{ nothing.here }}\n"})
    with pytest.raises(jinja2.UndefinedError) as info:
        theme.render("page.html", {"page_url": ""})
    problem = theme.problem_from(info.value, "page.html")
    assert str(problem).startswith("themes/default/templates/inner.html:2: template error:")


def test_a_partial_that_does_not_parse_is_left_to_the_include(tmp_path: Path) -> None:
    """Only where it is rendered does it fail, as with Jinja's include."""
    broken = {**TEMPLATES, "inner.html": "{% if %}\n",
              "uses.html": "{% if show %}{% include 'inner.html' %}{% endif %}ok\n"}
    theme = _theme(tmp_path, broken)
    assert theme.render("uses.html", {"page_url": "", "show": False}) == "ok\n"
    with pytest.raises(jinja2.TemplateSyntaxError) as info:
        theme.render("uses.html", {"page_url": "", "show": True})
    assert str(theme.problem_from(info.value, "uses.html")).startswith(
        "themes/default/templates/inner.html:1: template error:")


def test_a_changed_partial_is_not_served_from_a_kept_theme(tmp_path: Path) -> None:
    """A process keeps its theme's compiled pages from one build to the next while the theme
    and configuration are unchanged (a preview server); a compiled page holds its partials,
    so a changed partial gives a new theme, never the stale page."""
    _theme(tmp_path, TEMPLATES)
    settings = job.Settings(tmp_path, Config(), False, "key", tmp_path / "s1", tmp_path / "d",
                            None, tmp_path / "e")
    context = {"page_url": "", "title": "T"}
    job.init(settings)
    first = job._theme
    assert first is not None and "<footer>T</footer>" in first.render("page.html", context)
    job.init(dataclasses.replace(settings, site=tmp_path / "s2"))  # the next build
    assert job._theme is first
    _theme(tmp_path, {"foot.html": "<footer>changed {{ title }}</footer>\n"})
    job.init(dataclasses.replace(settings, site=tmp_path / "s3"))
    assert job._theme is not first
    assert "<footer>changed T</footer>" in job._theme.render("page.html", context)


def test_names_set_for_every_template_reach_both_environments(tmp_path: Path) -> None:
    theme = _theme(tmp_path, {"g.html": "{{ flag }}"})
    theme.set_global("flag", "early")
    assert theme.env.get_template("g.html").render() == "early"
    theme.set_global("flag", "late")
    assert theme.env.get_template("g.html").render() == "late"
    assert theme.plain_env.get_template("g.html").render() == "late"


OPTIONS = {"autoescape": True, "undefined": jinja2.StrictUndefined, "trim_blocks": True,
           "lstrip_blocks": True, "keep_trailing_newline": True}
_GETX = jinja2.pass_context(lambda context: context.get("x"))


@pytest.mark.parametrize(("page", "partial", "context"), [
    # the page's {% autoescape %} must not reach the partial
    ("{% autoescape false %}{% include 'p.html' %}{% endautoescape %}", "{{ s }}",
     {"s": "<b>"}),
    # a name the partial sets is undefined in it before, and in its loops, filters, ifs
    ("{% set y = 'page' %}{% include 'p.html' %}",
     "{% for i in [1] %}{{ y|default('U') }}{% endfor %}{% set y = 'p' %}{{ y }}", {}),
    ("{% with crumbs=['a'] %}{% include 'p.html' %}{% endwith %}",
     "{% if true %}{% for c in [0] %}{{ crumbs is defined }}{% endfor %}{% endif %}"
     "{% set crumbs = [] %}", {}),
    ("{% for y in ['loop'] %}{% include 'p.html' %}{% endfor %}",
     "{% filter upper %}{{ y|default('u') }}{% endfilter %}{% set y = 'p' %}", {"y": "ctx"}),
    ("{% include 'p.html' %}|{{ y }}",
     "{% for i in [1] %}{{ y|default('U') }}{% endfor %}{% set y = 'p' %}", {"y": "ctx"}),
    # a child template's includes outside its blocks are shown
    ("{% extends 'l.html' %}{% include 'p.html' %}", "P", {}),
    # names set by macros and imports later on
    ("{% include 'p.html' %}{% macro m() %}x{% endmacro %}", "{{ m|default('none') }}",
     {"m": "ctx"}),
    ("{% include 'p.html' %}{% from 'l.html' import m %}", "{{ m|default('none') }}",
     {"m": "ctx"}),
    # a function reading the context sees the partial's own
    ("{% include 'p.html' %}", "{% set x = 'p' %}{{ getx() }}", {"x": "ctx"}),
    ("{% for x in ['loop'] %}{% include 'p.html' %}{% endfor %}", "{{ getx() }}",
     {"x": "ctx"}),
])
def test_what_would_differ_put_in_is_left_to_jinja(page: str, partial: str,
                                                    context: dict[str, object]) -> None:
    """Cases where a put-in partial would render differently (found by review)."""
    from sitegen.render.includes import InliningEnvironment

    loader = jinja2.DictLoader({"page.html": page, "p.html": partial,
                                "l.html": "L{% macro m() %}{% endmacro %}"})
    fast = InliningEnvironment(loader=loader, **OPTIONS)
    plain = jinja2.Environment(loader=loader, **OPTIONS)
    for env in (fast, plain):
        env.globals["getx"] = _GETX
    assert "p.html" in _included(fast, "page.html")
    assert fast.get_template("page.html").render(context) == plain.get_template(
        "page.html").render(context)

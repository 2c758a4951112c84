"""The theme: Jinja2 templates and static assets, overridable one file at a time.

Lookup order for every template and asset: the project's ``themes/<name>/``, then the
built-in theme of that name (if any), then the built-in ``default``. A project can therefore
replace a single template or stylesheet without copying the rest (as Pelican's template
overrides allow).
"""

from __future__ import annotations

import hashlib
import traceback
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from sitegen import urls
from sitegen.config import Config
from sitegen.errors import BuildError, Problem, SitegenError, problem
from sitegen.fingerprint import files_key
from sitegen.links import link_problem, links_out

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup

BUILTIN = Path(__file__).resolve().parent.parent / "themes"
SIGNIFICANCE_NAMES = {"none": "No change", "cosmetic": "Cosmetic", "minor": "Minor change",
                      "major": "Major change"}
FIELD_NAMES = {"url": "Address", "byline": "Byline"}


def safe_href(value: str | None) -> str | None:
    """A front-matter URL is used as a link only if it is http(s)."""
    if not value:
        return None
    try:
        scheme = urlsplit(value.strip()).scheme.lower()
    except ValueError:
        return None
    if scheme not in ("http", "https"):
        return None
    # Percent-encode what a URL may not hold (quotes, <, >, spaces, non-ASCII), keeping
    # existing escapes and every character with a meaning in URL syntax.
    return quote(value.strip(), safe=":/?#[]@!$&'()*+,;=%~")


# The relations of two articles (sitegen.stories.classify), as pages name them: a label, and
# the later article's relation to the earlier one as a phrase.
RELATION_NAMES = {"copy": "Copy", "edited copy": "Edited copy", "paraphrase": "Paraphrase",
                  "same story": "Same story"}
RELATION_PHRASES = {"copy": "is a copy of", "edited copy": "is an edited copy of",
                    "paraphrase": "is a paraphrase of",
                    "same story": "tells the same story as"}


class Theme:
    def __init__(self, project: Path, config: Config):
        name = config.theme
        self.name = name
        self.config = config
        self.project = project
        own = project / "themes" / name
        _check_links(project, own)
        folders = [f for f in (own, BUILTIN / name, BUILTIN / "default") if f.is_dir()]
        if not own.is_dir() and not (BUILTIN / name).is_dir():
            raise SitegenError(
                f"sitegen.yaml: theme {name!r} not found: there is no themes/{name}/ folder in "
                f"the project and no built-in theme of that name (built-in: default)")
        self.folders = list(dict.fromkeys(folders))
        self._globals: dict[str, Any] = {}  # set_global's, for an environment made later

    @cached_property
    def key(self) -> str:
        """A hash of every file of the theme's folders (templates and static files): what
        the output and the compiled templates depend on of the theme."""
        return files_key([path for folder in self.folders
                          for path in sorted(folder.rglob("*")) if path.is_file()])

    def set_global(self, name: str, value: Any) -> None:
        """A name every template sees."""
        self._globals[name] = value
        if "env" in self.__dict__:
            self.env.globals[name] = value

    @cached_property
    def env(self) -> jinja2.Environment:
        """The environment pages are rendered with. Compiled templates are kept in memory
        only (the build cache holds no code: docs/security.md)."""
        # Imported here: a build with nothing to render needs the theme's files (their
        # hash), not Jinja2 and the renderers.
        import jinja2

        from sitegen.render import charts, diffview, helpers, timefmt

        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(f / "templates") for f in self.folders]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # A Theme lasts one build (or one worker's share of it): templates cannot change
            # under it, so Jinja need not stat every template file at every include.
            auto_reload=False,
        )

        @jinja2.pass_context
        def activity_chart(context: Any, activity: Any, scope_url: str) -> Markup:
            return charts.activity_svg(activity, scope_url, lambda target: _link(context, target))

        @jinja2.pass_context
        def timeline(context: Any, summary: Any) -> Markup:
            return charts.timeline_svg(list(summary.versions), summary.source, summary.id,
                                       lambda target: _link(context, target), self.config.tz)

        # link and asset are not here: render() gives every page its own, bound to it.
        env.globals.update(safe_href=safe_href, config=self.config, timeline=timeline,
                           feeds_enabled=bool(self.config.base_url), urls=urls,
                           activity_chart=activity_chart,
                           month_names=timefmt.MONTHS, weekday_names=timefmt.WEEKDAYS,
                           significance_names=SIGNIFICANCE_NAMES, field_names=FIELD_NAMES,
                           diff_side=diffview.side_by_side, diff_inline=diffview.inline,
                           diff_field=diffview.field, diff_describe=diffview.describe,
                           diff_restyled=diffview.restyled,
                           relation_names=RELATION_NAMES, relation_phrases=RELATION_PHRASES)
        env.globals.update(self._globals)
        env.filters.update(helpers.filters(self.config))
        return env

    @cached_property
    def static_files(self) -> dict[str, Path]:
        """Asset name (posix, relative to static/) to the file that wins the lookup."""
        found: dict[str, Path] = {}
        for folder in reversed(self.folders):
            root = folder / "static"
            if root.is_dir():
                for path in sorted(root.rglob("*")):
                    if path.is_file() and not path.name.startswith("."):
                        found[path.relative_to(root).as_posix()] = path
        return dict(sorted(found.items()))

    @cached_property
    def _fingerprints(self) -> dict[str, str]:
        return {name: hashlib.sha256(path.read_bytes()).hexdigest()[:10]
                for name, path in self.static_files.items()}

    def asset_href(self, page_url: str, name: str) -> str:
        """A relative link to a theme asset, fingerprinted so browsers never use a stale one."""
        return f"{urls.relative(page_url, urls.static(name))}?v={self._fingerprint(name)}"

    def absolute_asset_href(self, base_path: str, name: str) -> str:
        return f"{base_path}{urls.static(name)}?v={self._fingerprint(name)}"

    def _fingerprint(self, name: str) -> str:
        if name not in self._fingerprints:
            import jinja2

            raise jinja2.TemplateRuntimeError(f"asset {name!r} is not in the theme's static/")
        return self._fingerprints[name]

    def template_path(self, name: str) -> str:
        """Which file a template name resolves to, for error messages."""
        for folder in self.folders:
            candidate = folder / "templates" / name
            if candidate.is_file():
                return self._shown(candidate)
        return name

    def render(self, template: str, context: dict[str, Any]) -> str:
        """A page (``context`` holds its ``page_url``, and ``link_base`` if it may be served
        at any URL). ``link`` and ``asset`` are bound to the page here, as plain functions
        (which Jinja calls without copying the template's context, as it does for a
        function reading the context inside a loop)."""
        base = context.get("link_base")
        if base is None:
            page_url = context["page_url"]
            bound = {"link": partial(urls.relative, page_url),
                     "asset": partial(self.asset_href, page_url)}
        else:
            bound = {"link": base.__add__, "asset": partial(self.absolute_asset_href, base)}
        context = {**context, **bound}
        return self.env.get_template(template).render(context)

    def problem_from(self, exc: jinja2.TemplateError, template: str) -> Problem:
        """A template error as a ``path:line`` problem naming the template file.

        Syntax errors carry their line; runtime errors (an undefined name) are located from
        the traceback, in which Jinja2 puts the template's own file and line.
        """
        path = self.template_path(getattr(exc, "name", None) or template)
        line = getattr(exc, "lineno", None)
        if line is None:
            roots = [str(f / "templates") for f in self.folders]
            for frame in reversed(traceback.extract_tb(exc.__traceback__)):
                if frame.filename.startswith(tuple(roots)):
                    path, line = self._shown(Path(frame.filename)), frame.lineno
                    break
        return problem(path, f"template error: {exc.message or exc}", line)

    def _shown(self, path: Path) -> str:
        try:
            return path.relative_to(self.project).as_posix()
        except ValueError:
            return path.as_posix()


def _check_links(project: Path, own: Path) -> None:
    """A project's theme is read only if no symbolic link leads out of it (its static
    files are published as they are): BuildError naming every link that does."""
    themes, rel = own.parent, f"themes/{own.name}"
    message = link_problem(themes, project.resolve(), "the project",
                           "make themes/ a folder in the project")
    if message:
        raise BuildError([problem("themes", message)])
    message = link_problem(own, themes.resolve(), "themes/",
                           f"make {rel}/ a folder inside themes/")
    if message:
        raise BuildError([problem(rel, message)])
    if own.is_dir():
        found = links_out(own, f"{rel}/")
        if found:
            raise BuildError([problem(path.relative_to(project).as_posix(), message)
                              for path, message in found])


def _link(context: Any, target: str) -> str:
    """A relative link from the page being rendered to a site-relative URL (the global
    ``link``, given the template's context by Jinja).

    A page that may be served at any URL (404.html) sets ``link_base`` to the site's base
    path instead, and gets root-absolute links.
    """
    if context.get("link_base") is not None:
        return context["link_base"] + target
    return urls.relative(context["page_url"], target)

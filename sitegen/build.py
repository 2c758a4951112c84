"""``sitegen build``: load and validate everything, then render and write.

Phase one (load) reads the config and every content file into the model and stops with the
full list of problems if there are any; phase two (render) turns the model into pages, and the
output is written into a fresh folder and swapped into place.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import jinja2

from sitegen import hosting, urls
from sitegen.config import Config, check_base_url, load_config, normalise_base_url
from sitegen.content.loader import load_archive
from sitegen.errors import BuildError, Problem, SitegenError
from sitegen.model import Archive, Catalog
from sitegen.output import check_output, write_site
from sitegen.pages import Page
from sitegen.pages.articles import article_pages
from sitegen.pages.lists import list_pages
from sitegen.render.theme import Theme
from sitegen.search import build_index


@dataclass(frozen=True)
class BuildResult:
    sources: int
    articles: int
    versions: int
    pages: int
    files: int
    bytes: int
    seconds: float
    output: Path
    warnings: list[str]
    skipped: list[Problem]  # with keep_going: the problems of what was left out


def resolve_config(project: Path, base_url: str | None) -> Config:
    config, problems = load_config(project)
    if problems:
        raise BuildError(problems)
    if base_url is not None:
        message = check_base_url(base_url)
        if message:
            raise SitegenError(f"--base-url {message} (got {base_url!r})")
        config = Config(**{**config.__dict__, "base_url": normalise_base_url(base_url)})
    return config


def plan(archive: Archive, config: Config, *, search: bool) -> list[Page]:
    catalog = Catalog.of(archive)
    sources = {s.id: s for s in catalog.sources}
    pages = list_pages(catalog, config.tz, config.page_size, config.base_path, search=search)
    for article in archive.articles():
        pages.extend(article_pages(article, sources[article.source]))
    return pages


def render_pages(theme: Theme, pages: list[Page]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    problems: set[Problem] = set()  # a broken shared template fails many pages: report it once
    for page in pages:
        try:
            html = theme.render(page.template, {**page.context, "page_url": page.url})
        except jinja2.TemplateError as exc:
            problems.add(theme.problem_from(exc, page.template))
            continue
        files[urls.output_path(page.url)] = html.encode("utf-8")
    if problems:
        raise BuildError(list(problems))
    return files


def build(project: Path, output: Path | None = None, *, base_url: str | None = None,
          overwrite: bool = False, search: bool = True, keep_going: bool = False
          ) -> BuildResult:
    """Build the site of ``project`` into ``output`` (default ``project/site``).

    Any problem in the content stops the build before anything is written, unless
    ``keep_going``: then every valid file is built and the problems of the others are
    returned in ``BuildResult.skipped``. ``search=False`` skips the search index (and the
    search page and form), for quick previews and so that indexing can be timed apart.
    """
    started = time.perf_counter()
    project = project.resolve()
    output = (output if output is not None else project / "site").absolute()
    config = resolve_config(project, base_url)
    check_output(project, output, overwrite=overwrite)
    theme = Theme(project, config)
    theme.env.globals["search_enabled"] = search
    archive, problems = load_archive(project, project / "content", config.max_file_size)
    if problems and not keep_going:
        raise BuildError(problems)

    pages = plan(archive, config, search=search)
    files = render_pages(theme, pages)
    if search:
        files.update(build_index(archive, config.language))
    for name, path in theme.static_files.items():
        files[urls.static(name)] = path.read_bytes()
    files.update(hosting.host_files(config, ((p.url, p.updated) for p in pages if p.listed)))
    write_site(output, dict(sorted(files.items())))
    return BuildResult(
        sources=len(archive.sources),
        articles=len(archive.articles()),
        versions=archive.version_count,
        pages=len(pages),
        files=len(files),
        bytes=(size := sum(len(data) for data in files.values())),
        seconds=time.perf_counter() - started,
        output=output,
        warnings=hosting.warnings(config, size),
        skipped=sorted(problems),
    )

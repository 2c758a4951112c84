"""The story pages: the index of stories, a page per story, a side-by-side of each related
pair (the existing diff engine and views, across sources) and the stories feed. Each page is
rendered again only when what it shows changed (``StoriesState.pages`` keeps the key of
its inputs)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape

from sitegen import urls
from sitegen.config import Config
from sitegen.diff import diff_versions
from sitegen.fingerprint import key, stable
from sitegen.model import Article
from sitegen.pages import Page
from sitegen.stories.group import Story
from sitegen.stories.records import Pair, StoriesState

Load = Callable[[str], Article | None]


def plan(story_list: list[Story], names: dict[str, str], render_key: str,
         old: StoriesState, load: Load, have: dict[str, str]
         ) -> tuple[list[tuple[Page, str]], list[Page]]:
    """(page, key of its inputs) for every story page; those whose key is not the one
    ``old`` holds are given ready to render, the others planned without their context (a
    side-by-side's diff is made only when it is drawn). ``have`` is what the output holds
    (path -> sha): a page it lost is made again."""
    memo: dict[int, object] = {}
    updated = max((s.updated for s in story_list), default=None)
    pages = [(Page(urls.stories(), "stories.html",
                   {"stories": story_list, "source_names": names}, updated), None)]
    for story in story_list:
        pages.append((Page(urls.story(story.slug), "story.html",
                           {"story": story, "source_names": names}, story.updated), None))
        for pair in story.pairs:
            url = urls.story_compare(story.slug, pair.earlier, pair.later)
            pages.append((Page(url, "story_compare.html", {}, story.updated), (story, pair)))
    found, todo = [], []
    for page, pair_of in pages:
        if pair_of is None:
            inputs = key(render_key, page.template, page.url, stable(page.context, memo))
        else:
            story, pair = pair_of
            inputs = key(render_key, page.template, page.url, stable(pair),
                         story.slug, story.title, names.get(pair.earlier.split("/")[0]),
                         names.get(pair.later.split("/")[0]))
        found.append((page, inputs))
        path = urls.output_path(page.url)
        made = old.pages.get(path)
        if made is None or made[0] != inputs or have.get(path) != made[1]:
            if pair_of is not None:
                page = compare_page(page, *pair_of, names, load)
            todo.append(page)
    return found, todo


def compare_page(page: Page, story: Story, pair: Pair, names: dict[str, str],
                 load: Load) -> Page:
    """The side-by-side of ``pair``: its earlier article at ``pair.version`` against the
    later one at ``pair.later_version``."""
    earlier, later = load(pair.earlier), load(pair.later)
    assert earlier is not None and later is not None, "a story's articles are valid"
    old = earlier.versions[pair.version]
    new = later.versions[pair.later_version]
    context = {"story": story, "pair": pair, "earlier": earlier, "later": later,
               "old": old, "new": new, "diff": diff_versions(old, new),
               "source_names": names}
    return Page(page.url, page.template, context, page.updated)


def feed_items(config: Config, story_list: list[Story], names: dict[str, str]
               ) -> list[tuple[str, str, str, datetime, str]]:
    """The stories feed: one item per article that joined a story, newest first (title,
    absolute link, HTML, time, unique id). Every piece of text is escaped here."""
    items = []
    for story in story_list:
        for member in story.members[1:]:
            a, pair = member.article, member.pair
            assert pair is not None
            other = pair.other(a.key)
            source = names.get(a.source, a.source)
            title = f"{source}: {a.title}"
            word = "as" if pair.relation == "same story" else "of"
            html = (f"<p>{escape(source)}’s “{escape(a.title)}” joined the story "
                    f"“{escape(story.title)}”: {escape(pair.relation)} {word} "
                    f"{escape(names.get(other.split('/')[0], ''))}’s article "
                    f"({pair.shared:.0%} of the later text shared).</p>")
            link = config.base_url + urls.story(story.slug)  # type: ignore[operator]
            items.append((title, link, html, a.first.fetched, f"{story.slug}/{a.key}"))
    items.sort(key=lambda i: (i[3], i[4]), reverse=True)
    return items[:config.feed_entries]

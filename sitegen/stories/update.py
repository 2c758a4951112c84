"""The build's stories step, after the article jobs: compare the articles that changed with
their candidates (not with the archive), keep every other pair as the last build found it,
group the pairs into stories and say what each history page's "Also told by" shows."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sitegen import feeds, job, search, stages, urls
from sitegen.cache import ArticleRecord, State
from sitegen.content.loader import ArticleFiles, load_article
from sitegen.errors import BuildError, Problem
from sitegen.fingerprint import digest_bytes
from sitegen.model import Article, ArticleSummary, SourceInfo
from sitegen.output import write_file
from sitegen.stories import candidates
from sitegen.stories import pages as story_pages
from sitegen.stories.group import Story, stories, told_by
from sitegen.stories.records import Pair, StoriesState, Told, ToldBlock
from sitegen.stories.relate import Versions, compare

Load = Callable[[str], Article | None]  # an article by key, read from its files
MANY = 20  # a build that changed one article in this many or more compares all pairs at once


def find_pairs(records: dict[str, ArticleRecord], previous: StoriesState, load: Load
               ) -> tuple[list[Pair], dict[str, str]]:
    """Every related pair, and the content key each article was compared at. Only pairs
    with an article whose content changed since ``previous`` are compared again."""
    keys = {k: r.content_key for k, r in records.items() if r.story is not None and r.summary}
    signatures = {k: records[k].story for k in keys}
    changed = {k for k, c in keys.items() if previous.seen.get(k) != c}
    kept = [p for p in previous.pairs if p.earlier not in changed and p.later not in changed
            and keys.get(p.earlier) == p.earlier_key and keys.get(p.later) == p.later_key]
    if not changed:
        return kept, keys
    # Many changed articles (a clean build): every pair at once is quicker than each
    # changed article's lookup.
    many = len(changed) * MANY >= len(keys)
    found, furniture = candidates.pairs(signatures,  # type: ignore[arg-type]
                                        None if many else changed)
    if many:
        found = {p for p in found if p[0] in changed or p[1] in changed}
    kept += _compared(sorted(found), keys, furniture, load)
    kept.sort(key=lambda p: (p.earlier, p.later))
    return kept, keys


def _compared(todo: list[tuple[str, str]], keys: dict[str, str], furniture: set[int],
              load: Load) -> list[Pair]:
    """The related pairs among ``todo``, each article read and cut into sentences once."""
    loaded: dict[str, Versions | None] = {}

    def get(name: str) -> Versions | None:
        if name not in loaded:
            article = load(name)
            loaded[name] = None if article is None else Versions(article)
        return loaded[name]

    related = []
    for a, b in todo:
        first, second = get(a), get(b)
        if first is not None and second is not None:
            pair = compare(first, second, keys, furniture)
            if pair is not None:
                related.append(pair)
    return related


def to_first(pairs: list[Pair], records: dict[str, ArticleRecord], keys: dict[str, str],
             previous: StoriesState, load: Load) -> tuple[list[Pair], dict[str, str]]:
    """The pairs that relate a story's later article to its first one where ``pairs`` (the
    candidates') have none, so that every row of a story page can say how its article
    relates to the first; and the articles found unrelated to their first ("first later"
    -> the two content keys). Both are taken from ``previous`` while neither article
    changed: they depend on the stories ``pairs`` make, never on each other."""
    before = {(p.earlier, p.later): p for p in previous.firsts}
    todo = []
    firsts = []
    apart = {}
    for story in stories_of(pairs, records):
        first = story.first.key
        for member in story.members[1:]:
            name = member.article.key
            if member.first is not None:
                continue
            tag, stamp = f"{first} {name}", f"{keys[first]} {keys[name]}"
            old = before.get((first, name))
            if old is not None and (old.earlier_key, old.later_key) == (keys[first], keys[name]):
                firsts.append(old)
            elif previous.apart.get(tag) == stamp:
                apart[tag] = stamp
            else:
                todo.append((first, name))
    if todo:
        involved = {n for pair in todo for n in pair}
        signatures = {k: r.story for k, r in records.items() if r.story is not None}
        furniture = candidates.furniture(signatures, {  # type: ignore[arg-type]
            k for n in involved for k in signatures[n].keys})
        found = {(p.earlier, p.later): p for p in _compared(todo, keys, furniture, load)}
        firsts += found.values()
        apart.update({f"{a} {b}": f"{keys[a]} {keys[b]}" for a, b in todo
                      if (a, b) not in found})
    return sorted(firsts, key=lambda p: (p.earlier, p.later)), apart


def told_blocks(story_list: list[Story], infos: dict[str, SourceInfo],
                summaries: dict[str, ArticleSummary]) -> dict[str, ToldBlock]:
    """What "Also told by" shows on each history page of an article in a story."""
    blocks = {}
    for name, (slug, pairs) in told_by(story_list).items():
        items = []
        for p in pairs:
            other = summaries[p.other(name)]
            earlier = summaries[p.earlier]
            items.append(Told(
                other.source, other.id, infos[other.source].name, other.title,
                other.first.fetched, p.relation, p.earlier != name, p.version,
                earlier.versions[p.version].fetched, p.later_version, p.shared, p.followed,
                p.headline_changed, urls.story_compare(slug, p.earlier, p.later)))
        blocks[name] = ToldBlock(urls.story(slug), tuple(items))
    return blocks


def stories_of(pairs: list[Pair], records: dict[str, ArticleRecord]) -> list[Story]:
    summaries = {k: r.summary for k, r in records.items() if r.summary is not None}
    return stories(pairs, summaries)


@dataclass
class Found:
    """What the stories step found, for the story pages."""

    stories: list[Story]
    names: dict[str, str]  # source id -> name
    load: Load
    written: int  # files the history pages it made again wrote


def find(records: dict[str, ArticleRecord], state: State, by_key: dict[str, ArticleFiles],
         infos: dict[str, SourceInfo], settings: job.Settings, jobs: int) -> Found:
    """Find the stories; make again the history page of every article whose "Also told by"
    is not the one its page shows (``records`` is updated). ``state.stories`` takes what
    was found, but for its pages (see :func:`pages`)."""
    config = settings.config

    @functools.cache
    def load(name: str) -> Article | None:
        return load_article(by_key[name], config.max_file_size, config.max_paragraphs)[0]

    pairs, seen = find_pairs(records, state.stories, load)
    firsts, apart = to_first(pairs, records, seen, state.stories, load)
    story_list = stories_of(sorted([*pairs, *firsts], key=lambda p: (p.earlier, p.later)),
                            records)
    summaries = {k: r.summary for k, r in records.items() if r.summary is not None}
    told = told_blocks(story_list, infos, summaries)
    again = []
    for name, record in records.items():
        block = told.get(name)
        if record.summary is None or record.told_key == job.told_key(block):
            continue
        # Its pages are those of ``record`` (in the output, or staged by this build): only
        # the history page is made again, and written if its bytes changed.
        again.append(job.Task(by_key[name], infos[by_key[name].source], record.content_key,
                              record.pages, record.search_doc, block, record.checks,
                              history_only=record))
    written = 0
    problems: set[Problem] = set()
    for task, outcome in zip(again, stages.run_jobs(again, settings, jobs), strict=True):
        records[task.spec.key] = outcome.record
        written += outcome.written
        problems.update(outcome.problems)
    if problems:
        raise BuildError(sorted(problems))
    state.stories = StoriesState(seen, pairs, told, state.stories.pages, firsts, apart)
    return Found(story_list, {i.id: i.name for i in infos.values()}, load, written)


def pages(writer: stages.Writer, found: Found, state: State, settings: job.Settings
          ) -> list[tuple[str, datetime | None]]:
    """Render the story pages whose inputs changed and the stories feed; their sitemap
    entries."""
    have = {} if writer.full else writer.old
    planned, todo = story_pages.plan(found.stories, found.names, settings.render_key,
                                     state.stories, found.load, have)
    made = {}
    problems: set[Problem] = set()
    work = [(urls.output_path(p.url), p, have.get(urls.output_path(p.url))) for p in todo]
    for path, sha, size, trouble in stages.map_chunks(job.render_lists, work, settings, 1):
        if trouble is not None:
            problems.add(trouble)
            continue
        assert sha is not None
        made[path] = sha
        writer.bytes += size
        if writer.full or have.get(path) != sha:
            writer.written += 1
    if problems:
        raise BuildError(sorted(problems))
    kept: dict[str, tuple[str, str]] = {}
    for page, inputs in planned:
        path = urls.output_path(page.url)
        sha = made.get(path) or state.stories.pages[path][1]
        writer.manifest[path] = sha
        kept[path] = (inputs, sha)
    state.stories.pages = kept
    config = settings.config
    if config.base_url:
        updated = max((s.updated for s in found.stories), default=feeds.EPOCH)
        writer.add(urls.stories_feed(), feeds.plain_feed(
            config, urls.stories_feed(), f"{config.title}: stories across sources",
            "Articles found telling a story another source told: copies, edited copies, "
            "paraphrases and the same story told separately.", urls.stories(),
            story_pages.feed_items(config, found.stories, found.names), updated))
    return [(p.url, p.updated) for p, _ in planned]


def search_documents(found: Found, folder: Path, language: str) -> dict[str, str]:
    """Write each story's search document into ``folder``; (name, sha) of each."""
    made = {}
    for story in found.stories:
        relations = [f"{found.names.get(p.later.split('/')[0])} {p.relation} "
                     f"{found.names.get(p.earlier.split('/')[0])}" for p in story.pairs]
        members = [(found.names.get(m.article.source, m.article.source), m.article.title)
                   for m in story.members]
        data = search.story_document(story.slug, story.title, story.updated, members,
                                     relations, language).encode()
        name = f"stories/{story.slug}"
        write_file(folder, search.document_path(name), data, set())
        made[name] = digest_bytes(data)
    return made

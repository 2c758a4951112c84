"""Feeds of changes, RSS 2.0 and Atom 1.0: for the whole archive, each source, each article,
and the headline rewrites. Each entry carries the change itself, readable where feed readers
strip styles: inline <del>/<ins>, trimmed to the changed paragraphs.

Feeds need absolute URLs, which come from ``base_url``; without it no feed is written (the
build says so) rather than feeds with broken links. The XML is made by ``feedgenerator``
(Pelican's feed library), which XML-escapes everything it is given; what a feed declares as
HTML (RSS descriptions, Atom's ``type="html"``) is HTML-escaped text or HTML built here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

import feedgenerator
from markupsafe import escape

from sitegen import urls
from sitegen.config import Config
from sitegen.diff import Diff, style
from sitegen.diff import html as diffhtml
from sitegen.model import Article, SourceInfo, Version
from sitegen.render import markdown
from sitegen.render.diffview import describe
from sitegen.render.helpers import plural
from sitegen.render.theme import FIELD_NAMES
from sitegen.render.timefmt import long_time

MAX_CHANGED_BLOCKS = 12  # an entry shows at most this many changed paragraphs
FIRST_BLOCKS = 4  # a first-seen entry shows the start of the text
SIGNIFICANCE = {"none": "no change to the text", "cosmetic": "cosmetic change",
                "minor": "minor change", "major": "major change"}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Entry:
    """One stored version as a feed entry (article-relative facts and ready HTML)."""

    source: str
    article: str
    source_name: str
    number: int
    fetched: datetime
    headline: str
    previous_headline: str | None  # when the headline changed
    significance: str | None
    path: str  # site-relative URL the entry links to
    content: str  # HTML

    @property
    def id(self) -> str:
        """Stable across rebuilds, and across renumbering: it names the capture, not its
        number."""
        name = f"sitegen:{self.source}/{self.article}@{self.fetched.astimezone(UTC).isoformat()}"
        return uuid.uuid5(uuid.NAMESPACE_URL, name).urn

    @property
    def title(self) -> str:
        if self.number == 0:
            return f"First seen: {self.headline}"
        if self.previous_headline is not None:
            return (f"Version {self.number}, headline changed: «{self.previous_headline}» "
                    f"→ «{self.headline}»")
        kind = SIGNIFICANCE.get(self.significance or "", "change")
        return f"Version {self.number} ({kind}): {self.headline}"


# The entries' HTML is built with plain strings (Markup.format cost more than the rest of
# an entry); every value that is text is passed through escape().

def _first_seen(version: Version, link: str, zone: tzinfo) -> str:
    blocks = [b for b in version.body.split("\n\n") if b.strip()]
    shown = markdown.render("\n\n".join(blocks[:FIRST_BLOCKS]), shift=1)
    more = len(blocks) - FIRST_BLOCKS
    rest = f"Read the whole text ({plural(more, 'more paragraph', 'more paragraphs')})"
    tail = (f'<p><a href="{escape(link)}">{rest if more > 0 else "Read it in the archive"}'
            "</a></p>")
    return f"<p>First seen {escape(long_time(version.fetched, zone))}.</p>{shown}{tail}"


def _change(diff: Diff, old: Version, new: Version, link: str, zone: tzinfo) -> str:
    kind = SIGNIFICANCE.get(diff.significance, diff.significance).capitalize()
    parts = [f"<p><strong>{escape(kind)}</strong>: {escape(describe(diff))}. Version "
             f"{old.number} was fetched {escape(long_time(old.fetched, zone))}; version "
             f"{new.number}, {escape(long_time(new.fetched, zone))}.</p>"]
    if diff.title:  # diffhtml's output is HTML, its text escaped
        parts.append(f"<p>Headline: {diffhtml.field(diff.title)}</p>")
    for change in diff.field_changes:
        name = FIELD_NAMES.get(change.name, change.name)
        parts.append(f"<p>{escape(name)}: {diffhtml.field(change)}</p>")
    blocks = diffhtml.inline_blocks(diff, changes_only=True)
    changed = [html for is_change, html in blocks if is_change]
    restyled = sum(map(style.restyled_block, diff.blocks))
    unchanged = len(blocks) - len(changed) - restyled
    parts += changed[:MAX_CHANGED_BLOCKS]
    left_out = len(changed) - MAX_CHANGED_BLOCKS
    note = []
    if left_out > 0:
        note.append(plural(left_out, "more changed paragraph", "more changed paragraphs"))
    if restyled:  # their words are unchanged, their quotes or dashes are not
        note.append(plural(restyled, "restyled paragraph"))
    if unchanged:
        note.append(plural(unchanged, "unchanged paragraph"))
    listed = ", ".join(note[:-1]) + " and " + note[-1] if len(note) > 1 else "".join(note)
    shown = f" ({listed} not shown here)" if note else ""
    parts.append(f'<p><a href="{escape(link)}">See the change in the archive'
                 f"{escape(shown)}</a></p>")
    return "".join(parts)


def entries(article: Article, source: SourceInfo, diffs: dict[tuple[int, int], Diff],
            config: Config) -> list[Entry]:
    """An entry for every version of the article, oldest first."""
    base = config.base_url or ""
    zone = config.tz
    out = []
    for version in article.versions:
        n = version.number
        if n == 0:
            path = urls.version(article.source, article.id, 0)
            content = _first_seen(version, base + path, zone)
            previous, significance = None, None
        else:
            old = article.versions[n - 1]
            diff = diffs[(n - 1, n)]
            path = urls.change(article.source, article.id, n)
            content = _change(diff, old, version, base + path, zone)
            previous = old.title if old.title != version.title else None
            significance = diff.significance
        out.append(Entry(article.source, article.id, source.name, n, version.fetched,
                         version.title, previous, significance, path, content))
    return out


class _Atom(feedgenerator.Atom1Feed):
    def __init__(self, *args, fallback: datetime = EPOCH, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fallback = fallback

    def latest_post_date(self) -> datetime:  # an empty feed must not take the current time
        return max((i["updateddate"] for i in self.items), default=self.fallback)


class _Rss(feedgenerator.Rss201rev2Feed):
    def __init__(self, *args, fallback: datetime = EPOCH, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fallback = fallback

    def latest_post_date(self) -> datetime:
        return max((i["pubdate"] for i in self.items), default=self.fallback)


def feed_files(config: Config, name: str, title: str, description: str, page: str,
               items: Iterable[Entry], fallback: datetime = EPOCH, *,
               with_source: bool = False, formats: tuple[str, ...] = ("atom", "rss")
               ) -> dict[str, bytes]:
    """``<name>.atom`` and ``<name>.rss`` (site-relative paths; only those of ``formats``)
    holding ``items``, newest first as given."""
    assert config.base_url, "feeds need base_url"
    base = config.base_url
    items = list(items)
    files = {}
    for suffix, kind in (("atom", _Atom), ("rss", _Rss)):
        if suffix not in formats:
            continue
        # Atom's subtitle is text; RSS's channel description is read as HTML.
        about = description if suffix == "atom" else str(escape(description))
        feed = kind(title=title, link=base + page, description=about,
                    language=config.language, feed_url=f"{base}{name}.{suffix}",
                    feed_guid=f"{base}{name}.{suffix}", fallback=fallback)
        for entry in items:
            heading = (f"{entry.source_name}: {entry.title}" if with_source else entry.title)
            # Titles and author names are text in both formats; Atom's summary is written
            # with type="html", so the heading goes there escaped.
            feed.add_item(title=heading, link=base + entry.path,
                          description=entry.content if suffix == "rss" else str(escape(heading)),
                          content=entry.content if suffix == "atom" else None,
                          unique_id=entry.id, unique_id_is_permalink=False,
                          pubdate=entry.fetched, updateddate=entry.fetched,
                          author_name=entry.source_name)
        files[f"{name}.{suffix}"] = feed.writeString("utf-8").encode("utf-8")
    return files


def newest(items: Iterable[Entry], count: int) -> list[Entry]:
    return sorted(items, key=lambda e: (-e.fetched.timestamp(), e.source, e.article,
                                        -e.number))[:count]


def plain_feed(config: Config, path: str, title: str, description: str, page: str,
               items: Iterable[tuple[str, str, str, datetime, str]],
               fallback: datetime = EPOCH) -> bytes:
    """An RSS feed at ``path`` of items (title, absolute link, HTML description whose text
    is escaped by its maker, time, a name unique in the feed), newest first as given."""
    assert config.base_url, "feeds need base_url"
    base = config.base_url
    feed = _Rss(title=title, link=base + page, description=str(escape(description)),
                language=config.language, feed_url=base + path, feed_guid=base + path,
                fallback=fallback)
    for heading, link, html, when, name in items:
        feed.add_item(title=heading, link=link, description=html,
                      unique_id=uuid.uuid5(uuid.NAMESPACE_URL, f"sitegen:{name}").urn,
                      unique_id_is_permalink=False, pubdate=when, updateddate=when)
    return feed.writeString("utf-8").encode("utf-8")

"""The rows of one article in the export's three tables (described field by field in
docs/export.md): its versions, the changes between consecutive versions, and each change's
sentence-level edit actions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from sitegen.diff import diff_versions
from sitegen.export.edits import ACTIONS, edits
from sitegen.export.sentences import split
from sitegen.model import Article
from sitegen.provenance import fetched_text, text_sha256

# (name, kind) in column order; kinds: str, int, float, bool, time, diff.
VERSION_FIELDS = (
    ("source", "str"), ("article", "str"), ("version", "int"), ("fetched", "time"),
    ("url", "str"), ("title", "str"), ("byline", "str"), ("published", "time"),
    ("text", "str"), ("sha256", "str"), ("response_sha256", "str"), ("path", "str"),
)
STATS = ("words_added", "words_removed", "blocks_added", "blocks_removed", "blocks_changed",
         "blocks_moved", "changed_share", "figures_changed", "tokens_old", "tokens_new",
         "tokens_added", "tokens_removed", "tokens_moved")
CHANGE_FIELDS = (
    ("source", "str"), ("article", "str"), ("old_version", "int"), ("new_version", "int"),
    ("old_fetched", "time"), ("fetched", "time"), ("significance", "str"),
    ("headline_changed", "bool"), ("old_title", "str"), ("new_title", "str"),
    ("title_significance", "str"), ("url_changed", "bool"), ("byline_changed", "bool"),
    *((name, "float" if name == "changed_share" else "int") for name in STATS),
    ("sentences_old", "int"), ("sentences_new", "int"),
    *((f"sentences_{action}", "int") for action in ACTIONS),
)
EDIT_FIELDS = (
    ("source", "str"), ("article", "str"), ("old_version", "int"), ("new_version", "int"),
    ("action", "str"), ("old_index", "int"), ("new_index", "int"), ("old_text", "str"),
    ("new_text", "str"), ("word_diff", "diff"),
)


def _time(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, datetime):  # a date alone: midnight UTC (one type per column)
        value = datetime(value.year, value.month, value.day, tzinfo=UTC)
    return fetched_text(value)


def article_rows(article: Article, since: datetime | None = None
                 ) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table, row) for each row of ``article``: with ``since``, only the versions fetched
    after it and the changes that led to them."""
    sentences: list[str] | None = None
    for version in article.versions:
        new = since is None or version.fetched > since
        if new:
            response = version.extra.get("response_sha256")
            yield "versions", {
                "source": article.source, "article": article.id, "version": version.number,
                "fetched": _time(version.fetched), "url": version.url, "title": version.title,
                "byline": version.byline,
                "published": _time(version.published),
                "text": version.body, "sha256": text_sha256(version.body),
                "response_sha256": response if isinstance(response, str) else None,
                "path": version.path}
        if version.number == 0:
            sentences = split(version.body) if len(article.versions) > 1 else None
            continue
        old = article.versions[version.number - 1]
        current = split(version.body)
        if new:
            assert sentences is not None
            yield from _change_rows(article, old, version, sentences, current)
        sentences = current


def _change_rows(article: Article, old: Any, new: Any, before: list[str], after: list[str]
                 ) -> Iterator[tuple[str, dict[str, Any]]]:
    diff = diff_versions(old, new)
    actions = edits(before, after)
    counts = dict.fromkeys(ACTIONS, 0)
    for edit in actions:
        counts[edit.action] += 1
    fields = diff.fields
    yield "changes", {
        "source": article.source, "article": article.id, "old_version": old.number,
        "new_version": new.number, "old_fetched": _time(old.fetched),
        "fetched": _time(new.fetched), "significance": diff.significance,
        "headline_changed": diff.title is not None, "old_title": old.title,
        "new_title": new.title,
        "title_significance": diff.title.significance if diff.title else None,
        "url_changed": "url" in fields, "byline_changed": "byline" in fields,
        **{name: getattr(diff.stats, name) for name in STATS},
        "sentences_old": len(before), "sentences_new": len(after),
        **{f"sentences_{action}": counts[action] for action in ACTIONS},
    }
    for edit in actions:
        yield "edits", {
            "source": article.source, "article": article.id, "old_version": old.number,
            "new_version": new.number, "action": edit.action, "old_index": edit.old_index,
            "new_index": edit.new_index, "old_text": edit.old_text, "new_text": edit.new_text,
            "word_diff": edit.word_diff}

"""Re-indexing the search of a small change before the build has loaded its record.

Pagefind re-indexes the whole part of the index that holds a changed article: at 10,000
articles one new version means 1,250 documents, 2.2-4.6 s of Pagefind on 2 cores. The build
used to start it once the record was loaded, the article's job had run and the feeds were
made (1.2-1.5 s in). Yet the content keys, known 0.5-0.7 s in, already say which articles
changed: their documents are made here from their files and Pagefind starts on their parts
at once, running beside the rest of the build.

It is a guess that :func:`sitegen.stages.start_search` checks: it takes a run over only if
that run indexes exactly the documents it would index (the same articles, each changed one
with the document its job made). Any other run is stopped, and the part indexed as before.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sitegen.cache import Cache, Quick
from sitegen.config import Config
from sitegen.content.loader import ArticleFiles, load_article
from sitegen.fingerprint import digest_bytes
from sitegen.model import SourceInfo
from sitegen.output import write_file
from sitegen.search import (
    Indexing,
    close_all,
    document,
    document_path,
    shard_count,
    shard_of,
)

# More changed articles than this are left to the build: their documents would be made
# twice (here and by their jobs), and a change that large re-indexes most parts anyway.
MOST = 32


@dataclass
class Ahead:
    """One part's run started early, and what it indexes."""

    count: int  # parts of the index it was made for
    articles: tuple[str, ...]  # every article in the part, sorted
    changed: dict[str, str]  # article -> sha256 of the document made here
    part: Indexing

    def matches(self, count: int, documents: list[tuple[str, str]], staged: Path) -> bool:
        """Whether the run indexes the part the build wants: ``documents`` is the part's
        (article, sha256 of its document) list; the build takes an unchanged article's
        document from the cache unless its job made one in ``staged``, as this run did."""
        if count != self.count or tuple(a for a, _ in documents) != self.articles:
            return False
        for article, sha in documents:
            made = self.changed.get(article)
            if made is None and (staged / document_path(article)).exists():
                return False
            if made is not None and made != sha:
                return False
        return True


def start(store: Cache, quick: Quick, keys: dict[str, str], by_key: dict[str, ArticleFiles],
          infos: dict[str, SourceInfo], config: Config, at_once: int) -> dict[int, Ahead]:
    """Start Pagefind on the parts that the articles changed since ``quick`` are in, if
    they are few (at most ``at_once`` parts, MOST articles): part number -> its run.
    Nothing is started when the guess cannot be made (a changed article with a problem, a
    document missing from the cache, an error of the file system)."""
    changed = sorted(k for k, v in keys.items() if quick.keys.get(k) != v)
    removed = quick.keys.keys() - keys.keys()
    if not (store.enabled and quick.keys and (changed or removed)) or len(changed) > MOST:
        return {}
    count = shard_count(len(keys))  # the build counts the articles with a document
    if count != shard_count(len(quick.keys)):  # every part is indexed again anyway
        return {}
    parts: dict[int, list[str]] = {}
    for article in sorted(keys):
        parts.setdefault(shard_of(article, count), []).append(article)
    wanted = sorted({shard_of(a, count) for a in [*changed, *removed]})
    if len(wanted) > at_once:
        return {}
    folder = store.search_docs
    try:
        made = Path(tempfile.mkdtemp(prefix=".sitegen-ahead-", dir=store.folder))
    except OSError:
        return {}
    started: dict[int, Ahead] = {}
    try:
        digests: dict[str, str] = {}
        folders: set[str] = set()
        for article in changed:
            spec = by_key[article]
            data = document_of(spec, infos[spec.source], config, strict=True)
            if data is None:  # the build will say what is wrong
                return {}
            write_file(made, document_path(article), data, folders)
            digests[article] = digest_bytes(data)
        for shard in wanted:
            members = parts.get(shard, [])
            documents = []
            for article in members:
                rel = document_path(article)
                source = made / rel if article in digests else folder / rel
                if not os.path.exists(source):  # a document the cache lost: no guess
                    close(started)
                    return {}
                documents.append((source, rel))
            part = Indexing(config.language, shard, documents, store.folder)
            started[shard] = Ahead(count, tuple(members),
                                   {a: digests[a] for a in members if a in digests}, part)
            part.start()  # links the documents into a folder of its own
        return started
    except OSError:  # a guess that cannot be made costs only time: the build goes on
        close(started)
        return {}
    except BaseException:
        close(started)
        raise
    finally:
        shutil.rmtree(made, ignore_errors=True)


def document_of(spec: ArticleFiles, info: SourceInfo, config: Config, strict: bool = False
                ) -> bytes | None:
    """An article's search document made from its files, as its job makes it (from its
    valid versions); None if it has none, or with ``strict`` if it has any problem."""
    loaded, problems = load_article(spec, config.max_file_size, config.max_paragraphs)
    if loaded is None or (strict and problems):
        return None
    return document(loaded, info, config.language.split("-")[0].lower()).encode("utf-8")


def close(started: dict[int, Ahead]) -> None:
    """Stop and remove every run not taken over (closing one twice does nothing more)."""
    close_all([ahead.part for ahead in started.values()])

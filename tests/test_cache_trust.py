"""The build cache is trusted no more than content/: a contributor can commit a crafted
``.sitegen-cache/`` and CI restores it. Nothing in it can run code, and nothing in it reaches
a page, a feed or the sitemap except as data checked on load (docs/security.md)."""

from __future__ import annotations

import os
import pickle
import re
import shutil
import zlib
from pathlib import Path

import msgspec
import pytest

from sitegen import cache as cache_module
from sitegen.build import build
from sitegen.cache import Cache
from sitegen.diff import Diff
from tests.conftest import ROOT, version_file, write
from tests.test_cache import snapshot


class Payload:
    """Unpickling this makes a folder: proof that the file was unpickled."""

    def __init__(self, proof: Path):
        self.proof = proof

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.mkdir, (str(self.proof),))


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    write(root / "sitegen.yaml", "title: Trust\nbase_url: https://example.org/\n")
    for a in range(3):
        for v in range(3):
            write(root / f"content/paper/story-{a}/{v}.md", version_file(
                f"Story {a} v{v}", f"2025-03-0{1 + a}T1{v}:00:00Z",
                f"First paragraph {a}.\n\nSecond paragraph, version {v}.\n"))
    return root


def same_as_clean(archive: Path, tmp_path: Path) -> bool:
    """The site is a clean build's (but for the marker: it names the build)."""
    out = tmp_path / "clean"
    shutil.rmtree(out, ignore_errors=True)
    build(archive, out, cache=False, search=False)
    site, reference = snapshot(archive / "site"), snapshot(out)
    return site.pop(".sitegen-output") != "" and site == {
        k: v for k, v in reference.items() if k != ".sitegen-output"}


def test_no_file_of_the_cache_is_unpickled(archive: Path, tmp_path: Path) -> None:
    """A pickle planted wherever this or an earlier sitegen kept its record, diffs, feed
    entries or compiled templates is never loaded: the build ignores what it cannot use and
    makes it again."""
    build(archive, search=False)
    folder = archive / ".sitegen-cache"
    store = Cache(archive, archive / "site")
    proof = tmp_path / "code-ran"
    bomb = pickle.dumps(Payload(proof))
    planted = [folder / f"state-{store.name}.pickle", store.state_file]
    for blob in list((folder / "diffs").glob("*/*")):
        stem = blob.name.split(".")[0]
        planted += [blob, blob.parent / f"{stem}.diffs",
                    folder / "entries" / stem[:2] / f"{stem}.entries"]
    planted += [folder / "templates" / f"__jinja2_{n:040x}.cache" for n in range(4)]
    for path in planted:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(zlib.compress(bomb) if path.suffix in (".diffs", ".entries", ".z")
                         else bomb)
    (archive / "content/paper/story-0/3.md").write_text(version_file(
        "Story 0 v3", "2025-03-01T13:00:00Z", "A fourth version.\n"))
    result = build(archive, search=False)
    assert not proof.exists()
    assert result.reused == 0  # the record was unusable
    assert any(w.startswith(f".sitegen-cache/{store.state_file.name} was ignored")
               for w in result.warnings)
    assert same_as_clean(archive, tmp_path)


def test_sitegen_never_loads_pickle_or_marshal() -> None:
    """The build and the preview server keep no code on disk: no pickle or marshal load
    anywhere in sitegen, and no Jinja bytecode cache (marshal)."""
    found = []
    for path in sorted((ROOT / "sitegen").rglob("*.py")):
        text = path.read_text()
        for pattern in (r"\bpickle\.loads?\b", r"\bmarshal\.loads?\b", r"\bUnpickler\b",
                        r"BytecodeCache", r"\bshelve\b"):
            found += [f"{path.relative_to(ROOT)}: {m.group()}"
                      for m in re.finditer(pattern, text)]
    assert found == []


def _diff_blobs(archive: Path) -> list[Path]:
    return sorted((archive / ".sitegen-cache/diffs").glob("*/*.json.z"))


def _force_render(archive: Path, n: int) -> None:
    """A theme change: every article is rendered again, from its cached diffs."""
    write(archive / "themes/default/templates/footer.html", f"<p>Footer {n}</p>\n")


def test_a_cached_diff_that_is_not_a_diff_of_the_versions_is_not_used(
        archive: Path, tmp_path: Path) -> None:
    """A crafted diff with the right types but other text (a change that never happened) is
    refused: the article is diffed again, with a warning naming the blob."""
    build(archive, search=False)
    for n, edit in enumerate((
            lambda t: t.replace(b"First paragraph", b"Fake paragraph"),  # text not in content
            lambda t: t.replace(b'"op":"equal"', b'"op":"exploded"', 1),  # unknown operation
            lambda t: t.replace(b'"op":"equal"', b'"op":"deleted"', 1),  # with a new block
            lambda t: re.sub(rb'"significance":"\w+"', b'"significance":"<b>"', t, count=1),
            lambda t: t.replace(b'"index":0', b'"index":7', 1),  # a block out of place
    )):
        blob = _diff_blobs(archive)[0]
        data = zlib.decompress(blob.read_bytes())
        crafted = edit(data)
        assert crafted != data
        blob.write_bytes(zlib.compress(crafted))
        _force_render(archive, n)
        result = build(archive, search=False)
        rel = blob.relative_to(archive / ".sitegen-cache").as_posix()
        assert f"{rel}: not the diffs of this article's versions" in result.warnings, n
        assert b"Fake" not in b"".join(snapshot(archive / "site").values())
        assert zlib.decompress(blob.read_bytes()) == data  # made again
        assert same_as_clean(archive, tmp_path), n


def test_a_cached_diff_of_the_wrong_types_is_not_used(archive: Path) -> None:
    build(archive, search=False)
    blob = _diff_blobs(archive)[0]
    data = zlib.decompress(blob.read_bytes())
    blob.write_bytes(zlib.compress(data.replace(b'"line":1', b'"line":"1"', 1)))
    _force_render(archive, 0)
    result = build(archive, search=False)
    rel = blob.relative_to(archive / ".sitegen-cache").as_posix()
    (warning,) = [w for w in result.warnings if rel in w]
    assert "Expected `int`, got `str`" in warning


def test_a_compressed_bomb_is_refused_past_the_limit(archive: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    build(archive, search=False)
    monkeypatch.setattr(cache_module, "BLOB_LIMIT", 1_000_000)
    blob = _diff_blobs(archive)[0]
    blob.write_bytes(zlib.compress(b"[" + b" " * 5_000_000 + b"]", 9))
    _force_render(archive, 0)
    result = build(archive, search=False)
    assert any("larger than the limit" in w for w in result.warnings)


def test_diffs_are_kept_as_typed_json(archive: Path) -> None:
    """What the cache holds of a diff is plain JSON that decodes to this article's diff."""
    build(archive, search=False)
    for blob in _diff_blobs(archive):
        raw = zlib.decompress(blob.read_bytes())
        assert raw.startswith(b"[[0,1,{")
        diffs = msgspec.json.decode(raw, type=list[tuple[int, int, Diff]])
        assert [(a, b) for a, b, _ in diffs] == [(0, 1), (1, 2)]
    state = Cache(archive, archive / "site").state_file.read_bytes()
    assert state.count(b"\n") == 2 and b"<" not in state  # two lines of JSON, no markup


def test_a_crafted_search_document_links_nowhere_outside_the_archive(
        archive: Path, tmp_path: Path, browser) -> None:
    """The search index is made again from documents kept in the cache: one that names a
    script URL as its article's address shows its title as text, not as a link."""
    from tests.test_search import open_search, results, serve

    build(archive)
    (doc,) = (archive / ".sitegen-cache").glob("search-*/paper/story-1.html")
    text = doc.read_text()
    doc.write_text(text.replace('data-pagefind-meta="url:paper/story-1/"',
                                'data-pagefind-meta="url:javascript:alert(1)//"'))
    write(archive / "content/paper/story-2/3.md", version_file(
        "Story 2 v3", "2025-03-03T13:00:00Z", "Zebra.\n"))  # the part is indexed again
    build(archive)
    with serve(archive / "site", "/") as root:
        page = open_search(browser, root + "search/?q=paragraph")
        assert "Story 1 v2" in results(page)
        hrefs = page.eval_on_selector_all("#search-results a", "as => as.map(a => a.href)")
        assert hrefs and all(h.startswith(root) for h in hrefs)
        page.close()

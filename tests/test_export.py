"""sitegen export: the sentence splitter, edit actions, and the tables read back with DuckDB
against the archive they came from."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from bench import rfcs
from sitegen.cli import main
from sitegen.content.loader import load_archive
from sitegen.diff import diff_versions
from sitegen.export.edits import MAX_PAIRS, edits, word_diff
from sitegen.export.sentences import split, split_unit
from sitegen.export.write import has_parquet
from sitegen.model import Article
from tests.conftest import RUST_RFCS, SEEDS, need, version_file, write


@pytest.mark.parametrize(("text", "expected"), [
    ("Mr. Smith went to Washington. He met Dr. Jones there.",
     ["Mr. Smith went to Washington.", "He met Dr. Jones there."]),
    ("The U.S. Senate voted. It was close.", ["The U.S. Senate voted.", "It was close."]),
    ("Troops left the U.S. The senator objected.",
     ["Troops left the U.S.", "The senator objected."]),
    ("Inflation was 3.5 per cent in 2024. It fell to 2.1.",
     ["Inflation was 3.5 per cent in 2024.", "It fell to 2.1."]),
    ("J. K. Rowling wrote it. She said so.", ["J. K. Rowling wrote it.", "She said so."]),
    ('He said: "It is over." Then he left.', ['He said: "It is over."', "Then he left."]),
    ("She said: “It is over.” Then she left.", ["She said: “It is over.”", "Then she left."]),
    ("Why? Nobody knows! “Really?” Yes.", ["Why?", "Nobody knows!", "“Really?”", "Yes."]),
    ("It happened on Jan. 3 at No. 10 Downing St. in London. Next.",
     ["It happened on Jan. 3 at No. 10 Downing St. in London.", "Next."]),
    ("e.g. this one. And that.", ["e.g. this one.", "And that."]),
    ("prices rose. then fell.", ["prices rose. then fell."]),  # lower case goes on
    ("„Das ist gut.“ Er ging.", ["„Das ist gut.“", "Er ging."]),
    ("He waited… Then he went.", ["He waited…", "Then he went."]),
    ("“I love the U.S.” Smith said.", ["“I love the U.S.”", "Smith said."]),
])
def test_sentence_split(text: str, expected: list[str]) -> None:
    assert split_unit(text) == expected


def test_paragraphs_headings_and_list_items_are_never_one_sentence() -> None:
    body = "# Headline\nFirst line\nwraps here. Second.\n\n- one\n- two\n\n> quoted. Yes."
    assert split(body) == ["# Headline", "First line wraps here.", "Second.", "- one",
                           "- two", "> quoted.", "Yes."]


def test_sentences_of_the_seeds() -> None:
    """Every seed line's sentences are its text, in order; the quotes that end sentences in
    the wire copy and in the live blog („…“) split where a reader would."""
    seeds = need(SEEDS, "the seeds")
    for path in sorted(seeds.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").split("\n"):
            text = " ".join(line.split())
            if text:
                assert " ".join(split_unit(text)) == text
    wire = (seeds / "002_a53f768cbebe2416.txt").read_text(encoding="utf-8").split("\n")
    said = next(line for line in wire if line.startswith("He said: “It’s a lasting"))
    assert split_unit(said) == [
        "He said: “It’s a lasting, secure peace that we all want to see.",
        "We’ve got a big role to play in Europe and we are determined to do that.”"]
    loan = next(line for line in wire if "2.5% of GDP" in line)
    assert len(split_unit(loan)) == 1
    blog = (seeds / "003_31aae2e22b9fb551.txt").read_text(encoding="utf-8").split("\n")
    bit = next(line for line in blog if line.startswith("„The coordination bit"))
    assert split_unit(bit)[0] == "„The coordination bit shouldn’t be overlooked."
    assert len(split_unit(bit)) == 2
    trump = next(line for line in blog if line.startswith("“I’m not going to make"))
    assert len(split_unit(trump)) == 1  # ("…much,” the US president told reporters, “we’re…")


def test_edit_actions() -> None:
    old = ["Alpha one.", "Bravo two is here.", "Charlie three.", "Delta four.", "Echo."]
    new = ["Alpha one.", "Charlie three.", "Bravo two is now here.", "Delta four!",
           "Foxtrot new."]
    found = [(e.action, e.old_index, e.new_index) for e in edits(old, new)]
    assert found == [("moved", 2, 1), ("edited", 1, 2), ("edited", 3, 3), ("deleted", 4, None),
                     ("added", None, 4)]
    moved, edited = edits(old, new)[:2]
    assert moved.word_diff is None  # moved unchanged
    assert edited.word_diff == [["equal", "Bravo two is "], ["insert", "now "],
                                ["equal", "here."]]


def test_word_diff_rebuilds_both_sentences() -> None:
    a, b = 'He said "no" to 3.5 per cent.', "He said “yes” to 4.5 per cent, twice."
    parts = word_diff(a, b)
    assert "".join(t for op, t in parts if op != "insert") == a
    assert "".join(t for op, t in parts if op != "delete") == b


def rfcs_project(tmp_path: Path) -> Path:
    corpus = need(RUST_RFCS, "the rust-rfcs corpus")
    project = tmp_path / "rfcs"
    assert rfcs.convert(corpus, project / "content") == 845
    return project


def export(runner, project: Path, out: Path, *args: str) -> str:
    done = runner.invoke(main, ["export", str(out), "-C", str(project), *args])
    assert done.exit_code == 0, done.output
    return done.output


def check_change(article: Article, change: dict, actions: list[dict]) -> None:
    """One change row and its edit rows against the archive: the diff's figures, and the
    edits turn the old version's sentences into the new one's."""
    old, new = article.versions[change["old_version"]], article.versions[change["new_version"]]
    diff = diff_versions(old, new)
    assert change["significance"] == diff.significance
    assert change["words_added"] == diff.stats.words_added
    assert change["words_removed"] == diff.stats.words_removed
    assert change["changed_share"] == pytest.approx(diff.stats.changed_share)
    assert change["headline_changed"] == (old.title != new.title)
    before, after = split(old.body), split(new.body)
    assert (change["sentences_old"], change["sentences_new"]) == (len(before), len(after))
    touched_old, touched_new = set(), set()
    for edit in actions:
        if edit["old_index"] is not None:
            assert before[edit["old_index"]] == edit["old_text"]
            touched_old.add(edit["old_index"])
        if edit["new_index"] is not None:
            assert after[edit["new_index"]] == edit["new_text"]
            touched_new.add(edit["new_index"])
        if edit["word_diff"] is not None:
            parts = edit["word_diff"]
            assert "".join(t for op, t in parts if op != "insert") == edit["old_text"]
            assert "".join(t for op, t in parts if op != "delete") == edit["new_text"]
        assert edit["action"] in ("added", "deleted", "edited", "moved")
        assert (edit["action"] == "added") == (edit["old_index"] is None)
        assert (edit["action"] == "deleted") == (edit["new_index"] is None)
    # What no action touches stayed as it was, in order.
    assert ([s for i, s in enumerate(before) if i not in touched_old]
            == [s for j, s in enumerate(after) if j not in touched_new])
    assert sum(change[f"sentences_{a}"] for a in ("added", "deleted", "edited", "moved")) \
        == len(actions)


def records(relation: duckdb.DuckDBPyRelation) -> list[dict]:
    return [dict(zip(relation.columns, values, strict=True)) for values in relation.fetchall()]


def test_export_round_trips_the_rust_rfcs_in_duckdb(runner, tmp_path: Path) -> None:
    project = rfcs_project(tmp_path)
    out = tmp_path / "data"
    printed = export(runner, project, out)
    assert "Exported 120 articles: 845 versions, 725 changes" in printed
    archive, problems = load_archive(project, project / "content")
    assert not problems
    articles = {(a.source, a.id): a for a in archive.articles()}
    db = duckdb.connect()
    versions = records(db.sql(f"select * from read_json_auto('{out}/versions.jsonl.gz') "
                              "order by source, article, version"))
    assert len(versions) == 845
    for row in versions:
        version = articles[(row["source"], row["article"])].versions[row["version"]]
        assert row["text"] == version.body
        assert row["sha256"] == hashlib.sha256(version.body.encode()).hexdigest()
        assert row["title"] == version.title and row["url"] == version.url
        assert row["path"] == version.path
    by_change: dict[tuple, list[dict]] = {}
    with gzip.open(out / "edits.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            edit = json.loads(line)
            by_change.setdefault((edit["source"], edit["article"], edit["new_version"]),
                                 []).append(edit)
    changes = records(db.sql(f"select * from read_json_auto('{out}/changes.jsonl.gz')"))
    assert len(changes) == 725
    for change in changes:
        article = articles[(change["source"], change["article"])]
        assert change["new_version"] == change["old_version"] + 1
        check_change(article, change,
                     by_change.get((change["source"], change["article"],
                                    change["new_version"]), []))
    counts = dict(db.sql(f"select action, count(*) from read_json_auto('{out}/edits.jsonl.gz') "
                         "group by action").fetchall())
    assert set(counts) == {"added", "deleted", "edited", "moved"}
    meta = json.loads((out / "meta.json").read_text())
    assert meta["format"] == "sitegen-export/1"
    assert meta["counts"]["versions"] == 845
    if has_parquet():  # the same tables, as Parquet
        assert db.execute(f"select count(*) from '{out}/versions.parquet'").fetchone()[0] == 845
        same = db.execute(f"""select count(*) from '{out}/versions.parquet' p
            join read_json_auto('{out}/versions.jsonl.gz') j using (source, article, version)
            where p.text = j.text and p.sha256 = j.sha256""").fetchone()[0]
        assert same == 845
        assert db.execute(f"select count(*) from '{out}/edits.parquet'").fetchone()[0] \
            == sum(counts.values())


def small_project(root: Path) -> Path:
    write(root / "content/paper/story/a.md", version_file(
        "Old headline", "2025-03-07T10:00:00Z", "Mr. Smith spoke. He left.\n",
        url="https://paper.example/story", response_sha256="ab" * 32))
    write(root / "content/paper/story/b.md", version_file(
        "New headline", "2025-03-08T10:00:00Z", "Mr. Smith spoke at length. He left.\n"))
    write(root / "content/paper/story/c.md", version_file(
        "New headline", "2025-03-09T10:00:00Z",
        "He left. Mr. Smith spoke at length. Police came.\n"))
    return root


def rows(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_export_since_and_the_rows_of_a_small_archive(runner, tmp_path: Path) -> None:
    project = small_project(tmp_path / "proj")
    out = tmp_path / "all"
    export(runner, project, out)
    versions = rows(out / "versions.jsonl.gz")
    assert [v["version"] for v in versions] == [0, 1, 2]
    assert versions[0]["fetched"] == "2025-03-07T10:00:00Z"
    assert versions[0]["response_sha256"] == "ab" * 32 and versions[1]["response_sha256"] is None
    changes = rows(out / "changes.jsonl.gz")
    assert [(c["headline_changed"], c["old_title"], c["new_title"]) for c in changes] == [
        (True, "Old headline", "New headline"), (False, "New headline", "New headline")]
    assert [(e["new_version"], e["action"], e["old_index"], e["new_index"])
            for e in rows(out / "edits.jsonl.gz")] == [
        (1, "edited", 0, 0), (2, "moved", 1, 0), (2, "added", None, 2)]

    later = tmp_path / "later"
    export(runner, project, later, "--since", "2025-03-08T12:00:00Z")
    assert [v["version"] for v in rows(later / "versions.jsonl.gz")] == [2]
    assert [c["new_version"] for c in rows(later / "changes.jsonl.gz")] == [2]
    assert {e["new_version"] for e in rows(later / "edits.jsonl.gz")} == {2}
    assert json.loads((later / "meta.json").read_text())["since"] == "2025-03-08T12:00:00Z"
    day = tmp_path / "day"
    export(runner, project, day, "--since", "2025-03-08")
    assert [v["version"] for v in rows(day / "versions.jsonl.gz")] == [1, 2]


def test_export_is_deterministic(runner, tmp_path: Path) -> None:
    project = small_project(tmp_path / "proj")
    export(runner, project, tmp_path / "one", "--no-parquet")
    export(runner, project, tmp_path / "two", "--no-parquet")
    for name in ("versions.jsonl.gz", "changes.jsonl.gz", "edits.jsonl.gz", "meta.json"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_a_content_problem_stops_the_export_and_keeps_the_last_one(runner, tmp_path: Path
                                                                   ) -> None:
    project = small_project(tmp_path / "proj")
    out = tmp_path / "data"
    export(runner, project, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    write(project / "content/paper/story/d.md", "---\ntitle: x\n---\nno fetched time\n")
    done = runner.invoke(main, ["export", str(out), "-C", str(project)])
    assert done.exit_code == 1
    assert "content/paper/story/d.md" in done.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    fresh = runner.invoke(main, ["export", str(tmp_path / "new"), "-C", str(project)])
    assert fresh.exit_code == 1 and not (tmp_path / "new").exists()  # nothing left behind
    kept = runner.invoke(main, ["export", str(out), "-C", str(project), "-k"])
    assert kept.exit_code == 0, kept.output
    assert "Skipped" in kept.output and "d.md" in kept.output
    assert len(rows(out / "versions.jsonl.gz")) == 3


def test_initials_of_one_name_stay_together() -> None:
    assert split_unit("J. A. Smith said so. It ended.") == ["J. A. Smith said so.", "It ended."]


def test_a_large_rewrite_still_pairs_sentences_edited_in_place() -> None:
    """Past MAX_PAIRS candidate pairs only nearby sentences are compared: each of 1,000
    sentences edited where it stands is still found as edited, not deleted and added."""
    old = [f"Sentence number {n} says thing {n * 7} about topic {n % 13}." for n in range(1000)]
    new = [text.replace("says", "now says") for text in old]
    found = edits(old, new)
    assert len(old) * len(new) > MAX_PAIRS
    assert [(e.action, e.old_index, e.new_index) for e in found] == [
        ("edited", n, n) for n in range(1000)]


def test_an_export_into_content_is_refused(runner, tmp_path: Path) -> None:
    project = small_project(tmp_path / "proj")
    done = runner.invoke(main, ["export", str(project / "content/data"), "-C", str(project)])
    assert done.exit_code == 2 and "inside content/" in done.output
    assert not (project / "content/data").exists()

"""``sitegen import-git REPO FILE --id FIELD``: JSON, JSON Lines and CSV scrapes, one article
per item, built from small histories like the real ones (a feed's stories, a front page's
headlines)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.build import build
from sitegen.ingest.records import RecordsError, article_name, body_of, parse
from tests.test_ingest_git import Repo, articles, run

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def stories(*items: dict) -> str:
    return json.dumps(list(items), indent=1)


A = {"url": "https://news.example/world/a-story.html", "title": "Allies meet",
     "summary": "Leaders met.", "rank": 1}
B = {"url": "https://news.example/b?id=2", "title": "Budget day", "summary": "Taxes.",
     "rank": 2}
C = {"url": "https://news.example/c", "title": "Cup final", "summary": "A draw.", "rank": 3}


def test_a_json_array_becomes_an_article_per_item(runner: CliRunner, project: Path,
                                                  tmp_path: Path):
    r = Repo(tmp_path / "feed-scraper")
    r.commit("2025-03-07T10:00:00Z", {"data/stories.json": stories(A, B),
                                      "README.md": "Scrapes the feed.\n"})
    r.commit("2025-03-07T11:00:00Z", {"data/stories.json": stories(
        {**A, "title": "Allies meet in London"}, B, C)})
    r.commit("2025-03-07T12:00:00Z", {"data/stories.json": stories(  # B drops off
        {**A, "title": "Allies meet in London"}, {**C, "summary": "A draw, then penalties."})})
    r.commit("2025-03-07T13:00:00Z", {"data/stories.json": stories(  # B is back, the same
        {**A, "title": "Allies meet in London"}, B, {**C, "summary": "A draw, then penalties."})})
    result = run(runner, project, str(r.path), "data/stories.json", "--id", "url",
                 "--source", "feed")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == (
        "Read 4 versions of the data file: 3 distinct items.")
    assert "5 added (0 reverts among them), 0 unchanged, 0 errors; 3 articles" in result.output
    found = articles(project)
    a = found["feed/world-a-story-" + article_name(A["url"])[-8:]]
    assert [v.title for v in a.versions] == ["Allies meet", "Allies meet in London"]
    assert a.url == A["url"]
    assert a.versions[0].body == "summary: Leaders met.\n\nrank: 1\n"
    assert a.versions[0].extra["commit"] == r.git("rev-list", "--max-parents=0", "HEAD").strip()
    b = found["feed/" + article_name(B["url"])]
    assert len(b.versions) == 1 and b.title == "Budget day"  # kept while it was away
    c = found["feed/c-" + article_name(C["url"])[-8:]]
    assert [v.body.split("\n")[0] for v in c.versions] == [
        "summary: A draw.", "summary: A draw, then penalties."]
    build(project, search=False)

    again = run(runner, project, str(r.path), "data/stories.json", "--id", "url",
                "--source", "feed")
    assert again.exit_code == 0 and again.output.startswith("No new commits since")
    r.commit("2025-03-07T14:00:00Z", {"data/stories.json": stories(
        {**A, "title": "Allies meet in London", "rank": 2}, B, C)})
    newer = run(runner, project, str(r.path), "data/stories.json", "--id", "url",
                "--source", "feed")
    assert newer.output.startswith("1 commit since ")
    # A's rank and C's text changed (C back to its first text: a revert); B did not.
    assert "2 added (1 revert among them), 1 unchanged" in newer.output


def test_csv_with_chosen_fields_and_json_lines(runner: CliRunner, project: Path,
                                               tmp_path: Path):
    r = Repo(tmp_path / "bbc-headlines")
    head = "headline,link,summary,position\n"
    r.commit("2025-03-07T10:00:00Z", {"bbc.csv": head +
             '"Starmer: allies must act",https://bbc.example/1,"First line.\nSecond, line.",1\n'
             "Café reopens,https://bbc.example/2,Coffee.,2\n"})
    r.commit("2025-03-07T10:30:00Z", {"bbc.csv": head +
             "Café reopens,https://bbc.example/2,Coffee.,1\n"  # only its position moved
             '"Starmer: allies must act now",https://bbc.example/1,"First line.\nSecond, line.",2\n'})
    result = run(runner, project, str(r.path), "bbc.csv", "--id", "link", "--title",
                 "headline", "--text", "summary")
    assert result.exit_code == 0, result.output
    found = articles(project)
    one = found["bbc-headlines/" + article_name("https://bbc.example/1")]
    assert [v.title for v in one.versions] == ["Starmer: allies must act",
                                               "Starmer: allies must act now"]
    assert one.versions[0].body == "First line.\n\nSecond, line.\n"  # one field: no label
    assert len(found["bbc-headlines/" + article_name("https://bbc.example/2")].versions) == 1

    lines = Repo(tmp_path / "hn")
    lines.commit("2025-03-07T10:00:00Z", {"top.jsonl": '{"id": 4101, "title": "Show HN", '
                                          '"url": "https://hn.example/x", "points": 3}\n'})
    lines.commit("2025-03-07T11:00:00Z", {"top.jsonl": '{"id": 4101, "title": "Show HN", '
                                          '"url": "https://hn.example/x", "points": 40}\n'})
    result = run(runner, project, str(lines.path), "top.jsonl", "--id", "id")
    assert result.exit_code == 0, result.output
    item = articles(project)["hn/4101"]  # a valid name is kept as it is
    assert item.url == "https://hn.example/x"
    assert [v.body for v in item.versions] == ["points: 3\n", "points: 40\n"]


def test_mistakes_are_said_and_bad_versions_do_not_stop_the_others(
        runner: CliRunner, project: Path, tmp_path: Path):
    r = Repo(tmp_path / "scraper")
    r.commit("2025-03-07T10:00:00Z", {"s.json": stories(A, {"title": "No address"}),
                                      "t.json": "[]"})
    r.commit("2025-03-07T11:00:00Z", {"s.json": '[{"url": "https://x.example/", '})
    r.commit("2025-03-07T12:00:00Z", {"s.json": stories(B, {"title": "Still none"})})
    typo = run(runner, project, str(r.path), "s.json", "--id", "link")
    assert typo.exit_code == 1
    assert ("the items have no field 'link' (give it with --id; their fields are: url, "
            "title, summary, rank)") in typo.output
    assert not (project / "content/scraper").exists()

    result = run(runner, project, str(r.path), "s.json", "--id", "url")
    assert result.exit_code == 1
    first, second = (r.git("rev-list", "--reverse", "HEAD").split()[:2])
    assert f"scraper:s.json@{second[:12]}: not valid JSON (line 1, column" in result.output
    assert (f"scraper:s.json@{first[:12]} item 2: an item without 'url' is not imported "
            "(and 1 more in 2 commits)") in result.output
    assert "2 added (0 reverts among them), 0 unchanged, 2 errors" in result.output
    again = run(runner, project, str(r.path), "s.json", "--id", "url")
    assert again.exit_code == 0  # reported once
    r.commit("2025-03-07T13:00:00Z", {"s.json": stories({**B, "title": "B2"}, {"title": "?"})})
    later = run(runner, project, str(r.path), "s.json", "--id", "url")
    assert later.exit_code == 0, later.output  # the same kind of problem, reported before
    assert ("1 added (0 reverts among them), 0 unchanged, 0 errors (1 already reported by an "
            "earlier run, not repeated)") in later.output

    for args, message in [
            (["--id", "url"], "--id reads one data file"),
            (["s.json", "t.json", "--id", "url"], "--id reads one data file"),
            (["s.json", "--id", "url", "--format", "text"], "--format does not go with --id"),
            (["s.json", "--text", "summary"], "--title and --text choose fields of a data file")]:
        result = run(runner, project, str(r.path), *args)
        assert result.exit_code == 2 and message in result.output, (args, result.output)


def test_data_formats_and_names() -> None:
    assert parse(b'[{"a": 1}]', "json") == [{"a": 1}]
    assert parse(b'{"a": 1}\n{"a": 2}\n', "json") == [{"a": 1}, {"a": 2}]  # lines in .json
    assert parse(b"\xef\xbb\xbfa,b\r\n1,2\r\n", "csv") == [{"a": "1", "b": "2"}]
    assert parse(b"a\tb\n1\t2\n", "tsv") == [{"a": "1", "b": "2"}]
    assert parse(b'[{"a": 1}]', None) == [{"a": 1}] and parse(b"a\n1\n", None) == [{"a": "1"}]
    with pytest.raises(RecordsError, match="the arrays in it are under 'stories'"):
        parse(b'{"stories": [], "n": 1}', "json")
    assert body_of({"t": "*Bold* <b>", "tags": ["a", "b"], "x": None, "n": {"k": 1}},
                   ["t", "tags", "x", "n"]) == (
        "t: \\*Bold\\* \\<b\\>\n\ntags: a, b\n\nn: {\"k\": 1}\n")
    assert article_name("4101") == "4101"
    assert article_name("https://bbc.example/news/uk-politics-123") == (
        "news-uk-politics-123-" + article_name("https://bbc.example/news/uk-politics-123")[-8:])
    assert article_name("feed.rss") != "feed.rss"  # reserved for the source's own pages
    assert article_name("https://a.example/x") != article_name("http://a.example/x")
    assert len(article_name("https://a.example/" + "long-" * 40)) <= 69

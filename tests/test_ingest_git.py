"""``sitegen import-git``: temporary repositories with dated commits, renames, reverts,
deletions and bad files; incremental runs and idempotence."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.build import build
from sitegen.cli import main
from sitegen.content import reading
from sitegen.content.loader import load_archive
from sitegen.ingest import session as session_module
from sitegen.model import Article
from tests.conftest import write

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


class Repo:
    """A scratch repository whose commits have the times the test gives them."""

    def __init__(self, path: Path):
        self.path = path
        path.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, when: str | None = None) -> str:
        env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
               "GIT_AUTHOR_NAME": "Scraper", "GIT_AUTHOR_EMAIL": "scraper@example.com",
               "GIT_COMMITTER_NAME": "Scraper", "GIT_COMMITTER_EMAIL": "scraper@example.com"}
        if when:
            env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"] = when
        return subprocess.run(["git", "-C", str(self.path), *args], env=env, check=True,
                              capture_output=True, text=True).stdout

    def commit(self, when: str, files: dict[str, str | bytes | None] | None = None,
               moves: dict[str, str] | None = None) -> str:
        for old, new in (moves or {}).items():
            (self.path / new).parent.mkdir(parents=True, exist_ok=True)
            self.git("mv", old, new)
        for name, text in (files or {}).items():
            if text is None:
                self.git("rm", "-q", name)
            elif isinstance(text, bytes):
                (self.path / name).parent.mkdir(parents=True, exist_ok=True)
                (self.path / name).write_bytes(text)
            else:
                write(self.path / name, text)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", f"scrape at {when}", when=when)
        return self.git("rev-parse", "HEAD").strip()


def run(runner: CliRunner, project: Path, *args: str):
    return runner.invoke(main, ["import-git", "-C", str(project), *args])


def articles(project: Path) -> dict[str, Article]:
    archive, problems = load_archive(project, project / "content")
    assert problems == []
    return {a.key: a for a in archive.articles()}


def fetched(article: Article) -> list[str]:
    return [v.fetched.isoformat() for v in article.versions]


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """news/bbc.md edited, renamed and reverted; a README outside news/; an HTML page."""
    r = Repo(tmp_path / "scraper")
    r.commit("2025-03-07T10:00:00Z", {"news/bbc.md": "# Starmer calls allies\n\nOne.\n",
                                      "README.txt": "Scraped hourly.\n"})
    r.commit("2025-03-07T11:00:00Z", {"news/bbc.md": "# Starmer calls allies\n\nOne, edited.\n"})
    r.commit("2025-03-07T12:00:00Z", moves={"news/bbc.md": "news/uk/starmer.md"})
    r.commit("2025-03-07T14:00:00+01:00",
             {"news/uk/starmer.md": "# Starmer calls allies\n\nOne.\n"})
    r.commit("2025-03-07T13:30:00Z")  # an empty commit: the scraper found nothing new
    r.commit("2025-03-07T14:00:00Z", {
        "news/guardian.html": "<html><head><title>Allies meet</title></head><body><article>"
                              "<h1>Allies meet</h1><p>Leaders met on Sunday in London to "
                              "discuss the war.</p></article></body></html>"})
    return r


def test_history_with_a_rename_and_a_revert(runner: CliRunner, project: Path, repo: Repo):
    result = run(runner, project, str(repo.path), "news", "--source", "scraped")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "4 commits in the whole history changed the chosen files (up to "
        f"{repo.git('rev-parse', 'HEAD')[:12]}).",
        result.output.splitlines()[1]]
    assert result.output.splitlines()[1].startswith(
        "content/scraped/: 4 added (1 revert among them), 0 unchanged, 0 errors; 2 articles in ")
    found = articles(project)
    assert set(found) == {"paper/story", "scraped/bbc", "scraped/guardian"}
    bbc = found["scraped/bbc"]  # named after its first path, followed through the rename
    assert fetched(bbc) == ["2025-03-07T10:00:00+00:00", "2025-03-07T11:00:00+00:00",
                            "2025-03-07T14:00:00+01:00"]
    assert [v.title for v in bbc.versions] == ["Starmer calls allies"] * 3
    assert bbc.versions[2].extra["reverts_to"] == bbc.versions[0].fetched
    assert bbc.versions[0].extra["commit"] == repo.git("rev-list", "--max-parents=0",
                                                       "HEAD").strip()
    guardian = found["scraped/guardian"]
    assert guardian.title == "Allies meet"
    assert guardian.latest.body == "Leaders met on Sunday in London to discuss the war.\n"
    build(project)


def test_incremental_runs_read_only_new_commits(runner: CliRunner, project: Path, repo: Repo):
    assert run(runner, project, str(repo.path), "news").exit_code == 0
    state = project / ".sitegen-cache/import-git/scraper.json"
    saved = json.loads(state.read_text())
    (entry,) = saved["imports"].values()
    assert entry["head"] == repo.git("rev-parse", "HEAD").strip()
    assert entry["files"] == {"news/guardian.html": "guardian", "news/uk/starmer.md": "bbc"}

    again = run(runner, project, str(repo.path), "news")
    assert again.exit_code == 0
    assert again.output.startswith(f"No new commits since {entry['head'][:12]}.\n")
    assert "0 added (0 reverts among them), 0 unchanged, 0 errors" in again.output

    repo.commit("2025-03-07T15:00:00Z", {"news/uk/starmer.md": "# Starmer calls allies\n\nTwo.\n",
                                         "README.txt": "Still hourly.\n"})
    repo.commit("2025-03-07T16:00:00Z", moves={"news/uk/starmer.md": "news/starmer-calls.md"})
    repo.commit("2025-03-07T17:00:00Z", {"news/starmer-calls.md": "# Starmer calls\n\nTwo.\n"})
    newer = run(runner, project, str(repo.path), "news")
    assert newer.output.startswith("2 commits since ")
    assert "2 added (0 reverts among them), 0 unchanged" in newer.output
    bbc = articles(project)["scraper/bbc"]
    assert [v.title for v in bbc.versions][-2:] == ["Starmer calls allies", "Starmer calls"]

    rescan = run(runner, project, str(repo.path), "news", "--rescan")
    assert "0 added (0 reverts among them), 6 unchanged, 0 errors" in rescan.output
    state.unlink()
    full = run(runner, project, str(repo.path), "news")
    assert "0 added (0 reverts among them), 6 unchanged, 0 errors" in full.output
    assert len(articles(project)["scraper/bbc"].versions) == 5


def test_rewritten_history_is_read_again(runner: CliRunner, project: Path, repo: Repo):
    assert run(runner, project, str(repo.path), "news").exit_code == 0
    repo.git("reset", "-q", "--hard", "HEAD~2")
    repo.commit("2025-03-08T09:00:00Z", {"news/uk/starmer.md": "# Starmer calls allies\n\nNew.\n"})
    result = run(runner, project, str(repo.path), "news")
    assert result.output.startswith("4 commits in the whole history")
    assert "1 added (0 reverts among them), 3 unchanged, 0 errors" in result.output


def test_whole_repository_and_name_clashes(runner: CliRunner, project: Path, tmp_path: Path):
    r = Repo(tmp_path / "many")
    r.commit("2025-03-07T10:00:00Z", {"a/index.html.txt": "A.\n", "b/index.html.txt": "B.\n",
                                      "photo.png": b"\x89PNG\0\0", "data.json": "{}"})
    r.commit("2025-03-07T11:00:00Z", {"a/index.html.txt": None})
    r.commit("2025-03-07T12:00:00Z", {"a/index.html.txt": "A again.\n"})  # same article
    result = run(runner, project, str(r.path))
    assert result.exit_code == 0, result.output
    found = articles(project)
    # "index.html" is the source page's own file name: the article is called "index-html".
    assert sorted(found) == ["many/b-index.html", "many/index-html", "paper/story"]
    assert [v.body for v in found["many/index-html"].versions] == ["A.\n", "A again.\n"]
    assert found["many/b-index.html"].title == "b-index.html"


def test_bad_files_stop_nothing_else(runner: CliRunner, project: Path, tmp_path: Path):
    r = Repo(tmp_path / "bad")
    r.commit("2025-03-07T10:00:00Z", {"good.txt": "Good.\n", "bad.txt": b"\0\1\2"})
    r.commit("2025-03-07T11:00:00Z", {"good.txt": "Better.\n", "bad.txt": "Fine now.\n"})
    result = run(runner, project, str(r.path))
    assert result.exit_code == 1
    first = r.git("rev-list", "--max-parents=0", "HEAD").strip()
    assert f"bad:bad.txt@{first[:12]}: binary file" in result.output
    assert "3 added (0 reverts among them), 0 unchanged, 1 error" in result.output
    assert "the next run starts after it and does not report these errors again" in result.output


def test_a_blob_over_the_limit_is_passed_over_unread(runner: CliRunner, project: Path,
                                                     tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch):
    """A file of the scraper's history over the import limit is an error naming it, is
    never extracted (a 16 MB page took trafilatura 154 s and 3.4 GB), and the files after
    it in the same git stream are read as usual."""
    monkeypatch.setattr(reading, "LIMIT", 50_000)
    r = Repo(tmp_path / "big")
    r.commit("2025-03-07T10:00:00Z", {"a-huge.txt": "word " * 20_000, "b-small.txt": "One.\n"})
    r.commit("2025-03-07T11:00:00Z", {"b-small.txt": "Two.\n"})

    convert = session_module.convert

    def small_only(data: bytes, fmt: str) -> object:
        assert len(data) <= 50_000, "an input over the limit was extracted"
        return convert(data, fmt)

    monkeypatch.setattr(session_module, "convert", small_only)
    result = run(runner, project, str(r.path))
    first = r.git("rev-list", "--max-parents=0", "HEAD").strip()
    assert (f"big:a-huge.txt@{first[:12]}: is 100,000 bytes, over the limit of 50,000: not "
            "imported") in result.output, result.output
    assert not (project / "content/big/a-huge").exists()
    assert "2 added (0 reverts among them), 0 unchanged, 1 error" in result.output


def test_a_bad_file_is_reported_once_and_the_position_kept(runner: CliRunner, project: Path,
                                                          tmp_path: Path):
    """A scheduled job: an emptied file and one with NUL bytes in the history fail one run;
    the next runs read only new commits and succeed."""
    r = Repo(tmp_path / "bad")
    r.commit("2025-03-07T10:00:00Z", {"a.txt": "One.\n", "b.txt": "Bee.\n"})
    r.commit("2025-03-07T11:00:00Z", {"a.txt": "", "b.txt": b"Bee\0\n"})
    r.commit("2025-03-07T12:00:00Z", {"a.txt": "Two.\n", "b.txt": "Bee again.\n"})
    first = run(runner, project, str(r.path))
    assert first.exit_code == 1
    assert first.output.count(": empty") == 1 and first.output.count(": binary file") == 1
    assert "4 added (0 reverts among them), 0 unchanged, 2 errors" in first.output

    again = run(runner, project, str(r.path))
    assert again.exit_code == 0, again.output
    assert again.output.startswith("No new commits since ")
    assert "empty" not in again.output and "binary" not in again.output

    r.commit("2025-03-07T13:00:00Z", {"a.txt": "Three.\n"})
    newer = run(runner, project, str(r.path))
    assert newer.exit_code == 0, newer.output
    assert newer.output.startswith("1 commit since ")
    assert "1 added (0 reverts among them), 0 unchanged, 0 errors" in newer.output

    rescan = run(runner, project, str(r.path), "--rescan")  # the old errors, met again
    assert rescan.exit_code == 0, rescan.output
    assert "empty" not in rescan.output and "binary" not in rescan.output
    assert ("0 added (0 reverts among them), 5 unchanged, 0 errors (2 already reported by "
            "an earlier run, not repeated)") in rescan.output

    r.commit("2025-03-07T14:00:00Z", {"a.txt": b"\0"})
    broken = run(runner, project, str(r.path))
    assert broken.exit_code == 1 and broken.output.count(": binary file") == 1


def test_a_project_problem_keeps_the_position(runner: CliRunner, project: Path,
                                              tmp_path: Path):
    """An error the user fixes in the project (here a broken _source.yaml) is retried: the
    position is not saved."""
    r = Repo(tmp_path / "scraper")
    r.commit("2025-03-07T10:00:00Z", {"a.txt": "One.\n"})
    write(project / "content/scraper/_source.yaml", "drop_patterns: ['(']\n")
    result = run(runner, project, str(r.path))
    assert result.exit_code == 1
    assert "position is not saved" in result.output
    (project / "content/scraper/_source.yaml").unlink()
    fixed = run(runner, project, str(r.path))
    assert fixed.exit_code == 0, fixed.output
    assert "1 added" in fixed.output


def test_committed_links_are_not_imported(runner: CliRunner, project: Path, tmp_path: Path):
    """A link is stored in git as the text of its target: import-git takes regular files
    only, so neither that text nor the file it names becomes a version."""
    secret = write(tmp_path / "secret/passwd", "root:x:0:0:root:/root:/bin/bash\n")
    r = Repo(tmp_path / "linked")
    (r.path / "leak.md").symlink_to(secret)
    r.commit("2025-03-07T10:00:00Z", {"good.md": "Good.\n"})
    result = run(runner, project, str(r.path))
    assert result.exit_code == 0, result.output
    assert sorted(articles(project)) == ["linked/good", "paper/story"]


def test_usage_errors(runner: CliRunner, project: Path, tmp_path: Path, repo: Repo):
    plain = tmp_path / "plain"
    plain.mkdir()
    result = run(runner, project, str(plain))
    assert result.exit_code == 1 and "git rev-parse failed" in result.output
    empty = Repo(tmp_path / "empty")
    result = run(runner, project, str(empty.path))
    assert result.exit_code == 1 and "has no commits to import" in result.output
    result = run(runner, project, str(repo.path), "nothing/here")
    assert result.exit_code == 1
    assert "nothing/here: no file in the history of" in result.output
    result = run(runner, project, str(repo.path), str(tmp_path))
    assert result.exit_code == 1 and "is not inside the repository" in result.output


def test_a_path_chooses_the_whole_history_of_its_file(runner: CliRunner, project: Path,
                                                      repo: Repo):
    result = run(runner, project, str(repo.path), "news/uk/starmer.md")
    assert result.exit_code == 0, result.output
    found = articles(project)
    assert sorted(found) == ["paper/story", "scraper/bbc"]  # its first name, all 3 versions
    assert len(found["scraper/bbc"].versions) == 3


def test_what_is_skipped_is_said_and_repository_files_are_left_out(
        runner: CliRunner, project: Path, tmp_path: Path):
    r = Repo(tmp_path / "site-scraper")
    r.commit("2025-03-07T10:00:00Z", {
        "README.md": "# Scraper\n\nScrapes hourly.\n", "requirements.txt": "httpx\n",
        "LICENSE": "MIT\n", ".github/PULL_REQUEST_TEMPLATE.md": "Describe it.\n",
        "docs/readme.txt": "About.\n", "news/story.md": "# Story\n\nText.\n",
        "hn.json": "[]\n", "photo.png": b"\x89PNG\0", "scrape.py": "print()\n"})
    result = run(runner, project, str(r.path))
    assert result.exit_code == 0, result.output
    assert sorted(articles(project)) == ["paper/story", "site-scraper/story"]
    lines = result.output.splitlines()
    assert lines[1] == ("Skipped 3 files that are not text, Markdown or HTML by their suffix: "
                        "hn.json, photo.png, scrape.py (--format reads every file as one of "
                        "those; --id FIELD imports a JSON or CSV file item by item)")
    assert lines[2] == ("Left out 5 repository files, not articles: "
                        ".github/PULL_REQUEST_TEMPLATE.md, LICENSE, README.md, docs/readme.txt, "
                        "requirements.txt (name one as a PATH to import it)")

    named = run(runner, project, str(r.path), "README.md", "--source", "meta")
    assert named.exit_code == 0, named.output
    assert "meta/README" in articles(project)

    data = run(runner, project, str(r.path), "hn.json", "--source", "hn")
    assert data.exit_code == 1
    assert data.output == (
        "Error: hn.json is not a text, Markdown or HTML file by its suffix: give --id FIELD "
        "to import a JSON or CSV file item by item, or --format to read it as one of those\n")


def test_a_long_file_name_gives_a_valid_article_name() -> None:
    """import-git names articles after files: a name past the rules' length limit is cut,
    with a hash of the whole, so the build accepts it and two long names stay apart."""
    from sitegen.content.names import MAX_LENGTH, name_problem
    from sitegen.ingest.gitimport import slug

    one, two = slug("a" * 300 + "-one"), slug("a" * 300 + "-two")
    assert len(one) == len(two) == MAX_LENGTH and one != two
    assert name_problem(one, "article") is None
    assert slug("short-name") == "short-name"

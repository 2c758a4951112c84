"""``sitegen serve`` as a user runs it: a subprocess, signals, the real exit status."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen.serve.preview import TEMP_PREFIX

TIMEOUT = 15.0


class Process:
    """A running ``sitegen serve`` whose output is read line by line as it comes."""

    def __init__(self, args: list[str], env: dict[str, str]):
        self.proc = subprocess.Popen([sys.executable, "-m", "sitegen", "serve", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        with self.proc.stdout:
            for line in self.proc.stdout:
                self.lines.put(line)

    def expect(self, pattern: str) -> re.Match[str]:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            self.seen.append(line)
            if found := re.search(pattern, line):
                return found
        raise AssertionError(f"no line matching {pattern!r} in:\n{''.join(self.seen)}")

    def output(self) -> str:
        if self.proc.poll() is not None:
            self.reader.join(TIMEOUT)  # everything the process wrote has been read
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return "".join(self.seen)

    def stop(self, sig: int = signal.SIGINT) -> int:
        self.proc.send_signal(sig)
        return self.proc.wait(TIMEOUT)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    temp = tmp_path / "tmp"
    temp.mkdir()
    return {**os.environ, "TMPDIR": str(temp), "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}


@pytest.fixture
def running(env: dict[str, str]) -> Iterator[list[Process]]:
    started: list[Process] = []
    yield started
    for process in started:
        if process.proc.poll() is None:
            process.proc.kill()
            process.proc.wait()
        process.reader.join(TIMEOUT)


def leftovers(env: dict[str, str]) -> list[Path]:
    return list(Path(env["TMPDIR"]).glob(TEMP_PREFIX + "*"))


def start(running: list[Process], env: dict[str, str], *args: str) -> Process:
    process = Process(list(args), env)
    running.append(process)
    return process


def test_port_zero_prints_the_real_url_and_ctrl_c_cleans_up(project: Path, env, running) -> None:
    process = start(running, env, "-C", str(project), "--port", "0")
    process.expect(r"Built 1 article, 2 versions")
    url = process.expect(r"Serving (http://127\.0\.0\.1:(\d+)/) ")
    assert url.group(2) != "0"
    with urllib.request.urlopen(url.group(1) + "paper/story/", timeout=TIMEOUT) as response:
        assert "Second headline" in response.read().decode()
    assert len(leftovers(env)) == 1  # the build folder, while serving
    assert process.stop(signal.SIGINT) == 0
    assert "Stopped" in process.output()
    assert "Traceback" not in process.output()
    assert leftovers(env) == []
    assert not (project / "site").exists()  # the preview never touches site/


def test_sigterm_also_cleans_up(project: Path, env, running) -> None:
    process = start(running, env, "-C", str(project), "--port", "0")
    process.expect(r"Serving http://")
    assert process.stop(signal.SIGTERM) == 0
    assert leftovers(env) == []


def test_port_in_use_is_an_error_with_a_hint(project: Path, env, running) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = start(running, env, "-C", str(project), "--port", str(port))
        code = process.proc.wait(TIMEOUT)
    text = process.output()
    assert code == 1
    assert f"port {port} on 127.0.0.1 is already in use" in text
    assert f"--port {port + 1}" in text and "--port 0" in text
    assert "Traceback" not in text
    assert leftovers(env) == []


def test_non_loopback_host_warns(project: Path, env, running) -> None:
    process = start(running, env, "-C", str(project), "--port", "0", "--host", "0.0.0.0")
    process.expect(r"Warning: serving on 0\.0\.0\.0, not on loopback")
    process.expect(r"Serving http://127\.0\.0\.1:\d+/")
    assert process.stop() == 0


def test_loopback_host_does_not_warn(project: Path, env, running) -> None:
    process = start(running, env, "-C", str(project), "--port", "0", "--host", "localhost")
    process.expect(r"Serving http://")
    assert process.stop() == 0
    assert "not on loopback" not in process.output()


def test_open_starts_a_browser_on_the_url(project: Path, env, running, tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    script = tmp_path / "browser.py"
    script.write_text(f"import sys\nopen({str(opened)!r}, 'w').write(sys.argv[1])\n")
    env = {**env, "BROWSER": f"{sys.executable} {script} %s"}
    process = start(running, env, "-C", str(project), "--port", "0", "--base-path", "repo",
                    "--open")
    url = process.expect(r"Serving (http://\S+/repo/) ").group(1)
    deadline = time.monotonic() + TIMEOUT
    while not opened.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert opened.read_text() == url
    assert process.stop() == 0


def test_bad_base_path_and_missing_project_are_errors(tmp_path: Path, env, running) -> None:
    process = start(running, env, "-C", str(tmp_path), "--base-path", "/a/../b/")
    assert process.proc.wait(TIMEOUT) == 1
    assert "--base-path '/a/../b/' is not a usable URL path" in process.output()
    process = start(running, env, "-C", str(tmp_path / "nope"), "--port", "0")
    assert process.proc.wait(TIMEOUT) == 1
    assert "does not exist" in process.output()
    assert leftovers(env) == []


def test_build_errors_are_printed_as_path_line_message(project: Path, env, running) -> None:
    (project / "sitegen.yaml").write_text("title: x\ntimezone: Nowhere/Here\n")
    process = start(running, env, "-C", str(project), "--port", "0")
    process.expect(r"^sitegen\.yaml:2: timezone must be an IANA time zone name")
    process.expect(r"Build failed: 1 problem in the input; serving an error page")
    process.expect(r"Serving http://")
    assert process.stop() == 0


def test_base_path_defaults_to_the_path_of_base_url(project: Path, env, running) -> None:
    (project / "sitegen.yaml").write_text("base_url: https://example.github.io/my-archive/\n")
    process = start(running, env, "-C", str(project), "--port", "0", "--no-search")
    url = process.expect(r"Serving (http://127\.0\.0\.1:\d+/my-archive/) ").group(1)
    with urllib.request.urlopen(url + "paper/story/", timeout=TIMEOUT) as response:
        assert "Second headline" in response.read().decode()
    try:
        urllib.request.urlopen(url + "search/", timeout=TIMEOUT)
        raise AssertionError("--no-search still built the search page")
    except urllib.error.HTTPError as exc:
        assert exc.code == 404
        # The site's own 404.html, whose links start from base_url's path.
        assert 'href="/my-archive/' in exc.read().decode()
    assert process.stop() == 0
    assert "Warning: base_url" not in process.output()  # it is set


def test_names_reach_the_terminal_escaped(project: Path, env, running) -> None:
    """A file name holding escape sequences (set the window title, clear the screen) is
    printed with them escaped, in the error lines and in the line naming a change."""
    bad = project / "content/paper/\x1b]0;pwned\x07"
    bad.mkdir()
    (bad / "a.md").write_text("x")
    process = start(running, env, "-C", str(project), "--port", "0", "--no-search")
    process.expect(r"^content/paper/\\x1b\]0;pwned\\x07: article folder name")
    process.expect(r"Serving http://")
    (project / "content/paper/story/\x1b[2J.txt").write_text("x")
    process.expect(r"^Changed: content/paper/story/\\x1b\[2J\.txt; rebuilding")
    process.expect(r"^content/paper/story/\\x1b\[2J\.txt: not a version file")
    assert process.stop() == 0
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", process.output())

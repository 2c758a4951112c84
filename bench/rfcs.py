"""The rust-rfcs corpus (120 documents, 845 revisions) as a sitegen project.

    python -m bench.rfcs OUT_DIR [--corpus PATH]

A real revision history, to check the synthetic figures against. The corpus is found at
``$SITEGEN_SHARED/corpora/rust-rfcs``, else ``../shared`` beside the repository, else
``/work/shared``. It is imported with ``sitegen import`` when the installed sitegen has that
command (so the benchmark sees what a user would store); otherwise each ``meta.json`` is
converted directly (front matter ``title``, ``fetched`` = the revision's time, ``url``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "rust-rfcs"
CONFIG = ("title: Rust RFCs (benchmark)\nbase_url: https://archive.example/\n"
          "language: en\ntimezone: UTC\n")


def corpus_path() -> Path | None:
    candidates = [Path(os.environ["SITEGEN_SHARED"]) if os.environ.get("SITEGEN_SHARED")
                  else None, ROOT.parent / "shared", Path("/work/shared")]
    for shared in candidates:
        if shared is not None and (shared / "corpora" / SOURCE).is_dir():
            return shared / "corpora" / SOURCE
    return None


def has_import(sitegen: list[str]) -> bool:
    done = subprocess.run([*sitegen, "import", "--help"], capture_output=True, check=False)
    return done.returncode == 0


def convert(corpus: Path, content: Path) -> int:
    """Write version files straight from the corpus; returns how many."""
    count = 0
    for meta_file in sorted(corpus.glob("*/meta.json")):
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        folder = content / SOURCE / meta_file.parent.name
        folder.mkdir(parents=True, exist_ok=True)
        for entry in meta["versions"]:
            body = (meta_file.parent / entry["file"]).read_text(encoding="utf-8")
            front = [f"title: {json.dumps(entry.get('title', meta['title']))}",
                     f"fetched: {entry['time']}", f"url: {entry.get('url', meta['url'])}"]
            if entry.get("commit"):
                front.append(f"commit: {entry['commit']}")
            (folder / entry["file"]).write_text("---\n" + "\n".join(front) + "\n---\n" + body,
                                                encoding="utf-8")
            count += 1
    return count


def make_project(out: Path, sitegen: list[str], corpus: Path | None = None) -> str:
    """Write the project into ``out``; returns how it was made, for the report."""
    corpus = corpus or corpus_path()
    if corpus is None:
        raise FileNotFoundError("rust-rfcs corpus not found; set SITEGEN_SHARED")
    if (out / "content").exists():
        raise FileExistsError(f"{out / 'content'} exists")
    out.mkdir(parents=True, exist_ok=True)
    (out / "sitegen.yaml").write_text(CONFIG, encoding="utf-8")
    if has_import(sitegen):
        (out / "content").mkdir()
        done = subprocess.run([*sitegen, "import", str(corpus), "--source", SOURCE,
                               "-C", str(out)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"sitegen import failed: {done.stderr.strip()[-2000:]}")
        return f"sitegen import: {done.stdout.strip()}"
    return f"converted directly (no 'sitegen import'): {convert(corpus, out / 'content')} files"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.rfcs",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--corpus", type=Path, default=None)
    args = parser.parse_args(argv)
    sitegen = [str(Path(sys.executable).parent / "sitegen")]
    try:
        print(make_project(args.out, sitegen, args.corpus))
    except (FileNotFoundError, FileExistsError, RuntimeError) as exc:
        sys.exit(f"error: {exc}")


if __name__ == "__main__":
    main()

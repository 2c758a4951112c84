#!/usr/bin/env python3
"""The two quick-start commands, needing nothing but Python 3.11+.

    python3 dev.py demo    set up .venv, build the demo archive into site/ and serve it
    python3 dev.py test    set up .venv with the test tools, then run ruff and the test suite

Anything after the command is passed on (to ``sitegen serve`` or to ``pytest``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def run(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    done = subprocess.run([str(a) for a in args], cwd=ROOT, check=False)
    if done.returncode:
        sys.exit(done.returncode)


def setup(extra: str) -> None:
    """Create .venv and install sitegen into it; skipped when nothing changed since."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file must run on any Python
        sys.exit(f"sitegen needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not (BIN / "python").exists() and not (BIN / "python.exe").exists():
        print(f"+ creating {VENV.name}/", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extra.encode()).hexdigest()
    stamp = VENV / f".installed-{extra or 'base'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    spec = f".[{extra}]" if extra else "."
    run(BIN / "python", "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", spec)
    stamp.write_text(digest)


def demo(args: list[str]) -> None:
    setup("")
    run(BIN / "sitegen", "build")
    print("\nThe demo archive is in site/, ready to publish (with feeds once base_url is set; "
          "see docs/feeds.md).\nServing a preview of it now, feeds included: open the address "
          "below.", flush=True)
    run(BIN / "sitegen", "serve", *args)


def test(args: list[str]) -> None:
    setup("test")
    run(BIN / "ruff", "check", ".")
    run(BIN / "python", "-m", "pytest", *args)


def main() -> None:
    commands = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()

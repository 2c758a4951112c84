"""Golden outputs of the diff on the seeds: the BBC article's two versions (seed 000, a
side-by-side table whose columns are extracted here) and the BBC text against its
machine-paraphrased copy (seed 001).

The expected files are in tests/golden/diff/. After a deliberate change to the output,
regenerate them with ``SITEGEN_REGEN=1 pytest tests/test_diff_golden.py`` and review the
git diff of that folder before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen.diff import Diff, diff_texts
from sitegen.diff import html as diff_html
from sitegen.diff import text as diff_text
from tests.conftest import SEEDS, need

GOLDEN = Path(__file__).parent / "golden" / "diff"
BBC = "000_33d647921b4afdbb.txt"
PARAPHRASE = "001_e82bf5f21d7b90ea.txt"


def bbc_versions() -> tuple[str, str]:
    """Version 0 and version 1 of the BBC article, one paragraph per line, from the
    table rows ("left | right |") of seed 000."""
    lines = (need(SEEDS, "seeds") / BBC).read_text(encoding="utf-8").split("\n")
    start = next(n for n, line in enumerate(lines) if line.startswith("---|")) + 1
    left, right = [], []
    for line in lines[start:]:
        cells = [cell.strip() for cell in line.split(" | ")]
        if len(cells) < 2:
            continue
        left.append(cells[0])
        right.append(cells[1].removesuffix("|").strip())
    return ("\n".join(c for c in left if c) + "\n", "\n".join(c for c in right if c) + "\n")


def bbc_body() -> str:
    """The BBC article's text as in version 0, headline and table furniture left out."""
    v0 = bbc_versions()[0]
    return v0[v0.index("Sir Keir") :]


def paraphrase() -> str:
    return (need(SEEDS, "seeds") / PARAPHRASE).read_text(encoding="utf-8")


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("SITEGEN_REGEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with SITEGEN_REGEN=1 to create it"
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


def test_bbc_paraphrase_is_word_swaps_in_aligned_paragraphs() -> None:
    old, new = bbc_body(), paraphrase()
    diff = diff_texts(old, new, plain=True)
    ops = [op.op for op in diff.blocks]
    assert ops == ["changed"] * 21, ops  # every paragraph aligned with its paraphrase
    text = diff_text.plain(diff, "bbc", "paraphrase")
    assert "has held a [-call-]{+name+} with leaders" in text
    assert "European [-Commission-]{+Fee+} President" in text
    assert "{+€800bn" not in text and "[-€800bn" not in text  # untouched figures stay equal
    check_golden("bbc-paraphrase.txt", text)
    check_golden("bbc-paraphrase.json", diff.to_json(indent=1) + "\n")
    check_golden("bbc-paraphrase.html", diff_html.inline(diff, screen_reader=True) + "\n")
    assert Diff.from_json((GOLDEN / "bbc-paraphrase.json").read_text(encoding="utf-8")) == diff


def test_bbc_version_0_to_1() -> None:
    old, new = bbc_versions()
    diff = diff_texts(old, new, plain=True)
    assert diff.old_text() == old and diff.new_text() == new
    check_golden("bbc-v0-v1.txt", diff_text.plain(diff, "version 0", "version 1"))
    rows = diff_html.rows(diff)
    check_golden("bbc-v0-v1-rows.txt", "".join(
        f"{r.kind}\t{r.block}\t{r.old_line}\t{r.new_line}\t{r.old}\t{r.new}\n" for r in rows))


@pytest.mark.parametrize("name", [BBC, PARAPHRASE, "002_a53f768cbebe2416.txt",
                                  "003_31aae2e22b9fb551.txt"])
def test_every_seed_against_the_bbc_text_rebuilds(name: str) -> None:
    other = (need(SEEDS, "seeds") / name).read_text(encoding="utf-8")
    for plain in (False, True):
        diff = diff_texts(bbc_body(), other, plain=plain)
        assert diff.old_text() == bbc_body() and diff.new_text() == other

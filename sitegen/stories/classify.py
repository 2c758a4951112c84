"""The relation of a later article to an earlier one, from their best alignment. The
thresholds are measured on the labelled set (tests/stories_labelled.py); docs/stories.md
gives the precision and recall they reach."""

from __future__ import annotations

from sitegen.stories.align import Alignment

COPY = "copy"
EDITED = "edited copy"
PARAPHRASE = "paraphrase"
SAME = "same story"
RELATIONS = (COPY, EDITED, PARAPHRASE, SAME)

COPY_VERBATIM = 0.85  # share of the later text's words in verbatim sentences: a copy
EDITED_VERBATIM = 0.4  # an edited copy: this much verbatim ...
EDITED_SIMILAR = 0.6  # ... and this much matched at all
PARAPHRASE_SIMILAR = 0.6  # a paraphrase: this much matched, mostly not verbatim ...
PARAPHRASE_ORDER = 0.8  # ... in the same order
SAME_EVIDENCE = 2  # the same story: this many matched sentences or shared quotations


def relation(a: Alignment) -> str | None:
    """``a`` aligns the later article's text against the earlier one's."""
    if a.verbatim >= COPY_VERBATIM:
        return COPY
    if a.verbatim >= EDITED_VERBATIM and a.similar >= EDITED_SIMILAR:
        return EDITED
    if a.similar >= PARAPHRASE_SIMILAR and a.order >= PARAPHRASE_ORDER:
        return PARAPHRASE
    if a.evidence >= SAME_EVIDENCE:
        return SAME
    return None

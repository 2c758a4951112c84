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

COPY_VERBATIM = 0.9  # share of the later text's words in verbatim sentences: a copy
PARAPHRASE_SIMILAR = 0.6  # a paraphrase: this much matched ...
PARAPHRASE_REWORDED = 0.3  # ... this much of it matched but not verbatim ...
PARAPHRASE_ORDER = 0.8  # ... in the same order
EDITED_VERBATIM = 0.4  # an edited copy: this much verbatim
SAME_EVIDENCE = 2  # the same story: this many matched sentences or shared quotations


def relation(a: Alignment) -> str | None:
    """``a`` aligns the later article's text against the earlier one's."""
    if a.verbatim >= COPY_VERBATIM:
        return COPY
    if (a.similar >= PARAPHRASE_SIMILAR and a.similar - a.verbatim >= PARAPHRASE_REWORDED
            and a.order >= PARAPHRASE_ORDER):
        return PARAPHRASE
    if a.verbatim >= EDITED_VERBATIM:
        return EDITED
    if a.evidence >= SAME_EVIDENCE:
        return SAME
    return None

"""``sitegen export``: the archive as a research dataset (docs/export.md).

``sentences`` splits news text into sentences, ``edits`` turns a change into sentence-level
edit actions, ``write`` streams the tables to JSON Lines (and Parquet where pyarrow is
installed), one article at a time.
"""

"""Stories across sources: which articles of different sources tell the same story, and how.

``text`` cuts a version into comparable sentences, ``signature`` makes an article's MinHash
and sentence keys (per article, cached with its record), ``candidates`` finds the pairs worth
comparing with MinHash LSH, ``align`` matches sentences, ``classify`` names the relation from
the alignment, and ``group`` joins related articles into stories.
"""

"""``sitegen fetch``: reading outlets' feeds and re-checking their articles on a schedule.

``identity`` turns addresses into one canonical URL and a folder name per article, ``http``
is the polite client (robots.txt, rate limit, conditional requests), ``feeds`` reads RSS and
Atom, ``schedule`` keeps the per-source state file, and ``run`` ties them to the importers'
session, which decides what is a new version.
"""

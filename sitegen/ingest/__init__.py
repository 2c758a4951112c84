"""Getting versions in: ``sitegen add``, ``sitegen import`` and ``sitegen import-git``.

Every importer ends in the same place (:class:`sitegen.ingest.session.Session`): the text is
turned into a Markdown body, normalised, compared with the article's stored versions, and
written as a new version file only when something really changed.
"""

"""Reading ``content/``: version files, source descriptions, and the tree they form."""

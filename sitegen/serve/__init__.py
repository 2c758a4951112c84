"""``sitegen serve``: a local preview that rebuilds on save and reloads the browser.

The pieces are small and independent: :mod:`.paths` maps a request to a file (and refuses
anything outside the build), :mod:`.watcher` turns bursts of file events into one rebuild,
:mod:`.livereload` tells open pages when a build finished, :mod:`.overlay` shows build errors,
:mod:`.server` is the HTTP side and :mod:`.preview` ties them to :func:`sitegen.build.build`.
"""

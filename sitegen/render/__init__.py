"""Turning the model into HTML: Markdown, times, the theme, and the list of pages."""

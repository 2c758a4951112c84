"""sitegen: a static archive of how news articles change after publication."""

__version__ = "0.1.0"

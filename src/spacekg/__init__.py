"""spacekg: a knowledge graph of U.S.–Japan space cooperation, built from curated sources."""

__version__ = "1.0.0"

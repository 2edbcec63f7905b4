"""Views of the built graph: the interactive page, statistics, pictures, ontology docs and the index page."""

"""The site: a page for every IRI of the graph, a source reader and a query editor, served by
`spacekg serve` (web/app.py) and written by `spacekg build` into output/site/ (static.py)."""

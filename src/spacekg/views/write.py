"""The build's last stage: every view, made from the dataset the build produced.

Files: graph.html (interactive graph), stats.json, attendance.png, timeline.png, ontology.html and
index.html. The dataset is read in place with SPARQL (see source.py); a graph of more than
OVERVIEW_LIMIT nodes is drawn as an overview around the Comprehensive Dialogue on Space, and its
statistics and pictures read only the series' neighbourhood (see overview.py). pyLODE documents the ontology in a child process that runs while the rest is drawn
(or the previous build's page is kept, when the ontology and pyLODE are the same).
Heavy libraries are imported only when the stage runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

ONTOLOGY_PAGE = "ontology.html"
VIEW_FILES = ("graph.html", "stats.json", "attendance.png", "timeline.png", ONTOLOGY_PAGE, "index.html")
GRAPH_TITLE = "U.S.–Japan space cooperation: the knowledge graph"


def summary_counts(source, drawn) -> list:
    """The numbers the index page opens with (see counts.py); links only when the graph is drawn whole."""
    from .counts import graph_counts

    keys = ("documents", "statements", "quoted", "cited", "facts", "entities") + (("links",) if drawn.whole else ())
    return list(graph_counts(source, keys).values())


def write_graph_page(source, path: Path):
    """graph.html: the whole graph, or the overview of a large one (returned: overview.Overview)."""
    from .html import write_graph
    from .overview import overview_of

    drawn = overview_of(source)
    write_graph(drawn.network, path, GRAPH_TITLE, note=drawn.note, index_link="index.html", left_out=drawn.left_out)
    return drawn


def write_views(result, layout, folder: Path, say: Callable[[str], None], ontology_page: bool = True,
                ready: Callable[[], None] = lambda: None) -> None:
    """Build stage: write every view into the staging folder (all but ontology.html without
    ``ontology_page``: see :func:`write_ontology_page`). The index page gives the RDF files'
    sizes: ``ready()`` returns once they are final (another process may be finishing them)."""
    from ..namespaces import COMPREHENSIVE_DIALOGUE
    from .index import render_index
    from .network import build_network, short_id
    from .overview import series_nodes
    from .pictures import attendance_picture, timeline_picture
    from .source import open_source
    from .stats import compute, write_stats

    say(views_message(ontology_page))
    docs = _ontology_docs(result, layout) if ontology_page else None
    try:
        source = open_source(result.dataset)
        drawn = write_graph_page(source, folder / "graph.html")
        series = short_id(COMPREHENSIVE_DIALOGUE)
        network = drawn.network if drawn.whole else build_network(source, nodes=series_nodes(source))
        stats = compute(network, series)
        write_stats(stats, folder / "stats.json")
        attendance_picture(network, series, folder / "attendance.png")
        timeline_picture(network, series, folder / "timeline.png")
        ready()
        index = render_index(layout, folder, source if drawn.whole else None, stats, summary_counts(source, drawn), drawn)
        (folder / "index.html").write_text(index, encoding="utf-8")
        if docs is not None:
            docs.write(folder / "ontology.html")
    finally:
        if docs is not None:
            docs.close()
    result.files += [folder / name for name in VIEW_FILES if ontology_page or name != ONTOLOGY_PAGE]


def views_message(ontology_page: bool = True) -> str:
    """What a build says as it starts drawing the views."""
    return ("writing the interactive graph, statistics, pictures" + (", ontology documentation" if ontology_page else "")
            + " and index page")


def write_ontology_page(result, layout, folder: Path) -> Path:
    """ontology.html: pyLODE's documentation of the ontology (or the previous build's page, when
    the ontology and pyLODE are the same)."""
    with _ontology_docs(result, layout) as docs:
        return docs.write(folder / ONTOLOGY_PAGE)


def _ontology_docs(result, layout):
    """pyLODE on the ontology as parsed from ontology/spacekg.ttl, the triples of graph:ontology.
    (Read back from the store, they came through the table of exact datatypes, which at 1,000
    times the corpus took 9 s and 700 MB to load.)"""
    from .ontology_docs import OntologyDocs

    return OntologyDocs(result.ontology, previous=layout.output / ONTOLOGY_PAGE)

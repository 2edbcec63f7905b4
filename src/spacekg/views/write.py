"""The build's last stage: every view, made from the dataset the build produced.

Files: graph.html (interactive graph), stats.json, attendance.png, timeline.png, ontology.html and
index.html. Heavy libraries are imported only when the stage runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from rdflib import Dataset

VIEW_FILES = ("graph.html", "stats.json", "attendance.png", "timeline.png", "ontology.html", "index.html")
GRAPH_TITLE = "U.S.–Japan space cooperation: the knowledge graph"


def asserted(dataset: Dataset, store: str = "default") -> Dataset:
    """A copy of the dataset without the reasoner's graph:inferred (what `spacekg query` asks by default);
    ``store="Oxigraph"`` puts it in an Oxigraph store, which answers SPARQL far faster than rdflib's."""
    from ..ingest import INFERRED_GRAPH
    from ..namespaces import bind_prefixes

    copy = Dataset(store=store, default_union=True)
    bind_prefixes(copy)
    for context in dataset.graphs():
        if context.identifier != INFERRED_GRAPH and len(context):
            target = copy.graph(context.identifier)
            for triple in context:
                target.add(triple)
    return copy


def summary_line(network, dataset: Dataset) -> str:
    from rdflib.namespace import RDF

    from ..namespaces import SKG

    categories = [data.get("category") for _, data in network.nodes(data=True)]
    statements = len(set(dataset.subjects(RDF.type, SKG.Statement)))
    return (f"{categories.count('document')} source documents, {statements} statements traced to their exact words, "
            f"{len(categories) - categories.count('document')} entities and {network.number_of_edges()} facts "
            f"between them.")


def write_views(result, layout, folder: Path, say: Callable[[str], None]) -> None:
    """Build stage: write every view into the staging folder."""
    from ..ingest import ONTOLOGY_GRAPH
    from ..namespaces import COMPREHENSIVE_DIALOGUE
    from .html import write_graph
    from .index import render_index
    from .network import build_network, short_id
    from .ontology_docs import write_ontology_docs
    from .pictures import attendance_picture, timeline_picture
    from .stats import compute, write_stats

    dataset = asserted(result.dataset)
    say("writing the interactive graph, statistics, pictures, ontology documentation and index page")
    network = build_network(dataset)
    series = short_id(COMPREHENSIVE_DIALOGUE)
    files = [write_graph(network, folder / "graph.html", GRAPH_TITLE, index_link="index.html")]
    stats = compute(network, series)
    files.append(write_stats(stats, folder / "stats.json"))
    files.append(attendance_picture(network, series, folder / "attendance.png"))
    files.append(timeline_picture(network, series, folder / "timeline.png"))
    files.append(write_ontology_docs(result.dataset.graph(ONTOLOGY_GRAPH), folder / "ontology.html"))
    index = folder / "index.html"
    index.write_text(render_index(layout, folder, asserted(result.dataset, "Oxigraph"), stats, summary_line(network, dataset)), encoding="utf-8")
    files.append(index)
    result.files += files

"""The build's last stage: every view, made from the dataset the build produced.

Files: graph.html (interactive graph), stats.json, attendance.png, timeline.png, ontology.html and
index.html. The dataset is read in place with SPARQL (see source.py); a graph of more than
OVERVIEW_LIMIT nodes is drawn as an overview around the Comprehensive Dialogue on Space (see
overview.py). pyLODE documents the ontology in a child process that runs while the rest is drawn
(or the previous build's page is kept, when the ontology and pyLODE are the same).
Heavy libraries are imported only when the stage runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import networkx as nx

VIEW_FILES = ("graph.html", "stats.json", "attendance.png", "timeline.png", "ontology.html", "index.html")
GRAPH_TITLE = "U.S.–Japan space cooperation: the knowledge graph"
HOW_TO_SEE_MORE = "draw any part with spacekg viz --focus NODE --depth N, or --meeting ID"


@dataclass
class Overview:
    """The network drawn in graph.html, and what it leaves out."""

    network: nx.MultiDiGraph
    total: int  # nodes in the whole graph
    choice: str = ""  # which nodes are drawn when not all: "nearest to the …"

    @property
    def whole(self) -> bool:
        return self.network.number_of_nodes() >= self.total

    @property
    def note(self) -> str:
        """For the page's header."""
        return "" if self.whole else f"overview of {self.total:,} nodes (see below the legend)"

    @property
    def left_out(self) -> str:
        """For the page's legend: what is drawn and what not, and how to see the rest."""
        if self.whole:
            return ""
        return (f"Drawn: the {self.network.number_of_nodes():,} nodes {self.choice}. "
                f"{self.total - self.network.number_of_nodes():,} more nodes are not drawn; {HOW_TO_SEE_MORE}.")


def overview(source, limit: int | None = None) -> Overview:
    """The whole graph if it has at most ``limit`` nodes, else the nodes nearest to the series."""
    from ..namespaces import COMPREHENSIVE_DIALOGUE
    from .network import all_nodes, build_network, english_values
    from .overview import OVERVIEW_LIMIT, nearest, series_meetings, size

    limit = OVERVIEW_LIMIT if limit is None else limit
    total = size(source).nodes
    if total <= limit:
        network = build_network(source)
        return Overview(network, network.number_of_nodes())
    series = str(COMPREHENSIVE_DIALOGUE)
    if not series_meetings(source):  # not this project's corpus
        return Overview(build_network(source, nodes=all_nodes(source)[:limit]), total, "first in order of id")
    label = english_values(source, [series]).get(series, "Comprehensive Dialogue on Space")
    return Overview(build_network(source, nodes=nearest(source, series, limit)), total, f"nearest to the {label}")


def summary_line(source, drawn: Overview) -> str:
    from .overview import size

    counts = size(source)
    facts = f" and {drawn.network.number_of_edges()} facts between them" if drawn.whole else ""
    return (f"{counts.documents} source documents, {counts.statements} statements traced to their exact words, "
            f"{counts.entities} entities{facts}.")


def write_views(result, layout, folder: Path, say: Callable[[str], None]) -> None:
    """Build stage: write every view into the staging folder."""
    from ..ingest import ONTOLOGY_GRAPH
    from ..namespaces import COMPREHENSIVE_DIALOGUE
    from .html import write_graph
    from .index import render_index
    from .network import build_network, short_id
    from .ontology_docs import OntologyDocs
    from .overview import series_nodes
    from .pictures import attendance_picture, timeline_picture
    from .source import open_source
    from .stats import compute, write_stats

    say("writing the interactive graph, statistics, pictures, ontology documentation and index page")
    docs = OntologyDocs(result.dataset.graph(ONTOLOGY_GRAPH), previous=layout.output / "ontology.html")
    try:
        source = open_source(result.dataset)
        drawn = overview(source)
        write_graph(drawn.network, folder / "graph.html", GRAPH_TITLE, note=drawn.note, index_link="index.html",
                    left_out=drawn.left_out)
        series = short_id(COMPREHENSIVE_DIALOGUE)
        network = drawn.network if drawn.whole else build_network(source, nodes=series_nodes(source))
        stats = compute(network, series)
        write_stats(stats, folder / "stats.json")
        attendance_picture(network, series, folder / "attendance.png")
        timeline_picture(network, series, folder / "timeline.png")
        index = render_index(layout, folder, source if drawn.whole else None, stats, summary_line(source, drawn), drawn)
        (folder / "index.html").write_text(index, encoding="utf-8")
        docs.write(folder / "ontology.html")
    finally:
        docs.close()
    result.files += [folder / name for name in VIEW_FILES]

"""Which nodes the views read when the graph is too large to draw whole (:func:`overview_of`).

A graph of at most OVERVIEW_LIMIT nodes (entities and source documents) is drawn whole: the page
opens around its latest meeting anyway, so the limit is about what the page can carry and lay out
quickly, not about what a reader can take in at once. A larger one is drawn around the series the
project is about, the Comprehensive Dialogue on Space: the
series, then the nodes one link away from it (its meetings), then two links away, and so on,
nearest first; within one distance, the nodes with the most links to the nearer ones come first,
ties in order of id; at most OVERVIEW_LIMIT nodes. The statistics and pictures read the series'
meetings, their parts and what those link to (:func:`series_nodes`), whatever the graph's size.

Each step is a SPARQL query about a bounded set of nodes, so the work does not grow with the graph.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import networkx as nx
from rdflib import URIRef

from ..namespaces import COMPREHENSIVE_DIALOGUE
from .network import all_nodes, build_network, english_values
from .source import Source, is_member

# networkx lays out fewer than 500 nodes with its dense solver (1–3 s for the 307 nodes of the corpus);
# from 500 on its sparse one takes 10 s or more (benchmarks/views.py page 307 600 1000).
OVERVIEW_LIMIT = 450
HOW_TO_SEE_MORE = "draw any part with spacekg viz --focus NODE --depth N, or --meeting ID"

# Links that are not drawn (see network.NOT_EDGES) or that lead to provenance nodes.
_NOT_LINKS = "rdf:type, skos:inScheme, skg:eventStatus, rdf:subject, rdf:object"
NEIGHBOURS = f"""SELECT DISTINCT ?node ?other WHERE {{
  {{values}}
  {{ ?node ?link ?other }} UNION {{ ?other ?link ?node }}
  FILTER(isIRI(?other) && ?link NOT IN ({_NOT_LINKS}))
}}"""


@dataclass(frozen=True)
class Size:
    """How many nodes the graph has: entities (declared in graph:registry) and source documents."""

    entities: int
    documents: int

    @property
    def nodes(self) -> int:
        return self.entities + self.documents


def size(source: Source) -> Size:
    return source.memo("size", _size)


def _size(source: Source) -> Size:
    return Size(
        entities=source.count("SELECT (COUNT(DISTINCT ?node) AS ?n) WHERE { GRAPH graph:registry { ?node a ?class } }"),
        documents=source.count("SELECT (COUNT(DISTINCT ?node) AS ?n) WHERE { "
                               "?node a ?class . ?class rdfs:subClassOf* skg:SourceDocument }"),
    )


def neighbours(source: Source, nodes: list[str]) -> Counter:
    """The entities and documents linked to any of ``nodes`` (either direction), with how many of
    ``nodes`` each is linked to."""
    links: Counter = Counter()
    for _, other in source.about(NEIGHBOURS, nodes):
        if is_member(other.value):
            links[other.value] += 1
    return links


def nearest(source: Source, centre: str, limit: int = OVERVIEW_LIMIT) -> list[str]:
    """Up to ``limit`` nodes nearest to ``centre`` (see the module docstring), sorted."""
    chosen = {centre}
    ring = [centre]
    while ring and len(chosen) < limit:
        links = neighbours(source, ring)
        ranked = sorted((n for n in links if n not in chosen), key=lambda n: (-links[n], n))
        ring = ranked[:limit - len(chosen)]
        chosen.update(ring)
    return sorted(chosen)


def series_meetings(source: Source, series: URIRef = COMPREHENSIVE_DIALOGUE) -> list[str]:
    rows = source.select(f"SELECT ?meeting WHERE {{ ?meeting skg:inSeries <{series}> }}")
    return sorted({row[0].value for row in rows})


def series_nodes(source: Source, series: URIRef = COMPREHENSIVE_DIALOGUE) -> list[str]:
    """The series, its meetings, their parts, and every node those link to: what the statistics
    and pictures of the series need."""
    meetings = series_meetings(source, series)
    rows = source.about("SELECT DISTINCT ?part WHERE { {values} { ?part skg:partOf ?node } UNION "
                        "{ ?node skg:hasPart ?part } }", meetings)
    events = sorted(set(meetings) | {row[0].value for row in rows})
    linked = source.about("SELECT DISTINCT ?other WHERE { {values} ?node ?link ?other FILTER(isIRI(?other)) }", events)
    return sorted({str(series), *events} | {row[0].value for row in linked if is_member(row[0].value)})


@dataclass
class Overview:
    """The network drawn in graph.html, and what it leaves out."""

    network: nx.MultiDiGraph
    total: int  # nodes in the whole graph
    choice: str = ""  # which nodes are drawn when not all: "nearest to the …"

    @property
    def whole(self) -> bool:
        return not self.choice

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


def overview_of(source: Source, limit: int | None = None) -> Overview:
    """The whole graph if it has at most ``limit`` nodes (default OVERVIEW_LIMIT), else the nodes
    nearest to the series."""
    limit = OVERVIEW_LIMIT if limit is None else limit
    total = size(source).nodes
    if total <= limit:
        network = build_network(source)
        return Overview(network, network.number_of_nodes())
    series = str(COMPREHENSIVE_DIALOGUE)
    if not series_meetings(source):  # not this project's corpus
        return _part_of(source, build_network(source, nodes=all_nodes(source)[:limit]), "first in order of id")
    label = english_values(source, [series]).get(series, "Comprehensive Dialogue on Space")
    return _part_of(source, build_network(source, nodes=nearest(source, series, limit)), f"nearest to the {label}")


def _part_of(source: Source, network: nx.MultiDiGraph, choice: str) -> Overview:
    """The overview of ``network``, part of the graph of ``source``; the network carries the graph's
    own counts (``network.graph["drawn_from"]``) for the page's header."""
    counted = size(source)
    network.graph["drawn_from"] = {"entities": counted.entities, "documents": counted.documents}
    return Overview(network, counted.nodes, choice)

"""The SPARQL 1.1 Service Description of an endpoint (answered to ``GET /sparql`` without a query).

It says where the endpoint is, that it answers SPARQL 1.1 queries (not updates), in which formats,
and what its default dataset is: the default graph is the union of the named graphs, listed one by
one. ``/sparql`` holds the asserted graphs only; ``/sparql/inferred`` adds graph:inferred, the
entailments of the build's OWL reasoner (what `spacekg query --inferred` reads). Blank nodes have
fixed labels and the graphs are sorted, so one build always gets the same description.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDF, RDFS

from ..ingest import INFERRED_GRAPH
from ..namespaces import ENTAILMENT, FORMATS, SD
from .formats import GRAPHS, RESULTS

PREFIXES = {"sd": str(SD), "formats": str(FORMATS), "ent": str(ENTAILMENT), "dcterms": str(DCTERMS),
            "rdfs": str(RDFS), "rdf": str(RDF)}
INFERRED_PATH = "/inferred"  # the inferred view's endpoint: the asserted one's URL and this

_ASSERTED = (
    "The asserted facts of the spacekg knowledge graph of U.S.-Japan space cooperation, each "
    "traceable to its source. The default graph is the union of the named graphs listed in the "
    "default dataset: the ontology, the entity registry and one graph per source document. "
    "graph:inferred, the entailments of the OWL reasoner, is not part of it: {inferred} answers "
    "over the same graphs and graph:inferred.")
_INFERRED = (
    "The spacekg knowledge graph with its entailments: the asserted named graphs and "
    "graph:inferred, the triples the build's OWL reasoner derived from them. The default graph is the union of all of them. {asserted} answers "
    "over the asserted graphs alone.")
_DEFAULT_GRAPH = "The union of the named graphs of this dataset."


def describe(endpoint: str, store: ox.Store, inferred: bool) -> list[ox.Triple]:
    """The description of the endpoint at URL ``endpoint`` answering from ``store``."""
    asserted_url = endpoint[: -len(INFERRED_PATH)] if inferred else endpoint
    inferred_url = asserted_url + INFERRED_PATH
    service, dataset, default = ox.BlankNode("service"), ox.BlankNode("dataset"), ox.BlankNode("default-graph")
    graphs = sorted(store.named_graphs(), key=lambda graph: graph.value)
    if not inferred:
        graphs = [graph for graph in graphs if graph.value != str(INFERRED_GRAPH)]
    named = [ox.BlankNode(f"named-graph-{number}") for number in range(1, len(graphs) + 1)]
    description = (_INFERRED if inferred else _ASSERTED).format(asserted=f"<{asserted_url}>", inferred=f"<{inferred_url}>")
    triples = [  # grouped by subject, so that Turtle writes each node once
        (service, RDF.type, SD.Service),
        (service, SD.endpoint, ox.NamedNode(endpoint)),
        (service, SD.supportedLanguage, SD.SPARQL11Query),
        *((service, SD.resultFormat, fmt.iri) for fmt in RESULTS.formats + GRAPHS.formats),
        (service, SD.feature, SD.UnionDefaultGraph),
        (service, SD.defaultEntailmentRegime, ENTAILMENT.Simple),
        (service, DCTERMS.description, ox.Literal(description, language="en")),
        (service, RDFS.seeAlso, ox.NamedNode(asserted_url if inferred else inferred_url)),
        (service, SD.defaultDataset, dataset),
        (dataset, RDF.type, SD.Dataset),
        (dataset, SD.defaultGraph, default),
        *((dataset, SD.namedGraph, node) for node in named),
        (default, RDF.type, SD.Graph),
        (default, DCTERMS.description, ox.Literal(_DEFAULT_GRAPH, language="en")),
    ]
    for node, graph in zip(named, graphs):
        triples += [(node, RDF.type, SD.NamedGraph), (node, SD.name, graph)]
    return [ox.Triple(*(_term(part) for part in triple)) for triple in triples]


def _term(value):
    return value if isinstance(value, (ox.NamedNode, ox.BlankNode, ox.Literal)) else ox.NamedNode(str(value))

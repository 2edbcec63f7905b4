"""The description of an IRI in RDF (Turtle, N-Triples, JSON-LD), as content negotiation serves it.

The description of a node: every triple about it, every triple pointing at it (but the claims and
quotes that rest on a document: its named graph holds those), the claims (statement nodes) about
it and the parts it names with a fragment of its own IRI (a quote's selectors). The description of a named graph (graph:…) or of the ontology is the graph itself.
Triples are sorted, and blank nodes (the ontology's) named canonically, so that the same graph
always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from ..ingest import ONTOLOGY_GRAPH
from ..namespaces import BASE, ONTOLOGY_IRI, PREFIXES
from ..views.source import Source

FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
_PREFIXES = {name: str(namespace) for name, namespace in PREFIXES.items()}


def graph_name(iri: str) -> str | None:
    """The named graph an IRI stands for: itself for graph:…, graph:ontology for the ontology."""
    if iri == str(ONTOLOGY_IRI):
        return str(ONTOLOGY_GRAPH)
    if iri.startswith(BASE + "graph/"):
        return iri
    return None


def exists(source: Source, iri: str) -> bool:
    """Whether the graph uses the IRI (as subject, property, value or graph name)."""
    node = ox.NamedNode(iri)
    if graph_name(iri) is not None:
        return source.store.contains_named_graph(ox.NamedNode(graph_name(iri)))
    return any(True for _ in source.store.quads_for_pattern(node, None, None)) or \
        any(True for _ in source.store.quads_for_pattern(None, None, node)) or \
        any(True for _ in source.store.quads_for_pattern(None, node, None))


# The description of the nodes of a VALUES block, as (node, subject, predicate, object) rows.
_DESCRIPTIONS = """SELECT ?node ?s ?p ?o WHERE {
    { {values} ?node ?p ?o BIND(?node AS ?s) }
    UNION { {values} ?s ?p ?node FILTER(?p NOT IN (prov:wasDerivedFrom, oa:hasSource)) BIND(?node AS ?o) }
    UNION { {values} ?s rdf:subject ?node ; ?p ?o }
    UNION { {values} ?node ?has ?s . ?s ?p ?o FILTER(STRSTARTS(STR(?s), CONCAT(STR(?node), "#"))) }
}"""


def description(source: Source, iri: str) -> list[ox.Triple]:
    """The triples that describe the IRI (see the module docstring), sorted."""
    return descriptions(source, [iri])[iri]


def descriptions(source: Source, iris: Iterable[str]) -> dict[str, list[ox.Triple]]:
    """The descriptions of many IRIs, by IRI: the nodes' in a few queries for all of them, each
    named graph's in a query of its own."""
    found: dict[str, set[ox.Triple]] = {iri: set() for iri in iris}
    for node, subject, predicate, value in source.about(_DESCRIPTIONS, [i for i in found if graph_name(i) is None]):
        found[node.value].add(ox.Triple(subject, predicate, value))
    for iri, triples in found.items():
        if graph_name(iri) is not None:
            query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_name(iri)}> {{ ?s ?p ?o }} }}"
            triples.update(source.store.query(query, prefixes=_PREFIXES, use_default_graph_as_union=True))
    return {iri: _sorted(triples) for iri, triples in found.items()}


def _sorted(triples: set[ox.Triple]) -> list[ox.Triple]:
    """The triples in a fixed order, blank nodes named canonically."""
    if any(isinstance(term, ox.BlankNode) for triple in triples for term in (triple.subject, triple.object)):
        triples = _canonical(triples)
    return sorted(triples, key=str)


def _canonical(triples: set[ox.Triple]) -> set[ox.Triple]:
    """The triples with blank nodes named canonically (the store names them anew on each load)."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)  # W3C RDF Dataset Canonicalization
    return {quad.triple for quad in dataset}


def serialize(triples: list[ox.Triple], extension: str) -> bytes:
    """The triples in the format of a data file's extension (``ttl``, ``nt``, ``jsonld``)."""
    prefixes = _PREFIXES if extension != "nt" else None
    return ox.serialize(triples, format=FORMATS[extension], prefixes=prefixes)

"""The description of an IRI in RDF (Turtle, N-Triples, JSON-LD), as content negotiation serves it.

The description of a node: every triple about it, every triple pointing at it (but the claims and
quotes that rest on a document: its named graph holds those), the claims (statement nodes) about
it and the parts it names with a fragment of its own IRI (a quote's selectors). The description of a named graph (graph:…) or of the ontology is the graph itself.
Triples are sorted, and blank nodes (the ontology's) named canonically, so that the same graph
always gives the same bytes.
"""

from __future__ import annotations

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


def description(source: Source, iri: str) -> list[ox.Triple]:
    """The triples that describe the IRI (see the module docstring), sorted."""
    graph = graph_name(iri)
    if graph is not None:
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    else:
        query = f"""CONSTRUCT {{ <{iri}> ?p ?o . ?s ?q <{iri}> . ?claim ?cp ?co . ?part ?pp ?po }} WHERE {{
            {{ <{iri}> ?p ?o }}
            UNION {{ ?s ?q <{iri}> FILTER(?q NOT IN (prov:wasDerivedFrom, oa:hasSource)) }}
            UNION {{ ?claim rdf:subject <{iri}> ; ?cp ?co }}
            UNION {{ <{iri}> ?has ?part . ?part ?pp ?po FILTER(STRSTARTS(STR(?part), "{iri}#")) }}
        }}"""
    triples = set(source.store.query(query, prefixes=_PREFIXES, use_default_graph_as_union=True))
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

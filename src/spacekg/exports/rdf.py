"""The RDF exports: Turtle (ontology and data), TriG (named graphs), N-Triples and JSON-LD.

Turtle and N-Triples are written by rdflib, TriG and JSON-LD by pyoxigraph; the output is made
byte-identical from run to run by feeding the serializers statements in a fixed order and sorting
the N-Triples lines.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from ..namespaces import PREFIXES, make_graph

FILES = ("spacekg.ttl", "spacekg.trig", "spacekg.nt", "spacekg.jsonld")


def union_graph(dataset: Dataset) -> Graph:
    """All named graphs merged into one graph, triples inserted in sorted order."""
    graph = make_graph()
    triples = {(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))}
    for triple in sorted(triples, key=lambda t: tuple(term.n3() for term in t)):
        graph.add(triple)
    return graph


def write_rdf(dataset: Dataset, folder: Path) -> list[Path]:
    """Write the four RDF files into ``folder``; returns their paths."""
    graph = union_graph(dataset)
    paths = [folder / name for name in FILES]
    graph.serialize(paths[0], format="turtle", encoding="utf-8")
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    quads = sorted_quads(dataset)
    ox.serialize(quads, str(paths[1]), ox.RdfFormat.TRIG, prefixes=prefixes)
    lines = sorted(set(graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()))
    paths[2].write_text("\n".join(line for line in lines if line) + "\n", encoding="utf-8")
    ox.serialize(quads, str(paths[3]), ox.RdfFormat.JSON_LD, prefixes=prefixes)
    return paths


def sorted_quads(dataset: Dataset) -> list[ox.Quad]:
    """Every statement of every named graph as pyoxigraph quads, in a fixed order."""
    quads = sorted(dataset.quads((None, None, None, None)),
                   key=lambda q: (str(q[3].identifier if isinstance(q[3], Graph) else q[3]),
                                  q[0].n3(), q[1].n3(), q[2].n3()))
    return [ox.Quad(_term(s), _term(p), _term(o),
                    _term(g.identifier if isinstance(g, Graph) else g)) for s, p, o, g in quads]


def _term(term):
    """An rdflib term as the equal pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")

"""The ontology as RDF/XML (spacekg.owl): the file OWL tools (Protégé, owlready2, the OWL API)
load as it is, and the one the build's HermiT reasoner reads.

Written by pyoxigraph from the ontology's triples in a fixed order — the ontology header first,
then each named term with its type first, then the blank nodes of class expressions and lists,
labelled b1, b2 … in the order they are first mentioned — so that the same ontology gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF

from ..oxigraph import to_oxigraph
from .prefixes import EXPORT_PREFIXES

OWL_FILE = "spacekg.owl"


def write_owl(ontology: Graph, folder: Path) -> Path:
    """Write ``ontology`` (the graph of ontology/spacekg.ttl) to ``folder``/spacekg.owl; returns the path."""
    headers = set(ontology.subjects(RDF.type, OWL.Ontology))

    def order(triple):
        s, p, o = triple
        return (s not in headers, str(s), p != RDF.type, str(p), str(o))

    named = sorted((t for t in ontology if not isinstance(t[0], BNode)), key=order)
    labels: dict[BNode, ox.BlankNode] = {}
    described: list = []  # the triples of blank nodes, each node's after its first mention

    def term(node):
        if not isinstance(node, BNode):
            return to_oxigraph(node)
        if node not in labels:
            labels[node] = ox.BlankNode(f"b{len(labels) + 1}")
            for triple in sorted(ontology.triples((node, None, None)), key=order):
                described.append(ox.Triple(labels[node], term(triple[1]), term(triple[2])))
        return labels[node]

    triples = [ox.Triple(term(s), term(p), term(o)) for s, p, o in named]
    objects = set(ontology.objects())
    for root in sorted({s for s in ontology.subjects() if isinstance(s, BNode) and s not in objects}, key=str):
        term(root)  # axioms on blank nodes of their own, such as owl:AllDisjointClasses
    triples += _grouped(described)
    used = {str(t) for triple in ontology for t in triple if isinstance(t, URIRef)}
    prefixes = {prefix: namespace for prefix, namespace in EXPORT_PREFIXES.items()
                if any(iri.startswith(namespace) for iri in used)}
    path = folder / OWL_FILE
    ox.serialize(triples, str(path), ox.RdfFormat.RDF_XML, prefixes=prefixes)
    return path


def _grouped(triples: list[ox.Triple]) -> list[ox.Triple]:
    """The triples with those of each blank node together, nodes in the order of their labels."""
    number = {}
    for triple in triples:
        number.setdefault(triple.subject, int(triple.subject.value[1:]))
    return sorted(triples, key=lambda triple: number[triple.subject])

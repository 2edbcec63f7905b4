"""The RDF exports: Turtle (ontology and data), TriG (named graphs), N-Triples and JSON-LD.

Serialization is rdflib's; the output is made byte-identical from run to run by feeding the
serializers triples in a fixed order and sorting the N-Triples lines.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph

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
    _sorted_dataset(dataset).serialize(paths[1], format="trig", encoding="utf-8")
    lines = sorted(set(graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()))
    paths[2].write_text("\n".join(line for line in lines if line) + "\n", encoding="utf-8")
    context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    graph.serialize(paths[3], format="json-ld", context=context, auto_compact=True, encoding="utf-8")
    return paths


def _sorted_dataset(dataset: Dataset) -> Dataset:
    """A copy of the dataset whose graphs and triples were added in sorted order."""
    ordered = Dataset()
    for prefix, namespace in dataset.namespaces():
        ordered.bind(prefix, namespace, override=True, replace=True)
    for context in sorted(dataset.graphs(), key=lambda g: str(g.identifier)):
        target = ordered.graph(context.identifier)
        for triple in sorted(context, key=lambda t: tuple(term.n3() for term in t)):
            target.add(triple)
    return ordered

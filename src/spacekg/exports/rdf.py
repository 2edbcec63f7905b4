"""The RDF exports: Turtle (ontology and data), TriG (named graphs), N-Triples and JSON-LD.

TriG, N-Triples and JSON-LD are written by pyoxigraph, Turtle by rdflib (its nested blank nodes
read better) unless the graph is large, where pyoxigraph writes it too: rdflib's Turtle writer
takes minutes on a million triples. Outputs are byte-identical from run to run: the serializers
get the statements in a fixed (sorted) order and the N-Triples lines are sorted.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.namespace import XSD

from ..ingest import INFERRED_GRAPH
from ..namespaces import PREFIXES, make_graph
from ..oxigraph import ExactOxigraphStore, to_oxigraph

FILES = ("spacekg.ttl", "spacekg.trig", "spacekg.nt", "spacekg.jsonld")
# Above this many triples, Turtle is written by pyoxigraph rather than rdflib.
LARGE = 20_000
_INFERRED = to_oxigraph(INFERRED_GRAPH)


def union_graph(dataset: Dataset, inferred: bool = False) -> Graph:
    """The named graphs merged into one rdflib graph, triples inserted in sorted order.

    The reasoner's graph (``graph:inferred``) is left out unless ``inferred`` is true: the Turtle
    and N-Triples exports hold what the sources assert, the TriG export holds every named graph.
    """
    return _as_graph(sorted_triples(dataset, inferred))


def _as_graph(triples) -> Graph:
    """pyoxigraph triples as an rdflib graph with the project's prefixes, in the given order."""
    graph = make_graph()
    for s, p, o in triples:
        graph.add((_rdflib(s), _rdflib(p), _rdflib(o)))
    return graph


def write_rdf(dataset: Dataset, folder: Path) -> list[Path]:
    """Write the four RDF files into ``folder``; returns their paths."""
    paths = [folder / name for name in FILES]
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    keyed = _keyed_quads(dataset)
    quads = [quad for _, quad in keyed]
    asserted = _keyed_triples(keyed)
    triples = [triple for _, triple in asserted]
    if len(triples) > LARGE:
        ox.serialize(triples, str(paths[0]), ox.RdfFormat.TURTLE, prefixes=prefixes)
    else:
        _as_graph(triples).serialize(paths[0], format="turtle", encoding="utf-8")
    ox.serialize(quads, str(paths[1]), ox.RdfFormat.TRIG, prefixes=prefixes)
    paths[2].write_bytes(_ntriples([key for key, _ in asserted]))
    ox.serialize(quads, str(paths[3]), ox.RdfFormat.JSON_LD, prefixes=prefixes)
    return paths


def _ntriples(lines: list[str]) -> bytes:
    """N-Triples from sorted triple texts; strings keep their ``^^xsd:string``, as rdflib writes them."""
    typed = f"^^<{XSD.string}>"
    return "".join(f"{line}{typed} .\n" if line.endswith('"') else f"{line} .\n" for line in lines).encode()


def sorted_quads(dataset: Dataset) -> list[ox.Quad]:
    """Every statement of every named graph as pyoxigraph quads, in a fixed order."""
    return [quad for _, quad in _keyed_quads(dataset)]


def sorted_triples(dataset: Dataset, inferred: bool = False) -> list[ox.Triple]:
    """The distinct triples of the named graphs (without graph:inferred unless asked), sorted."""
    return [triple for _, triple in _keyed_triples(_keyed_quads(dataset), inferred)]


def count_triples(dataset: Dataset, inferred: bool = False) -> int:
    """How many distinct triples the named graphs hold (without graph:inferred unless asked)."""
    inferred_name = _INFERRED
    return len({q.triple for q in _quads(dataset) if inferred or q.graph_name != inferred_name})


def _keyed_quads(dataset: Dataset) -> list[tuple[tuple[str, str], ox.Quad]]:
    """The distinct quads, each with its sort key (graph name, triple as N-Triples text), sorted."""
    distinct = {(str(q.graph_name), str(q.triple)): q for q in _quads(dataset)}
    return sorted(distinct.items(), key=_first)


def _keyed_triples(keyed_quads, inferred: bool = False) -> list[tuple[str, ox.Triple]]:
    inferred_name = str(_INFERRED)
    distinct = {key[1]: quad.triple for key, quad in keyed_quads if inferred or key[0] != inferred_name}
    return sorted(distinct.items(), key=_first)


def _first(item):
    return item[0]


def _quads(dataset: Dataset):
    store = dataset.store
    if isinstance(store, ExactOxigraphStore):
        return store.exact_quads()
    return (ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), to_oxigraph(_name(g)))
            for s, p, o, g in dataset.quads((None, None, None, None)))


def _rdflib(term):
    from oxrdflib._converter import from_ox

    return from_ox(term)


def _name(graph) -> object:
    """The name of a quad's graph, whether rdflib gives the graph or its identifier."""
    return graph.identifier if isinstance(graph, Graph) else graph

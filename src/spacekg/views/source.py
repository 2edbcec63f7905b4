"""What the views read: the asserted graphs in an Oxigraph store, asked in SPARQL.

The views never copy a large dataset. The build's dataset and the built store are already
Oxigraph stores, asked natively through pyoxigraph with the default graph as the union of the
named graphs. Only when the reasoner's graph:inferred is present (a dataset opened with the
inferred graph: small graphs only) are the other graphs copied into an in-memory store; any other rdflib graph or
dataset (tests, the in-memory store) is copied the same way.

On a store on disk, every IRI or literal an answer carries costs a lookup, so the views ask for
bounded sets of nodes (:meth:`Source.about` with a VALUES block) rather than reading the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from ..ingest import INFERRED_GRAPH
from ..namespaces import DOC, KG, PREFIXES
from ..oxigraph import to_oxigraph

BATCH = 2000  # nodes per VALUES block
_PREFIXES = {name: str(namespace) for name, namespace in PREFIXES.items()}
_MEMBERS = (str(KG), str(DOC))


class Source:
    """An Oxigraph store of the asserted graphs (default graph: their union)."""

    def __init__(self, store: ox.Store):
        self.store = store
        self._memo: dict[str, object] = {}

    def memo(self, name: str, compute: Callable[[Source], object]):
        """``compute(self)``, computed once per source (for answers about the whole graph)."""
        if name not in self._memo:
            self._memo[name] = compute(self)
        return self._memo[name]

    def select(self, text: str) -> list[tuple]:
        """The solutions of a SELECT query as tuples of pyoxigraph terms (None when unbound)."""
        return list(self.solutions(text))

    def solutions(self, text: str) -> Iterator[tuple]:
        """The solutions of :meth:`select` one at a time, as the store answers them."""
        solutions = self.store.query(text, prefixes=_PREFIXES, use_default_graph_as_union=True)
        width = len(solutions.variables)
        return (tuple(row[i] for i in range(width)) for row in solutions)

    def count(self, text: str) -> int:
        """The single number a ``SELECT (COUNT(…) AS ?n)`` query answers."""
        rows = self.select(text)
        return int(rows[0][0].value) if rows and rows[0][0] is not None else 0

    def about(self, template: str, nodes: Iterable[str], variable: str = "node") -> Iterator[tuple]:
        """Run a query whose ``{values}`` is replaced by ``VALUES ?variable { … }`` over the given
        IRIs, in batches; yields the solutions of every batch."""
        nodes = sorted(set(nodes))
        for start in range(0, len(nodes), BATCH):
            block = " ".join(str(ox.NamedNode(n)) for n in nodes[start:start + BATCH])
            yield from self.select(template.replace("{values}", f"VALUES ?{variable} {{ {block} }}"))


def is_member(iri: str) -> bool:
    """Whether an IRI can be a node of the views: an entity (kg:) or a source document (doc:)."""
    return iri.startswith(_MEMBERS)


def open_source(data) -> Source:
    """The asserted graphs of an rdflib dataset or graph, or a Source as it is."""
    if isinstance(data, Source):
        return data
    store = getattr(data, "store", None)
    if isinstance(data, Dataset) and isinstance(store, OxigraphStore):
        inner: ox.Store = store._inner
        inferred = ox.NamedNode(INFERRED_GRAPH)
        if not inner.contains_named_graph(inferred):
            return Source(inner)
        copy = ox.Store()
        for graph in inner.named_graphs():
            if graph != inferred:
                copy.bulk_extend(inner.quads_for_pattern(None, None, None, graph))
        return Source(copy)
    copy = ox.Store()
    copy.bulk_extend(_quads(data))
    return Source(copy)


def _quads(data: Dataset | Graph) -> Iterator[ox.Quad]:
    if isinstance(data, Dataset):
        for s, p, o, context in data.quads((None, None, None, None)):
            name = getattr(context, "identifier", context)
            if name != INFERRED_GRAPH:
                graph = ox.DefaultGraph() if name in (None, DATASET_DEFAULT_GRAPH_ID) else to_oxigraph(name)
                yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph)
    else:
        for s, p, o in data:
            yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))

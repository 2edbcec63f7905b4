"""What the views read: the asserted graphs in an Oxigraph store, asked in SPARQL.

The views never copy a large dataset. The build's dataset and the built store are already
Oxigraph stores, asked natively through pyoxigraph with the default graph as the union of the
named graphs. Only when the reasoner's graph:inferred is present (a dataset opened with the
inferred graph: small graphs only) are the other graphs copied into an in-memory store; any other rdflib graph or
dataset (tests, the in-memory store) is copied the same way.

On a store on disk, every IRI or literal an answer carries costs a lookup, so the views ask for
bounded sets of nodes (:meth:`Source.about` with a VALUES block) rather than reading the graph.

A ``COUNT(DISTINCT ?v)`` over millions of rows holds a hash table of every value in Oxigraph
(1.1 GB for the 8.45 million claims at 10,000 times the corpus). Above :data:`DISTINCT_ROWS` rows,
:meth:`Source.count` answers the same query from the values themselves instead: Oxigraph writes
them to a scratch file, and each is kept as a 16-byte digest (see digests.py), sorted and counted.
"""

from __future__ import annotations

import heapq
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

import numpy as np
import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from ..digests import DTYPE, digest, find_one
from ..ingest import INFERRED_GRAPH
from ..namespaces import DOC, KG, PREFIXES
from ..oxigraph import to_oxigraph
from ..parallel import give_back_memory

BATCH = 2000  # nodes per VALUES block
_PREFIXES = {name: str(namespace) for name, namespace in PREFIXES.items()}
_MEMBERS = (str(KG), str(DOC))
# Above this many rows, a count of distinct values is made from their digests (16 bytes a row,
# against about 130 in Oxigraph's hash table); tests set it lower to compare both ways.
DISTINCT_ROWS = 1_000_000
_DISTINCT_COUNT = re.compile(r"\s*SELECT \(COUNT\(DISTINCT (\?\w+)\) AS \?n\) WHERE (\{.*\})\s*", re.S)


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
        """The single number a ``SELECT (COUNT(…) AS ?n)`` query answers (a count of distinct
        values over many rows made from their digests: see the module's docstring)."""
        distinct = _DISTINCT_COUNT.fullmatch(text)
        if distinct is not None:
            variable, where = distinct.groups()
            rows = f"SELECT {variable} WHERE {where}"
            if self._number(f"SELECT (COUNT(*) AS ?n) WHERE {{ {rows} LIMIT {DISTINCT_ROWS + 1} }}") > DISTINCT_ROWS:
                return self._distinct(rows)
        return self._number(text)

    def _number(self, text: str) -> int:
        rows = self.select(text)
        return int(rows[0][0].value) if rows and rows[0][0] is not None else 0

    def _distinct(self, text: str) -> int:
        """How many distinct values the one variable of a SELECT query takes (unbound ones left
        out), counted from their digests."""
        with self._values(text) as values:
            found = _digests(line for line in values if line != b"\n")
        return int(np.count_nonzero(_starts(found)))

    def most_frequent(self, text: str, count: int, namespace: str) -> list[str]:
        """The ``count`` IRIs of ``namespace`` that the one variable of a SELECT query takes in
        the most rows, most first (ties by IRI). Oxigraph's GROUP BY would hold a table of every
        value (1.7 GB for the 2.57 million nodes that claims name at 10,000 times the corpus):
        the values are counted from their digests instead, then read again for the chosen ones."""
        start = f"<{namespace}".encode()
        with self._values(text) as values:
            found = _digests(line for line in values if line.startswith(start))
            if not found.size or count <= 0:
                return []
            distinct, rows = _frequencies(found)
            del found
            least = np.sort(rows)[::-1][min(count, rows.size) - 1]  # the rows of the count-th most frequent
            above = dict(zip(distinct[rows > least].tolist(), rows[rows > least].tolist()))
            tied = distinct[rows == least]
            del distinct, rows
            chosen = {}  # IRI → rows, of those above the tie
            tied_first = Smallest(count)  # the smallest IRIs of the tie
            values.seek(0)
            values.readline()
            for line in values:
                if not line.startswith(start):
                    continue
                iri = line.rstrip(b"\n")[1:-1].decode("utf-8")
                key = digest(line).rstrip(b"\0")  # as NumPy gives the digests back
                if key in above:
                    chosen[iri] = above[key]
                elif tied_first.would_keep(iri) and find_one(tied, key) is not None:
                    tied_first.offer(iri)
        chosen.update((iri, int(least)) for iri in tied_first.sorted())
        return sorted(chosen, key=lambda iri: (-chosen[iri], iri))[:count]

    @contextmanager
    def _values(self, text: str) -> Iterator[IO[bytes]]:
        """A scratch file of the answers of a SELECT of one variable, one value a line in SPARQL's
        TSV form (after its header line), written by Oxigraph. Oxigraph's working memory for
        millions of rows, once freed, stays in the process's heap (290 MB for the statements'
        count at 10,000 times the corpus): it goes back to the system when the file is closed."""
        try:
            with tempfile.TemporaryFile(prefix="spacekg-values-") as values:
                self.store.query(text, prefixes=_PREFIXES, use_default_graph_as_union=True).serialize(
                    values, ox.QueryResultsFormat.TSV)
                values.seek(0)
                values.readline()
                yield values
        finally:
            give_back_memory()

    def about(self, template: str, nodes: Iterable[str], variable: str = "node") -> Iterator[tuple]:
        """Run a query whose ``{values}`` is replaced by ``VALUES ?variable { … }`` over the given
        IRIs, in batches; yields the solutions of every batch."""
        nodes = sorted(set(nodes))
        for start in range(0, len(nodes), BATCH):
            block = " ".join(str(ox.NamedNode(n)) for n in nodes[start:start + BATCH])
            yield from self.select(template.replace("{values}", f"VALUES ?{variable} {{ {block} }}"))


def _digests(lines: Iterable[bytes]) -> np.ndarray:
    """The digests of ``lines``, as an array over one buffer (16 bytes a line)."""
    digests = bytearray()
    for line in lines:
        digests += digest(line)
    return np.frombuffer(digests, dtype=DTYPE)


def _starts(digests: np.ndarray) -> np.ndarray:
    """``digests`` sorted in place, and where each distinct one starts (a byte a digest)."""
    digests.sort()
    return np.concatenate((digests[:1] == digests[:1], digests[1:] != digests[:-1]))


def _frequencies(digests: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct digest (sorted) and how many times it occurs; ``digests`` is sorted in place."""
    firsts = np.flatnonzero(_starts(digests))
    return digests[firsts], np.diff(np.append(firsts, digests.size))


class Smallest:
    """The ``count`` smallest distinct keys of those offered, whatever their number (a heap of
    them, the largest on top)."""

    def __init__(self, count: int):
        self.count = count
        self._heap: list[_Descending] = []
        self._keys: set = set()

    def would_keep(self, key) -> bool:
        """Whether ``key`` would be kept if offered now (it may be one kept already)."""
        if len(self._heap) < self.count:
            return True
        return bool(self._heap) and key < self._heap[0].key

    def offer(self, key) -> None:
        if key in self._keys or not self.would_keep(key):
            return
        self._keys.add(key)
        heapq.heappush(self._heap, _Descending(key))
        if len(self._heap) > self.count:
            self._keys.discard(heapq.heappop(self._heap).key)

    def sorted(self) -> list:
        return sorted(self._keys)


@dataclass
class _Descending:
    """A key ordered the other way round (to keep the smallest ones in a heap)."""

    key: object

    def __lt__(self, other: "_Descending") -> bool:
        return self.key > other.key


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

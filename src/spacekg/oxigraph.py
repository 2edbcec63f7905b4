"""Oxigraph behind rdflib's API, without losing a datatype.

An Oxigraph store keeps integers as numbers: ``"1"^^xsd:positiveInteger`` or
``"3"^^xsd:nonNegativeInteger`` come back out of it as ``xsd:integer`` (the same value, another
datatype). The graph uses both types (meeting ordinals, quote offsets), and the exports and the
SHACL shapes need them exact. :class:`ExactOxigraphStore` is oxrdflib's store plus a small table
of the literals that Oxigraph rewrites, so that triples read back through rdflib (and through
:meth:`ExactOxigraphStore.exact_quads`) carry the datatype they were written with. SPARQL answers
computed by Oxigraph itself still show such a value as ``xsd:integer``.
"""

from __future__ import annotations

from typing import Iterable, Iterator

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from oxrdflib._converter import from_ox, to_ox
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import XSD

from .errors import SpacekgError

_INTEGER = ox.NamedNode(XSD.integer)
_DATETIME = ox.NamedNode(XSD.dateTime)
# Datatypes that Oxigraph stores as another one (checked against pyoxigraph 0.5).
STORED_AS = {ox.NamedNode(XSD[name]): _INTEGER for name in (
    "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger",
    "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
STORED_AS[ox.NamedNode(XSD.dateTimeStamp)] = _DATETIME


def to_oxigraph(term):
    """An rdflib term as the equal pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(term)
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(term.datatype))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def canonical_triples(triples: Iterable[tuple]) -> Iterator[tuple]:
    """rdflib triples with their blank nodes relabelled by RDF Canonicalization (RDFC-1.0), so
    that the same graph gives the same labels however it was read."""
    dataset = ox.Dataset(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    for quad in dataset:
        yield from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)


def rewritten(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads whose object literal Oxigraph would store under another datatype."""
    return [q for q in quads if type(q.object) is ox.Literal and q.object.datatype in STORED_AS]


class ReadOnlyError(SpacekgError):
    exit_code = 2


class ExactOxigraphStore(OxigraphStore):
    """oxrdflib's store that gives back every literal with the datatype it was added with.

    With ``read_only`` (a built store opened for queries), adding or removing triples or graphs
    raises ReadOnlyError.
    """

    def __init__(self, store: ox.Store, exact: Iterable[ox.Quad] = (), read_only: bool = False):
        super().__init__(store=store)
        self._unread: list[Iterable[ox.Quad]] = []  # noted by remember(), not yet in the tables
        self._exact_table: dict[tuple, ox.Literal] = {}
        self._rdflib_table: dict[tuple, Literal] | None = None  # made when rdflib first reads
        self.read_only = read_only
        self.remember(exact)

    # -- exact datatypes ------------------------------------------------------------------------

    def remember(self, quads: Iterable[ox.Quad]) -> None:
        """Note the literals among ``quads`` that the store will hold under another datatype.

        ``quads`` is read only when the table is first needed, so that a store opened for SPARQL
        alone (whose answers come from Oxigraph) never reads it: it may be a lazy iterable. A list
        is filtered at once, so that only its rewritten literals are kept."""
        self._unread.append(rewritten(quads) if isinstance(quads, list) else quads)

    @property
    def _exact(self) -> dict[tuple, ox.Literal]:
        """(subject, predicate, literal as stored) → the literal as it was added."""
        while self._unread:
            for quad in rewritten(self._unread.pop(0)):
                stored = _as_stored(quad.object)
                self._exact_table[(quad.subject, quad.predicate, stored)] = quad.object
                if self._rdflib_table is not None:
                    self._rdflib_table[(from_ox(quad.subject), from_ox(quad.predicate), from_ox(stored))] = \
                        from_ox(quad.object)
        return self._exact_table

    @property
    def _rdflib_exact(self) -> dict[tuple, Literal]:
        """The same table in rdflib terms."""
        exact = self._exact
        if self._rdflib_table is None:
            self._rdflib_table = {(from_ox(s), from_ox(p), from_ox(o)): from_ox(original)
                                  for (s, p, o), original in exact.items()}
        return self._rdflib_table

    def exact_triples_table(self) -> list[ox.Quad]:
        """The remembered literals, as quads in the default graph (to persist next to the store)."""
        return sorted((ox.Quad(s, p, o) for (s, p, _), o in self._exact.items()), key=str)

    def exact_quads(self) -> Iterator[ox.Quad]:
        """Every quad of the visible named graphs, as pyoxigraph terms, with exact datatypes."""
        yield from self._restored(self._inner.quads_for_pattern(None, None, None, None))

    def _restored(self, quads) -> Iterator[ox.Quad]:
        exact = self._exact
        for quad in quads:
            if exact and type(quad.object) is ox.Literal and quad.object.datatype in (_INTEGER, _DATETIME):
                original = exact.get((quad.subject, quad.predicate, quad.object))
                if original is not None:
                    quad = ox.Quad(quad.subject, quad.predicate, original, quad.graph_name)
            yield quad

    # -- rdflib's store API -----------------------------------------------------------------------

    def add(self, triple, context, quoted: bool = False) -> None:
        self._writable()
        quad = to_ox(triple, context)
        self.remember([quad])
        super().add(triple, context, quoted)

    def addN(self, quads) -> None:  # noqa: N802 (rdflib's name)
        self._writable()
        quads = list(quads)
        converted = [to_ox(q) for q in quads]
        self.remember(converted)
        super().addN(quads)

    def remove(self, triple, context=None) -> None:
        self._writable()
        super().remove(triple, context)

    def update(self, *args, **kwargs) -> None:
        self._writable()
        super().update(*args, **kwargs)

    def add_graph(self, graph) -> None:
        if not self.read_only:  # rdflib adds a graph to read one; nothing to do on a read-only store
            super().add_graph(graph)

    def remove_graph(self, graph) -> None:
        self._writable()
        super().remove_graph(graph)

    def triples(self, triple_pattern, context=None):
        exact = self._rdflib_exact
        for (s, p, o), contexts in super().triples(triple_pattern, context):
            if exact and type(o) is Literal:
                o = exact.get((s, p, o), o)
            yield (s, p, o), contexts

    def _writable(self) -> None:
        if self.read_only:
            raise ReadOnlyError("the built store is opened read-only",
                                hint="rebuild with `spacekg build` to change the graph")


def _as_stored(literal: ox.Literal) -> ox.Literal:
    datatype = STORED_AS[literal.datatype]
    value = literal.value
    if datatype == _INTEGER:
        value = str(int(value))
    return ox.Literal(value, datatype=datatype)


def dataset_over(store: ExactOxigraphStore) -> Dataset:
    """An rdflib dataset (default graph = union of the named graphs) over an Oxigraph store."""
    from .namespaces import bind_prefixes

    dataset = Dataset(store=store, default_union=True)
    bind_prefixes(dataset)
    return dataset


def count_triples(store: ox.Store) -> int:
    """How many distinct triples the store's named graphs hold together."""
    solutions = store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")
    return int(next(iter(solutions))["n"].value)

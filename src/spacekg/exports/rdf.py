"""The RDF exports: Turtle and N-Triples (the asserted triples), TriG, N-Quads and JSON-LD (the
asserted named graphs), the reasoner's graph:inferred apart in spacekg-inferred.trig, and the
ontology as RDF/XML (spacekg.owl, see :mod:`.owl`).

:class:`RdfFiles` writes N-Quads and N-Triples while the graph streams by (see ``ingest.chunks``),
then derives TriG, JSON-LD and Turtle from those two files, with pyoxigraph's parsers and
serializers throughout (JSON-LD: see :mod:`.jsonld`), with the prefixes of :mod:`.prefixes`. The
files keep the stream's fixed order, so the same sources give byte-identical files. Every file
that users load as it is holds the asserted graphs only: loaded into a store whose default graph
is the union of the named graphs, it answers as `spacekg query` does. Turtle of a small graph is
written by rdflib, whose nesting of a subject's statements reads better; rdflib's Turtle writer
takes minutes on a million triples, so a large graph's Turtle is pyoxigraph's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
from rdflib import Dataset, Graph

from ..ingest import INFERRED_GRAPH, Chunk, Ingest
from ..namespaces import make_graph
from ..parallel import map_jobs, stream_jobs
from ..oxigraph import ExactOxigraphStore, to_oxigraph
from .jsonld import COMPACTED_UP_TO, context, write_jsonld
from .owl import OWL_FILE, write_owl
from .prefixes import EXPORT_PREFIXES

INFERRED_FILE = "spacekg-inferred.trig"  # graph:inferred alone, to load beside the others
FILES = ("spacekg.ttl", "spacekg.trig", "spacekg.nq", "spacekg.nt", "spacekg.jsonld", INFERRED_FILE, OWL_FILE)
# Up to this many triples, Turtle is written by rdflib.
LARGE = 20_000
_INFERRED = to_oxigraph(INFERRED_GRAPH)


class RdfFiles:
    """The exports in ``folder``: fed chunk by chunk, finished with the inferred triples.

    The ontology's RDF/XML is written at once (the reasoner reads it before the other files are
    finished); the ontology also gives the JSON-LD its context.
    """

    def __init__(self, folder: Path, ontology: Graph):
        self.folder = folder
        self.owl = write_owl(ontology, folder)
        self._context = context(ontology)
        self.triples = 0  # distinct asserted triples written to N-Triples
        self.nquads_path = folder / "spacekg.nq"
        self._nquads = self.nquads_path.open("wb")
        self._ntriples = (folder / "spacekg.nt").open("wb")
        self._seen: set[ox.Triple] = set()

    def add(self, chunk: Chunk) -> int:
        """Append a chunk to N-Quads and its new triples to N-Triples; returns the N-Quads file's
        size so far, flushed (for readers of the file while it is written)."""
        if chunk.minted:
            triples = [quad.triple for quad in chunk.quads]
        else:  # the same triple may be in several graphs (a fact in the registry and in documents)
            seen = self._seen
            triples = []
            for quad in chunk.quads:
                triple = quad.triple
                if triple not in seen:
                    seen.add(triple)
                    triples.append(triple)
        return self.add_serialized(ox.serialize(chunk.quads, format=ox.RdfFormat.N_QUADS),
                                   ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), len(triples))

    def add_serialized(self, nquads: bytes, ntriples: bytes, triples: int) -> int:
        """Append a minted chunk already written as N-Quads and N-Triples (see :func:`serialized`)."""
        self._nquads.write(nquads)
        self._ntriples.write(ntriples)
        self.triples += triples
        self._nquads.flush()
        return self._nquads.tell()

    def finish(self, inferred: list[ox.Triple] = ()) -> list[Path]:
        """Write graph:inferred to its own TriG file, and TriG, JSON-LD and Turtle; returns all paths."""
        self.close()
        paths = {name: self.folder / name for name in FILES}
        ox.serialize((ox.Quad(t.subject, t.predicate, t.object, _INFERRED) for t in inferred),
                     str(paths[INFERRED_FILE]), ox.RdfFormat.TRIG, prefixes=EXPORT_PREFIXES)
        compacted = self.triples <= COMPACTED_UP_TO  # else JSON-LD in expanded form, without a context
        conversions = [(paths["spacekg.nq"], paths["spacekg.jsonld"], self._context if compacted else "JSON_LD"),
                       (paths["spacekg.nq"], paths["spacekg.trig"], "TRIG")]
        if self.triples <= LARGE:  # blank nodes keep their labels, which rdflib orders them by
            _as_graph(_read(paths["spacekg.nt"])).serialize(paths["spacekg.ttl"], format="turtle", encoding="utf-8")
        else:
            conversions.append((paths["spacekg.nt"], paths["spacekg.ttl"], "TURTLE"))
        map_jobs(_convert, conversions, parallel=self.triples > LARGE)
        return list(paths.values())

    def close(self) -> None:
        self._nquads.close()
        self._ntriples.close()
        self._seen = set()


@dataclass
class Serialized:
    """A minted chunk as N-Quads and N-Triples text, with its count and its exact-datatype quads."""

    nquads: bytes
    ntriples: bytes
    quads: int
    exact: bytes

    def exact_quads(self) -> list[ox.Quad]:
        return list(ox.parse(self.exact, ox.RdfFormat.N_QUADS)) if self.exact else []


def serialized_statements(ingest: Ingest, parallel: bool) -> Iterator[Serialized]:
    """Each document's statement chunk, in document order, serialized by worker processes (one
    per core) when ``parallel``: making and writing these quads is most of a large build's work."""
    global _INGEST
    _INGEST = ingest
    try:
        yield from stream_jobs(_serialize_statements, [d.id for d in ingest.corpus.documents], parallel)
    finally:
        _INGEST = None


_INGEST: Ingest | None = None  # what forked workers of serialized_statements read


def _serialize_statements(document_id: str) -> Serialized:
    chunk = _INGEST.statement_chunk(document_id)
    return Serialized(ox.serialize(chunk.quads, format=ox.RdfFormat.N_QUADS),
                      ox.serialize([quad.triple for quad in chunk.quads], format=ox.RdfFormat.N_TRIPLES),
                      len(chunk.quads), ox.serialize(chunk.exact, format=ox.RdfFormat.N_QUADS))


def _read(path: Path):
    """Statements of a file this build has just written with pyoxigraph (so checks are skipped)."""
    return ox.parse(path=str(path), format=ox.RdfFormat.from_extension(path.suffix[1:]), lenient=True)


def _convert(job: tuple[Path, Path, str | dict]) -> None:
    """Write ``target`` in the named format from the statements of ``source`` (a dict: JSON-LD
    with that context)."""
    source, target, rdf_format = job
    if isinstance(rdf_format, dict):
        write_jsonld(source, target, rdf_format)
    else:
        ox.serialize(_read(source), str(target), getattr(ox.RdfFormat, rdf_format), prefixes=EXPORT_PREFIXES)


def union_graph(dataset: Dataset) -> Graph:
    """The dataset's named graphs merged into one rdflib graph, triples inserted in sorted order
    (for the checks and for comparisons; meant for graphs that fit an rdflib graph)."""
    store = dataset.store
    if isinstance(store, ExactOxigraphStore):
        return _as_graph({quad.triple: None for quad in store.exact_quads()})
    graph = make_graph()
    for triple in sorted(set(dataset.triples((None, None, None)))):
        graph.add(triple)
    return graph


def _as_graph(triples) -> Graph:
    """pyoxigraph triples (or default-graph quads) as an rdflib graph with the project's prefixes,
    inserted in sorted order."""
    graph = make_graph()
    for t in sorted(triples, key=str):
        graph.add((_rdflib(t.subject), _rdflib(t.predicate), _rdflib(t.object)))
    return graph


def _rdflib(term):
    from oxrdflib._converter import from_ox

    return from_ox(term)

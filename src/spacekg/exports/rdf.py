"""The RDF exports: Turtle and N-Triples (the asserted triples), TriG, N-Quads and JSON-LD (the
asserted named graphs), the entailments of graph:inferred apart in spacekg-inferred.trig, and the
ontology as RDF/XML (spacekg.owl, see :mod:`.owl`). Every file that users load as it is holds the
asserted graphs only: loaded into a store whose default graph is the union of the named graphs,
it answers as `spacekg query` does.

Every file is written as the graph streams by, a piece at a time: a worker process serializes
the chunks of a registry slice or of a document into every format at once (:func:`serialize`,
pyoxigraph's serializers), and :class:`RdfFiles`, in the building process, appends the pieces in
the stream's fixed order. No file is parsed again and no format is converted from another, so
the same sources give byte-identical files, and memory holds a piece at a time.

Turtle and TriG pieces are written without their prefix lines (the file declares the prefixes of
:mod:`.prefixes` once), JSON-LD pieces without the brackets of the top-level array: pyoxigraph's
expanded JSON-LD; a graph of up to COMPACTED_UP_TO triples is then rewritten compacted with the
context of :mod:`.jsonld`. A triple about an entity may
be in several graphs (a fact in the registry and in documents, or claimed by several documents):
N-Triples and Turtle hold it once, the first time it comes (see :class:`WrittenOnce`). Turtle of
a small graph is rewritten at the end in reading order, all of a subject's triples together, its
types first; a large graph's Turtle stays in the order of the stream. With ``compress``, every
file but the ontology's is gzip-compressed as it is written (see :mod:`.files`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
import pyoxigraph as ox
from rdflib import RDF, Dataset, Graph

from ..digests import as_array, digest, find
from ..ingest import INFERRED_GRAPH, Chunk
from ..namespaces import SKG, make_graph
from ..oxigraph import ExactOxigraphStore, to_oxigraph
from .files import named, reader, writer
from .jsonld import COMPACTED_UP_TO, context, write_jsonld
from .owl import OWL_FILE, write_owl
from .prefixes import EXPORT_PREFIXES

INFERRED_FILE = "spacekg-inferred.trig"  # graph:inferred alone, to load beside the others
STREAMED = ("spacekg.ttl", "spacekg.trig", "spacekg.nq", "spacekg.nt", "spacekg.jsonld")
FILES = (*STREAMED, INFERRED_FILE, OWL_FILE)
# Up to this many triples, Turtle is rewritten in reading order (sorted in memory).
LARGE = 20_000
_PREFIXES = EXPORT_PREFIXES
_INFERRED = to_oxigraph(INFERRED_GRAPH)
_SKG = str(SKG._NS)
_TYPE = to_oxigraph(RDF.type)


@dataclass
class Piece:
    """Chunks serialized in every format, ready to be appended to the files.

    ``ntriples`` and ``turtle`` hold the triples that occur in no other graph; ``candidates``
    (N-Triples lines) those that may, which the files take only the first time. ``exact``:
    N-Triples of the literals that the Oxigraph store keeps under another datatype."""

    nquads: bytes
    trig: bytes
    jsonld: bytes
    ntriples: bytes
    turtle: bytes
    candidates: bytes
    exact: bytes
    quads: int
    triples: int  # lines of ``ntriples``


def serialize(chunks: Iterable[Chunk]) -> Piece:
    """The quads of ``chunks`` (of one named graph, or of consecutive ones) in every format."""
    quads, own, candidates, exact = [], [], [], []
    for chunk in chunks:
        quads += chunk.quads
        exact += chunk.exact
        if not chunk.shared:
            own += (quad.triple for quad in chunk.quads)
            continue
        for quad in chunk.quads:
            (candidates if quad.predicate.value.startswith(_SKG) else own).append(quad.triple)
    return Piece(nquads=ox.serialize(quads, format=ox.RdfFormat.N_QUADS),
                 trig=_without_prefixes(quads, ox.RdfFormat.TRIG),
                 jsonld=ox.serialize(quads, format=ox.RdfFormat.JSON_LD)[1:-1],
                 ntriples=ox.serialize(own, format=ox.RdfFormat.N_TRIPLES),
                 turtle=_without_prefixes(own, ox.RdfFormat.TURTLE),
                 candidates=ox.serialize(candidates, format=ox.RdfFormat.N_TRIPLES),
                 exact=ox.serialize([quad.triple for quad in exact], format=ox.RdfFormat.N_TRIPLES),
                 quads=len(quads), triples=len(own))


def _without_prefixes(statements: list, rdf_format) -> bytes:
    """Turtle or TriG of ``statements`` without the prefix lines that open it."""
    data = ox.serialize(statements, format=rdf_format, prefixes=_PREFIXES)
    header = _header(rdf_format)
    if data and not data.startswith(header):  # pragma: no cover - a change of pyoxigraph's output
        raise RuntimeError(f"unexpected start of a {rdf_format} piece: {data[:80]!r}")
    return data[len(header):] if data else data


_HEADERS: dict = {}


def _header(rdf_format) -> bytes:
    """The prefix lines that pyoxigraph writes at the start of a Turtle or TriG document."""
    if rdf_format not in _HEADERS:
        probe = ox.NamedNode("urn:x-spacekg:probe")
        data = ox.serialize([ox.Quad(probe, probe, probe, probe)] if rdf_format == ox.RdfFormat.TRIG
                            else [ox.Triple(probe, probe, probe)], format=rdf_format, prefixes=_PREFIXES)
        _HEADERS[rdf_format] = data[:data.index(b"<urn:x-spacekg:probe>")]
    return _HEADERS[rdf_format]


class RdfFiles:
    """The exports in ``folder``, appended to piece by piece, finished with the inferred triples.

    The ontology's RDF/XML is written at once (HermiT reads it while the graph is written); the
    ontology also gives the JSON-LD its context. ``compress``: the other files are written as
    NAME.gz."""

    def __init__(self, folder: Path, ontology: Graph, compress: bool = False):
        self.folder = folder
        self.owl = write_owl(ontology, folder)
        self._context = context(ontology)
        self.paths = {name: folder / (name if name == OWL_FILE else named(name, compress)) for name in FILES}
        self.triples = 0  # distinct asserted triples written to N-Triples
        self._files = {name: writer(self.paths[name]) for name in STREAMED}
        self._files["spacekg.trig"].write(_header(ox.RdfFormat.TRIG))
        self._files["spacekg.ttl"].write(_header(ox.RdfFormat.TURTLE))
        self._files["spacekg.jsonld"].write(b"[")
        self._jsonld_items = 0
        self._once = WrittenOnce()

    def add(self, piece: Piece) -> None:
        files = self._files
        files["spacekg.nq"].write(piece.nquads)
        files["spacekg.trig"].write(piece.trig)
        if piece.jsonld:
            files["spacekg.jsonld"].write((b"," if self._jsonld_items else b"") + piece.jsonld)
            self._jsonld_items += 1
        files["spacekg.nt"].write(piece.ntriples)
        files["spacekg.ttl"].write(piece.turtle)
        self.triples += piece.triples
        if piece.candidates:
            lines = self._once.new(piece.candidates.splitlines(keepends=True))
            if lines:
                text = b"".join(lines)
                files["spacekg.nt"].write(text)
                files["spacekg.ttl"].write(_without_prefixes(list(ox.parse(text, ox.RdfFormat.N_TRIPLES)),
                                                             ox.RdfFormat.TURTLE))
                self.triples += len(lines)

    def last_piece_added(self) -> None:
        """Forget the digests of the lines written once (16 bytes a line): no piece comes after the
        last, and the checks' workers, forked later, would start with them."""
        self._once = WrittenOnce()

    def finish(self, inferred: Iterable[ox.Triple] = ()) -> list[Path]:
        """Write graph:inferred to its own TriG file, close every file and rewrite those of a small
        graph (:meth:`close_streams`, :meth:`compact_jsonld`, :meth:`rewrite_turtle`); returns their paths."""
        self.close_streams(inferred)
        self.compact_jsonld()
        self.rewrite_turtle()
        return list(self.paths.values())

    def close_streams(self, inferred: Iterable[ox.Triple] = ()) -> None:
        """Write graph:inferred to its own TriG file and close every file."""
        with writer(self.paths[INFERRED_FILE]) as out:
            ox.serialize((ox.Quad(t.subject, t.predicate, t.object, _INFERRED) for t in inferred),
                         out, ox.RdfFormat.TRIG, prefixes=EXPORT_PREFIXES)
        self._files["spacekg.jsonld"].write(b"]\n")
        self.close()

    def compact_jsonld(self) -> None:
        """A small graph's JSON-LD rewritten compacted (a large one's stays expanded, without a context)."""
        if self.triples <= COMPACTED_UP_TO:
            write_jsonld(self.paths["spacekg.nq"], self.paths["spacekg.jsonld"], self._context)

    def rewrite_turtle(self) -> None:
        """A small graph's Turtle rewritten in reading order (see the module docstring)."""
        turtle = self.turtle_to_rewrite()
        if turtle is not None:
            rewrite_turtle(*turtle)

    def turtle_to_rewrite(self) -> tuple[Path, Path] | None:
        """The N-Triples file and the Turtle file that :func:`rewrite_turtle` rewrites from it, for
        a small graph (none for a large one, whose Turtle stays as streamed)."""
        if self.triples <= LARGE:
            return self.paths["spacekg.nt"], self.paths["spacekg.ttl"]
        return None

    def flush(self) -> None:
        """Write out what the files hold in their buffers (before another process finishes them)."""
        for file in self._files.values():
            file.flush()

    def close(self) -> None:
        for file in self._files.values():
            file.close()
        self._once = WrittenOnce()


def rewrite_turtle(ntriples: Path, turtle: Path) -> None:
    """``turtle`` rewritten in reading order from the triples of ``ntriples`` (see the module
    docstring); blank nodes keep the labels of the N-Triples, which order them."""
    with reader(ntriples) as source:
        triples = sorted(ox.parse(source, ox.RdfFormat.N_TRIPLES, lenient=True), key=_reading_order)
    with writer(turtle) as out:
        ox.serialize(triples, out, ox.RdfFormat.TURTLE, prefixes=EXPORT_PREFIXES)


class WrittenOnce:
    """Which lines were written already, by the digest of each (see digests.py).

    The digests of the latest lines are in a set of at most RECENT; a full set becomes a sorted
    NumPy array (a run), and two runs of about the same size are merged into one, up to RUN
    digests a run. Merging every digest into one array would copy all of them at each merge (at
    ten thousand times the corpus, about 9 million lines: 150 MB, twice over for the sort, while
    the set of recent lines grew to an eighth of them); capped runs keep what a merge copies
    small, for a lookup in each run (a few dozen runs at that size)."""

    RECENT = 65_536
    RUN = 1 << 21

    def __init__(self):
        self._runs: list[np.ndarray] = []  # sorted digests, the largest runs first
        self._recent: set[bytes] = set()

    def new(self, lines: list[bytes]) -> list[bytes]:
        """The lines not seen before (nor earlier in ``lines``), remembered from now on."""
        digests = [digest(line) for line in lines]
        known = np.zeros(len(lines), dtype=bool)
        if self._runs and digests:
            keys = as_array(digests)
            for run in self._runs:
                known |= find(run, keys)[1]
        fresh = []
        for line, key, old in zip(lines, digests, known):
            if not old and key not in self._recent:
                self._recent.add(key)
                fresh.append(line)
        if len(self._recent) >= self.RECENT:
            self._add_run(np.sort(as_array(list(self._recent))))
            self._recent = set()
        return fresh

    def _add_run(self, run: np.ndarray) -> None:
        while self._runs and self._runs[-1].size <= run.size and self._runs[-1].size + run.size <= self.RUN:
            run = np.sort(np.concatenate([self._runs.pop(), run]))
        self._runs.append(run)


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


def _reading_order(triple: ox.Triple) -> tuple:
    """Subjects in the order of their IRIs (blank nodes last), each with its types first."""
    return (str(triple.subject), triple.predicate != _TYPE, str(triple.predicate), str(triple.object))


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

"""The built graph kept in an Oxigraph store (output/store/), opened for queries without parsing.

A build writes the store next to the RDF files (:class:`StoreWriter`), in the staging folder, so
that a failed build leaves the previous store in place. The store holds the asserted named graphs
only (graph:ontology, graph:registry, one graph:doc/ID per document), as do output/spacekg.trig,
spacekg.nq and spacekg.jsonld; the reasoner's graph:inferred is in output/spacekg-inferred.trig.
:func:`open_dataset` gives the built dataset through rdflib's API, held by one of two stores:

``oxigraph``
    the on-disk Oxigraph store, opened read-only in milliseconds; SPARQL runs natively in
    Oxigraph. With the inferred graph (or without a built store), output/spacekg.trig (and
    spacekg-inferred.trig) is loaded into an in-memory Oxigraph store instead (only small builds
    have an inferred graph).
``memory``
    rdflib's own in-memory store, filled by parsing output/spacekg.trig (slow on large graphs).

Either way the default graph is the union of the named graphs. Through Oxigraph, SPARQL answers
show a plain string as ``xsd:string`` and a ``xsd:positiveInteger`` or ``xsd:nonNegativeInteger``
as ``xsd:integer`` (same values); triples read through rdflib keep their exact datatypes.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
from rdflib import Dataset

from .errors import NotBuiltError, SpacekgError
from .exports.rdf import INFERRED_FILE
from .namespaces import bind_prefixes
from .oxigraph import ExactOxigraphStore, dataset_over, rewritten
from .paths import Layout

BUILT_DATASET = "spacekg.trig"
STORE_FOLDER = "store"  # output/store/: replaced as a whole by a build
_DATABASE = "oxigraph"  # output/store/oxigraph/: Oxigraph's own files
_EXACT = "exact-datatypes.nt"  # output/store/…: the literals Oxigraph keeps under another datatype
STORES = ("oxigraph", "memory")
_ALIASES = {"Oxigraph": "oxigraph", "default": "memory"}  # rdflib's plugin names


def open_dataset(layout: Layout, store: str | None = None, inferred: bool = False) -> Dataset:
    """The built dataset: the asserted named graphs, and graph:inferred too with ``inferred``.

    The default graph is the union of the named graphs. ``store``: ``"oxigraph"``, ``"memory"``
    (see the module docstring), or None for Oxigraph when the build wrote its store, else memory.
    The built store on disk is opened read-only: changing the returned dataset raises ReadOnlyError.
    """
    store = _ALIASES.get(store, store)
    folder = layout.output / STORE_FOLDER
    if store is None:
        store = "oxigraph" if (folder / _DATABASE).is_dir() else "memory"
    if store not in STORES:
        raise SpacekgError(f"unknown store '{store}'", hint="use oxigraph or memory")
    if store == "oxigraph" and not inferred and (folder / _DATABASE).is_dir():
        return _open_built_store(folder, layout)
    path = layout.output / BUILT_DATASET
    if not path.is_file():
        raise NotBuiltError(layout.relative(path))
    entailed = layout.output / INFERRED_FILE
    extra = [entailed] if inferred and entailed.is_file() else []
    if store == "oxigraph":
        return _load_into_oxigraph([path, *extra], folder / _EXACT)
    dataset = Dataset(default_union=True)
    bind_prefixes(dataset)
    for trig in [path, *extra]:
        dataset.parse(trig, format="trig")
    return dataset


def _open_built_store(folder: Path, layout: Layout) -> Dataset:
    try:
        database = ox.Store.read_only(str(folder / _DATABASE))
    except OSError as error:
        raise SpacekgError(f"cannot open the store {layout.relative(folder)}: {error}",
                           hint="rebuild it with `spacekg build`") from None
    return dataset_over(ExactOxigraphStore(database, exact=_exact_table(folder / _EXACT), read_only=True))


def _exact_table(path: Path) -> Iterator[ox.Quad]:
    """The build's table of literals that Oxigraph stores under another datatype (none if missing),
    read when the store first needs it (rdflib reading triples), not by SPARQL queries."""
    if path.is_file():
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
            yield ox.Quad(triple.subject, triple.predicate, triple.object)


def _load_into_oxigraph(files: list[Path], exact: Path) -> Dataset:
    """TriG files of the build (output/spacekg.trig, perhaps with spacekg-inferred.trig) in an
    in-memory Oxigraph store."""
    database = ox.Store()
    for trig in files:
        database.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG, lenient=True)  # our own output
    if exact.is_file():  # the build's table covers every literal (the reasoner infers none)
        table = _exact_table(exact)
    else:
        table = rewritten(ox.parse(path=str(files[0]), format=ox.RdfFormat.TRIG))
    return dataset_over(ExactOxigraphStore(database, exact=table))  # a copy: changes are the caller's


class StoreWriter:
    """Builds the Oxigraph store in a build's staging folder from a background thread.

    The build tells it, chunk by chunk, how far the N-Quads export has been written (:meth:`add`);
    a thread bulk-loads that file part by part, outside Python's lock, so the store fills up while
    the build goes on writing the other files, without holding the text in memory. :meth:`close`
    waits for the last part and writes the table of exact datatypes next to the database.
    """

    BATCH = 250_000  # quads per bulk load: fewer, larger loads are faster; smaller ones use less memory

    def __init__(self, folder: Path, nquads: Path):
        target = folder / STORE_FOLDER
        target.mkdir()
        self.folder = target
        self.store = ox.Store(str(target / _DATABASE))
        self._nquads = nquads
        self._loaded_to = 0  # bytes of the N-Quads file handed to the thread
        self._end = 0
        self._pending = 0
        self._exact: list[ox.Quad] = []
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._load, name="store-writer", daemon=True)
        self._thread.start()

    def add(self, end: int, quads: int, exact: list[ox.Quad]) -> None:
        """The N-Quads file now holds ``quads`` more quads of the asserted graph, up to byte ``end``
        (flushed); ``exact``: those of them whose literal the store keeps under another datatype."""
        self._exact += exact
        self._end = end
        self._pending += quads
        if self._pending >= self.BATCH:
            self._send()

    def close(self) -> ox.Store:
        """Wait until every part is loaded; returns the store (raises what a load raised)."""
        self._send()
        self._queue.put(None)
        self._thread.join()
        if self._failure is not None:
            raise SpacekgError(f"could not write the Oxigraph store: {self._failure}")
        self.store.flush()
        table = sorted((ox.Triple(q.subject, q.predicate, q.object) for q in self._exact), key=str)
        ox.serialize(table, str(self.folder / _EXACT), ox.RdfFormat.N_TRIPLES)
        return self.store

    def abandon(self) -> None:
        """Stop the thread after a failed build (the staging folder is removed anyway)."""
        self._failure = self._failure or RuntimeError("abandoned")
        self._queue.put(None)
        self._thread.join()

    def exact(self) -> list[ox.Quad]:
        return self._exact

    def _send(self) -> None:
        if self._end > self._loaded_to:
            self._queue.put((self._loaded_to, self._end))
            self._loaded_to, self._pending = self._end, 0

    def _load(self) -> None:
        with self._nquads.open("rb") as source:
            while (part := self._queue.get()) is not None:
                if self._failure is None:
                    start, end = part
                    source.seek(start)
                    try:
                        self.store.bulk_load(source.read(end - start), ox.RdfFormat.N_QUADS, lenient=True)
                    except Exception as error:  # noqa: BLE001 - reported by close()
                        self._failure = error

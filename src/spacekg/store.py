"""The built graph kept in an Oxigraph store (output/store/), opened for queries without parsing.

A build writes the store next to the RDF files (:class:`StoreWriter`), in the staging folder, so
that a failed build leaves the previous store in place, then compacts it and closes it: from then
on every process, the build's included, opens it read-only. The store holds the asserted named graphs
only (graph:ontology, graph:registry, one graph:doc/ID per document), as do output/spacekg.trig,
spacekg.nq and spacekg.jsonld; the reasoner's graph:inferred is in output/spacekg-inferred.trig.
:func:`open_dataset` gives the built dataset through rdflib's API, held by one of two stores:

``oxigraph``
    the on-disk Oxigraph store, opened read-only in milliseconds; SPARQL runs natively in
    Oxigraph. With the inferred graph (or without a built store), output/spacekg.trig (and
    spacekg-inferred.trig) is loaded into an in-memory Oxigraph store instead (memory in
    proportion to the graph: a large build is best queried without it).
``memory``
    rdflib's own in-memory store, filled by parsing output/spacekg.trig (slow on large graphs).

Either way the default graph is the union of the named graphs. Through Oxigraph, SPARQL answers
show a plain string as ``xsd:string`` and a ``xsd:positiveInteger`` or ``xsd:nonNegativeInteger``
as ``xsd:integer`` (same values); triples read through rdflib keep their exact datatypes.
"""

from __future__ import annotations

import contextlib

import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
from rdflib import Dataset

from .errors import NotBuiltError, SpacekgError
from .exports.files import exported, reader
from .exports.rdf import INFERRED_FILE
from .namespaces import bind_prefixes
from .oxigraph import ExactOxigraphStore, dataset_over, rewritten
from .parallel import give_back_memory
from .paths import Layout, built, built_folder

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
    folder = built(layout, STORE_FOLDER)
    if store is None:
        store = "oxigraph" if (folder / _DATABASE).is_dir() else "memory"
    if store not in STORES:
        raise SpacekgError(f"unknown store '{store}'", hint="use oxigraph or memory")
    if store == "oxigraph" and not inferred and (folder / _DATABASE).is_dir():
        return _open_built_store(folder, layout)
    path = exported(built_folder(layout), BUILT_DATASET)
    if not path.is_file():
        raise NotBuiltError(layout.relative(layout.output / BUILT_DATASET))
    entailed = exported(path.parent, INFERRED_FILE)
    extra = [entailed] if inferred and entailed.is_file() else []
    if store == "oxigraph":
        return _load_into_oxigraph([path, *extra], folder / _EXACT)
    dataset = Dataset(default_union=True)
    bind_prefixes(dataset)
    for trig in [path, *extra]:
        with reader(trig) as source:
            dataset.parse(source, format="trig")
    return dataset


def _open_built_store(folder: Path, layout: Layout) -> Dataset:
    return built_dataset(open_store(layout, folder), folder)


def store_path(layout: Layout) -> Path:
    """The Oxigraph database of the current build, as a real path (see ``paths.current_build``):
    what a reader opens, and keeps reading while later builds are published."""
    return built(layout, STORE_FOLDER) / _DATABASE


def open_store(layout: Layout, folder: Path | None = None) -> ox.Store:
    """The current build's Oxigraph database, opened read-only.

    A build published while the reader resolved the current build may remove the one before
    the previous: then the current one is looked up again."""
    for attempt in range(3):
        database = (folder / _DATABASE) if folder is not None and attempt == 0 else store_path(layout)
        if not database.is_dir():
            raise NotBuiltError(layout.relative(layout.output / STORE_FOLDER / _DATABASE))
        try:
            return ox.Store.read_only(str(database))
        except OSError as error:
            failure = error
    raise SpacekgError(f"cannot open the store {layout.relative(database)}: {failure}",
                       hint="rebuild it with `spacekg build`") from None


def built_dataset(database: ox.Store, store_folder: Path) -> Dataset:
    """A built database, opened read-only, as a dataset that gives back the literals of the table
    of exact datatypes in ``store_folder`` (see :func:`_exact_table`) as they were added."""
    return dataset_over(ExactOxigraphStore(database, exact=_exact_table(store_folder / _EXACT), read_only=True))


def _importable() -> dict:
    """The environment of a child Python that imports this package from where this one did."""
    package_parent = str(Path(__file__).resolve().parent.parent)
    paths = [package_parent, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}


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
        with reader(trig) as source:
            database.bulk_load(source, ox.RdfFormat.TRIG, lenient=True)  # our own output
    if exact.is_file():  # the build's table covers every literal (the reasoner infers none)
        table = _exact_table(exact)
    else:
        with reader(files[0]) as source:
            table = rewritten(ox.parse(source, ox.RdfFormat.TRIG))
    return dataset_over(ExactOxigraphStore(database, exact=table))  # a copy: changes are the caller's


class StoreWriter:
    """Builds the Oxigraph store in a build's staging folder, in a process of its own.

    The build hands it the N-Quads of the graph piece by piece (:meth:`add`); a thread sends them
    a batch at a time to the loading process (see bulkload.py), which bulk-loads them, so the
    store fills up while the build goes on making the graph. At most one batch waits for the
    thread: when the store is the slower side, :meth:`add` waits too, so memory stays bounded.
    The loader's memory (its buffers, and the heaps its threads leave behind: about 90 MB at 1,000
    times the corpus) goes with that process, not into the build's, whose pages the checks'
    workers start from. The literals that the store keeps under another datatype go to a table
    next to the database as they come.
    """

    BATCH = 100_000  # quads per bulk load: fewer, larger loads are faster; smaller ones use less memory

    def __init__(self, folder: Path):
        target = folder / STORE_FOLDER
        target.mkdir()
        self.folder = target
        self.location = target / _DATABASE  # the database folder, which other processes may open read-only
        self.store: ox.Store | None = None  # the finished store, opened read-only
        self._exact = (target / _EXACT).open("wb")
        self._pending: list[bytes] = []
        self._count = 0
        self._loader = subprocess.Popen([sys.executable, "-m", "spacekg.bulkload", str(self.location), str(os.getpid())],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_importable())
        self._queue: queue.Queue = queue.Queue(maxsize=1)
        self._thread = threading.Thread(target=self._send_batches, name="store-writer", daemon=True)
        self._thread.start()

    def add(self, nquads: bytes, quads: int, exact: bytes = b"") -> None:
        """``quads`` more quads of the asserted graph, as N-Quads; ``exact``: N-Triples of those
        whose literal the store keeps under another datatype."""
        if self._loader.poll() is not None:  # the loader stops early only when a load failed
            self._raise_failure()
        self._exact.write(exact)
        self._pending.append(nquads)
        self._count += quads
        if self._count >= self.BATCH:
            self._send()

    def finish(self) -> ox.Store:
        """Wait until every quad is loaded and the loader has compacted the database and closed
        it; returns the store opened read-only, which is ``store`` from then on (raises what a
        load raised).

        A database left open for writing goes on compacting the files of the bulk loads in the
        background, and a process that reads it meanwhile (the checks' workers, the views) sees
        files come and go under it: wrong answers, or a query that grows without bound. Compacted
        once, the store also answers several times faster."""
        if self._thread.is_alive():
            self._send()
            self._queue.put(None)
            self._thread.join()
            self._exact.close()
        if self._loader.wait() != 0:
            self._raise_failure()
        self._loader.stdout.close()
        self.store = ox.Store.read_only(str(self.location))
        return self.store

    def abandon(self) -> None:
        """Stop the thread and the loader after a failed build (the staging folder is removed anyway)."""
        self._pending = []
        self._loader.kill()
        self._loader.wait()
        while self._thread.is_alive():
            try:
                self._queue.put(None, timeout=0.1)
            except queue.Full:
                continue
            self._thread.join()
        self._exact.close()
        self._loader.stdout.close()

    def close(self) -> None:
        """Let go of the database, so that its folder can be moved."""
        self.store = None

    def _raise_failure(self) -> None:
        self._loader.wait()
        said = self._loader.stdout.read().decode("utf-8", "replace").strip()
        raise SpacekgError(f"could not write the Oxigraph store: "
                           f"{said or f'the loading process ended with exit code {self._loader.returncode}'}")

    def _send(self) -> None:
        if self._pending:
            batch = b"".join(self._pending)
            self._pending, self._count = [], 0  # the pieces go before waiting for the thread
            self._queue.put(batch)
            give_back_memory()  # the heap's pages that the batch's pieces held

    def _send_batches(self) -> None:
        """In the thread: each batch to the loader, then the empty batch that ends its input. A
        batch is let go of once written, not held while the next one is made."""
        from .bulkload import send

        pipe, ended = self._loader.stdin, False
        try:
            while (data := self._queue.get()) is not None:
                send(pipe, data)
                data = b""
            ended = True
            send(pipe, b"")
            pipe.close()
        except OSError:  # the loader stopped: add() and finish() say why
            with contextlib.suppress(OSError):
                pipe.close()
            while not ended:  # take what add() and finish() still hand over, up to the end
                ended = self._queue.get() is None

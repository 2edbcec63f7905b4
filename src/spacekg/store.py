"""The built graph kept in an Oxigraph store (output/store/), opened for queries without parsing.

A build writes the store next to the RDF files (:func:`write_store`, a build stage), in the
staging folder, so that a failed build leaves the previous store in place. The store holds the
asserted named graphs only (graph:ontology, graph:registry, one graph:doc/ID per document); the
reasoner's graph:inferred is in output/spacekg.trig alone. :func:`open_dataset` gives the built
dataset through rdflib's API, held by one of two stores:

``oxigraph``
    the on-disk Oxigraph store, opened read-only in milliseconds; SPARQL runs natively in
    Oxigraph. With the inferred graph (or without a built store), output/spacekg.trig is loaded
    into an in-memory Oxigraph store instead (only small builds have an inferred graph).
``memory``
    rdflib's own in-memory store, filled by parsing output/spacekg.trig (slow on large graphs).

Either way the default graph is the union of the named graphs. Through Oxigraph, SPARQL answers
show a plain string as ``xsd:string`` and a ``xsd:positiveInteger`` or ``xsd:nonNegativeInteger``
as ``xsd:integer`` (same values); triples read through rdflib keep their exact datatypes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
from rdflib import Dataset

from .errors import NotBuiltError, SpacekgError
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
    if store == "oxigraph":
        return _load_into_oxigraph(path, folder / _EXACT, inferred)
    from .ingest import INFERRED_GRAPH

    dataset = Dataset(default_union=True)
    bind_prefixes(dataset)
    dataset.parse(path, format="trig")
    if not inferred:
        dataset.remove_graph(INFERRED_GRAPH)
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


def _load_into_oxigraph(trig: Path, exact: Path, inferred: bool) -> Dataset:
    """output/spacekg.trig in an in-memory Oxigraph store, with or without graph:inferred."""
    from .ingest import INFERRED_GRAPH

    database = ox.Store()
    database.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG, lenient=True)  # our own output
    if not inferred:
        database.remove_graph(ox.NamedNode(str(INFERRED_GRAPH)))
    if exact.is_file():  # the build's table covers every literal (the reasoner infers none)
        table = _exact_table(exact)
    else:
        table = rewritten(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG))
    return dataset_over(ExactOxigraphStore(database, exact=table))  # a copy: changes are the caller's


def write_store(result, layout: Layout, folder: Path, say) -> None:
    """Build stage: the dataset into an Oxigraph store in the staging folder (→ output/store/)."""
    say(f"writing the Oxigraph store {layout.relative(layout.output / STORE_FOLDER)}/")
    source = result.dataset.store
    quads = source.exact_quads() if isinstance(source, ExactOxigraphStore) else _quads_of(result.dataset)
    target = folder / STORE_FOLDER
    target.mkdir()
    database = ox.Store(str(target / _DATABASE))
    database.bulk_extend(quads)
    database.flush()
    del database
    table = [q.triple for q in source.exact_triples_table()] if isinstance(source, ExactOxigraphStore) else []
    ox.serialize(table, str(target / _EXACT), ox.RdfFormat.N_TRIPLES)


def _quads_of(dataset: Dataset):
    from .oxigraph import to_oxigraph

    for s, p, o, g in dataset.quads((None, None, None, None)):
        yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o),
                      to_oxigraph(getattr(g, "identifier", g)))

"""The built graph kept in an Oxigraph store (output/store/), opened for queries without parsing.

A build writes the store next to the RDF files (:func:`write_store`, a build stage), in the
staging folder, so that a failed build leaves the previous store in place. :func:`open_dataset`
gives the built dataset through rdflib's API, held by one of two stores:

``oxigraph``
    the on-disk Oxigraph store, opened read-only in milliseconds; SPARQL runs natively in
    Oxigraph. (Without a built store, the TriG export is loaded into an in-memory Oxigraph store.)
``memory``
    rdflib's own in-memory store, filled by parsing output/spacekg.trig (slow on large graphs).

Either way the default graph is the union of the named graphs. Through Oxigraph, SPARQL answers
show a plain string as ``xsd:string`` and a ``xsd:positiveInteger`` or ``xsd:nonNegativeInteger``
as ``xsd:integer`` (same values); triples read through rdflib keep their exact datatypes.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

from .errors import NotBuiltError, SpacekgError
from .namespaces import bind_prefixes
from .oxigraph import ExactOxigraphStore, dataset_over
from .paths import Layout

BUILT_DATASET = "spacekg.trig"
STORE_FOLDER = "store"  # output/store/: replaced as a whole by a build
_DATABASE = "oxigraph"  # output/store/oxigraph/: Oxigraph's own files
_EXACT = "exact-datatypes.nt"  # output/store/…: the literals Oxigraph keeps under another datatype
STORES = ("oxigraph", "memory")
_ALIASES = {"Oxigraph": "oxigraph", "default": "memory"}  # rdflib's plugin names


def open_dataset(layout: Layout, store: str | None = None) -> Dataset:
    """The built dataset (all named graphs; the default graph is their union).

    ``store``: ``"oxigraph"``, ``"memory"`` (see the module docstring), or None for Oxigraph
    when the build wrote its store, else memory. The Oxigraph store on disk is read-only:
    removing a graph from the returned dataset only hides it from this dataset's answers.
    """
    store = _ALIASES.get(store, store)
    folder = layout.output / STORE_FOLDER
    if store is None:
        store = "oxigraph" if (folder / _DATABASE).is_dir() else "memory"
    if store not in STORES:
        raise SpacekgError(f"unknown store '{store}'", hint="use oxigraph or memory")
    if store == "oxigraph" and (folder / _DATABASE).is_dir():
        return _open_built_store(folder, layout)
    path = layout.output / BUILT_DATASET
    if not path.is_file():
        raise NotBuiltError(layout.relative(path))
    if store == "oxigraph":
        database = ox.Store()
        database.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
        with path.open("rb") as exact:
            return dataset_over(ExactOxigraphStore(database, exact=ox.parse(exact, ox.RdfFormat.TRIG)))
    dataset = Dataset(default_union=True)
    bind_prefixes(dataset)
    dataset.parse(path, format="trig")
    return dataset


def _open_built_store(folder: Path, layout: Layout) -> Dataset:
    try:
        database = ox.Store.read_only(str(folder / _DATABASE))
    except OSError as error:
        raise SpacekgError(f"cannot open the store {layout.relative(folder)}: {error}",
                           hint="rebuild it with `spacekg build`") from None
    exact = folder / _EXACT
    table = ox.parse(path=str(exact), format=ox.RdfFormat.N_TRIPLES) if exact.is_file() else ()
    return dataset_over(ExactOxigraphStore(database, exact=(ox.Quad(t.subject, t.predicate, t.object)
                                                             for t in table), read_only=True))


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

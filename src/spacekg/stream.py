"""The graph made from the sources as a stream, into the RDF files and the Oxigraph store at once.

Memory holds the registry index, the standings of the claims that outrank plain ones (see
``ingest.Standings``) and a piece of the graph at a time, never the corpus:

1. the registry files are read (one job a file): entries checked and spooled, ids indexed;
2. the registry's slices are resolved into graph pieces, written at once, while the annotation
   files are read and checked (one job a file) and spooled;
3. if any source has a problem, all of them are reported and nothing is kept;
4. each document is read back from the spool and made into its piece of the graph, its direct
   facts weighed against the claims of the whole corpus.

Jobs run in worker processes, one per core, when the sources are large; pieces come back in the
order of the files, so that the files are the same bytes whichever way they were made. The
building process only appends pieces to the files and hands the N-Quads to the store's loader.
"""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rdflib import Graph

from . import parallel
from .errors import Problems
from .exports.rdf import Piece, RdfFiles, serialize
from .ingest import Ingest, Standings
from .ontology import Schema
from .paths import Layout
from .sources.load import DocumentRecord, _Loader, annotation_names, build_index, mirror_problems, registry_files
from .sources.registry import Registry
from .spool import NumberedSpool, Spool, read
from .store import StoreWriter

# Above this many bytes of sources (YAML and texts), the jobs run in worker processes.
PARALLEL_BYTES = 2_000_000
# New workers are forked every this many jobs (see parallel.stream_jobs): at 10,000 times the
# corpus, forked once, each worker of the document pass came to hold 330 MB.
RENEW_WORKERS = 20_000
SPOOL = ".spool"  # scratch folder of a build, removed when it ends


@dataclass
class Counts:
    """What the sources hold, for the build's summary."""

    documents: int = 0
    statements: int = 0
    facts: int = 0
    entities: int = 0
    classes: Counter = field(default_factory=Counter)  # class IRI → entities


@dataclass
class Written:
    """The graph as written: the files (open until :meth:`RdfFiles.finish`), the store's writer
    and the counts (not the registry index, which at large sizes holds millions of ids)."""

    rdf: RdfFiles | None
    store: StoreWriter
    counts: Counts
    texts: dict[str, str] = field(default_factory=dict)  # quoted document id → its text file (for the site)


@dataclass
class _Shared:
    """What the jobs of a pass read (set before the workers are forked)."""

    layout: Layout
    schema: Schema
    spool: Path
    registry: Registry | None = None
    standings: Standings = field(default_factory=Standings)
    documents: NumberedSpool | None = None  # each document's record, for the document pass
    publishers: dict = field(default_factory=dict)  # publisher IRI → label, for the cited claims' evidence


def write_graph(layout: Layout, ontology: Graph, schema: Schema, folder: Path,
                say: Callable[[str], None] = lambda _: None, files: bool = True, compress: bool = False) -> Written:
    """Read the sources and write the graph into ``folder``: the RDF files (unless ``files`` is
    false; gzip-compressed with ``compress``) and the Oxigraph store. Raises SourceError listing
    every problem of the sources."""
    spool_folder = folder / SPOOL
    spool_folder.mkdir()
    shared = _Shared(layout, schema, spool_folder, standings=Standings.of(ontology))
    is_parallel = _source_bytes(layout) > PARALLEL_BYTES
    rdf = RdfFiles(folder, ontology, compress) if files else None
    store = StoreWriter(folder)
    try:
        emit = _emitter(rdf, store)
        emit(serialize([Ingest().ontology_chunk(ontology)]))
        problems = Problems()
        say(f"reading {layout.relative(layout.registry)}/")
        found = list(parallel.stream_jobs(_read_registry_file, registry_files(layout), is_parallel,
                                          batch=1, shared=shared, renew=RENEW_WORKERS))
        shared.registry = registry = build_index(found, problems, layout)
        registry_spans = [span for registry_file in found for span in registry_file.spans]
        del found  # its entries, a tuple per entity, are in the index now (millions at large sizes)
        counts = Counts(entities=len(registry), classes=Counter(registry.class_counts()))
        say(f"reading {layout.relative(layout.annotations)}/ and writing the registry ({len(registry)} entities)")
        shared.documents = documents = NumberedSpool(spool_folder / "documents")
        known, mirrors = set(), []  # document ids, and the records that say they mirror one
        publishers = set()
        texts: dict[str, str] = {}
        jobs = [("registry", span) for span in registry_spans]
        jobs += [("document", name) for name in annotation_names(layout)]
        for kind, found_problems, result in parallel.stream_jobs(_first_pass, jobs, is_parallel, batch=4,
                                                                  shared=shared, renew=RENEW_WORKERS):
            problems.items += found_problems
            if kind == "registry":
                emit(result)
            elif result is not None:
                data, claims, statements, facts, document = result
                documents.add_pickled(data)
                shared.standings.add(claims)
                known.add(document.id)
                if document.text_file is not None:
                    texts[document.id] = document.text_file
                if document.mirror_of is not None:
                    mirrors.append(document)
                if document.publisher is not None:
                    publishers.add(document.publisher)
                counts.documents += 1
                counts.statements += statements
                counts.facts += facts
        documents.close()
        problems.items += mirror_problems(mirrors, known)
        problems.raise_if_any()
        del known, mirrors, jobs, registry_spans
        shared.publishers = registry.labels_of(publishers)
        shared.registry = registry = None  # the documents' pieces need only the standings and the publishers
        shared.standings.pack()
        say(f"writing {counts.statements} statements from {counts.documents} documents")
        for piece in parallel.stream_jobs(_document_piece, range(len(documents)), is_parallel, batch=8, shared=shared,
                                          renew=RENEW_WORKERS):
            emit(piece)
        if rdf is not None:
            rdf.last_piece_added()
        store.finish()
        shutil.rmtree(spool_folder)
    except BaseException:
        if rdf is not None:
            rdf.close()
        store.abandon()
        raise
    return Written(rdf, store, counts, texts)


def _emitter(rdf: RdfFiles | None, store: StoreWriter) -> Callable[[Piece], None]:
    def emit(piece: Piece) -> None:
        if rdf is not None:
            rdf.add(piece)
        store.add(piece.nquads, piece.quads, piece.exact)
    return emit


def _source_bytes(layout: Layout) -> int:
    return sum(path.stat().st_size for folder in (layout.registry, layout.annotations, layout.texts)
               if folder.is_dir() for path in folder.iterdir() if path.is_file())


# -- the jobs (run in worker processes; they read what parallel.shared() gives) -------------------

def _read_registry_file(path: Path):
    shared: _Shared = parallel.shared()
    spool = Spool(shared.spool / f"registry-{path.stem}")
    try:
        return _Loader(shared.layout, shared.schema).registry_file(path, spool)
    finally:
        spool.close()


def _first_pass(job: tuple[str, object]):
    """A registry slice made into its piece of the graph, or an annotation file (by its name) read
    and checked (with its record pickled for the spool, and its preferred claims)."""
    import pickle

    kind, what = job
    shared: _Shared = parallel.shared()
    loader = _Loader(shared.layout, shared.schema, shared.registry)
    if kind == "registry":
        entities = loader.entity_facts(what)
        return kind, loader.problems.items, serialize([Ingest().registry_chunk(entities)])
    record: DocumentRecord = loader.document(shared.layout.annotations / what)
    if record.document is None or record.problems:
        return kind, record.problems, None
    data = pickle.dumps((record.document, record.statements), protocol=pickle.HIGHEST_PROTOCOL)
    facts = sum(len(statement.facts) for statement in record.statements)
    return kind, [], (data, shared.standings.claims(record.statements), len(record.statements), facts,
                      record.document)


def _document_piece(number: int) -> Piece:
    shared: _Shared = parallel.shared()
    ingest = Ingest(shared.standings, shared.publishers)
    (document, statements), = read(shared.documents.span(number))
    return serialize(ingest.document_chunks(document, statements))


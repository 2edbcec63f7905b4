"""`spacekg build`: sources → checked corpus → RDF → files in output/, all or nothing."""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable

import pyoxigraph as ox
from rdflib import Dataset, Graph

from .checks.stages import check_reasoning, check_shapes
from .exports.rdf import RdfFiles, serialized_statements, union_graph
from .ingest import Ingest, chunks
from .namespaces import SKG
from .ontology import Schema, load_ontology
from .oxigraph import ExactOxigraphStore, count_triples, dataset_over, to_oxigraph
from .paths import Layout
from .sources.load import load_corpus
from .sources.model import Corpus
from .store import STORE_FOLDER, StoreWriter, open_dataset
from .site.static import SITE_FOLDER, write_site
from .views.write import write_views


@dataclass
class BuildResult:
    """What a build made, for the summary and for later stages.

    ``dataset`` holds the asserted named graphs (opened on first use: during a build, once the
    store is complete); ``inferred`` the reasoner's entailments, which the graph files put in
    graph:inferred.
    """

    corpus: Corpus
    triples: int  # distinct asserted triples
    open: Callable[[], Dataset] = field(repr=False)
    inferred: list = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    rdf: RdfFiles | None = field(default=None, repr=False)
    store: StoreWriter | None = field(default=None, repr=False)

    @cached_property
    def dataset(self) -> Dataset:
        return self.open()

    @cached_property
    def asserted(self) -> Graph:
        """The asserted named graphs merged into one rdflib graph, for the checks (made once)."""
        return union_graph(self.dataset)

    def release(self) -> None:
        """Let go of the store being built (stopping its thread if it is still loading), so that
        the database is closed before its folder moves into output/."""
        if "dataset" not in self.__dict__ and self.store is not None:
            self.store.abandon()
        self.__dict__.pop("dataset", None)
        self.__dict__.pop("asserted", None)
        self.rdf = self.store = None
        gc.collect()

    def summary(self) -> list[str]:
        facts = sum(len(s.facts) for s in self.corpus.statements)
        classes = Counter(str(e.klass)[len(str(SKG._NS)):] for e in self.corpus.entities.values())
        lines = [
            f"documents   {len(self.corpus.documents)}",
            f"statements  {len(self.corpus.statements)} annotated passages, {facts} facts",
            f"entities    {len(self.corpus.entities)}",
            f"triples     {self.triples}" + (f" (and {len(self.inferred)} inferred)" if self.inferred else ""),
            "entities per class:",
        ]
        lines += [f"  {name:<22}{count:>4}" for name, count in sorted(classes.items())]
        return lines


def read_sources(layout: Layout, say: Callable[[str], None] = lambda _: None) -> tuple[Graph, Corpus]:
    """The ontology and the checked sources (raises SourceError listing every problem)."""
    say(f"reading {layout.relative(layout.ontology)}")
    ontology = load_ontology(layout.ontology)
    schema = Schema.from_graph(ontology)
    say(f"reading {layout.relative(layout.sources)}/ (registry, annotations, texts)")
    with _kept_out_of_collections():
        return ontology, load_corpus(layout, schema)


@contextmanager
def _kept_out_of_collections():
    """Python's cycle collector paused while the block runs, and what it made frozen afterwards.

    Reading large sources makes millions of objects that all stay alive (the records, then the
    corpus); each full collection would scan every one of them again, which took about a third of
    the reading time on large corpora. Frozen objects are still freed when nothing refers to them.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


def load_and_ingest(layout: Layout, say: Callable[[str], None] = lambda _: None) -> BuildResult:
    """Read ontology and sources and make the dataset in memory, without writing anything."""
    ontology, corpus = read_sources(layout, say)
    say(f"ingesting {len(corpus.statements)} statements from {len(corpus.documents)} documents")
    return ingest_in_memory(ontology, corpus)


def ingest_in_memory(ontology: Graph, corpus: Corpus) -> BuildResult:
    """The graph in an in-memory Oxigraph store (for `spacekg validate` and measurements)."""
    store, exact = ox.Store(), []
    for chunk in chunks(ontology, corpus):
        store.bulk_extend(chunk.quads)
        exact += chunk.exact
    dataset = dataset_over(ExactOxigraphStore(store, exact=exact))
    return BuildResult(corpus, count_triples(store), lambda: dataset)


def build(layout: Layout, say: Callable[[str], None] = print) -> BuildResult:
    """Build everything into output/; on any error the previous output is left untouched."""
    ontology, corpus = read_sources(layout, say)
    with staging(layout.output) as folder:
        result = write_graph(ontology, corpus, folder, say)
        try:
            for stage in STAGES:
                stage(result, layout, folder, say)
        finally:
            result.release()
    result.open = lambda: open_dataset(layout, "oxigraph")
    return result


def write_graph(ontology: Graph, corpus: Corpus, folder: Path, say: Callable[[str], None]) -> BuildResult:
    """Stream the graph into N-Quads and N-Triples and, from a second thread, the Oxigraph store."""
    say(f"ingesting {len(corpus.statements)} statements from {len(corpus.documents)} documents "
        "into N-Quads, N-Triples and the Oxigraph store")
    rdf = RdfFiles(folder, ontology)
    store = StoreWriter(folder, rdf.nquads_path)
    ingest = Ingest(ontology, corpus)
    parallel = sum(len(s.facts) for s in corpus.statements) > PARALLEL_FACTS
    try:
        for chunk in ingest.head():
            store.add(rdf.add(chunk), len(chunk.quads), chunk.exact)
        statements = serialized_statements(ingest, parallel)
        for document, part in zip(corpus.documents, statements):
            chunk = ingest.document_chunk(document)
            store.add(rdf.add(chunk), len(chunk.quads), chunk.exact)
            store.add(rdf.add_serialized(part.nquads, part.ntriples, part.quads), part.quads, part.exact_quads())
    except BaseException:
        rdf.close()
        store.abandon()
        raise

    def opened() -> Dataset:
        return dataset_over(ExactOxigraphStore(store.close(), exact=store.exact()))

    return BuildResult(corpus, rdf.triples, opened, rdf=rdf, store=store)


# Above this many facts, statement nodes are made by worker processes (one per core).
PARALLEL_FACTS = 5_000


def write_exports(result: BuildResult, layout: Layout, folder: Path, say: Callable[[str], None]) -> None:
    say("writing Turtle, TriG and JSON-LD")
    inferred = [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in result.inferred]
    result.files += result.rdf.finish(inferred)


def write_store(result: BuildResult, layout: Layout, folder: Path, say: Callable[[str], None]) -> None:
    say(f"finishing the Oxigraph store {layout.relative(layout.output / STORE_FOLDER)}/")
    result.dataset  # noqa: B018 - opening it waits for the last batch to be loaded


# The stages of a build after ingestion, in order; each may add files to the staging folder.
STAGES: list[Callable[[BuildResult, Layout, Path, Callable[[str], None]], None]] = [
    check_shapes,
    check_reasoning,
    write_exports,
    write_store,
    write_views,
    write_site,
]


# Folders of output/ that a build replaces as a whole (a store's files only make sense together).
WHOLE_FOLDERS = (STORE_FOLDER, SITE_FOLDER)


def _swap_folder(new: Path, destination: Path) -> None:
    """Put ``new`` in place of ``destination`` with renames: a crash leaves one or the other."""
    old = destination.with_name(f".old-{destination.name}")
    shutil.rmtree(old, ignore_errors=True)
    if destination.exists():
        os.replace(destination, old)
    os.replace(new, destination)
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def staging(output: Path):
    """A scratch folder whose files replace those in ``output`` only if the block succeeds."""
    output.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".staging-", dir=output))
    try:
        yield folder
        for name in WHOLE_FOLDERS:
            if (folder / name).is_dir():
                _swap_folder(folder / name, output / name)
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                destination = output / path.relative_to(folder)
                destination.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, destination)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

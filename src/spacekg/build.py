"""`spacekg build`: sources → checked graph → files in a new build folder, published all at once.

The graph is made as a stream (see stream.py) into the RDF files and the Oxigraph store of a
new build folder (see ``paths.new_build``); the checks run on the store, the views are drawn
from it, and only then does the build become the one readers see. A failed or interrupted build
leaves the previous one current and untouched.
"""

from __future__ import annotations

import gc
import os
import tempfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox
from rdflib import Dataset, Graph

from .checks.entailed import Entailed
from .checks.stages import STAGES as CHECKS, OntologyCheck
from .errors import SpacekgError
from .exports.rdf import RdfFiles, rewrite_turtle, union_graph
from .namespaces import SKG
from .ontology import Schema, load_ontology
from .oxigraph import ExactOxigraphStore, dataset_over
from .parallel import die_with_parent, forking, give_back_memory, workers
from .paths import Layout, new_build, scratch_folder
from .store import STORE_FOLDER, built_dataset, open_dataset
from .stream import Counts, write_graph
from .site.static import write_site
from .views.write import VIEW_FILES, views_message, write_ontology_page, write_views


@dataclass
class BuildResult:
    """What a build made, for the summary and for later stages.

    ``dataset`` holds the asserted named graphs (during a build, the store being built);
    ``inferred`` the entailments of the rules, which the graph files put in graph:inferred.
    """

    layout: Layout
    ontology: Graph = field(repr=False)
    schema: Schema = field(repr=False)
    counts: Counts
    triples: int  # distinct asserted triples
    open: Callable[[], Dataset] = field(repr=False)
    store: ox.Store | None = field(default=None, repr=False)
    store_location: Path | None = None  # the store's database folder (for the checks' workers)
    rdf: RdfFiles | None = field(default=None, repr=False)
    ontology_check: OntologyCheck | None = field(default=None, repr=False)
    inferred: Entailed = field(default_factory=Entailed)
    files: list[Path] = field(default_factory=list)
    checks: dict = field(default_factory=dict)  # what each check found, for checks.json
    texts: dict[str, str] = field(default_factory=dict)  # quoted document id → its text file

    @cached_property
    def dataset(self) -> Dataset:
        return self.open()

    @cached_property
    def asserted(self) -> Graph:
        """The asserted named graphs merged into one rdflib graph (for small graphs: tests)."""
        return union_graph(self.dataset)

    @cached_property
    def corpus(self):
        """The whole corpus read into memory (for small corpora: tests and measurements)."""
        from .sources.load import load_corpus

        return load_corpus(self.layout, self.schema)

    def release(self) -> None:
        """Let go of the store being built, so that the database is closed before its folder moves."""
        self.__dict__.pop("dataset", None)
        self.__dict__.pop("asserted", None)
        self.store = self.rdf = None
        gc.collect()

    def summary(self) -> list[str]:
        counts = self.counts
        classes = {str(klass)[len(str(SKG._NS)):]: n for klass, n in counts.classes.items()}
        lines = [
            f"documents   {counts.documents}",
            f"statements  {counts.statements} annotated passages, {counts.facts} facts",
            f"entities    {counts.entities}",
            f"triples     {self.triples}" + (f" (and {len(self.inferred)} inferred)" if self.inferred else ""),
            "entities per class:",
        ]
        lines += [f"  {name:<22}{count:>4}" for name, count in sorted(classes.items())]
        return lines


def read_ontology(layout: Layout, say: Callable[[str], None] = lambda _: None) -> tuple[Graph, Schema]:
    say(f"reading {layout.relative(layout.ontology)}")
    ontology = load_ontology(layout.ontology)
    return ontology, Schema.from_graph(ontology)


def read_sources(layout: Layout, say: Callable[[str], None] = lambda _: None):
    """The ontology and the whole corpus read into memory, checked (for small corpora: tests and
    measurements; a build streams instead)."""
    from .sources.load import load_corpus

    ontology, schema = read_ontology(layout, say)
    say(f"reading {layout.relative(layout.sources)}/ (registry, annotations, texts)")
    return ontology, load_corpus(layout, schema)


def in_memory(ontology: Graph, corpus) -> Dataset:
    """The graph of a corpus held in memory, in an in-memory Oxigraph store (tests, measurements)."""
    from .ingest import chunks

    store, exact = ox.Store(), []
    for chunk in chunks(ontology, corpus):
        store.bulk_extend(chunk.quads)
        exact += chunk.exact
    return dataset_over(ExactOxigraphStore(store, exact=exact))


def build(layout: Layout, say: Callable[[str], None] = print, compress: bool = False) -> BuildResult:
    """Build everything into a new build folder and publish it; on any error the previous build
    stays current and untouched. ``compress``: the RDF exports are gzip-compressed (NAME.gz)."""
    ontology, schema = read_ontology(layout, say)
    ontology_check = OntologyCheck.start(layout, ontology, scratch=scratch_folder(layout))
    try:
        with new_build(layout) as folder:
            result = graph_into(layout, ontology, schema, folder, say, compress=compress)
            result.ontology_check = ontology_check
            try:
                for stage in STAGES:
                    stage(result, layout, folder, say)
            finally:
                result.release()
    finally:
        ontology_check.stop()
    result.open = lambda: open_dataset(layout, "oxigraph")
    return result


def graph_into(layout: Layout, ontology: Graph, schema: Schema, folder: Path, say: Callable[[str], None],
               files: bool = True, compress: bool = False) -> BuildResult:
    """Read the sources and write the graph into ``folder`` (the RDF files unless ``files`` is
    false, compressed with ``compress``, and the store); the result's dataset is the store, open
    for the stages."""
    written = write_graph(layout, ontology, schema, folder, say, files=files, compress=compress)
    store = written.store.store  # finished by write_graph: read-only
    # what the stream and the store's bulk load have freed goes back to the system before the
    # checks fork their workers (at 1,000x the corpus: about 200 MB of this process's 530)
    gc.collect()
    give_back_memory()

    def opened() -> Dataset:
        return built_dataset(store, folder / STORE_FOLDER)

    return BuildResult(layout, ontology, schema, written.counts,
                       written.rdf.triples if written.rdf else _count_triples(store), opened,
                       store=store, rdf=written.rdf, texts=written.texts,
                       store_location=written.store.location)


def _count_triples(store: ox.Store) -> int:
    from .oxigraph import count_triples

    return count_triples(store)


def check_in_scratch(layout: Layout, say: Callable[[str], None], check: Callable[[BuildResult], object]):
    """Read the sources and make the graph in a scratch folder (no output/ is written), and
    return what ``check`` finds in it (`spacekg validate`)."""
    ontology, schema = read_ontology(layout, say)
    ontology_check = OntologyCheck.start(layout, ontology, cached=False)
    try:
        with tempfile.TemporaryDirectory(prefix="spacekg-validate-") as folder:
            result = graph_into(layout, ontology, schema, Path(folder), say, files=False)
            result.ontology_check = ontology_check
            try:
                return result, check(result)
            finally:
                result.release()
    finally:
        ontology_check.stop()


def write_exports(result: BuildResult, layout: Layout, folder: Path, say: Callable[[str], None]) -> None:
    say("finishing the RDF files")
    result.files += result.rdf.finish(_inferred(result))


def _inferred(result: BuildResult) -> Iterable[ox.Triple]:
    return result.inferred.triples()


def write_outputs(result: BuildResult, layout: Layout, folder: Path, say: Callable[[str], None]) -> None:
    """Build stage: the RDF files, the views and the site. On two cores or more the work is shared
    with a child process: it rewrites the Turtle of a small graph and draws the views from the
    store (opened read-only), while this one compacts the JSON-LD and writes the ontology page
    and the site, which then copies the child's files. The two write different files: the bytes
    are those of a build in one process."""
    import multiprocessing

    if workers() < 2 or "fork" not in multiprocessing.get_all_start_methods() or result.store_location is None:
        write_exports(result, layout, folder, say)
        write_views(result, layout, folder, say)
        write_site(result, layout, folder, say)
        return
    say("finishing the RDF files")
    result.rdf.close_streams(_inferred(result))
    # a forked child would keep a copy of this process's heap, which it never reads (at 10,000
    # times the corpus it shared 360 MB with this one); a new interpreter costs a second to start
    context = multiprocessing.get_context("spawn" if result.triples > FRESH_VIEWS_FROM else "fork")
    compacted = context.Event()
    failed, report = context.Pipe(duplex=False)
    job = _ViewsJob(layout, folder, result.store_location, result.rdf.turtle_to_rewrite())
    say(views_message(ontology_page=False))
    child = context.Process(target=_turtle_and_views, args=(job, compacted, report, os.getpid()), daemon=True)
    with forking():
        child.start()
    report.close()
    own = len(result.files)

    def child_done() -> None:
        child.join()
        try:
            message = failed.recv() if failed.poll() else None
        except EOFError:  # the child closed its end without a word: it finished
            message = None
        if child.exitcode != 0 or message:
            raise SpacekgError(f"drawing the views failed: {message or f'exit code {child.exitcode}'}")

    try:
        result.rdf.compact_jsonld()
        compacted.set()
        write_ontology_page(result, layout, folder)
        write_site(result, layout, folder, say, ready=child_done)
        child_done()
        # the order of a build in one process: RDF files, views, site
        result.files[own:own] = list(result.rdf.paths.values()) + [folder / name for name in VIEW_FILES]
    finally:
        if child.is_alive():
            child.kill()
            child.join()
        failed.close()


# Above this many triples the views' child is a new interpreter rather than a fork of the build.
FRESH_VIEWS_FROM = 1_000_000


@dataclass
class _ViewsJob:
    """What the views' child process works on: it opens the store anew, read-only (a child
    started afresh gets this by pickling, so it holds paths only)."""

    layout: Layout
    folder: Path
    store_location: Path
    turtle: tuple[Path, Path] | None  # the N-Triples and Turtle files of rdf.rewrite_turtle
    files: list[Path] = field(default_factory=list)  # what write_views adds (the parent lists them)

    @cached_property
    def dataset(self) -> Dataset:
        return built_dataset(ox.Store.read_only(str(self.store_location)), self.folder / STORE_FOLDER)


def _turtle_and_views(job: _ViewsJob, compacted, report, parent: int) -> None:
    """In the child: rewrite the Turtle of a small graph and draw the views (all but the ontology
    page), the index page once the JSON-LD is ``compacted``; a failure is sent back as its message."""
    die_with_parent(parent)
    try:
        if job.turtle is not None:
            rewrite_turtle(*job.turtle)
        write_views(job, job.layout, job.folder, _silent, ontology_page=False, ready=compacted.wait)
    except BaseException as error:  # noqa: BLE001 - reported to the parent, which raises it
        report.send(str(error) or type(error).__name__)
        raise SystemExit(1)
    finally:
        report.close()


def _silent(message: str) -> None:
    """The child's messages: the parent has said what the child does."""


# The stages of a build after the graph is written, in order; each may add files to the build folder.
STAGES: list[Callable[[BuildResult, Layout, Path, Callable[[str], None]], None]] = [
    *CHECKS,
    write_outputs,
]

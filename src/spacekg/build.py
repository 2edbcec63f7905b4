"""`spacekg build`: sources → checked corpus → RDF → files in output/, all or nothing."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable

from rdflib import Dataset, Graph

from .checks.stages import check_reasoning, check_shapes
from .exports.rdf import count_triples, union_graph, write_rdf
from .ingest import build_dataset
from .namespaces import SKG
from .ontology import Schema, load_ontology
from .paths import Layout
from .sources.load import load_corpus
from .sources.model import Corpus
from .store import STORE_FOLDER, write_store
from .views.write import write_views


@dataclass
class BuildResult:
    """What a build made, for the summary and for later stages."""

    corpus: Corpus
    dataset: Dataset
    files: list[Path] = field(default_factory=list)

    @cached_property
    def asserted(self) -> Graph:
        """The asserted named graphs merged into one rdflib graph, for the checks (made once)."""
        return union_graph(self.dataset)

    def summary(self) -> list[str]:
        facts = sum(len(s.facts) for s in self.corpus.statements)
        classes = Counter(str(e.klass)[len(str(SKG._NS)):] for e in self.corpus.entities.values())
        lines = [
            f"documents   {len(self.corpus.documents)}",
            f"statements  {len(self.corpus.statements)} annotated passages, {facts} facts",
            f"entities    {len(self.corpus.entities)}",
            f"triples     {count_triples(self.dataset)}",
            "entities per class:",
        ]
        lines += [f"  {name:<22}{count:>4}" for name, count in sorted(classes.items())]
        return lines


def load_and_ingest(layout: Layout, say: Callable[[str], None] = lambda _: None) -> BuildResult:
    """Read ontology and sources and make the dataset, without writing anything."""
    say(f"reading {layout.relative(layout.ontology)}")
    ontology = load_ontology(layout.ontology)
    schema = Schema.from_graph(ontology)
    say(f"reading {layout.relative(layout.sources)}/ (registry, annotations, texts)")
    corpus = load_corpus(layout, schema)
    say(f"ingesting {len(corpus.statements)} statements from {len(corpus.documents)} documents")
    return BuildResult(corpus, build_dataset(ontology, corpus))


def build(layout: Layout, say: Callable[[str], None] = print) -> BuildResult:
    """Build everything into output/; on any error the previous output is left untouched."""
    result = load_and_ingest(layout, say)
    with staging(layout.output) as folder:
        for stage in STAGES:
            stage(result, layout, folder, say)
    return result


def write_exports(result: BuildResult, layout: Layout, folder: Path, say: Callable[[str], None]) -> None:
    say("writing Turtle, TriG, N-Triples and JSON-LD")
    result.files += write_rdf(result.dataset, folder)


# The stages of a build after ingestion, in order; each may add files to the staging folder.
STAGES: list[Callable[[BuildResult, Layout, Path, Callable[[str], None]], None]] = [
    check_shapes,
    check_reasoning,
    write_exports,
    write_store,
    write_views,
]


# Folders of output/ that a build replaces as a whole (a store's files only make sense together).
WHOLE_FOLDERS = (STORE_FOLDER,)


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

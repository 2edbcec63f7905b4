"""The project as the annotation tools read it: the corpus through the build's loader, also when
some annotation files are still being written, and with a chosen set of annotation files."""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError
from ..ontology import Schema, load_ontology
from ..paths import Layout
from ..sources.load import load_corpus
from ..sources.model import Corpus
from .knowledge import Knowledge


@dataclass(frozen=True)
class Selection(Layout):
    """A project whose annotations are the files copied into ``folder`` (its registry, texts and
    ontology are the project's own)."""

    folder: Path | None = None

    @property
    def annotations(self) -> Path:
        return self.folder


@contextmanager
def selection(layout: Layout, files: list[Path]):
    """A Selection holding copies of ``files`` (same names, same lines)."""
    with tempfile.TemporaryDirectory(prefix="spacekg-annotations-") as folder:
        for path in files:
            shutil.copyfile(path, Path(folder) / path.name)
        yield Selection(layout.root, Path(folder))


def read_schema(layout: Layout) -> Schema:
    return Schema.from_graph(load_ontology(layout.ontology))


def read_corpus(layout: Layout, schema: Schema) -> tuple[Corpus, list[str]]:
    """The corpus, and notes on annotation files left out because they do not load yet (a draft
    being corrected must not stop the tools that help correct it)."""
    try:
        return load_corpus(layout, schema), []
    except SourceError:
        pass
    files = sorted(layout.annotations.glob("*.yaml"))
    good, notes = [], []
    for path in files:
        try:
            with selection(layout, [path]) as one:
                load_corpus(one, schema)
            good.append(path)
        except SourceError as error:
            notes.append(f"{layout.relative(path)} left out ({len(error.problems)} problems; "
                         f"`spacekg validate {layout.relative(path)}` lists them)")
    with selection(layout, good) as chosen:
        return load_corpus(chosen, schema), notes


def texts_of(layout: Layout, corpus: Corpus) -> dict[str, str]:
    """Document id → verbatim text, for the documents that have one."""
    texts = {}
    for document in corpus.documents:
        path = layout.root / document.text_file if getattr(document, "text_file", None) else None
        if path is not None and path.is_file():
            texts[document.id] = path.read_text(encoding="utf-8")
    return texts


def knowledge_of(layout: Layout, without: str | None = None, strict: bool = False) -> tuple[Knowledge, list[str]]:
    schema = read_schema(layout)
    corpus, notes = read_corpus(layout, schema)
    return Knowledge.of(corpus, schema, texts_of(layout, corpus), without=without, strict=strict), notes


def drafter_for(layout: Layout, without: str | None = None, strict: bool = False, seeds: bool = True):
    from .draft import Drafter

    knowledge, notes = knowledge_of(layout, without, strict)
    return Drafter(knowledge, seeds=seeds), notes

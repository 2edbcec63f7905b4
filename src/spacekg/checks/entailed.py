"""The entailments of the rules, kept on disk: one N-Triples file, sorted, without repeats.

At a thousand times the corpus the rules entail over a million triples; held as Python objects
they took more memory than the rest of the build. Each entailment query writes its answer,
sorted, to a file of its own (in the worker process that answered it), and the files are merged
into one. The triples are then counted, and read again as often as needed (to write
graph:inferred, or by the tests), from the file.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from .answers import merge_sorted

TRIPLES_FILE = "inferred.nt"


class Entailed:
    """Entailed triples in a sorted N-Triples file of a temporary folder (none when made without
    one); the folder goes when the object does."""

    def __init__(self, folder: Path | None = None, count: int = 0):
        self.folder = folder
        self.count = count
        if folder is not None:
            weakref.finalize(self, shutil.rmtree, str(folder), True)

    @staticmethod
    def new_folder(parent: Path | None = None) -> Path:
        """A temporary folder for the answers of the entailment queries, to merge with
        :meth:`merged` (in ``parent``, else the system's temporary folder)."""
        return Path(tempfile.mkdtemp(prefix="spacekg-inferred-", dir=parent))

    @classmethod
    def merged(cls, folder: Path, parts: list[Path]) -> "Entailed":
        """The sorted N-Triples files ``parts`` (in ``folder``) merged into one, repeats dropped."""
        count = merge_sorted(parts, folder / TRIPLES_FILE)
        for part in parts:
            part.unlink()
        return cls(folder, count)

    def __len__(self) -> int:
        return self.count

    def triples(self) -> Iterator[ox.Triple]:
        """The triples, in the file's order."""
        if self.folder is None or not self.count:
            return iter(())
        return ox.parse(path=str(self.folder / TRIPLES_FILE), format=ox.RdfFormat.N_TRIPLES)

    def __iter__(self):
        """The triples as rdflib terms."""
        from oxrdflib._converter import from_ox

        for triple in self.triples():
            yield from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)

"""The index of registered entities that every annotation needs: id → class and where it is.

Documents refer to entities by id, and the loader checks each reference (does the entity exist,
is it of a class the property takes?). That needs every id of the registry, and nothing else of
it: an entity's labels and facts are read once, when the entity itself is written.

The index holds no Python object per entity: each id is kept as its 16-byte digest (see
digests.py), in a sorted array searched by bisection, beside arrays of class numbers, file numbers and lines (24 bytes an
entity). A dict of id strings took about 130 bytes an entity, and more in practice: its strings,
made while the registry is read among many short-lived objects, kept the allocator's pages of
those objects alive (about 100 MB of the building process at 273,000 entities), and every worker
forked from that process copied the pages its lookups touched (a lookup changes an object's
reference count). Arrays are a few large blocks that no lookup writes to. Ids and labels (for
"did you mean" hints) are read back from the registry's spooled records only when a hint is
needed.
"""

from __future__ import annotations

from array import array
from typing import Callable, Iterator

import numpy as np
from rdflib import URIRef

from ..digests import DTYPE, as_array, digest, find_one
from ..namespaces import KG
from .model import Where

Entry = tuple[str, URIRef, str, int]  # an entity id, its class, the file and line that register it
At = tuple[int, int]  # an entry's file (its number among the files given) and its position in that file


class Entries:
    """The entries of one registry file, in the order of the file, as columns: each id's digest,
    its class's number and its line (22 bytes an entry, pickled as a few buffers when a worker
    hands them back, where tuples of strings took about 250 bytes an entry in the building process)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.digests = bytearray()
        self.classes: list[URIRef] = []  # the classes met, numbered in the order met
        self.class_numbers = array("H")
        self.lines = array("I")

    def add(self, entity_id: str, klass: URIRef, line: int) -> None:
        if klass not in self.classes:
            self.classes.append(klass)
        self.digests += digest(entity_id.encode())
        self.class_numbers.append(self.classes.index(klass))
        self.lines.append(line)

    def __len__(self) -> int:
        return len(self.lines)

    def entry(self, position: int, entity_id: str) -> Entry:
        """The entry at ``position`` (its id given: only its digest is kept)."""
        return entity_id, self.classes[self.class_numbers[position]], self.file, self.lines[position]


class Registry:
    """Every registered entity by id: its class and the file and line that registered it."""

    def __init__(self) -> None:
        self._digests = as_array([])  # the ids', sorted
        self._class = self._file = np.zeros(0, dtype=np.uint16)
        self._line = np.zeros(0, dtype=np.uint32)
        self._classes: list[URIRef] = []
        self._files: list[str] = []
        self._labels: dict[str, str] | None = None
        self._ids: list[str] | None = None
        self.read_labels: Callable[[], Iterator[tuple[str, list[str]]]] | None = None

    @classmethod
    def of(cls, files: list[Entries]) -> tuple["Registry", list[tuple[At, At]]]:
        """The index of the files' entries, and where each entry is whose id an earlier entry
        (in the order given) already has, paired with where that earlier entry is (the first
        entry of an id counts), in the order given."""
        registry = cls()
        registry._files = [entries.file for entries in files]
        class_numbers: dict[URIRef, int] = {}
        digests = np.frombuffer(b"".join(entries.digests for entries in files), dtype=DTYPE)
        classes = np.concatenate([np.zeros(0, dtype=np.uint16)] + [
            np.array([_number(class_numbers, registry._classes, klass) for klass in entries.classes],
                     dtype=np.uint16)[np.frombuffer(entries.class_numbers, dtype=np.uint16)]
            for entries in files if len(entries)])
        lines = np.concatenate([np.zeros(0, dtype=np.uint32)]
                               + [np.frombuffer(entries.lines, dtype=np.uint32) for entries in files])
        file_of = np.repeat(np.arange(len(files), dtype=np.uint16), [len(entries) for entries in files])
        starts = np.cumsum([0] + [len(entries) for entries in files])
        order = np.argsort(digests, kind="stable")  # the entries of one id stay in the order given
        sorted_digests = digests[order]
        repeated = np.zeros(len(order), dtype=bool)
        repeated[1:] = sorted_digests[1:] == sorted_digests[:-1]
        first = np.maximum.accumulate(np.where(repeated, 0, np.arange(len(order))))
        kept = order[~repeated]
        registry._digests = sorted_digests[~repeated]
        registry._class, registry._file, registry._line = classes[kept], file_of[kept], lines[kept]

        def at(number: int) -> At:
            file = int(file_of[number])
            return file, number - int(starts[file])

        duplicates = sorted((int(order[position]), int(order[first[position]]))
                            for position in np.flatnonzero(repeated))
        return registry, [(at(later), at(earlier)) for later, earlier in duplicates]

    def __contains__(self, entity_id: str) -> bool:
        return self._position(entity_id) is not None

    def __len__(self) -> int:
        return len(self._digests)

    def ids(self) -> list[str]:
        """Every registered id, read back from the spooled records on first use (none without
        them), for hints."""
        if self._ids is None:
            self._ids = list(dict.fromkeys(entity_id for entity_id, _ in self._records()))
        return self._ids

    def get(self, entity_id: str) -> tuple[URIRef, URIRef] | None:
        """(IRI, class) of a registered entity, or None."""
        position = self._position(entity_id)
        if position is None:
            return None
        return KG[entity_id], self._classes[self._class[position]]

    def where(self, entity_id: str) -> Where | None:
        position = self._position(entity_id)
        return None if position is None else Where(self._files[self._file[position]], int(self._line[position]))

    def class_counts(self) -> dict[URIRef, int]:
        counts = np.bincount(self._class, minlength=len(self._classes))
        return {klass: int(count) for klass, count in zip(self._classes, counts)}

    def by_label(self, name: str) -> str | None:
        """The id of the entity whose label, alternative label or abbreviation is ``name``
        (case ignored), for hints; the labels are read on first use."""
        if self._labels is None:
            self._labels = {}
            for entity_id, names in self._records():
                for label in names:
                    self._labels.setdefault(label.lower(), entity_id)
        return self._labels.get(name.lower())

    def labels_of(self, iris: set[URIRef]) -> dict[URIRef, str]:
        """The label of each of these entities, read back from the registry's records."""
        labels = {}
        for entity_id, names in self._records():
            iri = KG[entity_id]
            if iri in iris:
                labels[iri] = names[0]
        return labels

    def _records(self) -> Iterator[tuple[str, list[str]]]:
        """(id, labels) of every spooled record, none without them."""
        return self.read_labels() if self.read_labels else iter(())

    def _position(self, entity_id: str) -> int | None:
        return find_one(self._digests, digest(entity_id.encode()))


def _number(numbers: dict, items: list, item) -> int:
    found = numbers.get(item)
    if found is None:
        found = numbers[item] = len(items)
        items.append(item)
    return found

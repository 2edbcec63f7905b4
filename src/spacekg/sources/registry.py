"""The index of registered entities that every annotation needs: id → class and where it is.

Documents refer to entities by id, and the loader checks each reference (does the entity exist,
is it of a class the property takes?). That needs every id of the registry, and nothing else of
it: an entity's labels and facts are read once, when the entity itself is written. So the index
keeps, per entity, a number for its class and its file and a line: a few dozen bytes, where the
entity's records would take kilobytes. Labels (for "did you mean" hints) are read back from the
registry's spooled records only when a hint is needed.
"""

from __future__ import annotations

from array import array
from typing import Callable, Iterator

from rdflib import URIRef

from ..namespaces import KG
from .model import Where


class Registry:
    """Every registered entity by id: its class and the file and line that registered it."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}
        self._class = array("H")
        self._file = array("H")
        self._line = array("L")
        self._classes: list[URIRef] = []
        self._class_numbers: dict[URIRef, int] = {}
        self._files: list[str] = []
        self._file_numbers: dict[str, int] = {}
        self._labels: dict[str, str] | None = None
        self.read_labels: Callable[[], Iterator[tuple[str, list[str]]]] | None = None

    def add(self, entity_id: str, klass: URIRef, where: Where) -> tuple[URIRef, Where] | None:
        """Register an entity; for an id already registered, returns (its class, where) instead."""
        number = self._numbers.get(entity_id)
        if number is not None:
            return self._classes[self._class[number]], self._where(number)
        self._numbers[entity_id] = len(self._class)
        self._class.append(_number(self._class_numbers, self._classes, klass))
        self._file.append(_number(self._file_numbers, self._files, where.file))
        self._line.append(where.line)
        return None

    def __contains__(self, entity_id: str) -> bool:
        return entity_id in self._numbers

    def __len__(self) -> int:
        return len(self._numbers)

    def ids(self) -> Iterator[str]:
        return iter(self._numbers)

    def get(self, entity_id: str) -> tuple[URIRef, URIRef] | None:
        """(IRI, class) of a registered entity, or None."""
        number = self._numbers.get(entity_id)
        if number is None:
            return None
        return KG[entity_id], self._classes[self._class[number]]

    def where(self, entity_id: str) -> Where | None:
        number = self._numbers.get(entity_id)
        return None if number is None else self._where(number)

    def class_counts(self) -> dict[URIRef, int]:
        counts = [0] * len(self._classes)
        for number in self._class:
            counts[number] += 1
        return {klass: count for klass, count in zip(self._classes, counts)}

    def by_label(self, name: str) -> str | None:
        """The id of the entity whose label, alternative label or abbreviation is ``name``
        (case ignored), for hints; the labels are read on first use."""
        if self._labels is None:
            self._labels = {}
            for entity_id, names in (self.read_labels() if self.read_labels else ()):
                for label in names:
                    self._labels.setdefault(label.lower(), entity_id)
        return self._labels.get(name.lower())

    def labels_of(self, iris: set[URIRef]) -> dict[URIRef, str]:
        """The label of each of these entities, read back from the registry's records."""
        labels = {}
        for entity_id, names in (self.read_labels() if self.read_labels else ()):
            iri = KG[entity_id]
            if iri in iris:
                labels[iri] = names[0]
        return labels

    def _where(self, number: int) -> Where:
        return Where(self._files[self._file[number]], self._line[number])


def _number(numbers: dict, items: list, item) -> int:
    found = numbers.get(item)
    if found is None:
        found = numbers[item] = len(items)
        items.append(item)
    return found

"""The registry's index (digests in sorted arrays) answers as a plain dict of the same entries
would: on the project's registry, and on the same entries given twice."""

from __future__ import annotations

from rdflib import URIRef

from spacekg.build import read_ontology
from spacekg.errors import Problems
from spacekg.namespaces import KG
from spacekg.sources.load import spooled_registry
from spacekg.sources.model import Where
from spacekg.sources.registry import Registry


def registry_entries(layout):
    _, schema = read_ontology(layout)
    with spooled_registry(layout, schema, Problems()) as (files, registry):
        entries = [(entity_id, klass, found.file, line) for found in files for entity_id, klass, line in found.entries]
        return entries, registry, registry.ids()


def test_every_registered_id_is_found_where_it_was_first_registered(layout):
    entries, registry, ids = registry_entries(layout)
    first = {}
    for entry in entries:
        first.setdefault(entry[0], entry)
    assert len(registry) == len(first) > 0
    assert ids == list(first)
    for entity_id, (_, klass, file, line) in first.items():
        assert entity_id in registry
        assert registry.get(entity_id) == (KG[entity_id], klass)
        assert registry.where(entity_id) == Where(file, line)
    counted = {}
    for _, klass, _, _ in first.values():
        counted[klass] = counted.get(klass, 0) + 1
    assert registry.class_counts() == counted


def test_ids_not_registered_are_not_found(layout):
    entries, registry, _ = registry_entries(layout)
    known = {entry[0] for entry in entries}
    for entity_id in sorted(known)[:50]:
        for other in (entity_id + "-x", entity_id.upper(), entity_id[:-1]):
            if other not in known:
                assert other not in registry
                assert registry.get(other) is None and registry.where(other) is None


def test_an_id_given_again_is_a_duplicate_of_its_first_entry(layout):
    entries, _, _ = registry_entries(layout)
    again = [(entity_id, URIRef(str(klass) + "Other"), "again.yaml", number + 1)
             for number, (entity_id, klass, _, _) in enumerate(entries)]
    registry, duplicates = Registry.of(entries + again)
    first = {}
    for entry in entries:
        first.setdefault(entry[0], entry)
    expected = [(entry, first[entry[0]]) for entry in entries if first[entry[0]] is not entry]
    expected += [(entry, first[entry[0]]) for entry in again]
    assert duplicates == expected
    assert all(registry.where(entity_id) == Where(file, line) for entity_id, (_, _, file, line) in first.items())

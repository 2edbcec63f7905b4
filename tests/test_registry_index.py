"""The registry's index (digests in sorted arrays) answers as a plain dict of the same entries
would: on the project's registry, and on the same entries given twice."""

from __future__ import annotations

from rdflib import URIRef

from spacekg.build import read_ontology
from spacekg.errors import Problems
from spacekg.namespaces import KG
from spacekg.sources.load import spooled_registry
from spacekg.sources.model import Where
from spacekg.sources.registry import Entries, Registry
from spacekg.spool import read


def registry_entries(layout):
    """Every entry of the registry files as (id, class, file, line), the index, its ids, and the
    files' entries as the index was made from them."""
    _, schema = read_ontology(layout)
    with spooled_registry(layout, schema, Problems()) as (files, registry):
        entries = []
        for found in files:
            ids = [entity.id for span in found.spans for entity, _ in read(span)]
            assert len(ids) == len(found.entries)
            entries += [found.entries.entry(position, entity_id) for position, entity_id in enumerate(ids)]
        return entries, registry, registry.ids(), [found.entries for found in files]


def test_every_registered_id_is_found_where_it_was_first_registered(layout):
    entries, registry, ids, _ = registry_entries(layout)
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
    entries, registry, _, _ = registry_entries(layout)
    known = {entry[0] for entry in entries}
    for entity_id in sorted(known)[:50]:
        for other in (entity_id + "-x", entity_id.upper(), entity_id[:-1]):
            if other not in known:
                assert other not in registry
                assert registry.get(other) is None and registry.where(other) is None


def test_an_id_given_again_is_a_duplicate_of_its_first_entry(layout):
    entries, _, _, files = registry_entries(layout)
    again = Entries("again.yaml")
    for number, (entity_id, klass, _, _) in enumerate(entries):
        again.add(entity_id, URIRef(str(klass) + "Other"), number + 1)
    registry, duplicates = Registry.of(files + [again])
    places = [(file, position) for file, entries_of_file in enumerate(files) for position in range(len(entries_of_file))]
    places += [(len(files), position) for position in range(len(again))]
    every = entries + [again.entry(position, entity_id) for position, (entity_id, *_) in enumerate(entries)]
    first = {}
    for place, entry in zip(places, every):
        first.setdefault(entry[0], place)
    expected = [(place, first[entry[0]]) for place, entry in zip(places, every) if first[entry[0]] != place]
    assert duplicates == expected
    assert len(expected) >= len(entries)
    entry_at = dict(zip(places, every))
    assert all(entry_at[later][0] == entry_at[earlier][0] and entry_at[later][2] == "again.yaml"
               for later, earlier in duplicates[-len(entries):])
    for entity_id, place in first.items():
        _, _, file, line = entry_at[place]
        assert registry.where(entity_id) == Where(file, line)

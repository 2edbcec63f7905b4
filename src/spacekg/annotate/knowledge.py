"""What the drafter learns from a project: its entities, how they nest, and its curated statements.

The corpus is read with the build's own loader. ``without`` leaves one document out (for the
leave-one-out benchmark): its statements are not learned from and, with ``strict``, the registry
entries that no other document uses are forgotten too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rdflib import URIRef

from ..namespaces import KG, SKG
from ..ontology import Schema
from ..sources.model import Corpus, Entity, Statement


def local(iri) -> str:
    """The id of an entity IRI, or the local name of an ontology term."""
    text = str(iri)
    if text.startswith(str(KG)):
        return text[len(str(KG)):]
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@dataclass
class Knowledge:
    """Entities by id with their class names and ancestors, and the statements to learn cues from."""

    schema: Schema
    entities: dict[str, Entity]
    statements: list[Statement]
    texts: dict[str, str] = field(default_factory=dict)  # document id → normalized text
    parents: dict[str, set[str]] = field(default_factory=dict)
    series: dict[str, str] = field(default_factory=dict)  # event id → series id
    usage: Counter = field(default_factory=Counter)  # entity id → statements that use it

    @classmethod
    def of(cls, corpus: Corpus, schema: Schema, texts: dict[str, str] | None = None,
           without: str | None = None, strict: bool = False) -> "Knowledge":
        statements = [s for s in corpus.statements if s.document != without]
        entities = dict(corpus.entities)
        if without and strict:
            used_elsewhere = _used_ids(statements, corpus)
            only_there = _used_ids([s for s in corpus.statements if s.document == without], corpus)
            for entity_id in only_there - used_elsewhere:
                entities.pop(entity_id, None)
        knowledge = cls(schema, entities, statements,
                        {k: v for k, v in (texts or {}).items() if k != without})
        for entity in entities.values():
            for fact in entity.facts:
                if fact.prop == SKG.subOrganizationOf:
                    knowledge.parents.setdefault(entity.id, set()).add(local(fact.value))
                elif fact.prop == SKG.inSeries:
                    knowledge.series[entity.id] = local(fact.value)
        for statement in statements:
            for entity_id in {local(statement.subject)} | {local(f.value) for f in statement.facts
                                                           if isinstance(f.value, URIRef)}:
                knowledge.usage[entity_id] += 1
        return knowledge

    def class_name(self, entity_id: str) -> str | None:
        entity = self.entities.get(entity_id)
        return local(entity.klass) if entity else None

    def is_a(self, entity_id: str, classes: frozenset[URIRef]) -> bool:
        entity = self.entities.get(entity_id)
        return entity is not None and self.schema.is_a(entity.klass, classes)

    def ancestors(self, entity_id: str) -> set[str]:
        seen, todo = set(), list(self.parents.get(entity_id, ()))
        while todo:
            parent = todo.pop()
            if parent not in seen:
                seen.add(parent)
                todo.extend(self.parents.get(parent, ()))
        return seen

    def members(self, series_id: str) -> list[str]:
        return sorted(e for e, s in self.series.items() if s == series_id)

    def facts_about(self, entity_id: str, prop: URIRef) -> list:
        """The values that curated statements give ``entity_id`` for ``prop``."""
        iri = KG[entity_id]
        return [f.value for s in self.statements if s.subject == iri for f in s.facts if f.prop == prop]

    def class_by_word(self) -> dict[str, Counter]:
        """Each word of the organizations' English labels → the classes of the labels it ends or
        starts ("Ministry of …", "… Secretariat"): how the registry names each kind of body."""
        words: dict[str, Counter] = defaultdict(Counter)
        for entity in self.entities.values():
            if not self.schema.is_a(entity.klass, frozenset({SKG.Organization})):
                continue
            parts = entity.label.replace(",", " ").split()
            for word in {parts[0], parts[-1]} if parts else ():
                words[word.lower()][local(entity.klass)] += 1
        return words


def _used_ids(statements: list[Statement], corpus: Corpus) -> set[str]:
    used = set()
    for statement in statements:
        used.add(local(statement.subject))
        used.update(local(f.value) for f in statement.facts if isinstance(f.value, URIRef))
    for document in corpus.documents:
        if any(s.document == document.id for s in statements):
            used.update(local(iri) for iri in document.about)
    return used

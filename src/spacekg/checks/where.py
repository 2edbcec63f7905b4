"""Which source file and line produced a node or a triple of the graph."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from ..namespaces import PREFIXES, QUOTE, STMT
from ..sources.model import Corpus, Where


@dataclass
class Origins:
    """Node IRI → where it was written, and (subject, property, value) → where the fact was written."""

    nodes: dict[URIRef, Where] = field(default_factory=dict)
    facts: dict[tuple, Where] = field(default_factory=dict)

    @classmethod
    def of(cls, corpus: Corpus) -> "Origins":
        origins = cls()
        for entity in corpus.entities.values():
            origins.nodes[entity.iri] = entity.where
            for fact in entity.facts:
                origins.facts.setdefault((entity.iri, fact.prop, fact.value), fact.where)
        for document in corpus.documents:
            origins.nodes[document.iri] = document.where
        for statement in corpus.statements:
            origins.nodes[QUOTE[f"{statement.document}/{statement.id}"]] = statement.where
            for fact in statement.facts:
                origins.nodes[STMT[f"{statement.document}/{statement.id}/{fact.slug}"]] = fact.where
                origins.facts.setdefault((statement.subject, fact.prop, fact.value), fact.where)
        return origins

    def node(self, node) -> Where | None:
        """Where a node was written; selectors (``…#quote``) count as their quote anchor."""
        if not isinstance(node, URIRef):
            return None
        return self.nodes.get(node) or self.nodes.get(URIRef(str(node).split("#", 1)[0]))

    def fact(self, subject, prop, value) -> Where | None:
        """Where a fact was written, falling back to its subject."""
        return self.facts.get((subject, prop, value)) or self.node(subject)


def short(node) -> str:
    """A node as shown in messages: a prefixed name where the project has a prefix for it."""
    text = str(node)
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(str(item[1]))):
        if isinstance(node, URIRef) and text.startswith(str(namespace)):
            return f"{prefix}:{text[len(str(namespace)):]}"
    return text if not isinstance(node, URIRef) else f"<{text}>"

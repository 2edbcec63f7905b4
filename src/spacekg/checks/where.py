"""Which source file and line produced a node or a triple of the graph."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from ..namespaces import DOC, KG, PREFIXES, QUOTE, STMT
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


class Locator:
    """Where a node or a fact of a built graph was written, found when asked (for the few nodes
    a check reports), so that a build need not keep every source line of the corpus.

    An entity is found in the registry index (read again on first need: a build lets go of its
    own before the checks, which at large sizes holds millions of ids); a document, a statement or
    a quote by reading its annotation file again; a fact by the graphs of the store that hold it.
    """

    def __init__(self, layout, schema, store):
        self.layout = layout
        self.schema = schema
        self.store = store
        self._registry = None
        self._documents: dict[str, Origins] = {}

    @property
    def registry(self):
        if self._registry is None:
            from ..sources.load import read_registry

            self._registry = read_registry(self.layout, self.schema)
        return self._registry

    def node(self, node) -> Where | None:
        if not isinstance(node, URIRef):
            return None
        text = str(node).split("#", 1)[0]
        if text.startswith(str(KG)):
            return self.registry.where(text[len(str(KG)):])
        for namespace in (DOC, STMT, QUOTE):
            if text.startswith(str(namespace)):
                document = text[len(str(namespace)):].split("/", 1)[0]
                return self._origins(document).node(URIRef(text))
        return None

    def fact(self, subject, prop, value) -> Where | None:
        """Where a fact was written (the first document that claims it, else the subject's entry)."""
        import pyoxigraph as ox

        from ..ingest import REGISTRY_GRAPH, document_graph
        from ..oxigraph import to_oxigraph

        try:
            quads = self.store.quads_for_pattern(to_oxigraph(subject), to_oxigraph(prop), to_oxigraph(value), None)
            graphs = sorted(str(quad.graph_name.value) for quad in quads if isinstance(quad.graph_name, ox.NamedNode))
        except (TypeError, ValueError):
            graphs = []
        prefix = str(document_graph(""))
        for graph in graphs:
            if graph.startswith(prefix) and graph != str(REGISTRY_GRAPH):
                where = self._origins(graph[len(prefix):]).facts.get((subject, prop, value))
                if where is not None:
                    return where
        return self.node(subject)

    def _origins(self, document_id: str) -> "Origins":
        """The lines of one annotation file, read again (and remembered)."""
        if document_id not in self._documents:
            from ..sources.load import _Loader
            from ..sources.model import Corpus

            origins = Origins()
            path = self.layout.annotations / f"{document_id}.yaml"
            if path.is_file():
                record = _Loader(self.layout, self.schema, self.registry).document(path)
                if record.document is not None:
                    origins = Origins.of(Corpus({}, [record.document], record.statements))
            self._documents[document_id] = origins
        return self._documents[document_id]


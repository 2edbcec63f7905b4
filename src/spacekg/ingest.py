"""Turn a checked corpus into RDF: direct facts, and for each a statement node with its provenance.

Named graphs: ``graph:ontology`` (the ontology), ``graph:registry`` (entities, labels and curated
background facts) and ``graph:doc/ID`` (one per source document: its metadata, the facts taken
from it and their statement nodes). Only the best-ranked claims on a subject and property become
direct facts (preferred where any is preferred, else normal; never deprecated); every claim stays
as a statement node, as in Wikidata.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from .namespaces import DOC, GRAPH, OA, QUOTE, SKG, STMT
from .oxigraph import ExactOxigraphStore, dataset_over, to_oxigraph
from .sources.model import Corpus, Document, Statement

ONTOLOGY_GRAPH = GRAPH["ontology"]
REGISTRY_GRAPH = GRAPH["registry"]
INFERRED_GRAPH = GRAPH["inferred"]


def document_graph(doc_id: str) -> URIRef:
    return GRAPH[f"doc/{doc_id}"]


def en(text: str) -> Literal:
    return Literal(text, lang="en")


def build_dataset(ontology: Graph, corpus: Corpus) -> Dataset:
    """The whole knowledge graph as a dataset of named graphs, held in an in-memory Oxigraph store.

    The dataset speaks rdflib's API (through oxrdflib), while its triples live in Oxigraph: they
    are collected as pyoxigraph quads and loaded in one bulk operation, which is what keeps a
    build of a million triples within seconds.
    """
    quads = _Quads()
    target = quads.graph(ONTOLOGY_GRAPH)
    for triple in ontology:
        target.add(triple)
    _add_registry(quads.graph(REGISTRY_GRAPH), corpus)
    direct = _direct_claims(corpus.statements)
    by_document: dict[str, list[Statement]] = defaultdict(list)
    for statement in corpus.statements:
        by_document[statement.document].append(statement)
    for document in corpus.documents:
        graph = quads.graph(document_graph(document.id))
        _add_document(graph, document)
        for statement in by_document[document.id]:
            _add_statement(graph, statement, direct)
    store = ox.Store()
    store.bulk_extend(quads.quads)
    exact = ExactOxigraphStore(store, exact=quads.quads)
    exact.keep_journal(quads.quads)
    return dataset_over(exact)


class _Quads:
    """Quads collected as pyoxigraph terms; the terms that recur are converted once."""

    def __init__(self):
        self.quads: list[ox.Quad] = []
        self._terms: dict = {}

    def graph(self, name: URIRef) -> "_GraphWriter":
        return _GraphWriter(self, self.term(name))

    def term(self, term):
        converted = self._terms.get(term)
        if converted is None:
            converted = self._terms[term] = to_oxigraph(term)
        return converted


class _GraphWriter:
    """The ``add((s, p, o))`` of an rdflib graph, writing into one named graph of :class:`_Quads`."""

    def __init__(self, quads: _Quads, name):
        self._quads = quads
        self._name = name

    def add(self, triple) -> None:
        s, p, o = triple
        term = self._quads.term
        self._quads.quads.append(ox.Quad(term(s), term(p), term(o), self._name))

    def add_new(self, s, p, o) -> None:
        """Add a triple whose subject or object occurs once: converted without the cache."""
        term = self._quads.term
        s = s if type(s) is ox.NamedNode else term(s)
        o = o if type(o) in _OXIGRAPH_TERMS else term(o)
        self._quads.quads.append(ox.Quad(s, term(p), o, self._name))


_XSD_STRING = ox.NamedNode(XSD.string)
_XSD_NON_NEGATIVE = ox.NamedNode(XSD.nonNegativeInteger)


_OXIGRAPH_TERMS = (ox.NamedNode, ox.Literal)


def _add_registry(graph: Graph, corpus: Corpus) -> None:
    for entity in corpus.entities.values():
        node = entity.iri
        graph.add((node, RDF.type, entity.klass))
        graph.add((node, RDFS.label, en(entity.label)))
        for alt in entity.alt:
            graph.add((node, SKOS.altLabel, en(alt)))
        for abbr in entity.abbr:
            graph.add((node, SKG.abbreviation, en(abbr)))
        if entity.ja:
            graph.add((node, RDFS.label, Literal(entity.ja, lang="ja")))
        if entity.description:
            graph.add((node, SKOS.definition, en(entity.description)))
        if entity.klass == SKG.Topic:
            graph.add((node, SKOS.inScheme, SKG.TopicScheme))
        for broader in entity.broader:
            graph.add((node, SKOS.broader, broader))
        for fact in entity.facts:
            graph.add((node, fact.prop, fact.value))


def _add_document(graph: Graph, document: Document) -> None:
    node = document.iri
    graph.add((node, RDF.type, document.klass))
    graph.add((node, DCTERMS.identifier, Literal(document.id, datatype=XSD.string)))
    graph.add((node, DCTERMS.title, en(document.title)))
    graph.add((node, DCTERMS.language, Literal("en", datatype=XSD.language)))
    for creator in document.creators:
        graph.add((node, DCTERMS.creator, creator))
    if document.publisher is not None:
        graph.add((node, DCTERMS.publisher, document.publisher))
    if document.issued is not None:
        graph.add((node, DCTERMS.issued, document.issued))
    for event in document.about:
        graph.add((node, SKG.about, event))
    if document.note:
        graph.add((node, SKOS.editorialNote, en(document.note)))


def _direct_claims(statements: list[Statement]) -> set[tuple[URIRef, URIRef, object]]:
    """The claims that become direct facts: the best rank present on each subject and property."""
    ranks: dict[tuple, set[URIRef]] = defaultdict(set)
    for statement in statements:
        for fact in statement.facts:
            ranks[(statement.subject, fact.prop)].add(statement.rank)
    direct = set()
    for statement in statements:
        for fact in statement.facts:
            present = ranks[(statement.subject, fact.prop)]
            best = SKG.PreferredRank if SKG.PreferredRank in present else SKG.NormalRank
            if statement.rank == best:
                direct.add((statement.subject, fact.prop, fact.value))
    return direct


def _add_statement(graph: _GraphWriter, statement: Statement, direct: set) -> None:
    anchor_iri = f"{QUOTE}{statement.document}/{statement.id}"
    anchor = ox.NamedNode(anchor_iri)
    quote_selector = ox.NamedNode(f"{anchor_iri}#quote")
    position_selector = ox.NamedNode(f"{anchor_iri}#position")
    source = DOC[statement.document]
    quote = statement.quote
    add = graph.add_new
    add(anchor, RDF.type, OA.SpecificResource)
    add(anchor, OA.hasSource, source)
    add(anchor, OA.hasSelector, quote_selector)
    add(anchor, OA.hasSelector, position_selector)
    add(quote_selector, RDF.type, OA.TextQuoteSelector)
    add(quote_selector, OA.exact, ox.Literal(quote.exact, datatype=_XSD_STRING))
    add(quote_selector, OA.prefix, ox.Literal(quote.prefix, datatype=_XSD_STRING))
    add(quote_selector, OA.suffix, ox.Literal(quote.suffix, datatype=_XSD_STRING))
    add(position_selector, RDF.type, OA.TextPositionSelector)
    add(position_selector, OA.start, ox.Literal(str(quote.start), datatype=_XSD_NON_NEGATIVE))
    add(position_selector, OA.end, ox.Literal(str(quote.end), datatype=_XSD_NON_NEGATIVE))
    note = en(statement.note) if statement.note else None
    for fact in statement.facts:
        node = ox.NamedNode(f"{STMT}{statement.document}/{statement.id}/{fact.slug}")
        add(node, RDF.type, SKG.Statement)
        add(node, RDF.subject, statement.subject)
        add(node, RDF.predicate, fact.prop)
        add(node, RDF.object, fact.value)
        add(node, SKG.rank, statement.rank)
        add(node, PROV.wasDerivedFrom, source)
        add(node, OA.hasTarget, anchor)
        if note is not None:
            add(node, SKOS.editorialNote, note)
        if (statement.subject, fact.prop, fact.value) in direct:
            graph.add((statement.subject, fact.prop, fact.value))

"""Turn a checked corpus into RDF: direct facts, and for each a statement node with its provenance.

Named graphs: ``graph:ontology`` (the ontology), ``graph:registry`` (entities, labels and curated
background facts) and ``graph:doc/ID`` (one per source document: its metadata, the facts taken
from it and their statement nodes). Only the best-ranked claims on a subject and property become
direct facts (preferred where any is preferred, else normal; never deprecated); every claim stays
as a statement node, as in Wikidata.

The graph is produced as a stream of :class:`Chunk` s of pyoxigraph quads, one named graph at a
time, in a fixed order (ontology, registry by entity id, documents by id; within a document its
metadata, its direct facts, then its statements in file order), so that every export written from
the stream is the same for the same sources, without sorting a million triples.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterator

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from .namespaces import DOC, GRAPH, OA, QUOTE, SCHEMA, SKG, STMT
from .oxigraph import STORED_AS, rewritten, to_oxigraph
from .sources.model import Corpus, Document, Statement

ONTOLOGY_GRAPH = GRAPH["ontology"]
REGISTRY_GRAPH = GRAPH["registry"]
INFERRED_GRAPH = GRAPH["inferred"]
# Registry entities per chunk: bounds the memory a chunk takes on large registries.
_ENTITIES_PER_CHUNK = 2_000


def document_graph(doc_id: str) -> URIRef:
    return GRAPH[f"doc/{doc_id}"]


@dataclass
class Chunk:
    """Quads of one named graph. ``minted``: every subject is a node minted for this graph alone
    (statement nodes, quote anchors), so none of these triples occurs in any other graph.
    ``exact``: the quads whose literal the Oxigraph store keeps under another datatype."""

    quads: list[ox.Quad]
    minted: bool = False
    exact: list[ox.Quad] = field(default_factory=list)

    @classmethod
    def of(cls, quads: list[ox.Quad]) -> "Chunk":
        return cls(quads, exact=rewritten(quads))


class Ingest:
    """The knowledge graph of a corpus as chunks: the ontology and the registry (:meth:`head`),
    then for each document its metadata and direct facts (:meth:`document_chunk`) and its
    statements (:meth:`statement_chunk`, which depends on nothing but the document's statements,
    so that worker processes can make them)."""

    def __init__(self, ontology: Graph, corpus: Corpus):
        self.ontology = ontology
        self.corpus = corpus
        self.terms = _Terms()
        single_valued = set(ontology.subjects(RDF.type, OWL.FunctionalProperty))
        self.direct = _direct_claims(corpus.statements, single_valued)
        self.by_document: dict[str, list[Statement]] = defaultdict(list)
        for statement in corpus.statements:
            self.by_document[statement.document].append(statement)

    def chunks(self) -> Iterator[Chunk]:
        """The whole graph, a named graph (or part of one) at a time, in a fixed order."""
        yield from self.head()
        for document in self.corpus.documents:
            yield self.document_chunk(document)
            yield self.statement_chunk(document.id)

    def head(self) -> Iterator[Chunk]:
        yield Chunk.of(_ontology_quads(self.ontology, self.terms))
        entities = list(self.corpus.entities.values())
        for start in range(0, len(entities), _ENTITIES_PER_CHUNK):
            yield Chunk.of(_registry_quads(entities[start:start + _ENTITIES_PER_CHUNK], self.terms))

    def document_chunk(self, document: Document) -> Chunk:
        graph = self.terms(document_graph(document.id))
        return Chunk.of(_document_quads(document, self.by_document[document.id], self.direct, graph, self.terms))

    def statement_chunk(self, document_id: str) -> Chunk:
        graph = self.terms(document_graph(document_id))
        return _statement_chunk(self.by_document[document_id], graph, self.terms)


def chunks(ontology: Graph, corpus: Corpus) -> Iterator[Chunk]:
    """The whole knowledge graph as chunks in a fixed order (see :class:`Ingest`)."""
    return Ingest(ontology, corpus).chunks()


class _Terms:
    """rdflib terms converted to pyoxigraph once each: entity IRIs and properties recur a lot.

    IRIs are looked up by their plain text (rdflib's own hashing of a term runs in Python), other
    terms by themselves. ``exact`` collects the quads whose literal the Oxigraph store would keep
    under another datatype (see oxigraph.py)."""

    def __init__(self):
        self._iris: dict[str, ox.NamedNode] = {}
        self._others: dict = {}

    def __call__(self, term):
        if type(term) is URIRef:
            key = str.__str__(term)
            converted = self._iris.get(key)
            if converted is None:
                converted = self._iris[key] = ox.NamedNode(key)
            return converted
        converted = self._others.get(term)
        if converted is None:
            converted = self._others[term] = to_oxigraph(term)
        return converted


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


_XSD_STRING = ox.NamedNode(XSD.string)
_XSD_NON_NEGATIVE = ox.NamedNode(XSD.nonNegativeInteger)


def _ontology_quads(ontology: Graph, terms: _Terms) -> list[ox.Quad]:
    graph = terms(ONTOLOGY_GRAPH)
    quads = [ox.Quad(terms(s), terms(p), terms(o), graph) for s, p, o in ontology]
    return sorted(quads, key=str)  # a small graph parsed from Turtle: sorted for a fixed order


def _registry_quads(entities, terms: _Terms) -> list[ox.Quad]:
    graph = terms(REGISTRY_GRAPH)
    a, label, alt_label, abbreviation, definition, in_scheme, broader_of = (terms(iri) for iri in (
        RDF.type, RDFS.label, SKOS.altLabel, SKG.abbreviation, SKOS.definition, SKOS.inScheme, SKOS.broader))
    topic, topics = SKG.Topic, terms(SKG.TopicScheme)
    quads: list[ox.Quad] = []
    for entity in entities:
        node = terms(entity.iri)
        values = [(a, terms(entity.klass)), (label, _en(entity.label))]
        values += [(alt_label, _en(alt)) for alt in entity.alt]
        values += [(abbreviation, _en(abbr)) for abbr in entity.abbr]
        if entity.ja:
            values.append((label, ox.Literal(entity.ja, language="ja")))
        if entity.description:
            values.append((definition, _en(entity.description)))
        if entity.klass == topic:
            values.append((in_scheme, topics))
        values += [(broader_of, terms(broader)) for broader in entity.broader]
        values += [(terms(fact.prop), terms(fact.value)) for fact in entity.facts]
        quads += dict.fromkeys(ox.Quad(node, p, o, graph) for p, o in values)  # a value given twice
    return quads


def _document_quads(document: Document, statements: list[Statement], direct: set, graph,
                    terms: _Terms) -> list[ox.Quad]:
    """The document's metadata and the direct facts its statements support."""
    node = terms(document.iri)
    values = [(RDF.type, terms(document.klass)),
              (DCTERMS.identifier, ox.Literal(document.id, datatype=_XSD_STRING)),
              (DCTERMS.title, ox.Literal(document.title, language=document.language)),
              (DCTERMS.language, ox.Literal(document.language, datatype=ox.NamedNode(XSD.language)))]
    values += [(DCTERMS.creator, terms(creator)) for creator in document.creators]
    if document.publisher is not None:
        values.append((DCTERMS.publisher, terms(document.publisher)))
    if document.issued is not None:
        values.append((DCTERMS.issued, terms(document.issued)))
    if document.url is not None:
        values.append((SCHEMA.url, ox.NamedNode(document.url)))
    if document.accessed is not None:
        values.append((SKG.retrieved, terms(document.accessed)))
    if document.authority is not None:
        values.append((SKG.authority, terms(document.authority)))
    if document.mirror_of is not None:
        values.append((SKG.mirrors, terms(DOC[document.mirror_of])))
    values += [(SKG.about, terms(event)) for event in document.about]
    if document.note:
        values.append((SKOS.editorialNote, _en(document.note)))
    quads = [ox.Quad(node, terms(p), o, graph) for p, o in values]
    facts = {}
    for statement in statements:
        for fact in statement.facts:
            claim = (statement.subject, fact.prop, fact.value)
            if claim in direct:
                facts.setdefault(claim)
    quads += (ox.Quad(terms(s), terms(p), terms(o), graph) for s, p, o in facts)
    return quads


# How strongly a claim counts where claims on one subject and property compete: by rank, then,
# on a single-valued property, a claim quoted from a verbatim text before one cited from a record.
_RANK_ORDER = {SKG.PreferredRank: 2, SKG.NormalRank: 1, SKG.DeprecatedRank: 0}


def _standing(statement: Statement, single_valued: bool) -> tuple[int, int] | None:
    """A claim's standing, compared as a tuple; None for a deprecated claim, which never counts."""
    if statement.rank == SKG.DeprecatedRank:
        return None
    return _RANK_ORDER[statement.rank], int(single_valued and not statement.cited)


def _direct_claims(statements: list[Statement], single_valued: set) -> set[tuple[URIRef, URIRef, object]]:
    """The claims that become direct facts: those of the best standing present on each subject and
    property (never deprecated ones). On a single-valued property a quoted claim outranks a cited
    one of the same rank; on other properties quoted and cited claims stand side by side."""
    best: dict[tuple, tuple[int, int]] = {}
    for statement in statements:
        for fact in statement.facts:
            key = (statement.subject, fact.prop)
            standing = _standing(statement, fact.prop in single_valued)
            if standing is not None and standing > best.get(key, (0, 0)):
                best[key] = standing
    direct = set()
    for statement in statements:
        for fact in statement.facts:
            standing = _standing(statement, fact.prop in single_valued)
            if standing is not None and standing == best.get((statement.subject, fact.prop)):
                direct.add((statement.subject, fact.prop, fact.value))
    return direct


def _statement_chunk(statements: list[Statement], graph, terms: _Terms) -> Chunk:
    """For each statement one node per fact, with its rank, its source and its evidence: the quote
    anchor (with two selectors) of a quoted statement, the paraphrase of a cited one."""
    quads: list[ox.Quad] = []
    exact: list[ox.Quad] = []
    add = quads.append
    Quad, NamedNode, Literal_ = ox.Quad, ox.NamedNode, ox.Literal  # noqa: N806 (hot loop)
    a, rank_of, derived, target, note_of = (terms(RDF.type), terms(SKG.rank), terms(PROV.wasDerivedFrom),
                                            terms(OA.hasTarget), terms(SKOS.editorialNote))
    subject_of, predicate_of, object_of = terms(RDF.subject), terms(RDF.predicate), terms(RDF.object)
    statement_class = terms(SKG.Statement)
    source_of, selector_of = terms(OA.hasSource), terms(OA.hasSelector)
    exact_of, prefix_of, suffix_of = terms(OA.exact), terms(OA.prefix), terms(OA.suffix)
    start_of, end_of = terms(OA.start), terms(OA.end)
    resource, quote_class, position_class = (terms(OA.SpecificResource), terms(OA.TextQuoteSelector),
                                             terms(OA.TextPositionSelector))
    evidence_of, paraphrase_of = terms(SKG.evidenceKind), terms(SKG.paraphrase)
    quoted, cited = terms(SKG.QuotedEvidence), terms(SKG.CitedEvidence)
    for statement in statements:
        source = terms(DOC[statement.document])
        quote = statement.quote
        if quote is None:
            evidence = [(evidence_of, cited), (paraphrase_of, _en(statement.paraphrase))]
        else:
            anchor_iri = f"{QUOTE}{statement.document}/{statement.id}"
            anchor = NamedNode(anchor_iri)
            by_quote = NamedNode(f"{anchor_iri}#quote")
            by_position = NamedNode(f"{anchor_iri}#position")
            add(Quad(anchor, a, resource, graph))
            add(Quad(anchor, source_of, source, graph))
            add(Quad(anchor, selector_of, by_quote, graph))
            add(Quad(anchor, selector_of, by_position, graph))
            add(Quad(by_quote, a, quote_class, graph))
            add(Quad(by_quote, exact_of, Literal_(quote.exact, datatype=_XSD_STRING), graph))
            add(Quad(by_quote, prefix_of, Literal_(quote.prefix, datatype=_XSD_STRING), graph))
            add(Quad(by_quote, suffix_of, Literal_(quote.suffix, datatype=_XSD_STRING), graph))
            add(Quad(by_position, a, position_class, graph))
            add(Quad(by_position, start_of, Literal_(str(quote.start), datatype=_XSD_NON_NEGATIVE), graph))
            add(Quad(by_position, end_of, Literal_(str(quote.end), datatype=_XSD_NON_NEGATIVE), graph))
            exact += quads[-2:]
            evidence = [(evidence_of, quoted), (target, anchor)]
        note = _en(statement.note) if statement.note else None
        subject = terms(statement.subject)
        rank = terms(statement.rank)
        slugs = set()
        for fact in statement.facts:
            if fact.slug in slugs:  # the same value listed twice: one node
                continue
            slugs.add(fact.slug)
            node = NamedNode(f"{STMT}{statement.document}/{statement.id}/{fact.slug}")
            add(Quad(node, a, statement_class, graph))
            add(Quad(node, subject_of, subject, graph))
            add(Quad(node, predicate_of, terms(fact.prop), graph))
            value = terms(fact.value)
            add(Quad(node, object_of, value, graph))
            if type(value) is ox.Literal and value.datatype in STORED_AS:
                exact.append(quads[-1])
            add(Quad(node, rank_of, rank, graph))
            add(Quad(node, derived, source, graph))
            for predicate, value in evidence:
                add(Quad(node, predicate, value, graph))
            if note is not None:
                add(Quad(node, note_of, note, graph))
    return Chunk(quads, minted=True, exact=exact)

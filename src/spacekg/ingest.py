"""Turn a checked corpus into RDF: direct facts, and for each a statement node with its provenance.

Named graphs: ``graph:ontology`` (the ontology), ``graph:registry`` (entities, labels and curated
background facts) and ``graph:doc/ID`` (one per source document: its metadata, the facts taken
from it and their statement nodes). Only the best-ranked claims on a subject and property become
direct facts (see :class:`Standings`; never deprecated ones); every claim stays
as a statement node, as in Wikidata.

The graph is produced as a stream of :class:`Chunk` s of pyoxigraph quads, one named graph at a
time, in a fixed order (ontology, registry in the order of its files, documents by id; within a
document its metadata, its direct facts, then its statements in file order), so that every export
written from the stream is the same for the same sources, without sorting a million triples.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np
import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from .digests import as_array, digest, find_one
from .namespaces import DOC, GRAPH, OA, QUOTE, SCHEMA, SKG, STMT
from .oxigraph import STORED_AS, rewritten, to_oxigraph
from .sources.model import Corpus, Document, Entity, Statement

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
    (statement nodes, quote anchors), so none of these triples occurs in any other graph;
    ``shared``: some of its triples about entities may occur in other graphs too (the registry,
    the direct facts). ``exact``: the quads whose literal the Oxigraph store keeps under another
    datatype."""

    quads: list[ox.Quad]
    minted: bool = False
    exact: list[ox.Quad] = field(default_factory=list)
    shared: bool = False

    @classmethod
    def of(cls, quads: list[ox.Quad], shared: bool = False) -> "Chunk":
        return cls(quads, exact=rewritten(quads), shared=shared)


class Ingest:
    """The knowledge graph as chunks: the ontology (:meth:`ontology_chunk`), the registry a slice
    of entities at a time (:meth:`registry_chunk`), and for each document its metadata, its direct
    facts and its statements (:meth:`document_chunks`).

    A chunk depends on nothing but what it is given and ``standings``, the best standing of the
    claims on each subject and property across the corpus (see :class:`Standings`): which claims
    become direct facts is decided from them. So worker processes can make the chunks of
    different documents, each knowing only that small index, and ``publishers``: the English label
    of each entity that publishes a cited record (for the evidence of its statements)."""

    def __init__(self, standings: "Standings | None" = None, publishers: dict[URIRef, str] | None = None):
        self.standings = standings if standings is not None else Standings()
        self.publishers = publishers if publishers is not None else {}
        self.terms = _Terms()

    def ontology_chunk(self, ontology: Graph) -> Chunk:
        return Chunk.of(_ontology_quads(ontology, self.terms))

    def registry_chunk(self, entities: list[Entity]) -> Chunk:
        return Chunk.of(_registry_quads(entities, self.terms), shared=True)

    def document_chunks(self, document: Document, statements: list[Statement]) -> list[Chunk]:
        graph = self.terms(document_graph(document.id))
        facts = {}
        for statement in statements:
            for fact in statement.facts:
                if self.standings.is_direct(statement, fact):
                    facts.setdefault((statement.subject, fact.prop, fact.value))
        terms = self.terms
        direct = [ox.Quad(terms(s), terms(p), terms(o), graph) for s, p, o in facts]
        return [Chunk.of(_document_quads(document, graph, terms)), Chunk.of(direct, shared=True),
                _statement_chunk(statements, graph, terms, self._citation(document))]

    def _citation(self, document: Document) -> str | None:
        """How a claim cited from the record shows its evidence: "cited: publisher, title, date,
        address" (None for a verbatim text, whose claims show their quotes)."""
        if document.url is None:
            return None
        return (f"cited: {self.publishers.get(document.publisher, '')}, {document.title}, "
                f"{document.issued if document.issued is not None else ''}, {document.url}")


# How strongly a claim counts where claims on one subject and property compete: by rank, then,
# on a single-valued property, a claim quoted from a verbatim text before one cited from a record.
_RANK_ORDER = {SKG.PreferredRank: 2, SKG.NormalRank: 1, SKG.DeprecatedRank: 0}
_PLAIN = 2  # the standing of a normal claim that no other claim on its subject and property outranks


class Standings:
    """The best standing of the claims on each subject and property, across the corpus.

    A claim becomes a direct fact when its standing is the best on its subject and property
    (never a deprecated one). On a single-valued property a quoted claim outranks a cited one of
    the same rank; on other properties quoted and cited claims stand side by side. Most pairs
    hold only plain normal claims: the index keeps only the pairs where some claim stands higher
    (a preferred claim, or a quoted one on a single-valued property), each under a 16-byte digest,
    so that it stays small on corpora of millions of claims. Once every claim is added, the index
    is packed into two arrays sorted by digest (17 bytes a pair, where a dict takes about a
    hundred: at 10,000 times the corpus, 680,000 pairs, which each worker of the document pass
    holds)."""

    def __init__(self, single_valued: set = frozenset()):
        self.single_valued = single_valued
        self._best: dict[bytes, int] = {}  # the pairs added and not yet packed
        self._digests = as_array([])  # the packed pairs' digests, sorted
        self._standings = np.zeros(0, dtype=np.uint8)  # and their best standings

    @classmethod
    def of(cls, ontology: Graph) -> "Standings":
        return cls(set(ontology.subjects(RDF.type, OWL.FunctionalProperty)))

    def standing(self, statement: Statement, fact) -> int | None:
        """A claim's standing (higher counts more); None for a deprecated claim."""
        if statement.rank == SKG.DeprecatedRank:
            return None
        return 2 * _RANK_ORDER[statement.rank] + int(fact.prop in self.single_valued and not statement.cited)

    def claims(self, statements: list[Statement]) -> dict[bytes, int]:
        """The standings above plain of ``statements``' claims, by digest of subject and property
        (what a worker reports of one document)."""
        found: dict[bytes, int] = {}
        for statement in statements:
            for fact in statement.facts:
                standing = self.standing(statement, fact)
                if standing is not None and standing > _PLAIN:
                    key = _key(statement.subject, fact.prop)
                    found[key] = max(found.get(key, 0), standing)
        return found

    def add(self, claims: dict[bytes, int]) -> None:
        for key, standing in claims.items():
            if standing > self._best.get(key, 0):
                self._best[key] = standing

    def pack(self) -> None:
        """The pairs added so far, packed into the sorted arrays (with any packed before)."""
        if not self._best:
            return
        best = dict(zip(self._digests.tolist(), self._standings.tolist()))  # read back without trailing zero bytes
        for key, standing in self._best.items():
            key = key.rstrip(b"\0")
            best[key] = max(best.get(key, 0), standing)
        keys = sorted(best)
        self._digests = as_array(keys)
        self._standings = np.array([best[key] for key in keys], dtype=np.uint8)
        self._best = {}

    def is_direct(self, statement: Statement, fact) -> bool:
        standing = self.standing(statement, fact)
        if standing is None:
            return False
        self.pack()
        at = find_one(self._digests, _key(statement.subject, fact.prop))
        return standing == (_PLAIN if at is None else int(self._standings[at]))


def _key(subject: URIRef, prop: URIRef) -> bytes:
    return digest(f"{subject} {prop}".encode())


def chunks(ontology: Graph, corpus: Corpus) -> Iterator[Chunk]:
    """The whole knowledge graph of a corpus held in memory, as chunks in a fixed order: the
    ontology, the registry by entity id, then each document by id."""
    standings = Standings.of(ontology)
    standings.add(standings.claims(corpus.statements))
    publishers = {document.publisher for document in corpus.documents}
    ingest = Ingest(standings, {entity.iri: entity.label for entity in corpus.entities.values()
                                if entity.iri in publishers})
    yield ingest.ontology_chunk(ontology)
    entities = list(corpus.entities.values())
    for start in range(0, len(entities), _ENTITIES_PER_CHUNK):
        yield ingest.registry_chunk(entities[start:start + _ENTITIES_PER_CHUNK])
    by_document: dict[str, list[Statement]] = defaultdict(list)
    for statement in corpus.statements:
        by_document[statement.document].append(statement)
    for document in corpus.documents:
        yield from ingest.document_chunks(document, by_document[document.id])


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


def _document_quads(document: Document, graph, terms: _Terms) -> list[ox.Quad]:
    """The document's metadata."""
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
    return [ox.Quad(node, terms(p), o, graph) for p, o in values]


def _statement_chunk(statements: list[Statement], graph, terms: _Terms, citation: str | None) -> Chunk:
    """For each statement one node per fact, with its rank, its source and its evidence: the quote
    anchor (with two selectors) of a quoted statement, the paraphrase of a cited one, and either's
    evidence on one line (the quote, or ``citation``)."""
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
    evidence_of, paraphrase_of, shown_as = terms(SKG.evidenceKind), terms(SKG.paraphrase), terms(SKG.evidence)
    quoted, cited = terms(SKG.QuotedEvidence), terms(SKG.CitedEvidence)
    cited_as = Literal_(citation, datatype=_XSD_STRING) if citation is not None else None
    for statement in statements:
        source = terms(DOC[statement.document])
        quote = statement.quote
        if quote is None:
            evidence = [(evidence_of, cited), (paraphrase_of, _en(statement.paraphrase))]
            if cited_as is not None:
                evidence.append((shown_as, cited_as))
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
            exact_words = Literal_(quote.exact, datatype=_XSD_STRING)
            add(Quad(by_quote, exact_of, exact_words, graph))
            add(Quad(by_quote, prefix_of, Literal_(quote.prefix, datatype=_XSD_STRING), graph))
            add(Quad(by_quote, suffix_of, Literal_(quote.suffix, datatype=_XSD_STRING), graph))
            add(Quad(by_position, a, position_class, graph))
            add(Quad(by_position, start_of, Literal_(str(quote.start), datatype=_XSD_NON_NEGATIVE), graph))
            add(Quad(by_position, end_of, Literal_(str(quote.end), datatype=_XSD_NON_NEGATIVE), graph))
            exact += quads[-2:]
            evidence = [(evidence_of, quoted), (target, anchor), (shown_as, exact_words)]
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

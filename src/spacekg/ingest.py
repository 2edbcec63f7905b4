"""Turn a checked corpus into RDF: direct facts, and for each a statement node with its provenance.

Named graphs: ``graph:ontology`` (the ontology), ``graph:registry`` (entities, labels and curated
background facts) and ``graph:doc/ID`` (one per source document: its metadata, the facts taken
from it and their statement nodes). Only the best-ranked claims on a subject and property become
direct facts (preferred where any is preferred, else normal; never deprecated); every claim stays
as a statement node, as in Wikidata.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from .namespaces import DOC, GRAPH, OA, QUOTE, SKG, STMT, bind_prefixes
from .sources.model import Corpus, Document, Statement

ONTOLOGY_GRAPH = GRAPH["ontology"]
REGISTRY_GRAPH = GRAPH["registry"]
INFERRED_GRAPH = GRAPH["inferred"]


def document_graph(doc_id: str) -> URIRef:
    return GRAPH[f"doc/{doc_id}"]


def en(text: str) -> Literal:
    return Literal(text, lang="en")


def build_dataset(ontology: Graph, corpus: Corpus) -> Dataset:
    """The whole knowledge graph as a dataset of named graphs."""
    dataset = Dataset(default_union=True)
    bind_prefixes(dataset)
    target = dataset.graph(ONTOLOGY_GRAPH)
    for triple in ontology:
        target.add(triple)
    _add_registry(dataset.graph(REGISTRY_GRAPH), corpus)
    direct = _direct_claims(corpus.statements)
    for document in corpus.documents:
        graph = dataset.graph(document_graph(document.id))
        _add_document(graph, document)
        for statement in corpus.statements:
            if statement.document == document.id:
                _add_statement(graph, statement, direct)
    return dataset


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


def _add_statement(graph: Graph, statement: Statement, direct: set) -> None:
    anchor = QUOTE[f"{statement.document}/{statement.id}"]
    quote_selector = URIRef(f"{anchor}#quote")
    position_selector = URIRef(f"{anchor}#position")
    source = DOC[statement.document]
    quote = statement.quote
    graph.add((anchor, RDF.type, OA.SpecificResource))
    graph.add((anchor, OA.hasSource, source))
    graph.add((anchor, OA.hasSelector, quote_selector))
    graph.add((anchor, OA.hasSelector, position_selector))
    graph.add((quote_selector, RDF.type, OA.TextQuoteSelector))
    graph.add((quote_selector, OA.exact, Literal(quote.exact, datatype=XSD.string)))
    graph.add((quote_selector, OA.prefix, Literal(quote.prefix, datatype=XSD.string)))
    graph.add((quote_selector, OA.suffix, Literal(quote.suffix, datatype=XSD.string)))
    graph.add((position_selector, RDF.type, OA.TextPositionSelector))
    graph.add((position_selector, OA.start, Literal(quote.start, datatype=XSD.nonNegativeInteger)))
    graph.add((position_selector, OA.end, Literal(quote.end, datatype=XSD.nonNegativeInteger)))
    for fact in statement.facts:
        node = STMT[f"{statement.document}/{statement.id}/{fact.slug}"]
        graph.add((node, RDF.type, SKG.Statement))
        graph.add((node, RDF.subject, statement.subject))
        graph.add((node, RDF.predicate, fact.prop))
        graph.add((node, RDF.object, fact.value))
        graph.add((node, SKG.rank, statement.rank))
        graph.add((node, PROV.wasDerivedFrom, source))
        graph.add((node, OA.hasTarget, anchor))
        if statement.note:
            graph.add((node, SKOS.editorialNote, en(statement.note)))
        if (statement.subject, fact.prop, fact.value) in direct:
            graph.add((statement.subject, fact.prop, fact.value))

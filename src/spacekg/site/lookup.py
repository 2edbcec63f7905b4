"""What the pages read from the graph: names, facts, the claims behind them and their evidence.

Everything is asked in SPARQL of the Oxigraph store of the asserted graphs (views.source.Source),
for a batch of nodes at a time (a VALUES block), so that one page costs a few small queries and a
whole site costs a few queries per batch of pages, whatever the size of the graph.

A *claim* is a statement node (skg:Statement): one fact with its rank and its evidence. Its
evidence is either *quoted* (an anchor in one of the verbatim texts: the exact words and their
character offsets) or *cited* (a public record identified by its URL, with a paraphrase in the
project's own words); skg:evidenceKind says which, and without it a claim with a quote anchor is
quoted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import BASE, KG, SKG
from ..views.source import Source

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS_NS = "http://purl.org/dc/terms/"
SKG_NS = str(SKG._NS)
RANKS = {f"{SKG_NS}PreferredRank": "preferred", f"{SKG_NS}NormalRank": "normal",
         f"{SKG_NS}DeprecatedRank": "deprecated"}
RANK_ORDER = {"preferred": 0, "normal": 1, "deprecated": 2, "registry": 3}
AUTHORITIES = {f"{SKG_NS}OfficialRecord": "official record", f"{SKG_NS}MirrorRecord": "mirror of an official record",
               f"{SKG_NS}IndependentRecord": "independent record"}


@dataclass(frozen=True)
class Name:
    """How a node is named on a page: its English and Japanese labels and its most specific class."""

    iri: str
    en: str
    ja: str = ""
    klass: str = ""


@dataclass(frozen=True)
class Value:
    """A value as a page shows it: a node of the graph (with its name) or a literal."""

    text: str
    iri: str = ""
    ja: str = ""
    lang: str = ""
    datatype: str = ""


@dataclass(frozen=True)
class Quote:
    """The exact words of a source that support a claim, and where they are in its text."""

    anchor: str
    exact: str
    start: int
    end: int


@dataclass
class Record:
    """A source document: a verbatim text in sources/texts/ or a cited public record."""

    iri: str
    title: str = ""
    kind: str = ""
    publisher: Name | None = None
    creators: list[Name] = field(default_factory=list)
    issued: str = ""
    url: str = ""
    retrieved: str = ""
    authority: str = ""
    language: str = ""
    about: list[Name] = field(default_factory=list)
    note: str = ""

    @property
    def identifier(self) -> str:
        return self.iri.rsplit("/", 1)[-1]

    @property
    def cited(self) -> bool:
        return bool(self.url)


@dataclass
class Claim:
    """One statement node: a fact, its rank and its evidence."""

    iri: str
    subject: str
    property: str
    value: ox.Term
    rank: str
    document: Record
    quote: Quote | None = None
    paraphrase: str = ""
    note: str = ""
    kind: str = "quoted"


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _text(term) -> str:
    return "" if term is None else term.value


class Lookup:
    """The graph as the pages read it (one per store; answers about the ontology are kept)."""

    def __init__(self, source: Source):
        self.source = source
        self._names: dict[str, Name] = {}
        self._records: dict[str, Record] = {}

    # --- The ontology: labels of classes and properties, hierarchies ------------------------

    @property
    def term_labels(self) -> dict[str, str]:
        """English labels of the ontology's classes and properties (and the terms it labels)."""
        def compute(source: Source) -> dict[str, str]:
            rows = source.select("SELECT ?term ?label WHERE { GRAPH graph:ontology { ?term rdfs:label ?label } "
                                 "FILTER(LANGMATCHES(LANG(?label), 'en')) }")
            return {term.value: label.value for term, label in rows if isinstance(term, ox.NamedNode)}
        return self.source.memo("site-term-labels", compute)

    def term_label(self, iri: str) -> str:
        """A class or property as a reader names it: its label, else its local name."""
        return self.term_labels.get(iri) or local_name(iri)

    @property
    def superclasses(self) -> dict[str, frozenset[str]]:
        """Each class with all its superclasses (itself included)."""
        def compute(source: Source) -> dict[str, frozenset[str]]:
            ancestors = defaultdict(set)
            for klass, parent in source.select("SELECT DISTINCT ?class ?parent WHERE { GRAPH graph:ontology { "
                                               "?class a owl:Class . ?class rdfs:subClassOf* ?parent "
                                               "FILTER(isIRI(?parent)) } }"):
                ancestors[klass.value].add(parent.value)
            return {klass: frozenset(parents | {klass}) for klass, parents in ancestors.items()}
        return self.source.memo("site-superclasses", compute)

    def is_a(self, klass: str, ancestor: str) -> bool:
        return ancestor in self.superclasses.get(klass, {klass})

    @property
    def participation(self) -> frozenset[str]:
        """skg:participant and its sub-properties: an organization or person took part in an event."""
        def compute(source: Source) -> frozenset[str]:
            rows = source.select("SELECT ?p WHERE { ?p rdfs:subPropertyOf* skg:participant }")
            return frozenset({row[0].value for row in rows} | {str(SKG.participant)})
        return self.source.memo("site-participation", compute)

    # --- Names ------------------------------------------------------------------------------

    def names(self, iris: Iterable[str]) -> dict[str, Name]:
        """Labels (English, Japanese) and most specific class of each node, looked up once."""
        wanted = {iri for iri in iris if iri not in self._names}
        if wanted:
            labels: dict[str, dict[str, str]] = defaultdict(dict)
            classes: dict[str, list[str]] = defaultdict(list)
            query = ("SELECT ?node ?label ?class WHERE { {values} "
                     "{ ?node rdfs:label ?label } UNION { ?node a ?class } }")
            for node, label, klass in self.source.about(query, wanted):
                if label is not None:
                    labels[node.value].setdefault(label.language or "en", label.value)
                elif isinstance(klass, ox.NamedNode):
                    classes[node.value].append(klass.value)
            titles = self._titles(wanted - set(labels))
            for iri in wanted:
                en = labels[iri].get("en") or titles.get(iri) or self.term_labels.get(iri) or _fallback_name(iri)
                self._names[iri] = Name(iri, en, labels[iri].get("ja", ""), self._most_specific(classes[iri]))
        return {iri: self._names[iri] for iri in iris}

    def name(self, iri: str) -> Name:
        return self.names([iri])[iri]

    def _titles(self, iris: set[str]) -> dict[str, str]:
        documents = [iri for iri in iris if iri.startswith(BASE + "doc/")]
        if not documents:
            return {}
        rows = self.source.about("SELECT ?node ?title WHERE { {values} ?node dcterms:title ?title }", documents)
        return {node.value: title.value for node, title in rows}

    def _most_specific(self, classes: list[str]) -> str:
        """The class that is not a superclass of another of the node's classes (the first by IRI)."""
        for klass in sorted(classes):
            if not any(other != klass and self.is_a(other, klass) for other in classes):
                return klass
        return ""

    def value_of(self, iri: str) -> Value:
        """A node as a page shows it, by IRI."""
        return self.value(ox.NamedNode(iri))

    def value(self, term: ox.Term) -> Value:
        """A term as a page shows it (names looked up one at a time: call :meth:`names` first)."""
        if isinstance(term, ox.NamedNode):
            name = self.name(term.value)
            return Value(name.en, iri=term.value, ja=name.ja)
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value if term.datatype is not None else ""
            return Value(term.value, lang=term.language or "", datatype=datatype)
        return Value(str(term))

    # --- Triples ----------------------------------------------------------------------------

    def outgoing(self, iris: Iterable[str]) -> dict[str, list[tuple[str, ox.Term]]]:
        """node → (property, value) of every triple with the node as subject."""
        found: dict[str, list[tuple[str, ox.Term]]] = defaultdict(list)
        for node, prop, value in self.source.about("SELECT DISTINCT ?node ?p ?o WHERE { {values} ?node ?p ?o }", iris):
            found[node.value].append((prop.value, value))
        return found

    def incoming(self, iris: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
        """node → (subject, property) of every triple pointing at the node, but those of statement nodes."""
        found: dict[str, list[tuple[str, str]]] = defaultdict(list)
        query = ("SELECT DISTINCT ?node ?s ?p WHERE { {values} ?s ?p ?node "
                 "FILTER(?p NOT IN (rdf:subject, rdf:object, prov:wasDerivedFrom, oa:hasSource, rdf:type)) }")
        for node, subject, prop in self.source.about(query, iris):
            found[node.value].append((subject.value, prop.value))
        return found

    # --- Claims and their evidence ----------------------------------------------------------

    def claims(self, iris: Iterable[str], role: str = "subject") -> list[Claim]:
        """The claims whose subject (``role="subject"``), value (``"object"``), source document
        (``"document"``) or own IRI (``"statement"``) is one of the nodes, with their evidence."""
        anchor = {"subject": "?statement rdf:subject ?node .", "object": "?statement rdf:object ?node .",
                  "document": "?statement prov:wasDerivedFrom ?node .", "statement": "BIND(?node AS ?statement)"}[role]
        query = f"""SELECT ?statement ?subject ?property ?value ?rank ?document ?anchor ?note ?kind ?paraphrase WHERE {{
            {{values}} {anchor}
            ?statement a skg:Statement ; rdf:subject ?subject ; rdf:predicate ?property ; rdf:object ?value ;
                skg:rank ?rank ; prov:wasDerivedFrom ?document .
            OPTIONAL {{ ?statement oa:hasTarget ?anchor }}
            OPTIONAL {{ ?statement skos:editorialNote ?note }}
            OPTIONAL {{ ?statement skg:evidenceKind ?kind }}
            OPTIONAL {{ ?statement skg:paraphrase ?paraphrase }}
        }}"""
        rows = list(self.source.about(query, iris))
        records = self.records({row[5].value for row in rows})
        quotes = self.quotes({row[6].value for row in rows if row[6] is not None})
        claims = []
        for statement, subject, prop, value, rank, document, anchor_node, note, kind, paraphrase in rows:
            quote = quotes.get(anchor_node.value) if anchor_node is not None else None
            if kind is not None:
                evidence = "cited" if local_name(kind.value).startswith("Cited") else "quoted"
            else:
                evidence = "quoted" if quote is not None else "cited"
            claims.append(Claim(statement.value, subject.value, prop.value, value, RANKS.get(rank.value, local_name(rank.value)),
                                records[document.value], quote, _text(paraphrase), _text(note), evidence))
        claims.sort(key=lambda c: (RANK_ORDER.get(c.rank, 9), c.document.issued, c.iri))
        return claims

    def quotes(self, anchors: Iterable[str]) -> dict[str, Quote]:
        query = """SELECT ?node ?exact ?start ?end WHERE { {values}
            ?node oa:hasSelector ?words , ?place . ?words oa:exact ?exact . ?place oa:start ?start ; oa:end ?end }"""
        return {node.value: Quote(node.value, exact.value, int(start.value), int(end.value))
                for node, exact, start, end in self.source.about(query, anchors)}

    def records(self, iris: Iterable[str]) -> dict[str, Record]:
        """Source documents and cited records, with their metadata (looked up once each)."""
        wanted = {iri for iri in iris if iri not in self._records}
        if wanted:
            triples = self.outgoing(wanted)
            people = {value.value for values in triples.values() for prop, value in values
                      if isinstance(value, ox.NamedNode) and prop != RDF_TYPE}
            self.names(people)
            for iri in wanted:
                self._records[iri] = self._record(iri, triples.get(iri, []))
        return {iri: self._records[iri] for iri in iris}

    def _record(self, iri: str, triples: list[tuple[str, ox.Term]]) -> Record:
        record = Record(iri)
        classes = []
        for prop, value in triples:
            name = local_name(prop)
            if prop == RDF_TYPE:
                classes.append(value.value)
            elif prop == DCTERMS_NS + "title":
                record.title = value.value
            elif prop == DCTERMS_NS + "publisher":
                record.publisher = self.name(value.value) if isinstance(value, ox.NamedNode) else Name("", value.value)
            elif prop == DCTERMS_NS + "creator" and isinstance(value, ox.NamedNode):
                record.creators.append(self.name(value.value))
            elif prop == DCTERMS_NS + "issued":
                record.issued = value.value
            elif prop == DCTERMS_NS + "language":
                record.language = value.value
            elif name == "url" and prop.startswith("https://schema.org/"):
                record.url = value.value
            elif prop == SKG_NS + "retrieved":
                record.retrieved = value.value
            elif prop == SKG_NS + "authority":
                record.authority = AUTHORITIES.get(value.value, local_name(value.value))
            elif prop == SKG_NS + "about" and isinstance(value, ox.NamedNode):
                record.about.append(self.name(value.value))
            elif prop == SKOS_NS + "editorialNote":
                record.note = value.value
        klass = self._most_specific(classes)
        record.kind = self.term_label(klass) if klass else ""
        record.creators.sort(key=lambda n: n.en)
        record.about.sort(key=lambda n: n.iri)
        return record


def _fallback_name(iri: str) -> str:
    """A readable name for a node without a label: its path in the project, else the IRI."""
    if iri.startswith(str(KG)):
        return iri[len(str(KG)):]
    if iri.startswith(BASE):
        return iri[len(BASE):]
    return iri

"""The curated sources as typed records, each remembering the file and line it came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Literal, URIRef


@dataclass(frozen=True)
class Where:
    """A place in a source file, for messages."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Fact:
    """One asserted property value; ``value`` is an entity IRI or a typed literal."""

    prop: URIRef
    value: URIRef | Literal
    slug: str  # readable, stable suffix for the statement node: "coChairedBy-mofa"
    where: Where


@dataclass
class Entity:
    """A registry entry."""

    id: str
    iri: URIRef
    klass: URIRef
    label: str
    where: Where
    alt: list[str] = field(default_factory=list)
    abbr: list[str] = field(default_factory=list)
    ja: str | None = None
    description: str | None = None
    broader: list[URIRef] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)


@dataclass
class Quote:
    """A quote located in its document's verbatim text."""

    text: str
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass
class Statement:
    """An annotated passage of a document and the facts it supports."""

    id: str
    document: str
    subject: URIRef
    quote: Quote
    rank: URIRef
    where: Where
    facts: list[Fact] = field(default_factory=list)
    note: str | None = None


@dataclass
class Document:
    """A source document: its metadata, its verbatim text, and the file they came from."""

    id: str
    iri: URIRef
    klass: URIRef
    title: str
    text_file: str
    where: Where
    creators: list[URIRef] = field(default_factory=list)
    publisher: URIRef | None = None
    issued: Literal | None = None
    about: list[URIRef] = field(default_factory=list)
    note: str | None = None


@dataclass
class Corpus:
    """Everything loaded from sources/: the input of the ingester."""

    entities: dict[str, Entity]
    documents: list[Document]
    statements: list[Statement]

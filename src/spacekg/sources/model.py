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
    """An annotated passage of a document and the facts it supports.

    A statement of a quoted document has a ``quote`` located in its text; one of a cited record
    has a ``paraphrase``, what the record says in our own words.
    """

    id: str
    document: str
    subject: URIRef
    quote: Quote | None
    rank: URIRef
    where: Where
    facts: list[Fact] = field(default_factory=list)
    note: str | None = None
    paraphrase: str | None = None

    @property
    def cited(self) -> bool:
        return self.quote is None


@dataclass
class Document:
    """A source document and the file its metadata came from.

    A quoted document has its verbatim text in sources/texts/ (``text_file``); a cited record is
    a public record known by its ``url`` and the day it was ``accessed``, with no text kept.
    """

    id: str
    iri: URIRef
    klass: URIRef
    title: str
    text_file: str | None
    where: Where
    creators: list[URIRef] = field(default_factory=list)
    publisher: URIRef | None = None
    issued: Literal | None = None
    about: list[URIRef] = field(default_factory=list)
    note: str | None = None
    url: str | None = None
    accessed: Literal | None = None
    authority: URIRef | None = None
    language: str = "en"
    mirror_of: str | None = None

    @property
    def cited(self) -> bool:
        return self.text_file is None


@dataclass
class Corpus:
    """Everything loaded from sources/: the input of the ingester."""

    entities: dict[str, Entity]
    documents: list[Document]
    statements: list[Statement]

"""The page of a source document (doc:ID): the source reader.

For a verbatim text, the whole text with every annotated quote highlighted where its character
offsets put it; each quote is numbered and listed with the facts it supports, and each fact's page
links back to the quote's place (``#q-START-END``). Quotes may overlap: the text is cut at every
quote's start and end, and each piece is marked with the quotes that cover it. For a cited record
(no text in the repository), its metadata and what each of its claims says, in the project's words.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from .lookup import Claim, Lookup, Quote, Record
from .urls import quote_anchor


@dataclass
class Passage:
    """An annotated quote and the claims it supports."""

    number: int
    quote: Quote
    claims: list[Claim] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return quote_anchor(self.quote.start, self.quote.end)


@dataclass(frozen=True)
class Piece:
    """A stretch of the text and the passages that cover it (none: plain text). ``opens``: the
    passages that start here, as (anchor, number): their anchors go before it; ``closes``: those
    that end with it."""

    text: str
    covered_by: tuple[int, ...] = ()
    opens: tuple[tuple[str, int], ...] = ()
    closes: tuple[int, ...] = ()


@dataclass
class Paraphrase:
    """A statement of a cited record: what the record says, in the project's words, and its claims."""

    text: str
    note: str
    claims: list[Claim]


@dataclass
class DocumentPage:
    record: Record
    pieces: list[Piece]
    passages: list[Passage]
    cited: list[Paraphrase]  # the statements resting on the record itself (cited evidence)
    text_missing: bool = False

    @property
    def claim_count(self) -> int:
        return sum(len(p.claims) for p in self.passages) + sum(len(p.claims) for p in self.cited)


def document_page(lookup: Lookup, iri: str, text: str | None) -> DocumentPage:
    """The reader of one document; ``text`` is its verbatim text (None for a cited record)."""
    record = lookup.records([iri])[iri]
    claims = lookup.claims([iri], "document")
    lookup.names({c.subject for c in claims} | {c.value.value for c in claims if isinstance(c.value, ox.NamedNode)})
    by_anchor: dict[str, list[Claim]] = defaultdict(list)
    cited = []
    for claim in claims:
        if claim.quote is not None:
            by_anchor[claim.quote.anchor].append(claim)
        else:
            cited.append(claim)
    quotes = sorted({c.quote.anchor: c.quote for c in claims if c.quote is not None}.values(),
                    key=lambda q: (q.start, -q.end, q.anchor))
    passages = [Passage(n, quote, sorted(by_anchor[quote.anchor], key=lambda c: c.iri))
                for n, quote in enumerate(quotes, start=1)]
    pieces = _pieces(text, passages) if text is not None else []
    return DocumentPage(record, pieces, passages, _paraphrases(cited), text_missing=text is None and bool(passages))


def _paraphrases(claims: list[Claim]) -> list[Paraphrase]:
    """Cited claims grouped by the statement they come from (the claim's IRI without its last part)."""
    groups: dict[str, list[Claim]] = defaultdict(list)
    for claim in sorted(claims, key=lambda c: c.iri):
        groups[claim.iri.rsplit("/", 1)[0]].append(claim)
    return [Paraphrase(group[0].paraphrase, group[0].note, group) for _, group in sorted(groups.items())]


def _pieces(text: str, passages: list[Passage]) -> list[Piece]:
    """The text cut at every quote's start and end (offsets beyond the text are clipped)."""
    size = len(text)
    cuts = sorted({0, size} | {min(p.quote.start, size) for p in passages} | {min(p.quote.end, size) for p in passages})
    pieces = []
    for start, end in zip(cuts, cuts[1:]):
        covering = tuple(p.number for p in passages if p.quote.start <= start and end <= p.quote.end)
        opens = tuple((p.anchor, p.number) for p in passages if p.quote.start == start)
        closes = tuple(p.number for p in passages if min(p.quote.end, size) == end)
        pieces.append(Piece(text[start:end], covering, opens, closes))
    return pieces

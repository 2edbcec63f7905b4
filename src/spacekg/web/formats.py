"""The formats the endpoint answers in, and the choice among them by the Accept header.

SELECT and ASK answers are SPARQL results (JSON, XML, CSV, TSV); CONSTRUCT and DESCRIBE answers
and the service description are RDF (Turtle, N-Triples, RDF/XML, JSON-LD). Serialization is
pyoxigraph's; the Accept header is read by python-mimeparse (q-values, wildcards, specificity).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import mimeparse
import pyoxigraph as ox

from ..namespaces import FORMATS


@dataclass(frozen=True)
class Format:
    media: str  # the media type answered with (Content-Type)
    serializer: ox.QueryResultsFormat | ox.RdfFormat | None  # None: a page, not data
    iri: str | None  # the format's name in http://www.w3.org/ns/formats/ (service description)
    aliases: tuple[str, ...] = ()  # other media types a client may ask for it by


@dataclass(frozen=True)
class Offer:
    """The formats offered for one kind of answer, the first one the default."""

    kind: str  # what they are for, in messages
    formats: tuple[Format, ...]

    @functools.lru_cache(maxsize=256)  # clients send the same few headers again and again
    def choose(self, accept: str | None) -> Format | None:
        """The format the Accept header prefers; the default if there is none; None if nothing
        offered is acceptable (the caller answers 406)."""
        if not accept or not accept.strip():
            return self.formats[0]
        candidates = {}  # media type → format, most desirable last, as mimeparse wants them
        for fmt in reversed(self.formats):
            for media in fmt.aliases:
                candidates.setdefault(media, fmt)
        for fmt in reversed(self.formats):
            candidates[fmt.media.split(";")[0]] = fmt
        try:
            best = mimeparse.best_match(list(candidates), accept)
        except (mimeparse.MimeTypeParseException, ValueError):
            return self.formats[0]  # an unreadable header asks for nothing in particular
        return candidates.get(best)

    def media_types(self) -> list[str]:
        return [fmt.media.split(";")[0] for fmt in self.formats]

    def not_acceptable(self) -> str:
        """The sentence of a 406 answer."""
        return (f"none of the media types in the Accept header is offered for {self.kind}; "
                f"ask for one of: {', '.join(self.media_types())}")


_Q = ox.QueryResultsFormat
_R = ox.RdfFormat

RESULTS = Offer("the answer of a SELECT or ASK query", (
    Format("application/sparql-results+json", _Q.JSON, FORMATS.SPARQL_Results_JSON, ("application/json",)),
    Format("application/sparql-results+xml", _Q.XML, FORMATS.SPARQL_Results_XML, ("application/xml", "text/xml")),
    Format("text/csv; charset=utf-8", _Q.CSV, FORMATS.SPARQL_Results_CSV),
    Format("text/tab-separated-values; charset=utf-8", _Q.TSV, FORMATS.SPARQL_Results_TSV),
))

GRAPHS = Offer("an RDF graph (CONSTRUCT, DESCRIBE, the service description)", (
    Format("text/turtle; charset=utf-8", _R.TURTLE, FORMATS.Turtle, ("application/x-turtle",)),
    Format("application/n-triples", _R.N_TRIPLES, FORMATS["N-Triples"], ("text/plain",)),
    Format("application/rdf+xml", _R.RDF_XML, FORMATS.RDF_XML),
    Format("application/ld+json", _R.JSON_LD, FORMATS["JSON-LD"]),
))

# GET /sparql without a query: the service description, or the query page for a browser.
DESCRIPTION = Offer("the service description", GRAPHS.formats + (Format("text/html", None, None),))

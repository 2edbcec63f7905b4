"""Where each page of the site is: one path per IRI, the same when served and when written.

Every IRI under https://w3id.org/spacekg/ has a path, the rest of the IRI without its fragment
(``id/jaxa``, ``statement/DOC/STATEMENT/FACT``, ``ontology``). Its HTML page is that path plus
``.html``, its description in RDF the path plus ``.ttl``, ``.nt`` or ``.jsonld``: these are the file
names in output/site/ and the URLs of `spacekg serve`, where the IRI's own path answers with a 303
to one of them. Pages link to each other with relative URLs, so that the same HTML works from a
server and from a folder opened with file://.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote, unquote

from ..namespaces import BASE

HOME = "index.html"
EDITOR = "query.html"
NOT_FOUND = "404.html"
DATA_FORMATS = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json"}
SPACES = ("id", "doc", "statement", "quote", "graph", "ontology")  # the IRI spaces that have pages
REMEMBERED = 1 << 16  # paths and file names remembered (a page links to many, and pages share them)


@lru_cache(maxsize=REMEMBERED)
def path_of(iri: str) -> str | None:
    """The page path of an IRI of the project (``id/jaxa``), None for any other IRI."""
    if not iri.startswith(BASE):
        return None
    path = iri[len(BASE):].split("#", 1)[0]
    space = path.split("/", 1)[0]
    if space not in SPACES:
        return None
    return "ontology" if space == "ontology" else path  # the ontology's version IRI is the ontology


def iri_of(path: str) -> str:
    """The IRI whose page path is ``path`` (the inverse of :func:`path_of`, fragments aside)."""
    return BASE + unquote(path)


@lru_cache(maxsize=REMEMBERED)
def page_file(path: str, extension: str = "html") -> str:
    """The file (or URL path) of a page: ``id/jaxa.html``, each segment percent-encoded."""
    return quote(path, safe="/") + "." + extension


class Links:
    """The links of one page: every href is relative to that page's place in the site."""

    def __init__(self, page: str, available: set[str] | None = None):
        self.page = page  # this page's file, from the site's root (``id/jaxa.html``)
        self.available = available  # the paths that have a page (None: every IRI of the graph)
        self.root = "../" * page.count("/")  # the site's root seen from this page

    def to(self, file: str) -> str:
        """A file of the site (``index.html``, ``assets/site.css``) seen from this page."""
        return self.root + file

    def iri(self, iri: str, extension: str = "html", fragment: str = "") -> str | None:
        """The page (or data file) of a project IRI, or None for an IRI outside the project or
        without a page in this site."""
        path = path_of(str(iri))
        if path is None or (self.available is not None and path not in self.available):
            return None
        return self.to(page_file(path, extension)) + (f"#{fragment}" if fragment else "")

    def quote(self, document_iri: str, start: int, end: int) -> str | None:
        """The place of a quote in its source reader: the document's page, anchored by offsets."""
        return self.iri(document_iri, fragment=quote_anchor(start, end))


def is_project(iri: str) -> bool:
    """Whether an IRI is one of the project's own (under https://w3id.org/spacekg/)."""
    return str(iri).startswith(BASE)


def quote_anchor(start: int, end: int) -> str:
    """The anchor of a quote in the source reader, from its character offsets in the text."""
    return f"q-{start}-{end}"

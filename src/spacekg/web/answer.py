"""What a worker process does with a job: run the query on the current build, write the answer.

The dataset a query sees follows SPARQL 1.1 Protocol and Query: ``default-graph-uri`` and
``named-graph-uri`` when the request gives them (they take precedence over the query's own);
else the query's ``FROM`` and ``FROM NAMED``; else the endpoint's default dataset, whose default
graph is the union of the named graphs. Pyoxigraph is handed the dataset; the query text is never
rewritten. Whether a query declares a dataset or calls a SERVICE is read from rdflib's SPARQL
parser, and only for a text in which one of those keywords stands as a word of its own.

Federated queries (SERVICE) are refused: the endpoint never fetches anything from elsewhere.
"""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass

import pyoxigraph as ox

from ..exports.files import exported, reader
from ..paths import Layout
from . import builds, service_description
from .formats import GRAPHS, RESULTS

TEXT = "text/plain; charset=utf-8"
MISSING_TRIES = 20  # looks, 50 ms apart, for a store that is missing (between a build's renames)


@dataclass(frozen=True)
class Job:
    """One request for a worker."""

    query: str | None  # None: the service description
    accept: str  # the request's Accept header ('' if none)
    endpoint: str  # the URL the request was sent to: base IRI of the query, sd:endpoint
    inferred: bool = False  # the view with graph:inferred
    default_graphs: tuple[str, ...] | None = None  # default-graph-uri values; None: not given
    named_graphs: tuple[str, ...] | None = None  # named-graph-uri values; None: not given


class Sink:
    """Where an answer goes: its status and media type first, then the body in pieces."""

    def start(self, status: int, media: str) -> None:
        raise NotImplementedError

    def write(self, data: bytes) -> int:
        raise NotImplementedError

    def flush(self) -> None:
        """Serializers call it; pieces are sent when they are large enough or at the end."""


class Views:
    """The stores a worker answers from, opened once and opened again when a new build appears.

    The asserted view is the built store itself, opened read-only. The inferred view is the one
    `spacekg query --inferred` reads: the asserted graphs and graph:inferred, in memory, loaded
    when first asked for; when the build inferred nothing, it is the asserted store itself.
    """

    def __init__(self, layout: Layout):
        self.layout = layout
        self._asserted: tuple[tuple, ox.Store] | None = None
        self._inferred: tuple[tuple, ox.Store] | None = None

    def asserted(self) -> ox.Store | None:
        build = builds.current(self.layout)
        for _ in range(MISSING_TRIES):  # a build puts its store in place with two renames
            if build is not None or self._asserted is not None:
                break
            time.sleep(0.05)
            build = builds.current(self.layout)
        if build is not None and (self._asserted is None or self._asserted[0] != build.identity):
            try:
                self._asserted = build.identity, ox.Store.read_only(str(build.database))
            except OSError:  # replaced between the look and the opening: keep the one held
                if self._asserted is None:
                    raise
        return self._asserted[1] if self._asserted else None

    def inferred(self) -> ox.Store | None:
        from ..exports.rdf import INFERRED_FILE
        from ..store import open_dataset

        build = builds.current(self.layout)
        identity = build and (build.identity, builds.inferred_identity(self.layout))
        if build is not None and (self._inferred is None or self._inferred[0] != identity):
            self._inferred = None  # let the previous copy go before loading the next
            if _holds_quads(exported(self.layout.output, INFERRED_FILE)):
                dataset = open_dataset(self.layout, "oxigraph", inferred=True)
                self._inferred = identity, dataset.store._inner  # oxrdflib's handle on the pyoxigraph store
            else:  # the build inferred nothing: no copy needed
                self._inferred = identity, None
        if self._inferred is not None and self._inferred[1] is None:
            return self.asserted()
        return self._inferred[1] if self._inferred else None

    def store(self, inferred: bool) -> ox.Store | None:
        return self.inferred() if inferred else self.asserted()


def _holds_quads(path) -> bool:
    try:
        with reader(path) as source:
            return next(iter(ox.parse(source, ox.RdfFormat.TRIG)), None) is not None
    except (OSError, SyntaxError):
        return False


def answer(job: Job, views: Views, sink: Sink) -> None:
    """Answer ``job`` from the current build into ``sink``."""
    try:
        store = views.store(job.inferred)
    except Exception as error:  # noqa: BLE001 - any failure to open is reported the same way
        return _say(sink, 503, f"the built graph could not be opened: {error}; run `spacekg build`")
    if store is None:
        return _say(sink, 503, "nothing is built yet: run `spacekg build`")
    if job.query is None:
        return _describe(job, store, sink)
    shape = query_shape(job.query)
    if shape.service:
        return _say(sink, 400, "this endpoint does not run federated queries (SERVICE): "
                               "it never fetches data from elsewhere")
    if shape.unreadable and "service" in job.query.lower():  # rdflib could not tell: refuse to guess
        return _say(sink, 400, f"the query could not be checked for SERVICE: {shape.unreadable}")
    try:
        result = store.query(job.query, base_iri=job.endpoint, **_dataset(job, shape))
    except SyntaxError as error:
        return _say(sink, 400, f"malformed query: {error}")
    except ValueError as error:
        return _say(sink, 400, f"the query could not run: {error}")
    offer = GRAPHS if isinstance(result, ox.QueryTriples) else RESULTS
    chosen = offer.choose(job.accept)
    if chosen is None:
        return _say(sink, 406, offer.not_acceptable())
    sink.start(200, chosen.media)
    result.serialize(sink, chosen.serializer)


def _dataset(job: Job, shape: QueryShape) -> dict:
    """Pyoxigraph's arguments for the dataset of the query (see the module docstring)."""
    if job.default_graphs is not None or job.named_graphs is not None:
        return {"default_graph": [ox.NamedNode(iri) for iri in job.default_graphs or ()],
                "named_graphs": [ox.NamedNode(iri) for iri in job.named_graphs or ()]}
    if shape.dataset:
        return {}
    return {"use_default_graph_as_union": True}


def _describe(job: Job, store: ox.Store, sink: Sink) -> None:
    chosen = GRAPHS.choose(job.accept)  # a browser asking for HTML never gets here (see sparql.py)
    if chosen is None:
        return _say(sink, 406, GRAPHS.not_acceptable())
    triples = service_description.describe(job.endpoint, store, job.inferred)
    sink.start(200, chosen.media)
    ox.serialize(triples, sink, chosen.serializer, prefixes=service_description.PREFIXES)


def _say(sink: Sink, status: int, message: str) -> None:
    sink.start(status, TEXT)
    sink.write(message.encode() + b"\n")


@dataclass(frozen=True)
class QueryShape:
    dataset: bool = False  # FROM or FROM NAMED
    service: bool = False  # a SERVICE pattern anywhere
    unreadable: str | None = None  # rdflib's parser could not read it: why


# FROM and SERVICE are keywords: a query without either word standing alone (not inside a longer
# name such as prov:wasDerivedFrom) has neither, and need not be parsed twice.
_KEYWORDS = re.compile(r"\b(from|service)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=512)
def query_shape(text: str) -> QueryShape:
    """Whether the query declares its dataset or calls a SERVICE, from rdflib's SPARQL parser."""
    if not _KEYWORDS.search(text):
        return QueryShape()
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(text)
    except Exception as error:  # noqa: BLE001 - pyparsing's and rdflib's own errors
        return QueryShape(unreadable=str(error).splitlines()[0] if str(error) else type(error).__name__)
    return QueryShape(dataset="datasetClause" in tree[1], service=_has_service(tree))


def _has_service(node) -> bool:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        return node.name == "ServiceGraphPattern" or any(_has_service(value) for value in node.values())
    if isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        return any(_has_service(item) for item in node)
    return False

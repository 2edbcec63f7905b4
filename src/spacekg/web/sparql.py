"""The read-only SPARQL 1.1 Protocol endpoint over the built graph: ``/sparql`` and ``/sparql/inferred``.

``/sparql`` answers from the asserted named graphs (the Oxigraph store of the build), with the
union of them as its default graph; ``/sparql/inferred`` from the same graphs and graph:inferred,
the view of `spacekg query --inferred`. Both take, as SPARQL 1.1 Protocol says:

- ``GET ?query=…`` (HEAD answered alike), ``POST`` of ``application/sparql-query`` (the dataset
  parameters in the URL) or of an HTML form (``application/x-www-form-urlencoded``);
- ``default-graph-uri`` and ``named-graph-uri``, which replace the query's own dataset;
- ``Accept``: SELECT and ASK answer in SPARQL JSON (default), XML, CSV or TSV, CONSTRUCT and
  DESCRIBE in Turtle (default), N-Triples, RDF/XML or JSON-LD; 406 when none of them is acceptable.

Without a query, ``GET`` returns the Service Description (Turtle by default), or sends a browser
to the query page. Updates are refused (403), other POST media types too (415), bodies over the
size limit (413). Queries run in a pool of worker processes (:mod:`.workers`) within the time limit
(503 beyond it).
"""

from __future__ import annotations

import functools
import os
from urllib.parse import parse_qs

import mimeparse
import pyoxigraph as ox
from starlette.datastructures import URL

from ..errors import NotBuiltError
from ..paths import Layout
from ..store import STORE_FOLDER
from . import builds
from .answer import Job
from .formats import DESCRIPTION
from .service_description import INFERRED_PATH
from .workers import WorkerPool

MAX_BODY = 1024 * 1024  # bytes a POST may send
UPDATE_REFUSED = "this endpoint is read-only: SPARQL Update is not accepted"
_UPDATE_FIELDS = ("update", "using-graph-uri", "using-named-graph-uri")
_FORM = "application/x-www-form-urlencoded"
_QUERY = "application/sparql-query"
_UPDATE = "application/sparql-update"


class ProtocolError(Exception):
    """A request the protocol does not allow: the HTTP status and a sentence for the client."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def check_built(layout: Layout) -> None:
    """Raise NotBuiltError unless output/ holds a built store."""
    if builds.current(layout) is None:
        raise NotBuiltError(layout.relative(layout.output / STORE_FOLDER / "oxigraph"))


def routes(layout: Layout, timeout: float = 30.0, *, workers: int | None = None, max_body: int = MAX_BODY,
           query_page: str = "/query") -> list:
    """The endpoint's Starlette routes, ``/sparql`` and ``/sparql/inferred``, and their workers.

    ``timeout``: seconds a query may run; ``workers``: worker processes (default: two per core);
    ``max_body``: bytes a POST may send; ``query_page``: where a browser asking for the endpoint
    itself (no query, Accept text/html) is sent.
    """
    from starlette.responses import PlainTextResponse, RedirectResponse, Response, StreamingResponse
    from starlette.routing import Route

    pool = WorkerPool(layout, workers or 2 * (os.cpu_count() or 1), timeout)

    async def sparql(request, inferred: bool):
        try:
            fields = await _fields(request, max_body)
            job = _job(request, fields, inferred)
        except ProtocolError as error:
            return PlainTextResponse(error.message + "\n", error.status)
        if job.query is None:
            chosen = DESCRIPTION.choose(job.accept)
            if chosen is None:
                return PlainTextResponse(DESCRIPTION.not_acceptable() + "\n", 406, headers={"Vary": "Accept"})
            if chosen.serializer is None:  # a browser: the query page
                page = query_page + (f"?endpoint={request.url.path}" if inferred else "")
                return RedirectResponse(page, 303, headers={"Vary": "Accept"})
        reply = await pool.run(job)
        headers = {"Vary": "Accept", **reply.headers}
        if reply.pieces is None:
            return Response(reply.body, reply.status, headers, media_type=reply.media)
        return StreamingResponse(reply.pieces, reply.status, headers, media_type=reply.media)

    async def asserted(request):
        return await sparql(request, inferred=False)

    async def inferred(request):
        return await sparql(request, inferred=True)

    return [Route("/sparql", asserted, methods=["GET", "POST"]),
            Route("/sparql" + INFERRED_PATH, inferred, methods=["GET", "POST"])]


async def _fields(request, max_body: int) -> dict[str, list[str]]:
    """The protocol's parameters of a request: from the URL, and from the body of a POST."""
    fields: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        fields.setdefault(name, []).append(value)
    if request.method != "POST":
        return fields
    media, charset = _content_type(request.headers.get("content-type"))
    if media == _UPDATE:
        raise ProtocolError(403, UPDATE_REFUSED)
    if media not in (_QUERY, _FORM):
        raise ProtocolError(415, f"send the query as {_QUERY}, or as an HTML form ({_FORM}) with a field "
                                 f"'query'{f'; {media} is neither' if media else ''}")
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(415, f"send the query in UTF-8, not {charset}")
    text = _utf8(await _body(request, max_body))
    if media == _QUERY:
        if "query" in fields:
            raise ProtocolError(400, "the query is the body of the request: give no 'query' parameter as well")
        fields["query"] = [text]
    else:
        try:
            form = parse_qs(text, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError as error:
            raise ProtocolError(400, f"the form is not UTF-8 ({error})") from None
        for name, values in form.items():
            fields.setdefault(name, []).extend(values)
    return fields


def _job(request, fields: dict[str, list[str]], inferred: bool) -> Job:
    if any(name in fields for name in _UPDATE_FIELDS):
        raise ProtocolError(403, UPDATE_REFUSED)
    queries = fields.get("query")
    if queries is None and (fields or request.method == "POST"):
        raise ProtocolError(400, "no query: give one in the parameter 'query'")
    if queries is not None and len(queries) != 1:
        raise ProtocolError(400, f"give exactly one 'query' ({len(queries)} were given)")
    if queries is not None and not queries[0].strip():
        raise ProtocolError(400, "the query is empty")
    return Job(query=queries[0] if queries else None, accept=request.headers.get("accept", ""),
               endpoint=_endpoint_url(request.scope, request.headers.get("host")),
               inferred=inferred,
               default_graphs=_iris(fields, "default-graph-uri"), named_graphs=_iris(fields, "named-graph-uri"))


def _endpoint_url(scope: dict, host: str | None) -> str:
    """The URL the request was sent to, without its query string (as Starlette reads it)."""
    return _url(scope.get("scheme", "http"), host, scope.get("server"), scope["path"])


@functools.lru_cache(maxsize=64)
def _url(scheme: str, host: str | None, server: tuple | None, path: str) -> str:
    headers = [(b"host", host.encode("latin-1"))] if host is not None else []
    return str(URL(scope={"scheme": scheme, "server": server, "path": path, "headers": headers}))


def _iris(fields: dict[str, list[str]], name: str) -> tuple[str, ...] | None:
    if name not in fields:
        return None
    for value in fields[name]:
        try:
            ox.NamedNode(value)
        except ValueError as error:
            raise ProtocolError(400, f"{name}: '{value}' is not an absolute IRI ({error})") from None
    return tuple(fields[name])


@functools.lru_cache(maxsize=64)
def _content_type(header: str | None) -> tuple[str | None, str | None]:
    """(media type, charset) of a Content-Type header, lower case; (None, None) without one."""
    if not header:
        return None, None
    try:
        kind, subtype, parameters = mimeparse.parse_mime_type(header)
    except (mimeparse.MimeTypeParseException, ValueError):
        return header.split(";")[0].strip().lower(), None
    charset = parameters.get("charset")
    return f"{kind}/{subtype}".lower(), charset.strip('"').lower() if charset else None


async def _body(request, max_body: int) -> bytes:
    """The body of a POST, refused with 413 as soon as it is over ``max_body`` bytes."""
    too_large = ProtocolError(413, f"the request body is over the limit of {max_body:,} bytes")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_body:
        raise too_large
    body = bytearray()
    async for piece in request.stream():
        body += piece
        if len(body) > max_body:
            raise too_large
    return bytes(body)


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"the body is not UTF-8 ({error})") from None

"""The read-only SPARQL 1.1 Protocol endpoint over the built Oxigraph store (``/sparql`` of `spacekg serve`).

``GET /sparql?query=…`` and ``POST /sparql`` (``application/sparql-query`` or a form with
``query=``) answer SELECT and ASK queries as SPARQL JSON, CSV, TSV or XML results, chosen from the
``Accept`` header (JSON by default), and CONSTRUCT/DESCRIBE as Turtle or N-Triples. Updates are
refused (403). Each query runs in a forked worker process that is killed when it exceeds the time
limit (503). The default graph is the union of the named graphs; CORS is open to any origin so
that browser pages can query it. Serialization is pyoxigraph's.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from urllib.parse import parse_qs

import pyoxigraph as ox

from ..errors import NotBuiltError
from ..paths import Layout
from ..store import STORE_FOLDER

DATABASE = "oxigraph"
RESULT_TYPES = {  # media type → SPARQL results format
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
}
GRAPH_TYPES = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES}
UPDATE_REFUSED = "this endpoint is read-only: SPARQL Update is not accepted"


def database_path(layout: Layout) -> Path:
    path = layout.output / STORE_FOLDER / DATABASE
    if not path.is_dir():
        raise NotBuiltError(layout.relative(path))
    return path


def answer(database: Path, query: str, accept: str) -> tuple[int, str, bytes]:
    """Run ``query`` on the store at ``database``: (HTTP status, media type, body)."""
    store = ox.Store.read_only(str(database))
    try:
        result = store.query(query, use_default_graph_as_union=True)
    except SyntaxError as error:
        return 400, "text/plain", f"malformed query: {error}\n".encode()
    except (OSError, ValueError, RuntimeError) as error:
        return 400, "text/plain", f"the query could not run: {error}\n".encode()
    if isinstance(result, ox.QueryTriples):
        media = _negotiate(accept, GRAPH_TYPES, "text/turtle")
        return 200, media, result.serialize(format=GRAPH_TYPES[media])
    media = _negotiate(accept, RESULT_TYPES, "application/sparql-results+json")
    return 200, media, result.serialize(format=RESULT_TYPES[media])


def _negotiate(accept: str, offered: dict, default: str) -> str:
    """The offered media type the Accept header prefers (q-values honoured), else ``default``."""
    choices = []
    for position, part in enumerate((accept or "").split(",")):
        media, *parameters = [piece.strip() for piece in part.split(";")]
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        choices.append((-quality, position, media.lower()))
    for _, _, media in sorted(choices):
        if media in offered:
            return media
        if media in ("*/*", "application/*", "text/*") and default.startswith(media[:-1].rstrip("*")):
            return default
    return default


def _worker(database: Path, query: str, accept: str, connection) -> None:
    try:
        connection.send(answer(database, query, accept))
    except BaseException as error:  # noqa: BLE001 - reported to the client as a 500
        connection.send((500, "text/plain", f"internal error: {error}\n".encode()))
    finally:
        connection.close()


def answer_within(database: Path, query: str, accept: str, timeout: float) -> tuple[int, str, bytes]:
    """:func:`answer` in a forked process, killed after ``timeout`` seconds (503)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_worker, args=(database, query, accept, sender), daemon=True)
    process.start()
    sender.close()
    try:
        if receiver.poll(timeout):
            return receiver.recv()
        return 503, "text/plain", f"the query took longer than {timeout:g} s and was stopped\n".encode()
    except EOFError:
        return 500, "text/plain", b"the query worker stopped without an answer\n"
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()


def routes(layout: Layout, timeout: float = 30.0) -> list:
    """The endpoint's routes (Starlette): ``/sparql`` for GET and POST."""
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse, Response
    from starlette.routing import Route

    database = database_path(layout)

    async def sparql(request: Request) -> Response:
        query, problem = await _query_of(request)
        if problem is not None:
            return PlainTextResponse(problem[1] + "\n", status_code=problem[0])
        status, media, body = await run_in_threadpool(
            answer_within, database, query, request.headers.get("accept", ""), timeout)
        return Response(body, status_code=status, media_type=media)

    return [Route("/sparql", sparql, methods=["GET", "POST"])]


async def _query_of(request) -> tuple[str | None, tuple[int, str] | None]:
    """The query text of a request, or (status, message) when there is none or it is an update."""
    if request.method == "GET":
        fields = {key: request.query_params.getlist(key) for key in request.query_params.keys()}
    else:
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = (await request.body()).decode("utf-8", errors="replace")
        if media == "application/sparql-update":
            return None, (403, UPDATE_REFUSED)
        if media == "application/sparql-query":
            fields = {"query": [body]}
        elif media == "application/x-www-form-urlencoded":
            fields = parse_qs(body, keep_blank_values=True)
        else:
            return None, (415, "send the query as application/sparql-query or as a form field 'query'")
    if "update" in fields:
        return None, (403, UPDATE_REFUSED)
    queries = fields.get("query") or []
    if len(queries) != 1 or not queries[0].strip():
        return None, (400, "give exactly one 'query'")
    return queries[0], None

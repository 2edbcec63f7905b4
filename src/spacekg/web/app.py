"""The ASGI application of `spacekg serve` (Starlette on uvicorn): the site and the SPARQL endpoint.

Every IRI under https://w3id.org/spacekg/ that the graph uses answers at its own path (``/id/jaxa``,
``/doc/…``, ``/statement/…``, ``/quote/…``, ``/graph/…``, ``/ontology``) with a 303 See Other to the
document that describes it, chosen by the Accept header (``Vary: Accept``): ``/id/jaxa.html`` for a
browser, ``/id/jaxa.ttl``, ``.nt`` or ``.jsonld`` for Turtle, N-Triples or JSON-LD. The IRI names
the thing (an agency, a meeting); the pages and data files are documents about it, as the Linked
Data conventions (httpRange-14) ask, and their URLs are the files of the static site. A name the
graph does not know is a 404 page with the closest names.

The pages are the static site's (spacekg.site.pages), made on request from the current build's
store, which a new build replaces without a restart (see web/builds.py); ``/query`` is the query
editor over ``/sparql`` (web/sparql.py), ``/`` the start page.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable

import mimeparse

from ..exports.files import GZIP
from ..paths import Layout, built
from ..site import assets, describe, home, pages, suggest
from ..site.lookup import Lookup
from ..site.static import DOWNLOADS, SERVED_HOME, SITE_FOLDER, served_home
from ..site.urls import DATA_FORMATS, SPACES, iri_of, path_of
from ..store import open_store
from ..views.source import Source
from . import builds, sparql

HTML = "text/html; charset=utf-8"
# Media types a node's description is offered in → the extension of its document.
OFFERED = {"application/ld+json": "jsonld", "application/json": "jsonld", "application/n-triples": "nt",
           "text/turtle": "ttl", "application/xhtml+xml": "html", "text/html": "html"}
FILE_TYPES = {"html": HTML, "ttl": "text/turtle; charset=utf-8", "nt": "application/n-triples; charset=utf-8",
              "jsonld": "application/ld+json", "txt": "text/plain; charset=utf-8", "png": "image/png",
              "json": "application/json", "trig": "application/trig; charset=utf-8", "nq": "application/n-quads",
              "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8", "gz": "application/gzip"}
_EXPORTS = (*(name for name, _ in DOWNLOADS), "spacekg.nt", "spacekg.nq", "spacekg.jsonld")
BUILT_FILES = frozenset({"ontology.html", "graph.html", "attendance.png", "timeline.png", "stats.json",
                         *_EXPORTS, *(name + GZIP for name in _EXPORTS)})


class CurrentSite:
    """The site over the built graph, opened again when a build replaces the store."""

    def __init__(self, layout: Layout):
        self.layout = layout
        self._lock = threading.Lock()
        self._key = None
        self._site: pages.SiteContext | None = None
        self._made: dict[str, str] = {}  # pages made once for the build (see :meth:`once`)

    def site(self) -> pages.SiteContext:
        current = builds.current(self.layout)
        key = current.identity if current is not None else None
        with self._lock:
            if self._site is None or key != self._key:
                lookup = Lookup(Source(open_store(self.layout)))
                anchors = pages.anchors_of(built(self.layout, "ontology.html"))
                self._site, self._key = pages.SiteContext(lookup, self.layout, served=True, ontology_anchors=anchors), key
                self._made = {}
            return self._site

    def once(self, name: str, make: Callable[[pages.SiteContext], str]) -> str:
        """A page that depends on the build alone, made on its first request after each build."""
        site = self.site()
        with self._lock:  # a build published meanwhile has a table of its own
            made = self._made if self._site is site else {}
        if name not in made:
            made[name] = make(site)  # kept in the table of the build it was made from
        return made[name]

    def text(self, identifier: str) -> str | None:
        """The verbatim text of a document, as the build copied it into the site."""
        path = built(self.layout, SITE_FOLDER) / "texts" / f"{identifier}.txt"
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def file(self, name: str) -> Path:
        """A file the current build wrote (ontology.html, spacekg.ttl …)."""
        return built(self.layout, name)


def app(layout: Layout, timeout: float = 30.0, **endpoint):
    """The ASGI application: the site's pages, the node IRIs, ``/sparql``; CORS open to any origin.
    ``endpoint``: the options of :func:`sparql.routes` (workers, max_body, query_page)."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.requests import Request
    from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
    from starlette.routing import Route

    graph = CurrentSite(layout)

    def page(html: str | None, request: Request) -> Response:
        if html is None:
            return not_found(request)
        return HTMLResponse(html)

    def not_found(request: Request) -> Response:
        path = request.url.path.strip("/")
        name = path.rsplit("/", 1)[-1].rsplit(".", 1)[0] or path
        stem = path.rsplit(".", 1)[0] if path.endswith((".html", *(f".{e}" for e in DATA_FORMATS))) else path
        wanted = iri_of(stem) if stem.split("/", 1)[0] in SPACES else "/" + path
        site = graph.site()
        file = path if path.endswith(".html") else (path or "index") + ".html"
        html = pages.not_found_html(site, file, wanted, suggest.closest(site.lookup, name))
        return HTMLResponse(html, status_code=404)

    async def start(request: Request) -> Response:
        def render(site: pages.SiteContext) -> str:  # the build made it, unless it is an older build
            made = graph.file(SERVED_HOME)
            if made.is_file():
                return made.read_text(encoding="utf-8")
            return served_home(site, made.parent)
        return HTMLResponse(await run_in_threadpool(graph.once, "start", render))

    async def query_editor(request: Request) -> Response:
        if assets.missing():
            problem = str(assets.MissingLibraries(assets.missing()))
            return HTMLResponse(pages.editor_missing_html(graph.site(), "query.html", problem), status_code=503)
        return HTMLResponse(await run_in_threadpool(lambda: pages.editor_html(graph.site())))

    async def section(request: Request) -> Response:
        name = request.path_params["name"]
        found = next((s for s in home.SECTIONS if s.name == name), None)
        if found is None:
            return not_found(request)
        return HTMLResponse(await run_in_threadpool(pages.list_page, graph.site(), found))

    async def asset(request: Request) -> Response:
        path = assets.served_file(request.path_params["name"])
        if path is None:
            return not_found(request)
        return FileResponse(path, media_type=FILE_TYPES.get(path.suffix[1:]))

    async def text(request: Request) -> Response:
        body = graph.text(request.path_params["name"])
        if body is None:
            return not_found(request)
        return Response(body, media_type=FILE_TYPES["txt"])

    async def built_file(request: Request) -> Response:
        name = request.url.path.lstrip("/")
        path = graph.file(name)
        if name not in BUILT_FILES or not path.is_file():
            return not_found(request)
        return FileResponse(path, media_type=FILE_TYPES.get(path.suffix[1:]))

    async def node(request: Request) -> Response:
        """A node's IRI (303 to a document about it) or one of those documents."""
        path = request.url.path.lstrip("/")
        stem, dot, extension = path.rpartition(".")
        if not dot or "/" in extension or extension not in (*DATA_FORMATS, "html"):
            return await run_in_threadpool(see_other, request, path)
        return await run_in_threadpool(document, request, stem, extension)

    def see_other(request: Request, path: str) -> Response:
        site = graph.site()
        if not describe.exists(site.lookup.source, iri_of(path)) and path != "ontology":
            return not_found(request)
        accept = request.headers.get("accept", "") or "text/html"
        chosen = mimeparse.best_match(list(OFFERED), accept)
        if not chosen:
            return Response(f"{iri_of(path)} is described in: {', '.join(OFFERED)}\n", status_code=406,
                            media_type="text/plain", headers={"Vary": "Accept"})
        location = f"/{path}.{OFFERED[chosen]}"
        if OFFERED[chosen] == "html" and path.startswith("quote/"):  # a quote is shown in its source reader
            target = pages.quote_targets(site, [iri_of(path)]).get(iri_of(path))
            if target is not None:
                location = f"/{path_of(target[0])}.html#{target[1]}"
        return RedirectResponse(location, status_code=303, headers={"Vary": "Accept"})

    def document(request: Request, path: str, extension: str) -> Response:
        site = graph.site()
        iri = iri_of(path)
        if path == "ontology" and extension == "html":
            return built_file_response(graph.file("ontology.html")) or not_found(request)
        if not describe.exists(site.lookup.source, iri) and path != "ontology":
            return not_found(request)
        if extension != "html":
            body = describe.serialize(describe.description(site.lookup.source, iri), extension)
            return Response(body, media_type=FILE_TYPES[extension])
        space = path.split("/", 1)[0]
        if space == "id":
            return page(pages.entity_html(site, [iri]).get(iri), request)
        if space == "doc":
            return page(pages.document_html(site, iri, graph.text(path.split("/", 1)[1])), request)
        if space == "statement":
            return page(pages.statement_pages(site, [iri]).get(iri), request)
        if space == "quote":
            return page(pages.quote_pages(site, [iri]).get(iri), request)
        if space == "graph":
            return page(pages.graph_html(site, iri), request)
        return not_found(request)

    def built_file_response(path: Path):
        return FileResponse(path, media_type=HTML) if path.is_file() else None

    async def missing(request: Request, error: HTTPException) -> Response:
        if error.status_code == 404:
            return await run_in_threadpool(not_found, request)
        return Response(str(error.detail), status_code=error.status_code)

    routes = [
        *sparql.routes(layout, timeout, **endpoint),
        Route("/", start),
        Route("/index.html", start),
        Route("/query", query_editor),
        Route("/query.html", query_editor),
        Route("/list/{name}.html", section),
        Route("/assets/{name:path}", asset),
        Route("/texts/{name}.txt", text),
        *[Route(f"/{name}", built_file) for name in sorted(BUILT_FILES - {"ontology.html"})],
        Route("/ontology", node),
        Route("/ontology.{extension}", node),
        *[Route(f"/{space}/{{rest:path}}", node) for space in SPACES if space != "ontology"],
    ]
    return Starlette(routes=routes, exception_handlers={404: missing},
                     middleware=[Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                                            allow_headers=["Content-Type", "Accept"])])


def serve(layout: Layout, host: str = "127.0.0.1", port: int = 7878, timeout: float = 30.0) -> None:
    import uvicorn

    uvicorn.run(app(layout, timeout), host=host, port=port, log_level="warning")

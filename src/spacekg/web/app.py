"""The ASGI application of `spacekg serve` (Starlette on uvicorn): the SPARQL endpoint and its start page."""

from __future__ import annotations

from ..paths import Layout
from . import sparql


def app(layout: Layout, timeout: float = 30.0, **endpoint):
    """The ASGI application: ``/sparql`` and the start page, CORS open to any origin.
    ``endpoint``: the options of :func:`sparql.routes` (workers, max_body, query_page)."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse, Response
    from starlette.routing import Route

    async def home(request: Request) -> Response:
        return PlainTextResponse("spacekg SPARQL endpoint: GET or POST queries to /sparql\n")

    return Starlette(routes=[*sparql.routes(layout, timeout, **endpoint), Route("/", home)],
                     middleware=[Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                                            allow_headers=["Content-Type", "Accept"])])


def serve(layout: Layout, host: str = "127.0.0.1", port: int = 7878, timeout: float = 30.0) -> None:
    import uvicorn

    uvicorn.run(app(layout, timeout), host=host, port=port, log_level="warning")

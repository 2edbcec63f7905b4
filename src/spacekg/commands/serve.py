"""`spacekg serve`."""

from __future__ import annotations

CONNECTIONS = 512  # open connections at most; more get 503 (with the body limit, memory stays bounded)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve", help="browse the graph and answer SPARQL queries over HTTP (pages, query editor, read-only endpoint)",
        description="Serve the site of the built graph at http://HOST:PORT/ (a page for every IRI, by content "
                    "negotiation; the query editor at /query) and the graph at http://HOST:PORT/sparql (the asserted graphs) and "
                    "/sparql/inferred (with the inferred graph): GET or POST queries, results by the Accept "
                    "header, the service description at GET /sparql. Updates are refused. A new build is "
                    "picked up without a restart.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=7878, help="port (default: 7878)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds a query may run (default: 30)")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="processes answering queries at the same time (default: two per core)")
    parser.add_argument("--max-body", type=int, default=None, metavar="BYTES",
                        help="largest POST body accepted; larger ones get 413 (default: 1 MiB)")
    parser.set_defaults(run=run)


def run(args, layout) -> int:
    import uvicorn

    from ..errors import SpacekgError
    from ..web.app import app
    from ..web.sparql import MAX_BODY, check_built

    for name in ("timeout", "workers", "max_body"):
        value = getattr(args, name)
        if value is not None and value <= 0:
            raise SpacekgError(f"--{name.replace('_', '-')} must be positive, not {value:g}")
    check_built(layout)  # fails early with a clear message when nothing is built
    application = app(layout, args.timeout, workers=args.workers, max_body=args.max_body or MAX_BODY)
    url = f"http://{args.host}:{args.port}/"
    print(f"serving {layout.relative(layout.output)}/store at {url} (pages, query editor at {url}query, "
          f"SPARQL endpoint at {url}sparql; read-only; Ctrl-C stops)", flush=True)
    uvicorn.run(application, host=args.host, port=args.port, log_level="warning", access_log=False,
                limit_concurrency=CONNECTIONS)
    return 0

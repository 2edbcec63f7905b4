"""`spacekg serve`."""

from __future__ import annotations


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve", help="answer SPARQL queries over HTTP (read-only SPARQL 1.1 Protocol endpoint)",
        description="Serve the built graph (output/store/) at http://HOST:PORT/sparql: GET or POST "
                    "queries, results as JSON, CSV, TSV or XML by the Accept header. Updates are refused.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=7878, help="port (default: 7878)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds a query may run (default: 30)")
    parser.set_defaults(run=run)


def run(args, layout) -> int:
    from ..web.app import serve
    from ..web.sparql import database_path

    database_path(layout)  # fails early with a clear message when nothing is built
    url = f"http://{args.host}:{args.port}/"
    print(f"serving {layout.relative(layout.output)}/store at {url} (pages, query editor at {url}query, "
          f"SPARQL endpoint at {url}sparql; read-only; Ctrl-C stops)", flush=True)
    serve(layout, args.host, args.port, args.timeout)
    return 0

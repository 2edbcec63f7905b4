"""`spacekg push`."""

from __future__ import annotations


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "push", help="upload the build to a SPARQL Graph Store Protocol endpoint (Virtuoso, Fuseki, GraphDB)",
        description="Replace one named graph of a triple store with output/spacekg.nt (HTTP PUT, "
                    "SPARQL 1.1 Graph Store Protocol), or load output/spacekg.nq with the store's bulk loader (--bulk).")
    parser.add_argument("--endpoint",
                        help="the store's graph store URL, e.g. http://localhost:8890/sparql-graph-crud-auth")
    parser.add_argument("--bulk", choices=("virtuoso", "oxigraph"),
                        help="load output/spacekg.nq (every asserted named graph) with the store's own bulk loader instead: "
                             "Virtuoso's ld_dir/rdf_loader_run through isql (--port), or `oxigraph load` (--location)")
    parser.add_argument("--port", type=int, default=1111, help="with --bulk virtuoso: the server's SQL port (default 1111)")
    parser.add_argument("--location", help="with --bulk oxigraph: the Oxigraph server's database folder")
    parser.add_argument("--graph", default=None, help="IRI of the graph to replace (default: the dataset's IRI)")
    parser.add_argument("--user", help="user name (HTTP digest or basic authentication)")
    parser.add_argument("--password", help="password")
    parser.set_defaults(run=run)


def run(args, layout) -> int:
    from ..push import PushError, bulk_load, push

    if args.bulk:
        loaded = bulk_load(layout, args.bulk, location=args.location, port=args.port,
                           user=args.user or "dba", password=args.password or "dba")
        print(f"loaded {loaded.quads} quads into {loaded.store} with its bulk loader in {loaded.seconds:.1f} s")
        return 0
    if not args.endpoint:
        raise PushError("give --endpoint URL (Graph Store Protocol) or --bulk virtuoso|oxigraph")

    sent = push(layout, args.endpoint, args.graph, args.user, args.password)
    print(f"pushed {sent.triples} triples to <{sent.graph}> at {args.endpoint} (HTTP {sent.status})")
    return 0

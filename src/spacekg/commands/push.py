"""`spacekg push`."""

from __future__ import annotations


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "push", help="upload the build to a SPARQL Graph Store Protocol endpoint (Virtuoso, Fuseki, GraphDB)",
        description="Replace one named graph of a triple store with output/spacekg.nt (HTTP PUT, "
                    "SPARQL 1.1 Graph Store Protocol).")
    parser.add_argument("--endpoint", required=True,
                        help="the store's graph store URL, e.g. http://localhost:8890/sparql-graph-crud-auth")
    parser.add_argument("--graph", default=None, help="IRI of the graph to replace (default: the dataset's IRI)")
    parser.add_argument("--user", help="user name (HTTP digest or basic authentication)")
    parser.add_argument("--password", help="password")
    parser.set_defaults(run=run)


def run(args, layout) -> int:
    from ..push import push

    sent = push(layout, args.endpoint, args.graph, args.user, args.password)
    print(f"pushed {sent.triples} triples to <{sent.graph}> at {args.endpoint} (HTTP {sent.status})")
    return 0

"""`spacekg query`: run a library query, a .rq file or SPARQL text on the built graph."""

from __future__ import annotations

import sys
from pathlib import Path

FORMATS = ("table", "csv", "tsv", "json")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "query", help="ask the built graph a question (SPARQL)",
        description="Run a query of the library in queries/ (by name), a .rq file, or SPARQL text on the "
                    "built graph (output/), without reading the sources again. By default the query sees "
                    "the asserted facts only: every named graph except the inferred one.")
    parser.add_argument("query", nargs="?", metavar="NAME | FILE.rq | 'SPARQL'",
                        help="a library query name (see --list), a path to a .rq file, or the query text")
    parser.add_argument("--list", action="store_true", help="list the library's queries with their titles")
    parser.add_argument("-f", "--format", choices=FORMATS, default="table",
                        help="output format: an aligned table (default), CSV, TSV or SPARQL 1.1 results JSON")
    parser.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                        help="bind the variable ?NAME to VALUE before running (integers, dates and "
                             "prefixed names such as kg:jaxa are typed); repeatable")
    parser.add_argument("--store", choices=("oxigraph", "memory"), default="oxigraph",
                        help="oxigraph: the built store in output/store/ (default, fast); "
                             "memory: rdflib's in-memory store, parsing output/spacekg.trig")
    parser.add_argument("--inferred", action="store_true",
                        help="include the inferred graph (entailments, output/spacekg-inferred.trig) "
                             "as well as the asserted facts")
    parser.add_argument("--max-width", type=int, default=72, metavar="N",
                        help="in a table, cut cells longer than N characters (0: never; default 72)")
    parser.set_defaults(run=run)


def run(args, layout) -> int:
    from .. import query as q

    if args.list:
        print(_listing(q.library(layout)), end="")
        return 0
    if not args.query:
        raise q.QueryError("no query given", hint="give a library query name, a .rq file or SPARQL text; "
                                                  "`spacekg query --list` lists the library")
    params = _params(args.param, q)
    text, source, known = _resolve(args.query, layout, q)
    if known is not None:
        _check_params(known, params, q)
    graph = q.open_graph(layout, inferred=args.inferred, store=args.store)
    result = q.run(graph, text, params, source=source)
    if known is not None:
        q.check_matches(graph, known, params, result)
    if args.format == "table":
        out = result.to_table(max_width=args.max_width or None)
    else:
        out = {"csv": result.to_csv, "tsv": result.to_tsv, "json": result.to_json}[args.format]()
    sys.stdout.write(out)
    return 0


def _resolve(argument: str, layout, q):
    """(text, name for messages, library query or None) for a name, a .rq file or SPARQL text."""
    if any(ch.isspace() or ch in "{}" for ch in argument.strip()):
        return argument, "<query text>", None
    path = Path(argument)
    if path.is_file():
        in_library = path.resolve().parent == layout.queries.resolve() and path.suffix == ".rq"
        found = q.read_query(path, layout) if in_library else None
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise q.QueryError(f"{argument}: cannot read the query: {error}") from None
        return text, layout.relative(path), found
    if "/" in argument or "\\" in argument:
        raise q.QueryError(f"{argument}: no such file")
    found = q.find(layout, argument)
    return found.text, layout.relative(found.path), found


def _params(pairs: list[str], q) -> dict[str, str]:
    params = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        name = name.strip().lstrip("?$")
        if not equals or not name:
            raise q.QueryError(f"--param {pair}: expected NAME=VALUE", hint="for example --param ordinal=7")
        params[name] = value
    return params


def _check_params(query, params: dict, q) -> None:
    usage = ", ".join(f"--param {name}=… ({text})" for name, text in query.params.items())
    if unknown := q.unknown_params(query, params):
        takes = f"it takes {usage}" if query.params else "it takes no parameters"
        raise q.QueryError(f"query '{query.name}' has no parameter {', '.join(unknown)}", hint=takes)
    if missing := q.missing_params(query, params):
        raise q.QueryError(f"query '{query.name}' needs {', '.join(missing)}", hint=f"give {usage}")


def _listing(queries) -> str:
    if not queries:
        return "no queries in queries/\n"
    width = max(len(query.name) for query in queries)
    lines = []
    for query in queries:
        params = "".join(f" --param {name}=…" for name in query.params)
        lines.append(f"{query.name:<{width}}  {query.title}{params}")
    return "\n".join(lines) + "\n"

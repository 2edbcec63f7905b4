"""`spacekg lookup TERM`: find an entity's id; `--properties`: what a statement may say."""

from __future__ import annotations

import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "lookup", help="find an entity's id by any of its names (fuzzy), or list the properties",
        description="Search the registry for TERM, forgiving typos and word order: ids, English and "
                    "Japanese labels, alternative labels and abbreviations. Each hit shows its class, "
                    "parent, and how many statements of the sources use it. With --properties, list "
                    "every property a statement may carry, with its range, an example and the "
                    "documents that use it.")
    parser.add_argument("term", nargs="*", metavar="TERM", help="a name, abbreviation or id, e.g. 'MIC' or 'internal affairs'")
    parser.add_argument("--properties", action="store_true", help="list the properties a statement may carry")
    parser.add_argument("--markdown", action="store_true", help="with --properties: the README's table")
    parser.add_argument("-n", "--limit", type=int, default=8, help="how many hits to show (default 8)")
    parser.set_defaults(run=run)


def run(args, layout) -> int:
    from ..annotate.project import knowledge_of, read_schema
    from ..errors import SpacekgError

    if args.properties:
        return _properties(layout, args.markdown)
    if not args.term:
        raise SpacekgError("nothing to look up", hint="give a name, e.g. `spacekg lookup 'internal affairs'`, "
                                                      "or --properties")
    from ..annotate.lookup import describe, search

    knowledge, notes = knowledge_of(layout)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    term = " ".join(args.term)
    hits = search(knowledge, term, limit=args.limit)
    if not hits:
        print(f"nothing in the registry is called anything like '{term}'")
        print("  hint: add it to sources/registry/ (see the README, \"Adding a document\")")
        return 1
    rows = [describe(knowledge, hit) for hit in hits]
    columns = ["id", "class", "label", "ja", "abbr", "parent", "statements"]
    print(_table(rows, columns))
    return 0


def _properties(layout, markdown: bool) -> int:
    from ..annotate.lookup import markdown_table, property_rows, usage_by_property
    from ..annotate.project import knowledge_of
    from ..ontology import load_ontology, Schema

    ontology = load_ontology(layout.ontology)
    rows = property_rows(ontology, Schema.from_graph(ontology))
    if markdown:
        sys.stdout.write(markdown_table(rows))
        return 0
    knowledge, _ = knowledge_of(layout)
    documents, uses = usage_by_property(knowledge)
    table = [{"property": r.name, "on": r.applies_to, "value": r.takes, "example": r.example,
              "used in": ", ".join(documents.get(r.name, [])) or "-"} for r in rows]
    print(_table(table, ["property", "on", "value", "example", "used in"]))
    return 0


def _table(rows: list[dict], columns: list[str], width: int = 48) -> str:
    """An aligned table; cells longer than ``width`` are cut, except in the last column."""
    cut = [{c: (r[c] if len(r[c]) <= width or c == columns[-1] else r[c][:width - 1] + "…") for c in columns}
           for r in rows]
    widths = {c: max([len(c)] + [len(r[c]) for r in cut]) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns).rstrip(),
             "  ".join("-" * widths[c] for c in columns)]
    lines += ["  ".join(r[c].ljust(widths[c]) for c in columns).rstrip() for r in cut]
    return "\n".join(lines)

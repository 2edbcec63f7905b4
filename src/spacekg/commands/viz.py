"""`spacekg viz`: write an interactive, offline HTML view of the built graph, filtered if asked."""

from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "viz", help="write an interactive view of the built graph (one offline HTML file)",
        description="Draw the built graph (output/) as one self-contained HTML page: nodes coloured and shaped "
                    "by class, links labelled with their property, the source's words on hover. Filters "
                    "combine: first --meeting/--year/--class/--country, then --focus. Without a filter, a graph of "
                    "more than a few hundred nodes is drawn as the overview of the build's graph.html. The page opens "
                    "around the --focus node, else around the latest meeting (a small graph: whole); the whole "
                    "graph is one click away.")
    parser.add_argument("-o", "--output", metavar="FILE.html",
                        help="where to write the page (default: output/graph.html, or output/view.html when filtered)")
    parser.add_argument("--focus", metavar="NODE", help="only the neighbourhood of this node (id, label or abbreviation)")
    parser.add_argument("--depth", type=int, default=1, metavar="N", help="how many links around --focus (default 1)")
    parser.add_argument("--meeting", action="append", default=[], metavar="MEETING",
                        help="only these meetings and what is linked to them (id or label, e.g. cds-7); repeatable")
    parser.add_argument("--year", action="append", default=[], metavar="YYYY",
                        help="only events held and documents issued in this year, with their links; repeatable")
    parser.add_argument("--class", dest="classes", action="append", default=[], metavar="CLASS",
                        help="only nodes of this category (meeting, organization, person, program, topic, agreement, "
                             "document, place, event) or ontology class (e.g. Agency); repeatable")
    parser.add_argument("--country", action="append", default=[], metavar="COUNTRY",
                        help="leave out organizations and people of other countries (e.g. japan); repeatable")
    parser.add_argument("--provenance", action="store_true",
                        help="also draw the statement and quote nodes behind each fact")
    parser.add_argument("--keep-isolated", action="store_true", help="keep nodes that the filters left without links")
    parser.set_defaults(run=run)


def run(args, layout) -> int:
    from ..store import open_dataset
    from ..views import filters
    from ..views.html import write_graph
    from ..views.network import build_network
    from ..views.overview import overview_of
    from ..views.source import open_source
    from ..views.write import GRAPH_TITLE

    source = open_source(open_dataset(layout))
    overview_note = left_out = start = ""
    if not (args.meeting or args.year or args.classes or args.country or args.focus):
        drawn = overview_of(source)  # the whole graph, or the overview of graph.html
        network, applied, overview_note, left_out = drawn.network, [], drawn.note, drawn.left_out
        if args.provenance:  # the statements about the drawn nodes, and their quotes
            network = build_network(source, nodes=[iri for _, iri in network.nodes(data="iri")], provenance=True)
    else:
        nodes = filters.universe(source, args.meeting, args.year, args.focus, args.depth)
        network, applied = _filtered(build_network(source, nodes=nodes, provenance=args.provenance), args)
        if args.focus:  # the page opens around the node asked for
            start = filters.resolve(network, args.focus)
    if args.provenance:
        applied.append("with provenance")
    path = Path(args.output) if args.output else layout.output / ("view.html" if applied else "graph.html")
    note = "; ".join(filter(None, [overview_note, *applied]))
    beside_index = path.resolve().parent == layout.output.resolve()
    write_graph(network, path, GRAPH_TITLE, note=note, index_link="index.html" if beside_index else None,
                left_out=left_out, start=start)
    print(f"wrote {layout.relative(path)}: {network.number_of_nodes()} nodes, {network.number_of_edges()} links"
          + (f" ({note})" if note else ""))
    return 0


def _filtered(network, args):
    """The network narrowed by the filters of the command line, and what each did."""
    from ..views import filters

    applied = []
    if args.meeting:
        network = filters.by_meetings(network, args.meeting)
        applied.append("meeting " + ", ".join(args.meeting))
    if args.year:
        network = filters.by_years(network, args.year)
        applied.append("year " + ", ".join(args.year))
    if args.classes:
        network = filters.by_classes(network, args.classes)
        applied.append("class " + ", ".join(args.classes))
    if args.country:
        network = filters.by_countries(network, args.country)
        applied.append("country " + ", ".join(args.country))
    if args.focus:
        network = filters.by_focus(network, args.focus, args.depth)
        applied.append(f"around {args.focus} (depth {args.depth})")
    if not args.keep_isolated:
        network = filters.drop_isolated(network)
    return network, applied

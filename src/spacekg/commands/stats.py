"""`spacekg stats`: network analytics of who met whom at the Comprehensive Dialogue on Space."""

from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "stats", help="centrality, communities and shared topics of the meetings' participants",
        description="Analyse the co-participation network of the Comprehensive Dialogue on Space (organizations "
                    "linked by the held meetings they attended together, co-chairs included): degree and "
                    "betweenness centrality, Louvain communities (fixed seed), organizations present at every "
                    "held meeting, topics raised at the most meetings. Prints tables and writes JSON.")
    parser.add_argument("-o", "--output", metavar="FILE.json", help="where to write the JSON (default: output/stats.json)")
    parser.add_argument("--top", type=int, default=10, metavar="N", help="how many topics to print (default 10)")
    parser.set_defaults(run=run)


def run(args, layout) -> int:
    from ..namespaces import COMPREHENSIVE_DIALOGUE
    from ..store import open_dataset
    from ..views.network import build_network, short_id
    from ..views.overview import series_nodes
    from ..views.source import open_source
    from ..views.stats import compute, table, write_stats

    source = open_source(open_dataset(layout))
    network = build_network(source, nodes=series_nodes(source))  # the series' meetings and what they link to
    stats = compute(network, short_id(COMPREHENSIVE_DIALOGUE))
    path = Path(args.output) if args.output else layout.output / "stats.json"
    write_stats(stats, path)
    print(table(stats, top_topics=args.top))
    print(f"\nwrote {layout.relative(path)}")
    return 0

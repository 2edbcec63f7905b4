"""Time each check query on a built store: every SHACL twin (ontology/shapes/*.rq) and every SPARQL
query of the OWL rules (entailments, disjoint classes, functional properties), slowest first.

    python benchmarks/checks.py ROOT              # ROOT: a project folder with a built output/
    python benchmarks/checks.py ROOT --explain    # and Oxigraph's plan of the five slowest

The store is opened read-only; each query runs once, its rows counted.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pyoxigraph as ox

from spacekg.build import read_ontology
from spacekg.checks.rules import Rules
from spacekg.checks.shacl import twins
from spacekg.paths import Layout
from spacekg.store import STORE_FOLDER


def check_queries(layout: Layout) -> dict[str, str]:
    """Name → SPARQL of every query the checks run on the store (the functional-property clashes
    as the rules write them)."""
    ontology, _ = read_ontology(layout)
    rules = Rules.of(ontology)
    queries = {f"shape {name}": path.read_text(encoding="utf-8")
               for name, path in twins(layout.root / "ontology" / "shapes").items()}
    queries |= {f"entail {_local(target)}": query for target, query in rules.property_queries()}
    queries |= {f"class {_local(target)}": query for target, query in rules.class_queries()}
    queries |= {f"disjoint {'/'.join(_local(c) for c in group)}": query
                for group in rules.disjoint if (query := rules.disjoint_query(group))}
    queries |= {f"functional {_local(prop)}": rules.functional_query(prop) for prop in sorted(rules.functional)}
    return queries


def _local(iri) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--only", action="append", default=[], help="run only the queries whose name has this")
    parser.add_argument("--explain", action="store_true", help="print the plans of the five slowest")
    parser.add_argument("--store", type=Path, help="the Oxigraph folder (default: ROOT/output/store/oxigraph)")
    args = parser.parse_args()
    layout = Layout(args.root.resolve())
    store = ox.Store.read_only(str(args.store or layout.output / STORE_FOLDER / "oxigraph"))
    times = []
    for name, query in check_queries(layout).items():
        if args.only and not any(part in name for part in args.only):
            continue
        started = time.perf_counter()
        rows = sum(1 for _ in store.query(query, use_default_graph_as_union=True))
        times.append((time.perf_counter() - started, name, rows, query))
        print(f"{times[-1][0]:8.3f} s {rows:7d} rows  {name}", flush=True)
    times.sort(reverse=True)
    print(f"\ntotal {sum(t for t, *_ in times):.2f} s; slowest first:")
    for seconds, name, rows, _ in times[:15]:
        print(f"{seconds:8.3f} s {rows:7d} rows  {name}")
    if args.explain:
        for _, name, _, query in times[:5]:
            print(f"\n# {name}\n{store.explain(query, use_default_graph_as_union=True)}")


if __name__ == "__main__":
    main()

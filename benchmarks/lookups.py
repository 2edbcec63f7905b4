"""What one index lookup costs a query, on the project's store and in memory.

The long library queries (provenance, people, agencies-by-country) find each row's values by
looking them up one after the other: the claim's subject, property, value, evidence, source,
the source's identifier, the labels. This measures one such lookup: a query scans the claims
(``?claim a skg:Statement``) and adds k patterns on the claim, k = 0 … 6, each one index lookup
per claim; the time per claim grows by the cost of a lookup with each pattern. It is measured on
the built store on disk (RocksDB, opened read-only, as `spacekg query` opens it) and on an
in-memory Oxigraph store holding the same quads, in one process, the median of --runs runs; the
cost of a lookup is the least-squares slope of the time over k, divided by the claims.

    python benchmarks/lookups.py ROOT            # ROOT: a project folder with a built output/
    python benchmarks/lookups.py ROOT --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from spacekg.namespaces import PREFIXES

_PREFIXES = {name: str(namespace) for name, namespace in PREFIXES.items()}
# Patterns on the claim, each bound by the claim alone (one lookup per claim, one value each).
PATTERNS = ("?claim rdf:subject ?s .", "?claim rdf:predicate ?p .", "?claim rdf:object ?o .",
            "?claim skg:evidence ?e .", "?claim prov:wasDerivedFrom ?source .", "?claim skg:rank ?rank .")


def chain(k: int) -> str:
    return "SELECT * WHERE { ?claim a skg:Statement . " + " ".join(PATTERNS[:k]) + " }"


def timed(store: ox.Store, query: str, runs: int) -> tuple[float, int]:
    """The median time of ``runs`` runs and the number of rows."""
    times, rows = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        rows = sum(1 for _ in store.query(query, prefixes=_PREFIXES, use_default_graph_as_union=True))
        times.append(time.perf_counter() - start)
    return statistics.median(times), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="a project folder with a built output/")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    disk = ox.Store.read_only(str(args.root / "output" / "store" / "oxigraph"))
    start = time.perf_counter()
    memory = ox.Store()
    with tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / "store.nq"
        disk.dump(output=str(dump), format=ox.RdfFormat.N_QUADS)
        memory.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    print(f"{len(memory):,} quads copied into memory in {time.perf_counter() - start:.1f} s\n")
    print("| patterns after the scan | rows | disk s | memory s | disk µs/row | memory µs/row |")
    print("|---|---|---|---|---|---|")
    claims = 0
    series: dict[str, list[float]] = {"disk": [], "memory": []}
    for k in range(len(PATTERNS) + 1):
        cells = []
        for name, store in (("disk", disk), ("memory", memory)):
            seconds, rows = timed(store, chain(k), args.runs)
            cells.append((seconds, rows))
            series[name].append(seconds)
        rows = cells[0][1]
        if k == 0:
            claims = rows
        elif rows != claims:
            print(f"(pattern {k} gives some claims several values: {rows:,} rows for {claims:,} claims)")
        print(f"| {k} | {rows:,} | {cells[0][0]:.3f} | {cells[1][0]:.3f} | "
              f"{cells[0][0] / rows * 1e6:.1f} | {cells[1][0] / rows * 1e6:.1f} |")
    print()
    for name, seconds in series.items():
        slope = statistics.linear_regression(range(len(seconds)), seconds).slope
        print(f"{name}: {slope / claims * 1e6:.1f} µs per lookup (least-squares slope over 0 to {len(PATTERNS)} patterns)")


if __name__ == "__main__":
    main()

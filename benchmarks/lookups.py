"""What one index lookup costs a query, on the project's store and in memory.

The long library queries (provenance, people, agencies-by-country) find each row's values by
looking them up one after the other: the claim's subject, property, value, evidence, source,
the source's identifier, the labels. This measures one such lookup: a query scans the claims
(``?claim a skg:Statement``) and adds k patterns on the claim, k = 0 … 6, each one index lookup
per claim; the time per claim grows by the cost of a lookup with each pattern. It is measured on
the built store on disk (RocksDB, opened read-only, as `spacekg query` opens it) and on an
in-memory Oxigraph store holding the same quads, in one process (the disk first, the copy after),
the median of --runs runs; the cost of a lookup is the least-squares slope of the time over k,
divided by the claims. The same chain counted (``SELECT (COUNT(*) …)``) on disk finds the rows
without turning their values into strings: the difference is what reading each value's string
from the store costs (a term longer than a few bytes is kept as an id, its string in a table of
its own).

    python benchmarks/lookups.py ROOT            # ROOT: a project folder with a built output/
    python benchmarks/lookups.py ROOT --runs 5
    python benchmarks/lookups.py ROOT --disk-only
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


def chain(k: int, counted: bool = False) -> str:
    body = "?claim a skg:Statement . " + " ".join(PATTERNS[:k])
    return f"SELECT (COUNT(*) AS ?rows) WHERE {{ {body} }}" if counted else f"SELECT * WHERE {{ {body} }}"


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
    parser.add_argument("--disk-only", action="store_true", help="leave out the in-memory store "
                        "(at 1,000× its copy takes minutes and about 5 GB)")
    args = parser.parse_args()
    disk = ox.Store.read_only(str(args.root / "output" / "store" / "oxigraph"))
    no_strings = "disk, counted (no strings read)"
    series = {"disk": [], no_strings: []}
    rows = []
    for k in range(len(PATTERNS) + 1):
        seconds, found = timed(disk, chain(k), args.runs)
        series["disk"].append(seconds)
        series[no_strings].append(timed(disk, chain(k, counted=True), args.runs)[0])
        rows.append(found)
    if not args.disk_only:
        # Copied only once the store on disk is measured: a process holding a large in-memory store
        # was seen to look the disk up at up to twice the cost.
        start = time.perf_counter()
        memory = ox.Store()
        with tempfile.TemporaryDirectory() as scratch:
            dump = Path(scratch) / "store.nq"
            disk.dump(output=str(dump), format=ox.RdfFormat.N_QUADS)
            memory.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
        print(f"{len(memory):,} quads copied into memory in {time.perf_counter() - start:.1f} s\n")
        series["memory"] = [timed(memory, chain(k), args.runs)[0] for k in range(len(PATTERNS) + 1)]
    claims = rows[0]
    names = list(series)
    print("| patterns after the scan | rows | " + " | ".join(f"{name} s" for name in names) + " | "
          + " | ".join(f"{name} µs/row" for name in names) + " |")
    print("|---" * (2 + 2 * len(names)) + "|")
    for k, found in enumerate(rows):
        if found != claims:
            print(f"(pattern {k} gives some claims several values: {found:,} rows for {claims:,} claims)")
        print(f"| {k} | {found:,} | " + " | ".join(f"{series[name][k]:.3f}" for name in names) + " | "
              + " | ".join(f"{series[name][k] / found * 1e6:.1f}" for name in names) + " |")
    print()
    for name, seconds in series.items():
        slope = statistics.linear_regression(range(len(seconds)), seconds).slope
        print(f"{name}: {slope / claims * 1e6:.1f} µs per lookup (least-squares slope over 0 to {len(PATTERNS)} patterns)")


if __name__ == "__main__":
    main()

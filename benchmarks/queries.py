"""Latency of each library query on a built graph, in-process: the median of several runs.

Each query runs in its own child process (opened once, then timed RUNS times), so that a query
that runs away can be stopped after a time limit; the table gives the median, the fastest run and
the rows. Needs a built output/ under ROOT (`spacekg --root ROOT build`, or
`python benchmarks/measure.py build ROOT` for a synthetic corpus).

    python benchmarks/queries.py ROOT                     # every library query, 5 runs each
    python benchmarks/queries.py ROOT --queries queries/  # the queries of another folder
    python benchmarks/queries.py ROOT --only provenance --runs 3 --limit 120
    python benchmarks/queries.py ROOT --cli              # the whole `spacekg --root ROOT query NAME -f csv`

With --cli each run is a fresh process (start-up, opening the store, the query, printing CSV to
/dev/null), timed from outside; the queries come from ROOT/queries.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

# Values for the library queries' parameters (the real corpus has them; copies keep them).
PARAMS = {"ordinal": "7", "topic": "SSA"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="a project folder with a built output/")
    parser.add_argument("--queries", type=Path, help="the folder of .rq files (default: ROOT/queries)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME", help="run only these queries")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=float, default=120.0, help="seconds a query may take in all")
    parser.add_argument("--store", default="oxigraph", choices=("oxigraph", "memory"))
    parser.add_argument("--cli", action="store_true", help="time the whole command, a process per run")
    parser.add_argument("--child", metavar="NAME", help=argparse.SUPPRESS)
    args = parser.parse_args()
    folder = (args.queries or args.root / "queries").resolve()
    if args.child:
        print(json.dumps(_measure(args.root, folder, args.child, args.runs, args.store)))
        return
    names = args.only or [path.stem for path in sorted(folder.glob("*.rq"))
                          if not path.stem.endswith("-violation")]
    if args.cli:
        _time_commands(args.root, names, args.runs, args.limit)
        return
    print(f"{'query':<24}{'median':>9}{'fastest':>9}{'rows':>8}   ({args.runs} runs, seconds, {args.store})")
    for name in names:
        command = [sys.executable, __file__, str(args.root), "--queries", str(folder), "--child", name,
                   "--runs", str(args.runs), "--store", args.store]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=args.limit)
        except subprocess.TimeoutExpired:
            print(f"{name:<24}  over {args.limit:g} s", flush=True)
            continue
        if done.returncode:
            print(f"{name:<24}  failed: {(done.stderr.strip().splitlines() or [f'exit code {done.returncode}'])[-1]}", flush=True)
            continue
        found = json.loads(done.stdout)
        print(f"{name:<24}{found['median']:>9.3f}{found['fastest']:>9.3f}{found['rows']:>8}", flush=True)


def _time_commands(root: Path, names: list[str], runs: int, limit: float) -> None:
    from spacekg.query import read_query

    print(f"{'query':<24}{'median':>9}{'fastest':>9}   ({runs} runs of `spacekg query NAME -f csv`, seconds)")
    for name in names:
        declared = read_query(root / "queries" / f"{name}.rq").params
        command = [sys.executable, "-m", "spacekg.cli", "--root", str(root), "query", name, "-f", "csv",
                   *(f"--param={key}={PARAMS[key]}" for key in declared if key in PARAMS)]
        times = []
        try:
            for _ in range(runs):
                start = time.perf_counter()
                subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=limit)
                times.append(time.perf_counter() - start)
        except subprocess.TimeoutExpired:
            print(f"{name:<24}  over {limit:g} s", flush=True)
            continue
        print(f"{name:<24}{statistics.median(times):>9.3f}{min(times):>9.3f}", flush=True)


def _measure(root: Path, folder: Path, name: str, runs: int, store: str) -> dict:
    from spacekg.paths import Layout
    from spacekg.query import open_graph, read_query, run

    query = read_query(folder / f"{name}.rq")
    params = {key: PARAMS[key] for key in query.params if key in PARAMS}
    graph = open_graph(Layout(root), store=store)
    times, rows = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        rows = len(run(graph, query.text, params, name).rows)
        times.append(time.perf_counter() - start)
    return {"median": statistics.median(times), "fastest": min(times), "rows": rows}


if __name__ == "__main__":
    main()

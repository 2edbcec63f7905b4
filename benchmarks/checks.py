"""Time each check query on a built store: every SHACL twin (ontology/shapes/*.rq) and every SPARQL
query of the OWL rules (entailments, disjoint classes, functional properties), slowest first.

    python benchmarks/checks.py ROOT              # ROOT: a project folder with a built output/
    python benchmarks/checks.py ROOT --explain    # and Oxigraph's plan of the five slowest (CLI `oxigraph`)
    python benchmarks/checks.py ROOT --memory     # each in a fresh process, with its peak memory

The store is opened read-only; each query runs once, its rows counted; a twin that reads the
graphs a slice at a time runs as the build runs it, every slice in turn, and is timed whole. With --memory each query
runs in a process of its own that opens the store as the checks' workers do, and the process's
peak resident memory is reported beside the time: what a query adds to a worker.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import time
from pathlib import Path

import pyoxigraph as ox

from spacekg.build import read_ontology
from spacekg.checks.answers import Either, chosen, sliced, texts
from spacekg.checks.rules import Rules
from spacekg.checks.shacl import twins
from spacekg.paths import Layout
from spacekg.store import STORE_FOLDER


def check_queries(layout: Layout) -> dict[str, "str | Either"]:
    """Name → SPARQL of every query the checks run on the store (the functional-property clashes
    as the rules write them)."""
    ontology, _ = read_ontology(layout)
    rules = Rules.of(ontology)
    queries = {f"shape {path.stem}": path.read_text(encoding="utf-8")
               for paths in twins(layout.root / "ontology" / "shapes").values() for path in paths}
    queries |= {f"entail {_local(target)}": query for target, query in rules.property_queries()}
    queries |= {f"class {_local(target)}": query for target, query in rules.class_queries()}
    queries |= {f"members {_local(group[position])} of {'/'.join(_local(c) for c in group)}": query
                for group in rules.disjoint for position, query in rules.member_queries(group)}
    queries |= {f"functional {_local(prop)}": rules.functional_query(prop) for prop in sorted(rules.functional)}
    return queries


def answer(store: ox.Store, query: "str | Either") -> tuple[float, int, float | None]:
    """Seconds and rows of ``query`` on ``store``, slice by slice if it is sliced, in the form the
    build chooses if it has two (and no memory figure)."""
    started = time.perf_counter()
    rows = sum(1 for _, job in sliced(store, [chosen(store, query)]) for text in texts(job)
               for _ in store.query(text, use_default_graph_as_union=True))
    return time.perf_counter() - started, rows, None


def explain(location: str, query: "str | Either") -> str:
    """Oxigraph's plan of ``query`` with its statistics, from its command-line tool (pyoxigraph has
    no way to ask); a sliced query is explained on its first slice."""
    import shutil
    import subprocess
    import sys
    import tempfile

    tool = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if tool is None:
        return "(no `oxigraph` command: pip install oxigraph)"
    store = ox.Store.read_only(location)
    [(_, job), *_] = sliced(store, [chosen(store, query)])
    text = next(iter(texts(job)))
    with tempfile.TemporaryDirectory() as folder:
        plan = Path(folder) / "plan.txt"
        (Path(folder) / "query.rq").write_text(text, encoding="utf-8")
        done = subprocess.run([tool, "query", "--location", location, "--query-file", str(Path(folder) / "query.rq"),
                               "--union-default-graph", "--stats", "--explain-file", str(plan),
                               "--results-file", str(Path(folder) / "rows.tsv")], capture_output=True, text=True)
        return plan.read_text(encoding="utf-8") if plan.exists() else done.stderr


def in_fresh_process(location: str, query: "str | Either") -> tuple[float, int, float]:
    """Seconds, rows and the peak resident MB of a forked process that opens the store at
    ``location`` read-only and answers ``query``."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def run() -> None:
        seconds, rows, _ = answer(ox.Store.read_only(location), query)
        send.send((seconds, rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))

    process = context.Process(target=run)
    process.start()
    send.close()
    found = receive.recv()
    process.join()
    return found


def _local(iri) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--only", action="append", default=[], help="run only the queries whose name has this")
    parser.add_argument("--explain", action="store_true", help="print the plans of the five slowest")
    parser.add_argument("--memory", action="store_true", help="run each query in a fresh process and report its peak memory")
    parser.add_argument("--store", type=Path, help="the Oxigraph folder (default: ROOT/output/store/oxigraph)")
    args = parser.parse_args()
    layout = Layout(args.root.resolve())
    location = str(args.store or layout.output / STORE_FOLDER / "oxigraph")
    store = ox.Store.read_only(location)
    times = []
    for name, query in check_queries(layout).items():
        if args.only and not any(part in name for part in args.only):
            continue
        seconds, rows, peak = in_fresh_process(location, query) if args.memory else answer(store, query)
        times.append((seconds, name, rows, query))
        print(f"{seconds:8.3f} s {rows:7d} rows  {name}" + (f"  (peak {peak:,.0f} MB)" if peak else ""), flush=True)
    times.sort(reverse=True)
    print(f"\ntotal {sum(t for t, *_ in times):.2f} s; slowest first:")
    for seconds, name, rows, _ in times[:15]:
        print(f"{seconds:8.3f} s {rows:7d} rows  {name}")
    if args.explain:
        for _, name, _, query in times[:5]:
            print(f"\n# {name}\n{explain(location, query)}")


if __name__ == "__main__":
    main()

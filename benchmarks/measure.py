"""One measurement, run in its own process so that its peak memory is its own; prints JSON.

    python benchmarks/measure.py build ROOT          # the build: read + verify, ingest, exports, store
    python benchmarks/measure.py command ROOT        # the whole `spacekg build` command, checks and views included
    python benchmarks/measure.py checks ROOT         # SHACL shapes and OWL reasoning, each timed
    python benchmarks/measure.py views ROOT          # the HTML views
    python benchmarks/measure.py rdflib ROOT         # the same build through rdflib alone (baseline)
    python benchmarks/measure.py queries ROOT STORE  # open the built graph, time each library query
"""

from __future__ import annotations

import json
import resource
import shutil
import signal
import statistics
import sys
import time
from pathlib import Path

RUNS = 3
QUERY_LIMIT = 60  # seconds; a query that takes longer is reported as such and not repeated


def main(what: str, root: str, store: str | None = None) -> dict:
    from spacekg.paths import Layout

    layout = Layout(Path(root))
    return {"build": build, "command": command, "checks": checks, "views": views, "rdflib": rdflib_build,
            "queries": queries}[what](layout, *([store] if store else []))


def _timed(function, *args):
    start = time.perf_counter()
    value = function(*args)
    return value, time.perf_counter() - start


def _ingested(layout, times: dict):
    """The sources read and the graph made in memory (for the checks and views measurements)."""
    from spacekg.build import ingest_in_memory, read_sources

    (ontology, corpus), times["read and verify sources"] = _timed(read_sources, layout)
    result, times["ingest into memory"] = _timed(ingest_in_memory, ontology, corpus)
    return result


def build(layout) -> dict:
    """The build as `spacekg build` runs it, without the checks (skipped at scale) and the views."""
    from spacekg.build import read_sources, staging, write_exports, write_graph, write_store

    times: dict[str, float] = {}
    start = time.perf_counter()
    (ontology, corpus), times["read and verify sources"] = _timed(read_sources, layout)
    with staging(layout.output / ".bench-build") as folder:
        result, times["ingest, N-Quads, N-Triples"] = _timed(write_graph, ontology, corpus, folder, _quiet)
        _, times["TriG, JSON-LD, Turtle"] = _timed(write_exports, result, layout, folder, _quiet)
        _, times["store (waiting for its thread)"] = _timed(write_store, result, layout, folder, _quiet)
        total = time.perf_counter() - start
        sizes = {path.name: path.stat().st_size for path in folder.glob("spacekg.*")}
        result.release()
    shutil.rmtree(layout.output / ".bench-build")  # the files were measured; `command` writes output/
    return {"times": times, "total": total, "statements": len(corpus.statements),
            "facts": sum(len(s.facts) for s in corpus.statements), "triples": result.triples,
            "file_bytes": sizes}


def _quiet(_message: str) -> None:
    pass


def command(layout) -> dict:
    """`spacekg build -q` run as a child process, from start to exit: everything a user waits for."""
    import subprocess

    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "spacekg.cli", "--root", str(layout.root), "build", "-q"],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1])
    return {"total": seconds, "warnings": [line for line in done.stderr.splitlines() if "warning" in line]}


def checks(layout) -> dict:
    from spacekg.checks.stages import add_inferences, shape_problems

    times: dict[str, float] = {}
    result = _ingested(layout, times)
    problems, times["SHACL"] = _timed(shape_problems, result, layout)
    outcome, times["OWL reasoning"] = _timed(add_inferences, result)
    return {"times": times, "problems": len(problems), "skipped": outcome.skipped}


def views(layout) -> dict:
    from spacekg.build import staging
    from spacekg.views.write import write_views

    times: dict[str, float] = {}
    result = _ingested(layout, times)
    with staging(layout.output / ".bench-views") as folder:
        _, times["HTML views"] = _timed(write_views, result, layout, folder, lambda _: None)
    return {"times": times}


def rdflib_build(layout) -> dict:
    """Baseline: the same quads put into an rdflib dataset one by one and written by rdflib."""
    import tempfile

    from rdflib import Dataset

    from spacekg.build import read_sources
    from spacekg.ingest import chunks
    from spacekg.namespaces import bind_prefixes

    times: dict[str, float] = {}
    (ontology, corpus), times["read and verify sources"] = _timed(read_sources, layout)
    start = time.perf_counter()
    dataset = Dataset(default_union=True)
    bind_prefixes(dataset)
    for chunk in chunks(ontology, corpus):
        for quad in chunk.quads:
            dataset.add(tuple(_rdflib(t) for t in (quad.subject, quad.predicate, quad.object, quad.graph_name)))
    times["rdflib ingest"] = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as folder:
        _, times["rdflib TriG"] = _timed(dataset.serialize, f"{folder}/a.trig", "trig")
        _, times["rdflib N-Quads"] = _timed(dataset.serialize, f"{folder}/a.nq", "nquads")
    return {"times": times}


def _rdflib(term):
    from oxrdflib._converter import from_ox

    return from_ox(term)


def queries(layout, store: str) -> dict:
    from queries import PARAMS  # benchmarks/queries.py, beside this script

    from spacekg.query import library, run
    from spacekg.store import open_dataset

    def give_up(*_):
        raise TimeoutError

    signal.signal(signal.SIGALRM, give_up)
    dataset, opened = _timed(open_dataset, layout, store)
    latencies = {}
    for query in library(layout):
        params = {name: PARAMS[name] for name in query.params if name in PARAMS}
        runs = []
        rows = 0
        try:
            for _ in range(RUNS):
                signal.alarm(QUERY_LIMIT)
                result, seconds = _timed(run, dataset, query.text, params, query.name)
                signal.alarm(0)
                runs.append(seconds)
                rows = len(result.rows)
        except Exception as error:  # noqa: BLE001 - a failing or slow query is a result too
            signal.alarm(0)
            slow = isinstance(error, TimeoutError) or "TimeoutError" in str(error)
            latencies[query.name] = {"error": f"over {QUERY_LIMIT} s" if slow else
                                     f"fails: {str(error).splitlines()[0][-90:]}"}
            continue
        latencies[query.name] = {"median": statistics.median(runs), "rows": rows}
    return {"open": opened, "queries": latencies}


if __name__ == "__main__":
    outcome = main(*sys.argv[1:])
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    outcome["peak_rss_mb"] = own.ru_maxrss / 1024
    outcome["largest_child_rss_mb"] = children.ru_maxrss / 1024  # worker processes, or the command
    outcome["cpu_s"] = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    print(json.dumps(outcome))

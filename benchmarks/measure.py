"""One measurement, run in its own process so that its peak memory is its own; prints JSON.

    python benchmarks/measure.py build ROOT          # the build: read + verify, ingest, exports, store
    python benchmarks/measure.py command ROOT        # the whole `spacekg build` command, checks and views included
    python benchmarks/measure.py build ROOT --compress   # (and command) with the exports gzip-compressed
    python benchmarks/measure.py checks ROOT         # SHACL shapes and OWL reasoning, each timed
    python benchmarks/measure.py views ROOT          # the HTML views
    python benchmarks/measure.py rdflib ROOT         # the same build through rdflib alone (baseline)
    python benchmarks/measure.py store ROOT          # the store alone, from ROOT/output/spacekg.nq
    python benchmarks/measure.py queries ROOT STORE  # open the built graph, time each library query
"""

from __future__ import annotations

import json
import resource
import signal
import statistics
import sys
import time
from pathlib import Path

RUNS = 3
QUERY_LIMIT = 60  # seconds; a query that takes longer is reported as such and not repeated


def main(what: str, root: str, *options: str) -> dict:
    from spacekg.parallel import map_large_blocks
    from spacekg.paths import Layout

    map_large_blocks()  # as the `spacekg` program does
    layout = Layout(Path(root))
    if what in ("build", "command"):
        return {"build": build, "command": command}[what](layout, compress="--compress" in options)
    return {"checks": checks, "views": views, "rdflib": rdflib_build, "store": store,
            "queries": queries}[what](layout, *options)


def _timed(function, *args):
    start = time.perf_counter()
    value = function(*args)
    return value, time.perf_counter() - start


def _ingested(layout, times: dict):
    """The sources read and the graph made in a scratch store (for the checks and views measurements)."""
    import tempfile

    from spacekg.build import graph_into, read_ontology

    folder = tempfile.mkdtemp(prefix="spacekg-bench-")
    (ontology, schema), times["read the ontology"] = _timed(read_ontology, layout)
    result, times["read, verify and write the graph"] = _timed(graph_into, layout, ontology, schema, Path(folder),
                                                                _quiet, False)
    return result


def build(layout, compress: bool = False) -> dict:
    """The build as `spacekg build` runs it, in a scratch folder: read and verify the sources,
    write the graph into the five RDF files and the store (``total``), then run the checks on
    the store (``total_checked``: SHACL twins, OWL rules, HermiT on the ontology). Views are not
    drawn (see ``command``)."""
    import tempfile

    from spacekg.build import graph_into, read_ontology, write_exports
    from spacekg.checks.stages import STAGES, OntologyCheck

    times: dict[str, float] = {}
    phases = _Phases(times)
    start = time.perf_counter()
    ontology, schema = read_ontology(layout)
    check = OntologyCheck.start(layout, ontology, cached=False)
    with tempfile.TemporaryDirectory(prefix="spacekg-bench-", dir=layout.root) as folder:
        result = graph_into(layout, ontology, schema, Path(folder), phases, compress=compress)
        phases("finish")
        total = time.perf_counter() - start
        result.ontology_check = check
        for stage in STAGES:
            _, times[f"check: {stage.__name__}"] = _timed(stage, result, layout, Path(folder), _quiet)
        _, times["finish the RDF files"] = _timed(write_exports, result, layout, Path(folder), _quiet)
        total_checked = time.perf_counter() - start
        sizes = {path.name: path.stat().st_size for path in Path(folder).glob("spacekg*")}
        result.release()
    check.stop()
    counts = result.counts
    return {"times": times, "total": total, "total_checked": total_checked, "statements": counts.statements,
            "facts": counts.facts, "triples": result.triples, "inferred": len(result.inferred), "file_bytes": sizes}


class _Phases:
    """A progress callback that times the phases the build announces."""

    def __init__(self, times: dict):
        self.times, self.name, self.started = times, None, time.perf_counter()

    def __call__(self, message: str) -> None:
        now = time.perf_counter()
        if self.name is not None:
            self.times[self.name] = now - self.started
        self.name, self.started = message.split(" (")[0], now


def _quiet(_message: str) -> None:
    pass


def command(layout, compress: bool = False) -> dict:
    """`spacekg build -q` run as a child process, from start to exit: everything a user waits for."""
    import subprocess

    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "spacekg.cli", "--root", str(layout.root), "build", "-q",
                           *(["--compress"] if compress else [])], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1])
    return {"total": seconds, "warnings": [line for line in done.stderr.splitlines() if "warning" in line]}


def store(layout) -> dict:
    """The Oxigraph store made alone from the N-Quads of the last build (output/spacekg.nq, or
    .nq.gz): the build's own writer (StoreWriter: the loading process, its batches, the
    compaction), with no graph being made beside it. What a build's graph stage cannot go below,
    since the build makes the same store. ``compaction`` is the time from the last batch handed
    over to the store closed."""
    import tempfile
    from itertools import islice

    from spacekg.exports.files import exported, reader
    from spacekg.store import StoreWriter

    source = exported(layout.output, "spacekg.nq")
    if not source.is_file():
        raise FileNotFoundError(f"{source}: no built N-Quads (measure `command` first)")
    quads = 0
    with tempfile.TemporaryDirectory(prefix="spacekg-bench-", dir=layout.root) as folder, reader(source) as lines:
        start = time.perf_counter()
        writer = StoreWriter(Path(folder))
        # pieces of about a document's size, which the writer gathers into its batches as in a build
        while piece := list(islice(lines, 1_000)):
            writer.add(b"".join(piece), len(piece))
            quads += len(piece)
        handed_over = time.perf_counter()
        store = writer.finish()
        end = time.perf_counter()
        stored = len(store)  # counted after the time is taken
        del store
        writer.close()
    return {"total": end - start, "compaction": end - handed_over, "quads": quads, "stored": stored}


def checks(layout) -> dict:
    """pySHACL and HermiT on the whole graph in memory, as builds ran them before they checked
    the store (for comparison; only small graphs)."""
    from spacekg.checks.reasoning import reason
    from spacekg.checks.shacl import load_shapes, validate_shapes
    from spacekg.checks.where import Origins

    times: dict[str, float] = {}
    result = _ingested(layout, times)
    origins = Origins.of(result.corpus)
    shapes = load_shapes(layout.shapes)
    problems, times["SHACL"] = _timed(validate_shapes, result.asserted, shapes, origins, "ontology")
    outcome, times["OWL reasoning"] = _timed(reason, result.asserted, origins)
    result.release()
    return {"times": times, "problems": len(problems), "skipped": outcome.skipped}


def views(layout) -> dict:
    import tempfile

    from spacekg.views.write import write_views

    times: dict[str, float] = {}
    result = _ingested(layout, times)
    with tempfile.TemporaryDirectory(prefix="spacekg-bench-views-") as folder:
        _, times["HTML views"] = _timed(write_views, result, layout, Path(folder), lambda _: None)
    return {"times": times}


def rdflib_build(layout) -> dict:
    """Baseline: the same quads put into an rdflib dataset one by one and written by rdflib."""
    import tempfile

    from rdflib import Dataset

    from spacekg.build import read_ontology
    from spacekg.ingest import chunks
    from spacekg.namespaces import bind_prefixes
    from spacekg.sources.load import load_corpus

    times: dict[str, float] = {}
    (ontology, schema), times["read the ontology"] = _timed(read_ontology, layout)
    corpus, times["read and verify sources"] = _timed(load_corpus, layout, schema)
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

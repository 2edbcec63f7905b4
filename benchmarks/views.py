"""How fast the views are made: the build's views stage on a built graph, and the graph page in a browser.

``stage ROOT``: the views stage (spacekg.views.write.write_views) on the graph that
``spacekg build`` (or ``benchmarks/measure.py build ROOT``) wrote into ROOT/output, read from the
Oxigraph store on disk (``--memory``: from an in-memory copy, as during a build that keeps its
store in memory). Each run is a fresh process that writes the views into a scratch folder; it
reports the stage's wall time, the CPU time of the process and its children (pyLODE runs in a
child) and the peak memory (maximum resident set size) before and after the stage. ``--cold``
runs pyLODE even when the previous build's ontology page could be reused. Prints each run and
the medians as JSON.

    python benchmarks/views.py stage /tmp/c200 --runs 3 [--cold] [--memory]

``page N …``: a synthetic network of N nodes (a seeded Barabási–Albert graph, about two links per
node, nodes spread over the view's categories) is rendered by spacekg.views.html and opened in
headless Debian chromium; the time is measured until the page reports that the layout has stopped
(``window.graphReady``: at once for positions computed in Python, after vis-network's one seeded
physics run for graphs above PYTHON_LAYOUT_LIMIT nodes).

    python benchmarks/views.py page 5000 1000 182
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


# -- the views stage -------------------------------------------------------------------------------

class Built:
    """What write_views reads of a build's result: the dataset, and the list of files written."""

    def __init__(self, dataset):
        self.dataset = dataset
        self.files: list[Path] = []


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def stage_once(root: Path, cold: bool, memory: bool) -> dict:
    """One views stage in this process (see the module docstring)."""
    from spacekg.paths import Layout
    from spacekg.store import open_dataset

    layout = Layout(root)
    dataset = open_dataset(layout)
    if memory:
        import pyoxigraph as ox

        from spacekg.oxigraph import ExactOxigraphStore, dataset_over

        copy = ox.Store()
        copy.bulk_extend(dataset.store._inner.quads_for_pattern(None, None, None, None))
        dataset = dataset_over(ExactOxigraphStore(copy))
    if cold:
        from spacekg.views import ontology_docs

        ontology_docs._reusable = lambda previous, mark: None
    from spacekg.views.write import write_views

    before, cpu = _peak_mb(), _cpu()
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        write_views(Built(dataset), layout, Path(folder), lambda _: None)
        seconds = time.perf_counter() - start
    return {"seconds": round(seconds, 2), "cpu_seconds": round(_cpu() - cpu, 2),
            "peak_rss_mb_before": round(before), "peak_rss_mb": round(_peak_mb())}


def stage(root: Path, runs: int, cold: bool, memory: bool) -> dict:
    results = []
    for _ in range(runs):
        command = [sys.executable, __file__, "stage-once", str(root)] + ["--cold"] * cold + ["--memory"] * memory
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), flush=True)
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


# -- the graph page in a browser ---------------------------------------------------------------------

def synthetic(size: int, seed: int = 7):
    import networkx as nx

    from spacekg.views.network import CATEGORIES

    rng = random.Random(seed)
    shape = nx.barabasi_albert_graph(size, 2, seed=seed)
    kinds = [c for c in CATEGORIES if c.name not in {"statement", "quote", "other"}]
    network = nx.MultiDiGraph()
    for node in shape.nodes:
        kind = rng.choice(kinds)
        network.add_node(f"n{node:05d}", label=f"{kind.title} {node}", category=kind.name, klass=kind.title,
                         color=kind.color, ja="", abbreviation="", alt=[])
    for a, b in shape.edges:
        network.add_edge(f"n{a:05d}", f"n{b:05d}", key="skg:participant", label="participant",
                         property="", quotes=[{"exact": "a quote", "title": "a document", "document": "d",
                                               "rank": "NormalRank"}])
    return network


def measure_page(size: int, folder: Path, browser) -> dict:
    from spacekg.views.html import PYTHON_LAYOUT_LIMIT, write_graph

    network = synthetic(size)
    started = time.perf_counter()
    path = write_graph(network, folder / f"graph-{size}.html", f"synthetic {size}", start=None)  # the whole graph
    rendered = time.perf_counter() - started
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    started = time.perf_counter()
    page.goto(path.as_uri(), wait_until="commit", timeout=600_000)
    loaded = time.perf_counter() - started
    while not page.evaluate("window.graphReady === true"):  # polled from here: the page's CSP forbids eval
        page.wait_for_timeout(50)
    settled = time.perf_counter() - started
    drawn = page.evaluate("network.body.data.nodes.length")
    page.screenshot(path=str(folder / f"graph-{size}.png"))
    page.close()
    return {"nodes": size, "links": network.number_of_edges(), "drawn": drawn,
            "layout": "python" if size <= PYTHON_LAYOUT_LIMIT else "browser physics",
            "render_s": round(rendered, 2), "load_s": round(loaded, 2), "settled_s": round(settled, 2),
            "size_mb": round(path.stat().st_size / 1e6, 2)}


def pages(sizes: list[int]) -> None:
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="spacekg-views-"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for size in sizes:
            print(measure_page(size, folder, browser), flush=True)
        browser.close()
    print(f"pages and screenshots in {folder}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("stage", "stage-once"):
        command = commands.add_parser(name)
        command.add_argument("root", type=Path, help="a project root whose output/ holds a built graph")
        command.add_argument("--cold", action="store_true", help="run pyLODE even if its page could be reused")
        command.add_argument("--memory", action="store_true", help="read the graph from an in-memory copy")
        command.add_argument("--runs", type=int, default=3)
    page = commands.add_parser("page")
    page.add_argument("sizes", type=int, nargs="*", default=[5000])
    if sys.argv[1:2] and sys.argv[1].isdigit():  # the older form: python benchmarks/views.py 5000
        sys.argv.insert(1, "page")
    args = parser.parse_args()
    if args.command == "stage-once":
        print(json.dumps(stage_once(args.root, args.cold, args.memory)))
    elif args.command == "stage":
        print(json.dumps({"median": stage(args.root, args.runs, args.cold, args.memory)}))
    else:
        pages(args.sizes)


if __name__ == "__main__":
    main()

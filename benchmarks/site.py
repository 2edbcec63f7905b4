"""How big output/site/ is, how long the build's site stage takes, and how fast the site opens.

``stage ROOT``: the site stage (spacekg.site.static.write) on the graph that ``spacekg build`` wrote
into ROOT/output, read from the Oxigraph store on disk, into a scratch folder; each run is a fresh
process. Reports the stage's wall and CPU time and peak memory, the files and bytes it wrote (by
folder), and what it left out; prints each run and the medians as JSON.

    python benchmarks/site.py stage /tmp/c100 --runs 3

``build ROOT``: the whole build (spacekg.build.build) into ROOT/output, with the wall and CPU time of
reading the sources, of the graph's ingestion (to the files and the store) and of each later stage,
measured in the same process, so that the site stage's share of the build is measured in the same
conditions as the rest. Prints each run and the medians as JSON.

    python benchmarks/site.py build /tmp/c100 --runs 3

``browser ROOT``: ROOT/output/site/ opened from file:// in headless Debian chromium, every request
outside the folder blocked. For the start page: the time until its load event. For the query
editor (query.html): the time until the page's load event, until the graph is loaded into
Oxigraph's WebAssembly store in the page (``data-engine="ready"``), and until the first row of a
library query's answer is on screen (the query in the address, as the entity pages link to it;
the editor runs it as soon as the graph is loaded). Each run is a fresh browser page with an
empty cache. Prints each run and the medians as JSON.

    python benchmarks/site.py browser /tmp/c100 --runs 5 --query meetings
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
CHROMIUM = "/usr/bin/chromium"


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def stage_once(root: Path) -> dict:
    """One site stage in this process, into a scratch folder (removed afterwards)."""
    from spacekg.build import read_sources
    from spacekg.paths import Layout
    from spacekg.site import static
    from spacekg.site.lookup import Lookup
    from spacekg.store import open_dataset
    from spacekg.views.source import open_source

    layout = Layout(root)
    _, corpus = read_sources(layout)
    texts = {d.id: layout.root / d.text_file for d in corpus.documents if not d.cited}  # a cited record has no text
    lookup = Lookup(open_source(open_dataset(layout, "oxigraph")))
    scratch = Path(tempfile.mkdtemp(prefix="site-bench-"))
    try:
        started, cpu = time.perf_counter(), _cpu()
        static.write(lookup, layout, scratch, texts, layout.output)
        wall, cpu = time.perf_counter() - started, _cpu() - cpu
        files = [p for p in scratch.rglob("*") if p.is_file()]
        by_folder = Counter()
        for path in files:
            by_folder[path.relative_to(scratch).parts[0] if len(path.relative_to(scratch).parts) > 1 else "."] += path.stat().st_size
        pages = Counter(p.relative_to(scratch).parts[0] for p in files if p.suffix == ".html")
        return {"seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
                "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "files": len(files), "bytes": sum(p.stat().st_size for p in files),
                "bytes_by_folder": dict(sorted(by_folder.items())), "html_pages_by_folder": dict(sorted(pages.items())),
                "editor_bytes": {name: (scratch / name).stat().st_size for name in
                                 ("query.html", "assets/oxigraph-wasm.js", "assets/graph-data.js",
                                  "assets/yasgui/yasgui.min.js") if (scratch / name).is_file()}}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _fresh_runs(command: str, root: Path, runs: int) -> list[dict]:
    """``runs`` results of this script's ``command`` on ``root``, each in a process of its own."""
    results = []
    for _ in range(runs):
        output = subprocess.run([sys.executable, __file__, command, str(root)], capture_output=True, text=True,
                                check=True)
        results.append(json.loads(output.stdout))
        print(json.dumps(results[-1]), file=sys.stderr)
    return results


def stage(root: Path, runs: int) -> dict:
    results = _fresh_runs("stage-once", root, runs)
    return {"runs": results, "median_seconds": statistics.median(r["seconds"] for r in results),
            "median_cpu_seconds": statistics.median(r["cpu_seconds"] for r in results)}


def build_once(root: Path) -> dict:
    """One build in this process, each part timed (wall and CPU seconds)."""
    from spacekg import build as building
    from spacekg.paths import Layout

    times: dict[str, dict] = {}

    def timed(name: str, function):
        def run(*args, **kwargs):
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                times[name] = {"seconds": round(time.perf_counter() - started, 2),
                               "cpu_seconds": round(time.process_time() - cpu, 2)}
        return run

    building.read_sources = timed("read sources", building.read_sources)
    building.write_graph = timed("ingest: N-Quads, N-Triples, store", building.write_graph)
    building.STAGES[:] = [timed(stage.__name__, stage) for stage in building.STAGES]
    building.write_site = timed("write_site", building.write_site)  # inside the stage write_outputs
    started, cpu = time.perf_counter(), _cpu()
    building.build(Layout(root), say=lambda _: None)
    total = {"seconds": round(time.perf_counter() - started, 2), "cpu_seconds": round(_cpu() - cpu, 2)}
    return {"parts": times, "whole build": total,
            "site share of the build's CPU": round(times["write_site"]["cpu_seconds"] / total["cpu_seconds"], 3)}


def build(root: Path, runs: int) -> dict:
    results = _fresh_runs("build-once", root, runs)
    return {"runs": results,
            "median_site_cpu_seconds": statistics.median(r["parts"]["write_site"]["cpu_seconds"] for r in results),
            "median_build_cpu_seconds": statistics.median(r["whole build"]["cpu_seconds"] for r in results),
            "median_site_share": statistics.median(r["site share of the build's CPU"] for r in results)}


def browser(root: Path, runs: int, query: str) -> dict:
    from playwright.sync_api import sync_playwright

    from spacekg.paths import Layout
    from spacekg.site.editor import library_examples

    site = Layout(root).output / "site"
    folder = site.resolve().as_uri() + "/"
    example = next(e for e in library_examples(Layout(root)) if e.name == query)
    editor = f"{folder}query.html?{urlencode({'query': example.text, 'tabTitle': example.title})}"
    results = []
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            run = {}
            context = chromium.new_context()
            page = context.new_page()
            blocked = []
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith((folder, "data:"))
                       else (blocked.append(route.request.url), route.abort()))
            started = time.perf_counter()
            page.goto(folder + "index.html", wait_until="load")
            run["start_page_load_s"] = round(time.perf_counter() - started, 3)
            started = time.perf_counter()
            page.goto(editor, wait_until="load")
            run["editor_load_s"] = round(time.perf_counter() - started, 3)
            page.wait_for_function("document.body.dataset.engine === 'ready'", timeout=600_000, polling=20)
            run["graph_loaded_s"] = round(time.perf_counter() - started, 3)
            page.wait_for_selector(".yasr table.dataTable tbody tr", timeout=600_000)
            run["first_result_s"] = round(time.perf_counter() - started, 3)
            run["rows_shown"] = page.locator(".yasr table.dataTable tbody tr").count()
            run["status"] = page.inner_text("#engine-status")
            run["blocked_requests"] = len(blocked)
            context.close()
            results.append(run)
            print(json.dumps(run, ensure_ascii=False), file=sys.stderr)
        chromium.close()
    keys = ("start_page_load_s", "editor_load_s", "graph_loaded_s", "first_result_s")
    return {"query": query, "runs": results, "medians": {k: statistics.median(r[k] for r in results) for k in keys}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["stage", "stage-once", "build", "build-once", "browser"])
    parser.add_argument("root", type=Path, help="a project folder whose output/ `spacekg build` wrote")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--query", default="meetings", help="the library query the editor runs (browser)")
    args = parser.parse_args()
    if args.what == "stage-once":
        print(json.dumps(stage_once(args.root.resolve())))
    elif args.what == "stage":
        print(json.dumps(stage(args.root.resolve(), args.runs), indent=1))
    elif args.what == "build-once":
        print(json.dumps(build_once(args.root.resolve())))
    elif args.what == "build":
        print(json.dumps(build(args.root.resolve(), args.runs), indent=1))
    else:
        print(json.dumps(browser(args.root.resolve(), args.runs, args.query), indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()

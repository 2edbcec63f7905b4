"""Scale benchmark: build and query synthetic corpora 1×, 10×, 100×, 200× … the real one.

Each measurement runs in its own process (benchmarks/measure.py, benchmarks/morph_kgc.py) with a
time limit; its peak memory is that process's maximum resident set size, and CPU time counts its
worker processes too (CPU time is what to compare when the machine is shared). Results go to
benchmarks/results.md and results.json.

    python benchmarks/run.py                          # sizes 1,10,100,200
    python benchmarks/run.py --sizes 1000 --only build,command,queries --limit 1800
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from corpus import generate  # noqa: E402

# Measurements, in the order they run ("command" writes the output that "queries" and "views"
# read), and the largest size each is worth making at (beyond, it exceeds any time limit).
UP_TO = {"build": 10_000, "command": 10_000, "queries": 10_000, "morph-kgc": 1_000, "rdflib": 100,
         "checks": 10, "views": 1_000}
KINDS = tuple(UP_TO)


def measure(what: str, root: Path, limit: float) -> dict:
    if what == "morph-kgc":
        command = [sys.executable, "-c", "import json, sys; sys.path.insert(0, sys.argv[1]); import morph_kgc; "
                   "print(json.dumps(morph_kgc.measure(sys.argv[2])))", str(HERE), str(root)]
    elif what == "views":
        command = [sys.executable, str(HERE / "views.py"), "stage", str(root), "--runs", "1"]
    else:
        command = [sys.executable, str(HERE / "measure.py"), what, str(root),
                   *(["oxigraph"] if what == "queries" else [])]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish within {limit:.0f} s"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1][-160:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> list[str]:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    libraries = ", ".join(f"{name} {version(name)}" for name in
                          ("rdflib", "pyoxigraph", "oxrdflib", "PyYAML", "pyshacl", "owlready2"))
    return [f"- {os.cpu_count()} CPU cores ({platform.processor() or platform.machine()}), "
            f"{memory:.1f} GiB memory, {platform.system()} {platform.release()}",
            f"- Python {platform.python_version()}; {libraries}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100,200")
    parser.add_argument("--only", default=",".join(KINDS), help="measurements to make: " + ", ".join(KINDS))
    parser.add_argument("--limit", type=float, default=900, help="seconds allowed per measurement")
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "spacekg-bench"))
    parser.add_argument("--out", default=str(HERE / "results.md"))
    args = parser.parse_args()
    kinds = args.only.split(",")
    results = {}
    for size in [int(s) for s in args.sizes.split(",")]:
        root = generate(size, Path(args.work) / f"x{size}")
        row = {}
        for what in kinds:
            if size > UP_TO[what]:
                row[what] = {"error": "not run at this size (see UP_TO in benchmarks/run.py)"}
                continue
            row[what] = measure(what, root, args.limit)
            print(size, what, json.dumps(row[what])[:300], flush=True)
        results[size] = row
        Path(args.out).with_suffix(".json").write_text(json.dumps(results, indent=1))
    Path(args.out).write_text(report(results, args), encoding="utf-8")


def _cell(row: dict, kind: str, format_value) -> str:
    value = row.get(kind)
    if value is None:
        return "–"
    return value["error"] if "error" in value else format_value(value)


def report(results: dict, args) -> str:
    lines = ["# Scale benchmark", "", "Machine:", *machine(), "",
             f"Command: `python benchmarks/run.py --sizes {args.sizes} --only {args.only} --limit {args.limit:.0f}`. "
             "Each cell is one run in its own process.", ""]
    lines += ["## Build", "",
              "Read and verify the sources, make the graph, write N-Quads, N-Triples, TriG, JSON-LD and "
              "Turtle, and finish the Oxigraph store (`build`); the whole `spacekg build -q` command with "
              "its checks and views (`command`).", "",
              "| size | statements | facts | triples | read+verify s | graph+N-Quads/N-Triples s | TriG/JSON-LD/Turtle s "
              "| store wait s | build s | CPU s | triples/s | peak MB (main / largest worker) | command s |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for size, row in results.items():
        b = row.get("build", {"error": "–"})
        command = _cell(row, "command", lambda c: f"{c['total']:.1f}")
        if "error" in b:
            lines.append(f"| {size}× | {b['error']} |" + " |" * 10 + f" {command} |")
            continue
        t = list(b["times"].values())
        lines.append(f"| {size}× | {b['statements']} | {b['facts']} | {b['triples']} | "
                     + " | ".join(f"{v:.1f}" for v in t) + f" | {b['total']:.1f} | {b['cpu_s']:.1f} | "
                     f"{b['triples'] / b['total']:.0f} | {b['peak_rss_mb']:.0f} / {b['largest_child_rss_mb']:.0f} | "
                     f"{command} |")
    lines += ["", "## Peers on the same corpora, same run", "",
              "Morph-KGC (its own environment, see benchmarks/rml/) maps the same records, prepared as JSON "
              "by benchmarks/morph_kgc.py (not charged to it), to N-Triples; the rdflib baseline adds the "
              "same quads to an rdflib Dataset one by one and writes TriG and N-Quads.", "",
              "| size | Morph-KGC s | Morph-KGC CPU s | Morph-KGC peak MB | triples | build s / Morph-KGC s "
              "| rdflib baseline s |", "|---|---|---|---|---|---|---|"]
    for size, row in results.items():
        m, b = row.get("morph-kgc", {}), row.get("build", {})
        ratio = (f"{b['total'] / m['morph_kgc_s']:.2f}" if "total" in b and "morph_kgc_s" in m else "–")
        rdflib = _cell(row, "rdflib", lambda r: f"{sum(v for k, v in r['times'].items() if k.startswith('rdflib')):.1f}")
        if "morph_kgc_s" in m:
            lines.append(f"| {size}× | {m['morph_kgc_s']:.1f} | {m['morph_kgc_cpu_s']:.1f} | {m['peak_rss_mb']:.0f} | "
                         f"{m['triples']} | {ratio} | {rdflib} |")
        else:
            lines.append(f"| {size}× | {m.get('error', '–')} | | | | | {rdflib} |")
    names = sorted({q for row in results.values() for q in row.get("queries", {}).get("queries", {})})
    lines += ["", "## Library queries on the Oxigraph store: median of 3 runs, seconds", "",
              "| query | " + " | ".join(f"{s}×" for s in results) + " |", "|---|" + "---|" * len(results)]
    for name in names:
        cells = []
        for row in results.values():
            q = row.get("queries", {}).get("queries", {}).get(name)
            cells.append("–" if not q else q["error"] if "error" in q else f"{q['median']:.3f} ({q['rows']} rows)")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("| *open the store* | " + " | ".join(_cell(row, "queries", lambda q: f"{q['open']:.2f}")
                                                       for row in results.values()) + " |")
    lines += ["", "## Checks and views (measured apart from the build)", "",
              "| size | SHACL s | OWL reasoning s | HTML views s |", "|---|---|---|---|"]
    for size, row in results.items():
        shacl = _cell(row, "checks", lambda c: f"{c['times']['SHACL']:.1f}")
        owl = _cell(row, "checks", lambda c: f"{c['times']['OWL reasoning']:.1f}")
        html = _cell(row, "views", lambda v: f"{v['median']['seconds']:.1f} (CPU {v['median']['cpu_seconds']:.1f})")
        lines.append(f"| {size}× | {shacl} | {owl} | {html} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()

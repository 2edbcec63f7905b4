"""Scale benchmark: build and query synthetic corpora 1×, 10×, 100×, 1,000× … the real one.

Each measurement runs in its own process (benchmarks/measure.py) with a time limit; its peak
memory is that process's maximum resident set size. Results go to benchmarks/results.md.

    python benchmarks/run.py                      # sizes 1,10,100,1000
    python benchmarks/run.py --sizes 1,10 --limit 300
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

# Measurements that are only worth making up to a size (beyond, they exceed the time limit).
UP_TO = {"build": 10_000, "queries oxigraph": 10_000, "queries memory": 100, "rdflib": 100,
         "checks": 10, "views": 10}


def measure(what: str, root: Path, limit: float, *extra: str) -> dict:
    command = [sys.executable, str(HERE / "measure.py"), what, str(root), *extra]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish within {limit:.0f} s"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
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
    parser.add_argument("--sizes", default="1,10,100,1000")
    parser.add_argument("--limit", type=float, default=900, help="seconds allowed per measurement")
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "spacekg-bench"))
    parser.add_argument("--out", default=str(HERE / "results.md"))
    args = parser.parse_args()
    results = {}
    for size in [int(s) for s in args.sizes.split(",")]:
        root = generate(size, Path(args.work) / f"x{size}")
        row = {}
        for what, extra in (("build", ()), ("queries oxigraph", ("oxigraph",)), ("queries memory", ("memory",)),
                            ("rdflib", ()), ("checks", ()), ("views", ())):
            if size > UP_TO[what]:
                row[what] = {"error": "not run at this size (see UP_TO in benchmarks/run.py)"}
                continue
            row[what] = measure(what.split()[0], root, args.limit, *extra)
            print(size, what, json.dumps(row[what])[:300], flush=True)
        results[size] = row
        Path(args.out).with_suffix(".json").write_text(json.dumps(results, indent=1))
    Path(args.out).write_text(report(results, args), encoding="utf-8")


def report(results: dict, args) -> str:
    lines = ["# Scale benchmark", "", "Machine:", *machine(), "",
             f"Command: `python benchmarks/run.py --sizes {args.sizes} --limit {args.limit:.0f}` "
             "(or `make bench`). Each cell is one process; peak memory is its maximum RSS.", ""]
    lines += ["## Build (read and verify sources, ingest, write the four RDF files and the Oxigraph store)", "",
              "| size | statements | facts | triples | read+verify s | ingest s | exports s | store s | total s "
              "| statements/s | triples/s | peak MB | rdflib baseline (ingest+TriG+N-Quads) s | rdflib peak MB |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for size, row in results.items():
        b, r = row["build"], row["rdflib"]
        if "error" in b:
            lines.append(f"| {size}× | {b['error']} |" + " |" * 13)
            continue
        t = b["times"]
        base = (f"{sum(v for k, v in r['times'].items() if k.startswith('rdflib')):.1f}"
                f" (+ read/ingest {t['read and verify sources'] + t['ingest']:.1f})"
                if "error" not in r else r["error"])
        lines.append(f"| {size}× | {b['statements']} | {b['facts']} | {b['triples']} | "
                     f"{t['read and verify sources']:.1f} | {t['ingest']:.1f} | {t['exports']:.1f} | "
                     f"{t['store']:.1f} | {b['total']:.1f} | {b['statements'] / b['total']:.0f} | "
                     f"{b['triples'] / b['total']:.0f} | {b['peak_rss_mb']:.0f} | {base} | "
                     f"{r.get('peak_rss_mb', 0):.0f} |")
    names = sorted({q for row in results.values() for k in ("queries oxigraph", "queries memory")
                    for q in row[k].get("queries", {})})
    lines += ["", "## Library queries: median latency of 3 runs, seconds (Oxigraph store / rdflib memory)", "",
              "| query | " + " | ".join(f"{s}× oxigraph | {s}× memory" for s in results) + " |",
              "|---|" + "---|---|" * len(results)]
    for name in names:
        cells = []
        for row in results.values():
            for key in ("queries oxigraph", "queries memory"):
                q = row[key].get("queries", {}).get(name)
                cells.append("–" if not q else q["error"] if "error" in q else f"{q['median']:.3f} ({q['rows']} rows)")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("| *open the built graph* | " + " | ".join(
        f"{row[k]['open']:.2f}" if "open" in row[k] else row[k].get("error", "–")
        for row in results.values() for k in ("queries oxigraph", "queries memory")) + " |")
    lines.append("| *peak MB* | " + " | ".join(
        f"{row[k]['peak_rss_mb']:.0f}" if "peak_rss_mb" in row[k] else "–"
        for row in results.values() for k in ("queries oxigraph", "queries memory")) + " |")
    lines += ["", "## Checks and views (measured separately from the build)", "",
              "| size | SHACL s | OWL reasoning s | HTML views s |", "|---|---|---|---|"]
    for size, row in results.items():
        c, v = row["checks"], row["views"]
        shacl = f"{c['times']['SHACL']:.1f}" if "times" in c else c["error"]
        owl = (f"{c['times']['OWL reasoning']:.1f}" + (f" (skipped: {c['skipped']})" if c.get("skipped") else "")
               if "times" in c else "–")
        html = f"{v['times']['HTML views']:.1f}" if "times" in v else v["error"]
        lines.append(f"| {size}× | {shacl} | {owl} | {html} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()

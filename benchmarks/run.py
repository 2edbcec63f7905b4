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
import shutil
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from corpus import generate  # noqa: E402
from memory import TreeMemory  # noqa: E402
from report import write_atomically  # noqa: E402

from spacekg.parallel import workers  # noqa: E402
from spacekg.store import StoreWriter  # noqa: E402

# Measurements, in the order they run ("command" writes the output that "store", "queries" and
# "views" read), and the largest size each is worth making at (beyond, it exceeds any time limit).
UP_TO = {"build": 10_000, "command": 10_000, "store": 10_000, "queries": 10_000, "queries-memory": 10, "morph-kgc": 1_000,
         "rdflib": 100, "checks": 10, "views": 1_000}
KINDS = tuple(UP_TO)
# Measurements made --runs times and reported by their median run, with the duration each is ranked by.
REPEATED = {"build": lambda r: r["total"], "command": lambda r: r["total"], "morph-kgc": lambda r: r["morph_kgc_s"],
            "rdflib": lambda r: sum(v for k, v in r["times"].items() if k.startswith("rdflib"))}
# The tables of the last run sit between these two lines of results.md; everything else in the file
# is written by people and kept when the tables are rewritten.
BEGIN = "<!-- from here to its end mark, the tables of the last run of benchmarks/run.py -->"
END = "<!-- end of the tables of benchmarks/run.py -->"


def measure(what: str, root: Path, limit: float, compress: bool = False) -> dict:
    if what == "morph-kgc":
        # as many processes as the build uses cores, so that both may use the whole machine
        command = [sys.executable, "-c", "import json, sys; sys.path.insert(0, sys.argv[1]); import morph_kgc; "
                   "print(json.dumps(morph_kgc.measure(sys.argv[2], int(sys.argv[3]))))", str(HERE), str(root),
                   str(workers())]
    elif what == "views":
        command = [sys.executable, str(HERE / "views.py"), "stage", str(root), "--runs", "1"]
    elif what.startswith("queries"):
        store = "memory" if what == "queries-memory" else "oxigraph"
        command = [sys.executable, str(HERE / "measure.py"), "queries", str(root), store]
    else:
        command = [sys.executable, str(HERE / "measure.py"), what, str(root), *(["--compress"] if compress else [])]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        tree = TreeMemory(process.pid)
        try:
            process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            tree.stop()
            return {"error": f"did not finish within {limit:.0f} s"}
        rss, pss = tree.stop()
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            return {"error": (err.read().strip().splitlines() or ["failed"])[-1][-160:]}
        result = json.loads(out.read().strip().splitlines()[-1])
    result.setdefault("tree_peak_rss_mb", rss)
    result.setdefault("tree_peak_pss_mb", pss)
    return result


def median_run(what: str, root: Path, limit: float, runs: int, compress: bool = False) -> dict:
    """The run of median duration among ``runs`` runs, with every run's duration in ``runs``."""
    done = []
    for _ in range(runs):
        os.sync()  # files the previous measurement wrote are not flushed during this one
        result = measure(what, root, limit, compress)
        if "error" in result:
            return result
        done.append(result)
    key = REPEATED[what]
    done.sort(key=key)
    return {**done[len(done) // 2], "runs": [key(r) for r in done]}


def speed() -> float:
    """Seconds a fixed pure-Python loop takes in a fresh process: the same work each time, so a
    change tells how fast the machine itself was at that moment (a shared host varies)."""
    loop = "import time; t = time.perf_counter(); x = sum(i * i for i in range(5_000_000)); print(time.perf_counter() - t)"
    return float(subprocess.run([sys.executable, "-c", loop], capture_output=True, text=True, check=True).stdout)


def _load(averages: tuple) -> str:
    return " / ".join(f"{a:.1f}" for a in averages)


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
    parser.add_argument("--reuse", action="store_true", help="measure corpora already generated in --work "
                                                                 "(their ontology/ and queries/ refreshed)")
    parser.add_argument("--runs", type=int, default=3, help="runs of the build, the command and the peers "
                                                             "(the median is reported)")
    parser.add_argument("--compress", action="store_true", help="the build and the command write their exports "
                                                                    "gzip-compressed (`spacekg build --compress`)")
    args = parser.parse_args()
    kinds = args.only.split(",")
    started = (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.getloadavg())
    results = {}
    for size in [int(s) for s in args.sizes.split(",")]:
        root = Path(args.work) / f"x{size}"
        if args.reuse and (root / "sources").is_dir():
            for folder in ("ontology", "queries"):
                shutil.rmtree(root / folder, ignore_errors=True)
                shutil.copytree(HERE.parent / folder, root / folder)
            shutil.rmtree(root / "output", ignore_errors=True)
        else:
            root = generate(size, root)
        row = {"speed": speed(), "load": os.getloadavg()}
        for what in kinds:
            if size > UP_TO[what]:
                row[what] = {"error": "not run at this size (see UP_TO in benchmarks/run.py)"}
                continue
            row[what] = (median_run(what, root, args.limit, args.runs, args.compress) if what in REPEATED
                         else measure(what, root, args.limit, args.compress))
            print(size, what, json.dumps(row[what])[:300], flush=True)
        results[size] = row
        Path(args.out).with_suffix(".json").write_text(json.dumps(results, indent=1))
    write_report(Path(args.out), report(results, args, started, os.getloadavg()))


def write_report(out: Path, tables: str) -> None:
    """Put ``tables`` between the marks in ``out``, in place of the last run's; a file without
    them gets the marked tables at its end, a new file a title first. Nothing else is touched."""
    text = out.read_text(encoding="utf-8") if out.is_file() else "# Scale benchmark\n"
    block = f"{BEGIN}\n{tables.rstrip()}\n{END}\n"
    before, begin, rest = text.partition(BEGIN)
    _, end, after = rest.partition(END)
    if begin and end:
        text = before + block + after.removeprefix("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    write_atomically(out, text)


def _spread(median: float, result: dict) -> str:
    """A median duration with the fastest and slowest of its runs."""
    runs = result.get("runs", [])
    return f"{median:.1f} ({min(runs):.1f}–{max(runs):.1f})" if len(runs) > 1 else f"{median:.1f}"


def _cell(row: dict, kind: str, format_value) -> str:
    value = row.get(kind)
    if value is None:
        return "–"
    return value["error"] if "error" in value else format_value(value)


def _store_table(results: dict) -> list[str]:
    """The store made alone from the built N-Quads, against the build and Morph-KGC of the same run."""
    rows = [(size, row) for size, row in results.items() if "store" in row]
    if not rows:
        return []
    lines = ["", "### The store alone", "",
             "The build's own store writer (`StoreWriter`: the loading process, batches of "
             f"{StoreWriter.BATCH:,} quads, the compaction) fed the N-Quads that `command` wrote, with no graph "
             "being made beside it: the least a build's graph stage can take on this machine, since the "
             "build makes the same store while it writes the graph.", "",
             "| size | quads | store s | of which compaction s | CPU s | quads/s | tree peak MB (RSS / PSS) "
             "| store s / Morph-KGC s | store s / build s |", "|---|---|---|---|---|---|---|---|---|"]
    for size, row in rows:
        s, m, b = row["store"], row.get("morph-kgc", {}), row.get("build", {})
        if "error" in s:
            lines.append(f"| {size}× | {s['error']} |" + " |" * 7)
            continue
        lines.append(f"| {size}× | {s['quads']} | {s['total']:.1f} | {s['compaction']:.1f} | {s['cpu_s']:.1f} | "
                     f"{s['quads'] / s['total']:.0f} | {s.get('tree_peak_rss_mb', 0):.0f} / "
                     f"{s.get('tree_peak_pss_mb', 0):.0f} | "
                     + (f"{s['total'] / m['morph_kgc_s']:.2f}" if "morph_kgc_s" in m else "–") + " | "
                     + (f"{s['total'] / b['total']:.2f}" if "total" in b else "–") + " |")
    return lines


def _query_table(results: dict) -> list[str]:
    """Each library query's median latency per size, on the Oxigraph store and, where measured,
    on rdflib's in-memory store, with the ratio of the two from the same run."""
    columns = [(size, kind) for size, row in results.items() for kind in ("queries", "queries-memory")
               if "queries" in row.get(kind, {})]
    if not columns:
        return []
    names = sorted({q for size, kind in columns for q in results[size][kind]["queries"]})
    store = {"queries": "Oxigraph", "queries-memory": "rdflib memory"}
    lines = ["", "### Library queries: median of 3 runs, seconds (rows returned)", "",
             "The Oxigraph store is output/store/ opened read-only; rdflib memory parses output/spacekg.trig "
             "into rdflib's own store (at the sizes where that finishes). *memory / Oxigraph* is the ratio "
             "of the two medians in the same run.", "",
             "| query | " + " | ".join(f"{size}× {store[kind]}" for size, kind in columns) + " |",
             "|---|" + "---|" * len(columns)]

    def cell(size, kind, name) -> str:
        q = results[size][kind]["queries"].get(name)
        if not q or "error" in q:
            return q["error"] if q else "–"
        text = f"{q['median']:.3f} ({q['rows']})"
        fast = results[size]["queries"]["queries"].get(name, {}) if kind == "queries-memory" else {}
        if fast.get("median"):
            text += f", ×{q['median'] / fast['median']:.0f}"
        return text

    for name in names:
        lines.append(f"| {name} | " + " | ".join(cell(size, kind, name) for size, kind in columns) + " |")
    lines.append("| *open the graph* | " + " | ".join(f"{results[size][kind]['open']:.2f}" for size, kind in columns)
                 + " |")
    lines.append("| *peak MB* | " + " | ".join(f"{results[size][kind]['peak_rss_mb']:.0f}" for size, kind in columns)
                 + " |")
    return lines


def report(results: dict, args, started: tuple, load_at_end: tuple) -> str:
    when, load_at_start = started
    lines = ["## The last run of benchmarks/run.py", "", "Machine:", *machine(),
             f"- run started {when}; load average (1, 5, 15 min) {_load(load_at_start)} at the start, "
             f"{_load(load_at_end)} at the end",
             "- machine speed: a fixed pure-Python loop (`speed()` in run.py) took "
             + ", ".join(f"{row['speed']:.2f} s before {size}× (load {_load(row.get('load', (0, 0, 0)))})"
                         for size, row in results.items())
             + " (the same work: a larger figure means the host gave this machine less)", "",
             f"Command: `python benchmarks/run.py --sizes {args.sizes} --only {args.only} --limit {args.limit:.0f} "
             f"--runs {args.runs}{' --compress' if args.compress else ''}`"
             f"{' (the exports gzip-compressed)' if args.compress else ''}. Each measurement runs in its own process. The build, the command and the "
             f"peers ran {args.runs} times: the tables give the median run, with the fastest and slowest in "
             "brackets.", ""]
    lines += ["### Build", "",
              "Read and verify the sources, write the graph into the five RDF files and the Oxigraph store "
              "(`build`: the phases as the build announces them), then run the checks on the store (SHACL "
              "twins, OWL rules, HermiT on the ontology: `build + checks`); the whole `spacekg build -q` "
              "command with its checks and views (`command`). Memory: the peak of the whole process tree "
              "(the measuring process, its worker processes and threads), summed resident memory (RSS, "
              "which counts pages that forked workers share once in each of them) and summed proportional "
              "memory (PSS, shared pages split between their sharers).", "",
              "| size | statements | facts | triples | phases s | build s | build + checks s | checks s "
              "| CPU s | triples/s | tree peak MB (RSS / PSS) | command s (CPU s) |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for size, row in results.items():
        b = row.get("build", {"error": "–"})
        command = _cell(row, "command", lambda c: f"{_spread(c['total'], c)} (CPU {c['cpu_s']:.1f})")
        if "error" in b:
            lines.append(f"| {size}× | {b['error']} |" + " |" * 9 + f" {command} |")
            continue
        phases = "; ".join(f"{name} {seconds:.1f}" for name, seconds in b["times"].items())
        checked = b.get("total_checked", b["total"])
        lines.append(f"| {size}× | {b['statements']} | {b['facts']} | {b['triples']} | {phases} | "
                     f"{_spread(b['total'], b)} | {checked:.1f} | {checked - b['total']:.1f} | {b['cpu_s']:.1f} | "
                     f"{b['triples'] / b['total']:.0f} | {b.get('tree_peak_rss_mb', 0):.0f} / "
                     f"{b.get('tree_peak_pss_mb', 0):.0f} | {command} |")
    lines += ["", "### Peers on the same corpora, same run", "",
              "Morph-KGC (its own environment, see benchmarks/rml/) maps the same records, prepared as JSON "
              "by benchmarks/morph_kgc.py (not charged to it), to N-Triples, with as many processes "
              f"(`number_of_processes`) as the build uses cores ({workers()}); the rdflib baseline adds the "
              "same quads to an rdflib Dataset one by one and writes TriG and N-Quads.", "",
              "| size | Morph-KGC s | Morph-KGC CPU s | Morph-KGC peak MB (its processes together) | triples | build s / Morph-KGC s "
              "| rdflib baseline s | rdflib peak MB | rdflib s / build s |", "|---|---|---|---|---|---|---|---|---|"]
    for size, row in results.items():
        m, b, r = row.get("morph-kgc", {}), row.get("build", {}), row.get("rdflib", {})
        ratio = (f"{b['total'] / m['morph_kgc_s']:.2f} ({b.get('total_checked', b['total']) / m['morph_kgc_s']:.2f} "
                 "with checks)") if "total" in b and "morph_kgc_s" in m else "–"
        if "runs" in r:
            rdflib = f"{_spread(REPEATED['rdflib'](r), r)} | {r['peak_rss_mb']:.0f} | " + (
                f"{REPEATED['rdflib'](r) / b['total']:.1f}" if "total" in b else "–")
        else:
            rdflib = f"{r.get('error', '–')} | | "
        if "morph_kgc_s" in m:
            lines.append(f"| {size}× | {_spread(m['morph_kgc_s'], m)} | {m['morph_kgc_cpu_s']:.1f} | "
                         f"{m.get('tree_peak_rss_mb', m['peak_rss_mb']):.0f} | {m['triples']} | {ratio} | {rdflib} |")
        else:
            lines.append(f"| {size}× | {m.get('error', '–')} | | | | | {rdflib} |")
    lines += _store_table(results)
    lines += _query_table(results)
    lines += ["", "### Checks and views (measured apart from the build)", "",
              "| size | SHACL s | OWL reasoning s | HTML views s |", "|---|---|---|---|"]
    for size, row in results.items():
        shacl = _cell(row, "checks", lambda c: f"{c['times']['SHACL']:.1f}")
        owl = _cell(row, "checks", lambda c: f"{c['times']['OWL reasoning']:.1f}")
        html = _cell(row, "views", lambda v: f"{v['median']['seconds']:.1f} (CPU {v['median']['cpu_seconds']:.1f})")
        lines.append(f"| {size}× | {shacl} | {owl} | {html} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()

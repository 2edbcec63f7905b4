"""The endpoint under load: `spacekg serve` and Oxigraph's own server on the same store, same run.

For each corpus size, a build of a synthetic corpus (benchmarks/corpus.py; reused when already
built) is served in turn by `spacekg serve` and by `oxigraph serve-read-only --union-default-graph`
(PyPI package `oxigraph`), each on a free loopback port with the same time limit, and CLIENTS
clients (httpx, asyncio) send queries back to back for DURATION seconds:

- ``library``: the library queries that take no parameter, each client going round them from its
  own starting point (the parameters of meeting and topic-history have no place in plain SPARQL);
- ``small``: three small questions (the meetings and their dates, one ASK, one document's triples);
- ``runaway`` (spacekg only, its smallest size): the small questions, while one more client keeps
  sending a query that cannot finish within the time limit.

Every answer must be 200 (the runaway's 503 is expected and counted apart); the number of rows of
each query is compared between the two servers. The table gives throughput and latency
percentiles, the peak memory of the server's whole process tree, and the load average of the
(shared) machine before and after. It is printed and written into benchmarks/results.md as the
section "The endpoint under load" (the rest of the file is left as it is).

    python benchmarks/load.py                                  # 1× and 100×, 32 clients, 60 s
    python benchmarks/load.py --sizes 1 --duration 10 --scenarios small --no-write
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from report import write_atomically  # noqa: E402

SECTION = "## The endpoint under load"
KEPT = "<!-- written by hand below; load.py keeps it -->"  # the section's notes after this line stay
SMALL = {
    "meetings": "SELECT ?meeting ?date WHERE { ?meeting a skg:DialogueMeeting ; skg:startDate ?date }",
    "ask": "ASK { kg:jaxa ?p ?o }",
    "one-document": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/spacekg/graph/doc/cds7-joint-statement-2020> { ?s ?p ?o } }",
}
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ACCEPT = "application/sparql-results+json"


@dataclass
class Outcome:
    """What one server did under one scenario."""

    server: str
    scenario: str
    size: int
    clients: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stopped: int = 0  # runaway queries answered 503 at the time limit
    rows: dict[str, int] = field(default_factory=dict)  # query → rows in its first answer
    sizes: dict[str, int] = field(default_factory=dict)  # query → bytes of the answer last read
    peak_mb: float = 0.0
    cpu_seconds: float = 0.0  # CPU time of the server's processes during the run
    load_before: tuple = ()
    load_after: tuple = ()

    def percentile(self, p: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1]

    def row(self) -> list[str]:
        ms = lambda p: f"{1000 * self.percentile(p):.0f}"  # noqa: E731
        count = len(self.latencies)
        return [f"{self.size}×", self.scenario, self.server, str(self.clients), f"{self.seconds:.0f}", str(count),
                str(len(self.errors)), f"{count / self.seconds:.1f}" if self.seconds else "",
                ms(50), ms(95), ms(99), f"{1000 * self.cpu_seconds / count:.0f}" if count else "", f"{self.peak_mb:.0f}",
                " / ".join(f"{x:.1f}" for x in self.load_before), " / ".join(f"{x:.1f}" for x in self.load_after)]


HEADER = ["size", "queries", "server", "clients", "s", "answers", "errors", "queries/s", "p50 ms", "p95 ms",
          "p99 ms", "server CPU ms per answer", "peak MB", "load before (1/5/15 min)", "load after"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,100", help="corpus sizes, comma-separated (default: 1,100)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per server and scenario")
    parser.add_argument("--scenarios", default="library,small,runaway")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="both servers' time limit per query (long enough for the library at 100×)")
    parser.add_argument("--runaway-timeout", type=float, default=10.0, help="the time limit of the runaway scenario")
    parser.add_argument("--workers", type=int, default=None, help="spacekg serve --workers")
    parser.add_argument("--work", type=Path, default=Path("/tmp/spacekg-load"), help="where the corpora are built")
    parser.add_argument("--servers", default="spacekg,oxigraph")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    args = parser.parse_args()
    started = datetime.now(timezone.utc)
    outcomes = []
    for size in [int(s) for s in args.sizes.split(",")]:
        root = built_corpus(size, args.work)
        for scenario in args.scenarios.split(","):
            if scenario == "runaway" and size != int(args.sizes.split(",")[0]):
                continue
            for server in args.servers.split(","):
                if scenario == "runaway" and server != "spacekg":
                    continue
                outcome = measure(server, scenario, size, root, args)
                outcomes.append(outcome)
                print(" | ".join(outcome.row()), flush=True)
                for error in sorted(set(outcome.errors))[:5]:
                    print("   error:", error, flush=True)
    compare_rows(outcomes)
    table = report(outcomes, args, started)
    print(table)
    if not args.no_write:
        write_section(args.out, table)


def built_corpus(size: int, work: Path) -> Path:
    """A project tree with a corpus ``size`` times the real one, built (reused if it is)."""
    from corpus import generate

    root = work / f"corpus-{size}"
    if (root / "output" / "store" / "oxigraph").is_dir():
        return root
    print(f"making and building the {size}× corpus in {root}", flush=True)
    generate(size, root)
    subprocess.run([sys.executable, "-m", "spacekg.cli", "--root", str(root), "build", "--quiet"], check=True)
    return root


def measure(server: str, scenario: str, size: int, root: Path, args) -> Outcome:
    queries = scenario_queries(scenario, root)
    outcome = Outcome(server, scenario, size, args.clients + (1 if scenario == "runaway" else 0))
    timeout = args.runaway_timeout if scenario == "runaway" else args.timeout
    port = free_port()
    process = start_server(server, root, port, timeout, args.workers)
    peak = PeakMemory(process.pid)
    try:
        url = f"http://127.0.0.1:{port}/" + ("sparql" if server == "spacekg" else "query")
        wait_until_up(url, process)
        outcome.load_before = os.getloadavg()
        cpu_before = cpu_seconds(process.pid)
        peak.start()
        asyncio.run(drive(url, queries, args.clients, args.duration, timeout, outcome,
                          runaway=scenario == "runaway"))
        outcome.load_after = os.getloadavg()
        outcome.cpu_seconds = cpu_seconds(process.pid) - cpu_before
    finally:
        peak.stop()
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    outcome.peak_mb = peak.mb
    return outcome


def scenario_queries(scenario: str, root: Path) -> dict[str, str]:
    from spacekg.namespaces import PREFIXES
    from spacekg.paths import Layout
    from spacekg.query import library

    prologue = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in sorted(PREFIXES.items()))
    if scenario == "library":
        found = {query.name: query.text for query in library(Layout(root)) if not query.params}
    else:
        found = dict(SMALL)
    return {name: prologue + text for name, text in found.items()}


def start_server(server: str, root: Path, port: int, timeout: float, workers: int | None) -> subprocess.Popen:
    if server == "spacekg":
        command = [sys.executable, "-m", "spacekg.cli", "--root", str(root), "serve", "--port", str(port),
                   "--timeout", f"{timeout:g}", *(["--workers", str(workers)] if workers else [])]
    else:
        oxigraph = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
        if oxigraph is None:
            sys.exit("the `oxigraph` command is missing: pip install oxigraph")
        command = [oxigraph, "serve-read-only", "--location", str(root / "output" / "store" / "oxigraph"),
                   "--bind", f"127.0.0.1:{port}", "--union-default-graph", "--timeout-s", f"{timeout:g}"]
    log = (root / f"{server}-serve.log").open("wb")  # a pipe left unread could stall the server
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)


async def drive(url: str, queries: dict[str, str], clients: int, duration: float, timeout: float,
                outcome: Outcome, runaway: bool) -> None:
    """``clients`` clients sending ``queries`` back to back until ``duration`` has passed."""
    import httpx

    names = sorted(queries)
    limits = httpx.Limits(max_connections=clients + 1, max_keepalive_connections=clients + 1)
    async with httpx.AsyncClient(limits=limits, timeout=timeout * 4) as client:
        start = time.perf_counter()
        deadline = start + duration

        async def one_client(number: int) -> None:
            turn = number
            while time.perf_counter() < deadline:
                name = names[turn % len(names)]
                turn += 1
                sent = time.perf_counter()
                try:
                    response = await client.post(url, content=queries[name].encode(),
                                                 headers={"Content-Type": "application/sparql-query", "Accept": ACCEPT})
                except httpx.HTTPError as error:
                    outcome.errors.append(f"{name}: {type(error).__name__}: {error}")
                    continue
                if response.status_code != 200:
                    outcome.errors.append(f"{name}: HTTP {response.status_code}: {response.text[:200]}")
                    continue
                if name not in outcome.rows or len(response.content) != outcome.sizes[name]:
                    try:  # read every answer whose size is new: a cut answer is an error
                        outcome.rows[name] = rows_of(response.content)
                    except ValueError as error:
                        outcome.errors.append(f"{name}: an answer that is not SPARQL results JSON ({error})")
                        continue
                    outcome.sizes[name] = len(response.content)
                outcome.latencies.append(time.perf_counter() - sent)

        async def runaway_client() -> None:
            while time.perf_counter() < deadline:
                response = await client.post(url, content=RUNAWAY.encode(),
                                             headers={"Content-Type": "application/sparql-query", "Accept": ACCEPT})
                if response.status_code == 503:
                    outcome.stopped += 1
                else:
                    outcome.errors.append(f"runaway: HTTP {response.status_code} instead of 503")

        async def the_clients() -> None:  # timed apart from the runaway, which may end later
            await asyncio.gather(*(one_client(number) for number in range(clients)))
            outcome.seconds = time.perf_counter() - start

        await asyncio.gather(the_clients(), *([runaway_client()] if runaway else []))


def rows_of(body: bytes) -> int:
    answer = json.loads(body)
    if "results" in answer:
        return len(answer["results"]["bindings"])
    if "boolean" in answer:
        return int(answer["boolean"])
    raise ValueError("neither bindings nor a boolean")


def compare_rows(outcomes: list[Outcome]) -> None:
    """Both servers must give each query the same number of rows."""
    by_key = {}
    for outcome in outcomes:
        by_key.setdefault((outcome.size, outcome.scenario), []).append(outcome)
    for (size, scenario), group in by_key.items():
        if len(group) < 2:
            continue
        first, *others = group
        for other in others:
            for name in sorted(set(first.rows) & set(other.rows)):
                if first.rows[name] != other.rows[name]:
                    print(f"DIFFERENT ANSWERS at {size}× ({scenario}) for {name}: {first.server} "
                          f"{first.rows[name]} rows, {other.server} {other.rows[name]}", flush=True)
                    first.errors.append(f"{name}: {first.rows[name]} rows, {other.server} {other.rows[name]}")


def report(outcomes: list[Outcome], args, started: datetime) -> str:
    lines = [
        SECTION, "",
        f"Command: `python benchmarks/load.py --sizes {args.sizes} --clients {args.clients} --duration {args.duration:g} "
        f"--scenarios {args.scenarios} --timeout {args.timeout:g} --runaway-timeout {args.runaway_timeout:g}"
        f"{f' --workers {args.workers}' if args.workers else ''}` (run started {started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}). Each row is one server alone for the given time, the servers "
        f"one after the other on the same build, the same time limit ({args.timeout:g} s) for both; clients "
        f"stop sending after {args.duration:g} s and the time counts until the last answer arrives; latency "
        f"is from sending a query to the last byte of its answer; peak MB is the whole process tree of "
        f"the server; server CPU counts all its processes (main, workers, threads).", "",
        "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(outcome.row()) + " |" for outcome in outcomes]
    lines.append("")
    for size in sorted({o.size for o in outcomes}):
        for scenario in ("library", "small"):
            pair = {o.server: o for o in outcomes if o.size == size and o.scenario == scenario}
            if {"spacekg", "oxigraph"} <= set(pair) and pair["oxigraph"].latencies:
                ours, theirs = (len(pair[s].latencies) / pair[s].seconds for s in ("spacekg", "oxigraph"))
                lines.append(f"- {size}×, {scenario}: spacekg serve answered {ours / theirs:.2f}× the queries per "
                             f"second of Oxigraph server.")
    for outcome in outcomes:
        if outcome.scenario == "runaway":
            alone = [o for o in outcomes if (o.size, o.scenario, o.server) == (outcome.size, "small", "spacekg")]
            without = f"; without it: p50 {1000 * alone[0].percentile(50):.0f} ms, p95 {1000 * alone[0].percentile(95):.0f} ms" \
                if alone else ""
            lines.append(f"- runaway: {outcome.stopped} runaway queries stopped with 503 at the {args.runaway_timeout:g} s "
                         f"limit while {args.clients} clients ran the small queries (p50 {1000 * outcome.percentile(50):.0f} ms, "
                         f"p95 {1000 * outcome.percentile(95):.0f} ms{without}).")
    return "\n".join(lines) + "\n"


def write_section(path: Path, table: str) -> None:
    """Put ``table`` in place of the section of the same heading (keeping its notes written by
    hand), or at the end of the file; the rest of the file stays as it is."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    before, heading, after = text.partition("\n" + SECTION + "\n")
    section, next_heading, rest = after.partition("\n## ")
    notes = section.partition(KEPT)[2] if heading else ""
    new = table + "\n" + KEPT + (notes if notes.strip() else "\n")
    if heading:
        text = before + "\n" + new + (("\n## " + rest) if next_heading else "")
    else:
        text = text.rstrip("\n") + "\n\n" + new
    write_atomically(path, text)


class PeakMemory:
    """The largest resident memory of a process and all its descendants, sampled twice a second."""

    def __init__(self, pid: int):
        self.pid = pid
        self.mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            self.mb = max(self.mb, sum(_rss_kb(pid) for pid in _tree(self.pid)) / 1024)


def cpu_seconds(root: int) -> float:
    """CPU time used so far by a process, its descendants, and the children it has reaped."""
    ticks = 0
    for pid in _tree(root):
        try:
            with open(f"/proc/{pid}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        ticks += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as stat:
                    parent = int(stat.read().rsplit(b")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen) -> None:
    import httpx

    for _ in range(300):
        if process.poll() is not None:
            sys.exit(f"the server stopped (exit code {process.returncode}); see its log next to the corpus")
        try:
            httpx.post(url, content=b"ASK {}", headers={"Content-Type": "application/sparql-query"}, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    sys.exit(f"no answer from {url}")


if __name__ == "__main__":
    main()

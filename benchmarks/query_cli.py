"""Wall-clock time of `spacekg query NAME` on the built corpus, start-up included.

Each query of the library runs as a fresh process RUNS times; the table gives the fastest and
the median run. Needs a built output/ (`spacekg build`).

    python benchmarks/query_cli.py            # 10 runs per query
    python benchmarks/query_cli.py --runs 20
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARAMS = {"meeting": ["--param", "ordinal=7"], "topic-history": ["--param", "topic=SSA"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from spacekg.paths import Layout
    from spacekg.query import library

    print(f"{'query':<24}{'fastest':>10}{'median':>10}   ({args.runs} runs, seconds)")
    for query in library(Layout(ROOT)):
        command = [sys.executable, "-m", "spacekg.cli", "query", query.name, "--format", "csv",
                   *PARAMS.get(query.name, [])]
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
            times.append(time.perf_counter() - start)
        print(f"{query.name:<24}{min(times):>10.3f}{statistics.median(times):>10.3f}")


if __name__ == "__main__":
    main()

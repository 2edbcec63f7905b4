"""Jobs in worker processes: every result, in order, with the workers never far ahead of the caller."""

from __future__ import annotations

import multiprocessing
import time

from spacekg import parallel

STARTED = multiprocessing.Value("i", 0)  # shared with the forked workers


def doubled(job: int) -> int:
    with STARTED.get_lock():
        STARTED.value += 1
    return job * 2


def test_results_in_order_and_workers_bounded_by_a_slow_caller(monkeypatch):
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    STARTED.value = 0
    results = parallel.stream_jobs(doubled, range(1000), parallel=True, batch=10)
    first = [next(results) for _ in range(5)]
    time.sleep(1)  # time enough for unbounded workers to run through every job
    ahead = STARTED.value
    assert first == [0, 2, 4, 6, 8]
    assert ahead <= 10 * (2 * parallel.AHEAD + 1), f"{ahead} jobs started while the caller waited"
    assert list(results) == [2 * job for job in range(5, 1000)]
    assert STARTED.value == 1000


def test_one_process_when_not_parallel():
    assert parallel.map_jobs(doubled, range(7), parallel=False) == [0, 2, 4, 6, 8, 10, 12]


UNGUARDED = """
import sys
from pathlib import Path
import pyoxigraph as ox
from spacekg.checks import answers
answers.workers = lambda: 2  # as on a machine of two cores or more
location = Path(sys.argv[1])
store = ox.Store(str(location))
store.add(ox.Quad(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:p"), ox.Literal("1"), ox.NamedNode("urn:x:g")))
store.flush()
del store
store = ox.Store.read_only(str(location))
query = "SELECT ?s WHERE { ?s ?p ?o }"
print([rows for _, rows in answers.select_all(store, [query, query, query], location)])
"""


def test_check_workers_start_from_a_script_without_a_main_guard(tmp_path):
    """A user's script that runs the checks with workers needs no `if __name__ == "__main__"`
    (workers started as new interpreters would run the script again, and fail)."""
    import subprocess
    import sys

    script = tmp_path / "script.py"
    script.write_text(UNGUARDED, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "db")], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("urn:x:a") == 3  # one row from each of the three queries

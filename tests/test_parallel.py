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


def worker_and_job(job: int) -> tuple[int, int]:
    import os

    return os.getpid(), job


def test_workers_renewed_every_so_many_jobs(monkeypatch):
    """With ``renew``, each run of that many jobs has workers of its own, and the results still
    come in order."""
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    results = list(parallel.stream_jobs(worker_and_job, range(95), parallel=True, batch=3, renew=20))
    assert [job for _, job in results] == list(range(95))
    runs = [{pid for pid, _ in results[start:start + 20]} for start in range(0, 95, 20)]
    assert len(runs) == 5
    for one, other in zip(runs, runs[1:]):
        assert one.isdisjoint(other), "a worker outlived its run of jobs"


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


FREED_BLOCKS = """
import os, sys
from spacekg.parallel import map_large_blocks

def resident():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

if sys.argv[1] == "fixed":
    map_large_blocks()
first = bytearray(16 << 20)  # freed: glibc would now keep blocks up to 16 MB in its heap
del first
before = resident()
blocks = [bytearray(1 << 20) for _ in range(64)]
for block in blocks:
    block[::4096] = b"x" * len(block[::4096])  # every page touched
above = bytearray(200 << 10)  # a block after them keeps the heap from shrinking back
del blocks
print(resident() - before)
"""


def held_after_freeing(mode: str) -> int:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", FREED_BLOCKS, mode], capture_output=True, text=True, check=True)
    return int(done.stdout)


def test_large_blocks_go_back_to_the_system_once_freed():
    """With map_large_blocks, 64 MB of 1 MB blocks freed leave the process; without it, after a
    16 MB block was freed, glibc keeps them in its heap."""
    assert held_after_freeing("fixed") < 8 << 20
    assert held_after_freeing("default") > 32 << 20

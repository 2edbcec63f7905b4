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

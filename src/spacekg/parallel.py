"""Work spread over the machine's cores, in worker processes, when there is enough of it."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable, Iterator, TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")


def workers() -> int:
    """How many processes to use: the cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def map_jobs(function: Callable[[Job], Result], jobs: Iterable[Job], parallel: bool) -> list[Result]:
    """``function`` applied to every job, in order; by worker processes when ``parallel`` and the
    machine has more than one core. ``function`` must be a module-level function, and jobs and
    results picklable. Workers are forked, so they start at once with the caller's modules."""
    jobs = list(jobs)
    count = min(workers(), len(jobs))
    if not parallel or count < 2:
        return [function(job) for job in jobs]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        return list(pool.map(function, jobs, chunksize=max(1, len(jobs) // (count * 8))))


def stream_jobs(function: Callable[[Job], Result], jobs: Iterable[Job], parallel: bool,
                batch: int = 16) -> Iterator[Result]:
    """Like :func:`map_jobs`, but results come one by one, in order, as soon as they are ready."""
    jobs = list(jobs)
    count = min(workers(), len(jobs))
    if not parallel or count < 2:
        yield from (function(job) for job in jobs)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        yield from pool.map(function, jobs, chunksize=batch)

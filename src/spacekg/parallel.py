"""Work spread over the machine's cores, in worker processes, when there is enough of it."""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")
# Batches handed to the workers ahead of the one the caller waits for, per worker: enough to keep
# them busy, few enough that finished results do not pile up when the caller is the slower side.
AHEAD = 2


def workers() -> int:
    """How many processes to use: the cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def stream_jobs(function: Callable[[Job], Result], jobs: Iterable[Job], parallel: bool,
                batch: int = 16, shared: object = None, renew: int | None = None) -> Iterator[Result]:
    """``function`` applied to every job; results come in order, each as soon as it is ready.

    With ``parallel`` on a machine of several cores, worker processes (one per core) do the work,
    ``batch`` jobs at a time, at most AHEAD batches per worker ahead of the caller, so that memory
    stays bounded however many jobs there are. ``function`` must be a module-level function and
    its results picklable. Workers are forked, so they start at once and see what the caller has
    loaded; ``shared`` is what :func:`shared` gives the jobs (in the workers, as it was when they
    were forked).

    A forked worker keeps a copy of each page of the caller that the caller writes to after the
    fork (the pages were shared until then), though the worker never reads it: over a long pass
    the workers come to hold the caller's memory again. With ``renew``, new workers are forked
    every ``renew`` jobs, and the old ones end with their copies.
    """
    global _SHARED
    jobs = jobs if isinstance(jobs, Sequence) else list(jobs)  # a range stays a range
    count = min(workers(), len(jobs))
    previous, _SHARED = _SHARED, shared
    try:
        if not parallel or count < 2:
            yield from (function(job) for job in jobs)
            return
        step = renew or len(jobs)
        for start in range(0, len(jobs), step):
            yield from _in_workers(function, jobs[start:start + step], count, batch)
    finally:
        _SHARED = previous


def _in_workers(function: Callable[[Job], Result], jobs: list[Job], count: int, batch: int) -> Iterator[Result]:
    context = multiprocessing.get_context("fork")
    with forking(), ProcessPoolExecutor(max_workers=count, mp_context=context, initializer=die_with_parent,
                                        initargs=(os.getpid(),)) as pool:
        pending = deque()
        for start in range(0, len(jobs), batch):
            pending.append(pool.submit(_apply, function, jobs[start:start + batch]))
            if len(pending) > count * AHEAD:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


_SHARED: object = None


@contextmanager
def forking() -> Iterator[None]:
    """Around the forking of processes that share this one's pages: every object this process
    holds is set out of the cyclic garbage collector's reach (``gc.freeze``), so that a
    collection in a child, which writes to the header of each object it visits, does not copy
    the pages that hold them; the collector has them back afterwards."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def die_with_parent(parent: int) -> None:
    """Have Linux kill this process when ``parent`` dies, even by SIGKILL: a killed build or
    server leaves no worker behind, blocked on a pipe for ever and holding its files and locks.
    Linux sends the signal when the thread that forked this process ends, so fork from a thread
    that lives as long as the work (the main thread, as every caller here does)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent was gone before the request took effect
        os._exit(0)


def give_back_memory() -> None:
    """Return the heap's free pages to the system (glibc's malloc_trim), which a large query's hash
    tables or a bulk load leave behind: without it a process keeps the resident memory of its
    largest piece of work, and a worker forked from it starts with those pages."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def map_large_blocks(threshold: int = 1 << 18) -> None:
    """Have glibc's malloc give each block of ``threshold`` bytes or more a mapping of its own,
    returned to the system when it is freed. By default the threshold rises to the size of the
    largest such block freed (up to 32 MB): after the first batch of the store's loader (about
    15 MB) every batch and piece came from the heap, and the building process kept the heap's
    high-water mark (about 120 MB more at 1,000 times the corpus). Workers forked later inherit
    the setting."""
    try:
        ctypes.CDLL(None).mallopt(-3, threshold)  # M_MMAP_THRESHOLD; setting it fixes it
    except (OSError, AttributeError):  # not glibc
        pass


def shared():
    """What the caller of :func:`stream_jobs` shares with the jobs it runs."""
    return _SHARED


def _apply(function: Callable[[Job], Result], jobs: list[Job]) -> list[Result]:
    return [function(job) for job in jobs]


def map_jobs(function: Callable[[Job], Result], jobs: Iterable[Job], parallel: bool) -> list[Result]:
    """Every result of :func:`stream_jobs`, as a list."""
    jobs = list(jobs)
    return list(stream_jobs(function, jobs, parallel, batch=max(1, len(jobs) // (workers() * 8))))

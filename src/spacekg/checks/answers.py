"""The answers of many check queries on the store, on every core.

Oxigraph evaluates a query in the calling thread and keeps Python's lock meanwhile, so the checks
spread their queries over worker processes instead: each opens the database read-only (the build
has finished writing it) and answers the queries it is handed, returning the rows
(:func:`select_all`) or writing them to a file (:func:`answer_all`, for answers too large to hold).
A store without a folder (in memory), a small graph or a single core gets them answered here, in
order. The workers are forked: unlike new interpreters, they need no guard in the caller's main
module, and they share the caller's pages instead of copying them (their RSS counts those pages
again, their PSS does not).

A query may read the named graphs a slice at a time (:func:`sliced`): each ``VALUES ?slice { UNDEF }``
in its text is given a batch of graphs in turn, so that its hash tables hold one batch's nodes.
"""

from __future__ import annotations

import heapq
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from itertools import groupby
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import pyoxigraph as ox

from ..parallel import die_with_parent, forking, give_back_memory, workers

# Below this many quads the queries take less time than starting the workers.
PARALLEL_FROM = 200_000

# The placeholder of a sliced query, and how many graphs a slice holds. Oxigraph's planner reads the
# batch first and looks each graph up, while the batch is small: with some thousands of graphs it
# reads the pattern first and scans the batch for each row (at 3,600 graphs 5 s where 256 take 0.2).
SLICE = "VALUES ?slice { UNDEF }"
GRAPHS_A_SLICE = 256
# Slices a job answers in turn: enough jobs for both cores, few enough that opening the store
# (about 10 ms a job) does not count.
SLICES_A_JOB = 64
# Lines a writer sorts at a time (about 35 MB of them): a larger answer is sorted a run at a time.
RUN_LINES = 200_000

_LOCATION: str | None = None  # in a worker: the database folder it opens for each job
Job = TypeVar("Job")
Result = TypeVar("Result")


def select_all(store: ox.Store, queries: list, location: Path | None = None) -> list[tuple[list[str], list[tuple]]]:
    """For each SELECT query (a text, or a :class:`Sliced` one), its variables and its rows
    (rdflib terms, None where unbound), in the order of ``queries``; the default graph is the
    union of the named graphs.

    ``location``: the database folder of ``store``, for worker processes to open read-only."""
    return _on_store(_answer, queries, store, location)


@dataclass(frozen=True)
class Sliced:
    """A query answered a slice of the named graphs at a time: its rows are those of its text with
    :data:`SLICE` given each batch of ``graphs`` in turn."""

    query: str
    graphs: tuple[str, ...]

    def batches(self):
        for start in range(0, len(self.graphs), GRAPHS_A_SLICE):
            values = " ".join(f"<{graph}>" for graph in self.graphs[start:start + GRAPHS_A_SLICE])
            yield self.query.replace(SLICE, f"VALUES ?slice {{ {values} }}")


def sliced(store: ox.Store, queries: list[str]) -> list[tuple[int, "str | Sliced"]]:
    """The jobs that answer ``queries``, each with its query's position: a query itself, or, when
    its text has :data:`SLICE`, :class:`Sliced` jobs that together cover the store's named graphs
    (listed once; the build's store holds nothing in its default graph)."""
    jobs, graphs = [], None
    step = GRAPHS_A_SLICE * SLICES_A_JOB
    for number, query in enumerate(queries):
        if SLICE not in query:
            jobs.append((number, query))
            continue
        if graphs is None:
            graphs = sorted(graph.value for graph in store.named_graphs())
        jobs += [(number, Sliced(query, tuple(graphs[start:start + step]))) for start in range(0, len(graphs), step)]
    return jobs


@dataclass(frozen=True)
class Either:
    """A query of nodes in two forms, chosen where it is answered: ``distinct`` (faster: it finds
    the distinct candidates first and tests each once, but holds them in a table) while ``count``,
    a count of the distinct candidates that stops past ``limit``, is at most ``limit``; else
    ``plain`` (a test for each row as it comes, repeats included, and no table)."""

    distinct: str
    plain: str
    count: str
    limit: int


def chosen(store: ox.Store, query: "str | Either") -> str:
    """The text to answer ``query`` with on ``store`` (see :class:`Either`)."""
    if not isinstance(query, Either):
        return query
    rows = next(iter(store.query(query.count, use_default_graph_as_union=True)))[0]
    return query.distinct if int(rows.value) <= query.limit else query.plain


def texts(job: "str | Sliced"):
    """The query texts a job runs, in turn."""
    return job.batches() if isinstance(job, Sliced) else [job]


def answer_all(store: ox.Store, jobs: list, location: Path | None = None) -> list:
    """For each job, in order: for a SELECT query, its variables and rows, as :func:`select_all`
    gives them; for a (SELECT query or :class:`Either`, line template, file), the query's rows written to the file as
    the template's lines, sorted, without repeats, the row's terms filling ``{0}``, ``{1}`` … in
    N-Triples form, and the number of lines. ``location``: as for :func:`select_all`."""
    return _on_store(_select_or_write, jobs, store, location)


def _on_store(function: Callable[[ox.Store, Job], Result], jobs: list[Job], store: ox.Store,
              location: Path | None) -> list[Result]:
    """``function(store, job)`` for every job, in order: in worker processes that open the database
    at ``location`` read-only, or here (no location, a single job or core, no fork)."""
    count = min(workers(), len(jobs))
    if location is None or count < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(store, job) for job in jobs]
    context = multiprocessing.get_context("fork")
    with forking(), ProcessPoolExecutor(max_workers=count, mp_context=context, initializer=_open,
                                        initargs=(str(location), os.getpid())) as pool:
        return list(pool.map(partial(_in_worker, function), jobs, chunksize=1))


def worth_workers(quads: int) -> bool:
    """Whether a store of ``quads`` quads is large enough for the workers to pay."""
    return quads >= PARALLEL_FROM


def _open(location: str, parent: int) -> None:
    global _LOCATION
    die_with_parent(parent)
    _LOCATION = location


def _in_worker(function: Callable[[ox.Store, Job], Result], job: Job) -> Result:
    """``function`` on the store opened for this job alone: opening takes about 10 ms, and once
    closed the store's caches (a few hundred MB in a process that has read every index of a large
    store) and the job's freed heap go back to the system, so that the next job does not start
    from this one's peak."""
    store = ox.Store.read_only(_LOCATION)
    try:
        return function(store, job)
    finally:
        del store
        give_back_memory()


def _answer(store: ox.Store, query: "str | Sliced") -> tuple[list[str], list[tuple]]:
    from oxrdflib._converter import from_ox

    names, rows = [], []
    for text in texts(query):
        solutions = store.query(text, use_default_graph_as_union=True)
        names = [variable.value for variable in solutions.variables]
        rows += [tuple(None if term is None else from_ox(term) for term in solution) for solution in solutions]
    return names, rows


def _select_or_write(store: ox.Store, job):
    return _write(store, job) if isinstance(job, tuple) else _answer(store, job)


def _write(store: ox.Store, job: tuple[str, str, Path]) -> int:
    """The rows of a (query, template, file) job written as the template's lines, sorted, without
    repeats; a large answer is sorted in runs of :data:`RUN_LINES`, kept in files beside it and
    merged."""
    query, template, path = job
    path = Path(path)
    runs, lines = [], []
    for solution in store.query(chosen(store, query), use_default_graph_as_union=True):
        lines.append(template.format(*(str(term) for term in solution)).encode("utf-8"))
        if len(lines) == RUN_LINES:
            runs.append(_write_run(path.with_name(f"{path.name}.{len(runs)}"), lines))
            lines = []
    if not runs:
        _write_run(path, lines)
        return len(lines)
    runs.append(_write_run(path.with_name(f"{path.name}.{len(runs)}"), lines))
    try:
        return merge_sorted(runs, path)
    finally:
        for run in runs:
            run.unlink()


def _write_run(path: Path, lines: list[bytes]) -> Path:
    """``lines`` sorted, without repeats, into ``path`` (and ``lines`` left that way)."""
    lines[:] = sorted(set(lines))
    path.write_bytes(b"".join(lines))
    return path


@contextmanager
def sorted_lines(parts: list[Path]) -> Iterator[Iterator[bytes]]:
    """The lines of files of sorted lines, merged in order, repeats dropped."""
    files = [part.open("rb") for part in parts]
    try:
        yield (line for line, _ in groupby(heapq.merge(*files)))
    finally:
        for file in files:
            file.close()


def merge_sorted(parts: list[Path], target: Path) -> int:
    """Files of sorted lines merged into ``target``, repeats dropped; the number of lines written."""
    count = 0
    with sorted_lines(parts) as lines, target.open("wb") as out:
        for line in lines:
            out.write(line)
            count += 1
    return count

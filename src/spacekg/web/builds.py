"""Which build the endpoint answers from, and how it notices a new one.

A build replaces output/store/ as a whole (by renames), and the graph files next to it. A folder
or file made by a new build is a new inode, so the (device, inode, modification time) of the
store's database folder, and of the TriG files that hold the inferred graph, tell one build from
the next without reading anything. A store opened read-only keeps its files open, so a worker that opened
the previous build answers from it until it looks again, even after the build removed it.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from ..paths import Layout
from ..store import STORE_FOLDER

DATABASE = "oxigraph"  # output/store/oxigraph/: Oxigraph's own files


@dataclass(frozen=True)
class Build:
    """The built store as it is now: where it is and which build it is."""

    database: Path
    identity: tuple


def current(layout: Layout) -> Build | None:
    """The build in output/ now, or None while there is none (not built, or between two renames)."""
    database = _database(layout)
    try:
        return Build(database, _identity(database))  # a new build's store folder is a new inode
    except OSError:
        return None


@functools.lru_cache(maxsize=8)
def _database(layout: Layout) -> Path:
    return layout.output / STORE_FOLDER / DATABASE


def inferred_identity(layout: Layout) -> tuple:
    """What tells one build's inferred graph from the next: the TriG files that may hold it."""
    identities = []
    for path in sorted(layout.output.glob("*.trig")):
        try:
            identities.append(_identity(path))
        except OSError:  # replaced meanwhile: the next look sees the new one
            identities.append(None)
    return tuple(identities)


def _identity(path: Path) -> tuple:
    status = os.stat(path)
    return status.st_dev, status.st_ino, status.st_mtime_ns

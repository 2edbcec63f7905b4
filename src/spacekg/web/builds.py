"""Which build the endpoint answers from, and how it notices a new one.

Each build is a folder of its own, published by replacing the link output/current (see
``paths.current_build``). The store is opened from the real path of the current build's folder,
so a worker keeps answering from the build it opened while a new one is published; the
(device, inode, modification time) of that database folder, and of the TriG files that hold the
inferred graph, tell one build from the next without reading anything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..paths import Layout, built_folder
from ..store import store_path


@dataclass(frozen=True)
class Build:
    """The built store as it is now: where it is and which build it is."""

    database: Path
    identity: tuple


def current(layout: Layout) -> Build | None:
    """The build in output/ now, or None while there is none (not built, or between two renames)."""
    database = store_path(layout)
    try:
        return Build(database, _identity(database))  # a new build's store folder is a new inode
    except OSError:
        return None


def inferred_identity(layout: Layout) -> tuple:
    """What tells one build's inferred graph from the next: the TriG files that may hold it."""
    identities = []
    folder = built_folder(layout)
    for path in sorted(folder.glob("*.trig*")):  # compressed or not
        try:
            identities.append(_identity(path))
        except OSError:  # replaced meanwhile: the next look sees the new one
            identities.append(None)
    return tuple(identities)


def _identity(path: Path) -> tuple:
    status = os.stat(path)
    return status.st_dev, status.st_ino, status.st_mtime_ns

"""The memory of a process and all its descendants, sampled while it runs (Linux /proc).

Two sums, each at its peak: resident memory (RSS, which counts the pages that forked workers
share with their parent once in each of them, so it overstates what they use together) and
proportional memory (PSS, /proc/PID/smaps_rollup, which splits each shared page between the
processes that share it: what the tree takes from the machine).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


class TreeMemory:
    """Samples every ``every`` seconds the summed RSS and PSS of ``pid`` and its descendants."""

    def __init__(self, pid: int, every: float = 0.5):
        self.pid, self.every = pid, every
        self.peak_rss = self.peak_pss = 0  # KiB
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> tuple[float, float]:
        """(peak RSS, peak PSS) of the tree, in MB."""
        self._done.set()
        self._thread.join()
        return self.peak_rss / 1024, self.peak_pss / 1024

    def _sample(self) -> None:
        while not self._done.wait(self.every):
            tree = self._tree()
            rss = pss = 0
            for pid in tree:
                rss += _field(Path(f"/proc/{pid}/status"), "VmRSS")
                pss += _field(Path(f"/proc/{pid}/smaps_rollup"), "Pss")
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)

    def _tree(self) -> set[int]:
        parents = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                ppid = _field(Path(entry.path, "status"), "PPid")
                parents[int(entry.name)] = ppid
        tree, grew = {self.pid}, True
        while grew:
            found = {pid for pid, parent in parents.items() if parent in tree} - tree
            tree |= found
            grew = bool(found)
        return tree


def _field(path: Path, name: str) -> int:
    """A number of a /proc status-like file (kB for memory), 0 when the process is gone."""
    try:
        for line in path.read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0

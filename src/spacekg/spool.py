"""Records set aside on disk between two passes of a build, read back a range at a time.

A build reads every source before it writes any document (a claim's rank is weighed against the
claims of every other document), yet must not keep the sources in memory: what the first pass
made of each file is pickled into a spool file, and the second pass reads it back in pieces.
"""

from __future__ import annotations

import pickle
from array import array
from pathlib import Path
from typing import Iterator

Span = tuple[str, int, int]  # (spool file, first byte, end byte)


class Spool:
    """A file of pickled records, appended to one after another."""

    def __init__(self, path: Path):
        self.path = path
        self._file = path.open("ab")

    def add(self, *records) -> Span:
        """Append records; returns the span that holds them."""
        start = self._file.tell()
        for record in records:
            pickle.dump(record, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        return str(self.path), start, self._file.tell()

    def close(self) -> None:
        self._file.close()


class NumberedSpool(Spool):
    """A spool of entries read back by number, each entry one or more records already pickled.

    Only where each entry ends is kept, 8 bytes an entry: a span per entry, a tuple of a path
    and two numbers, took about 140 bytes of the process that writes the spool (50 MB at 340,000
    documents), held for the whole build among shorter-lived objects."""

    def __init__(self, path: Path):
        super().__init__(path)
        self._start = self._file.tell()
        self._ends = array("Q")

    def add_pickled(self, data: bytes) -> None:
        """Append the next entry."""
        self._file.write(data)
        self._ends.append(self._file.tell())

    def __len__(self) -> int:
        return len(self._ends)

    def span(self, number: int) -> Span:
        """The span of entry ``number`` (from 0, in the order added)."""
        return str(self.path), self._ends[number - 1] if number else self._start, self._ends[number]


def read(span: Span) -> Iterator:
    """The records of a span, in the order they were added (the spool must be flushed)."""
    path, start, end = span
    with open(path, "rb") as file:
        file.seek(start)
        while file.tell() < end:
            yield pickle.load(file)

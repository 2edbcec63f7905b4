"""The process that fills a build's Oxigraph store: ``python -m spacekg.bulkload DATABASE PARENT``.

It reads batches of N-Quads from its standard input, each framed by its length (8 bytes, big
endian; a length of 0 ends the input), bulk-loads them into a new database, then compacts and
closes it. A failure is written to standard output at once, with exit code 1. A new process,
not a fork of the build: a fork inherits RocksDB's environment without the threads that flush and
compact, and waits for them for ever.
"""

from __future__ import annotations

import signal
import struct
import sys
from typing import BinaryIO

FRAME = struct.Struct(">Q")


def send(pipe: BinaryIO, data: bytes) -> None:
    """``data`` written to ``pipe`` as one framed batch, without copying it (the empty batch ends
    the input)."""
    pipe.write(FRAME.pack(len(data)))
    pipe.write(data)


def batches(source: BinaryIO):
    """The framed batches of ``source``, up to the empty one (or the end of the input)."""
    while len(head := source.read(FRAME.size)) == FRAME.size:
        size, = FRAME.unpack(head)
        if size == 0:
            return
        data = source.read(size)
        if len(data) != size:
            raise EOFError("the input ended inside a batch")
        yield data
    raise EOFError("the input ended before its last batch")


def load(database: str, source: BinaryIO) -> None:
    import pyoxigraph as ox

    store = ox.Store(database)
    for data in batches(source):
        store.bulk_load(data, ox.RdfFormat.N_QUADS, lenient=True)  # the build's own N-Quads
    store.flush()
    store.optimize()


def main(argv: list[str]) -> int:
    from .parallel import die_with_parent

    database, parent = argv[0], int(argv[1])
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupted build stops this process itself
    try:
        load(database, sys.stdin.buffer)
    except Exception as error:  # noqa: BLE001 - the build reads it and raises it
        sys.stdout.write(f"{str(error) or type(error).__name__}\n")
        sys.stdout.flush()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

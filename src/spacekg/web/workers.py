"""A pool of long-lived worker processes that answer the endpoint's queries.

Each worker is a Python process (``python -m spacekg.web.workers``) started once, that opens the
built store read-only on its first job and keeps it open (see :mod:`.answer`); it answers one job
at a time over a socket pair. The web server's event loop sends a job and reads the answer back:
in one frame when it is small, else its head and then its body in pieces as the serializer writes
them, which the server passes on to the client one by one, so that memory stays bounded whatever
the size of the answer.

The time limit is kept by killing: a job that has not finished within it has its worker killed
and replaced by a fresh one, and the client gets 503 (or, if the answer had begun, a cut
connection). The other workers serve the other clients meanwhile, and a job still running after a
third of the time limit, likely a runaway, has its worker's CPU priority lowered (nice), so that
the queries of the other clients keep their share of the processors; as a process may not raise
its priority again, that worker is replaced once the job is done.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import os
import pickle
import signal
import socket
import struct
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator

from ..parallel import die_with_parent
from ..paths import Layout
from .answer import TEXT, Job, Sink, Views, answer

# A frame: its kind (one byte), the length of its payload (4 bytes, big-endian), the payload.
_HEADER = struct.Struct(">cI")
_READY = b"R"  # worker → server: started, store opened, waiting for jobs
_JOB = b"J"  # server → worker: a pickled Job
_WHOLE = b"W"  # worker → server: a pickled (status, media type, body), the whole answer
_HEAD = b"H"  # worker → server: a pickled (status, media type); body pieces follow
_PIECE = b"P"  # a piece of the body
_END = b"E"  # the body is complete
_FAILED = b"F"  # the answer broke off after it had begun; payload: why
PIECE = 64 * 1024  # bytes of body per frame
SLOW = 1 / 3  # the part of the time limit after which a job's worker runs at a lower CPU priority
NICER = 10  # how much lower


@dataclass
class Reply:
    """An answer for the web server: the whole body, or its pieces as they come."""

    status: int
    media: str
    body: bytes = b""
    pieces: AsyncIterator[bytes] | None = None
    headers: dict = field(default_factory=dict)


class AnswerBrokeOff(Exception):
    """An answer that had begun could not be completed (time limit, failure): the connection
    must be cut rather than the body left looking complete."""


class WorkerPool:
    """``size`` worker processes answering jobs on ``layout``'s build within ``timeout`` seconds.

    The processes start with the pool; the event loop's side of them is set up by the first
    :meth:`run`. At most ``max_waiting`` requests wait for a free worker; more get 503.
    """

    def __init__(self, layout: Layout, size: int, timeout: float, max_waiting: int = 1024):
        self.layout = layout
        self.timeout = timeout
        self.max_waiting = max_waiting
        self._all: set[_Worker] = set()
        self._starting = [self._spawn() for _ in range(size)]
        self._idle: asyncio.Queue | None = None
        self._waiting = 0
        self._tasks: set[asyncio.Task] = set()
        atexit.register(self.close)

    async def run(self, job: Job) -> Reply:
        """Hand ``job`` to the next free worker and return its answer."""
        if self._idle is None:
            self._idle = asyncio.Queue()
            for worker in self._starting:
                await self._enlist(worker)
            self._starting = []
        if self._waiting >= self.max_waiting:
            return Reply(503, TEXT, b"too many queries are waiting: try again shortly\n", headers={"Retry-After": "1"})
        self._waiting += 1
        try:
            worker = await self._idle.get()
        finally:
            self._waiting -= 1
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + self.timeout
        slow = loop.call_at(started + SLOW * self.timeout, worker.demote)
        try:
            async with asyncio.timeout_at(deadline):
                worker.send(_JOB, pickle.dumps(job))
                kind, payload = await worker.receive()
        except TimeoutError:
            self._replace(worker)
            return Reply(503, TEXT, f"the query took longer than {self.timeout:g} s and was stopped\n".encode())
        except (OSError, asyncio.IncompleteReadError):
            self._replace(worker)
            return Reply(500, TEXT, b"the worker answering the query stopped without an answer\n")
        except asyncio.CancelledError:  # the server is stopping: the worker is in the middle of a job
            self._replace(worker)
            raise
        finally:
            slow.cancel()
        if kind == _WHOLE:
            self._release(worker)
            status, media, body = pickle.loads(payload)
            return Reply(status, media, body)
        status, media = pickle.loads(payload)
        return Reply(status, media, pieces=self._pieces(worker, started, deadline))

    def _release(self, worker: _Worker) -> None:
        """Back to the pool, or replaced if it was demoted to a lower priority."""
        if worker.demoted:
            self._replace(worker)
        else:
            self._idle.put_nowait(worker)

    async def _pieces(self, worker: _Worker, started: float, deadline: float) -> AsyncIterator[bytes]:
        complete = False
        slow = asyncio.get_running_loop().call_at(started + SLOW * self.timeout, worker.demote)
        try:
            while True:
                try:
                    async with asyncio.timeout_at(deadline):
                        kind, payload = await worker.receive()
                except TimeoutError:
                    raise AnswerBrokeOff(f"the answer took longer than {self.timeout:g} s and was cut") from None
                except (OSError, asyncio.IncompleteReadError):
                    raise AnswerBrokeOff("the worker stopped in the middle of the answer") from None
                if kind == _PIECE:
                    yield payload
                elif kind == _END:
                    complete = True
                    return
                else:
                    raise AnswerBrokeOff(payload.decode(errors="replace"))
        finally:  # also when the client went away before the end
            slow.cancel()
            if complete:
                self._release(worker)
            else:
                self._replace(worker)

    def close(self) -> None:
        """Stop every worker, busy or not."""
        for worker in list(self._all):
            worker.kill()
            worker.process.wait()
        self._all.clear()

    def _spawn(self) -> _Worker:
        ours, theirs = socket.socketpair()
        command = [sys.executable, "-m", __name__, "--socket", str(theirs.fileno()), "--root", str(self.layout.root),
                   "--parent", str(os.getpid())]
        process = subprocess.Popen(command, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        theirs.close()
        worker = _Worker(process, ours)
        self._all.add(worker)
        return worker

    async def _enlist(self, worker: _Worker) -> None:
        """Take ``worker`` into the pool once it says it is ready (a worker that starts slowly,
        on a busy machine, holds up no query)."""
        await worker.connect()
        try:
            kind, _ = await worker.receive()
        except (OSError, asyncio.IncompleteReadError):
            kind = None
        if kind != _READY:  # it died on the way: try again a little later
            print("spacekg serve: a worker process stopped as it started; starting another", file=sys.stderr)
            worker.kill()
            self._all.discard(worker)
            await asyncio.sleep(1)
            return await self._enlist(self._spawn())
        self._idle.put_nowait(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` (it may be in the middle of a job) and put a fresh one in its place."""
        worker.kill()
        self._all.discard(worker)
        self._background(asyncio.to_thread(worker.process.wait))
        self._background(self._enlist(self._spawn()))

    def _background(self, coroutine) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


class _Worker:
    """The server's side of one worker process."""

    def __init__(self, process, sock: socket.socket):
        self.process = process
        self.socket = sock
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.demoted = False

    async def connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(sock=self.socket)

    def send(self, kind: bytes, payload: bytes) -> None:
        self.writer.write(_HEADER.pack(kind, len(payload)) + payload)

    async def receive(self) -> tuple[bytes, bytes]:
        kind, size = _HEADER.unpack(await self.reader.readexactly(_HEADER.size))
        return kind, await self.reader.readexactly(size)

    def demote(self) -> None:
        """Lower the worker's CPU priority (its job has been running for a while)."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, min(19, os.getpriority(os.PRIO_PROCESS, 0) + NICER))
            self.demoted = True
        except OSError:
            pass

    def kill(self) -> None:
        self.process.kill()
        if self.writer is not None:
            self.writer.close()
        else:
            self.socket.close()


# --- In the worker process ---------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description="a worker process of `spacekg serve` (started by it)")
    parser.add_argument("--socket", type=int, required=True, help="file descriptor of the socket to the server")
    parser.add_argument("--root", type=Path, required=True, help="the project folder")
    parser.add_argument("--parent", type=int, required=True, help="the server's process id")
    args = parser.parse_args()
    die_with_parent(args.parent)
    _work(socket.socket(fileno=args.socket), Layout(args.root))


def _work(sock: socket.socket, layout: Layout) -> None:
    """A worker's life: answer jobs one after the other until the server closes the socket."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the server stops us
    views = Views(layout)
    try:
        views.asserted()  # open the store now rather than on the first query
    except OSError:
        pass  # said to the client of the first query
    sock.sendall(_HEADER.pack(_READY, 0))
    incoming = sock.makefile("rb")
    while True:
        header = incoming.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return  # the server is gone
        _, size = _HEADER.unpack(header)
        job = pickle.loads(incoming.read(size))
        sink = _FrameSink(sock)
        try:
            answer(job, views, sink)
        except Exception as error:  # noqa: BLE001 - reported to the client, the worker goes on
            sink.fail(f"internal error: {type(error).__name__}: {error}")
        else:
            sink.finish()


class _FrameSink(Sink):
    """Sends an answer to the server: whole if it fits in one piece, else head and pieces."""

    def __init__(self, sock: socket.socket):
        self.socket = sock
        self.head: tuple[int, str] | None = None
        self.begun = False
        self.buffer = bytearray()

    def start(self, status: int, media: str) -> None:
        self.head = (status, media)

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= PIECE:
            if not self.begun:
                self._send(_HEAD, pickle.dumps(self.head))
                self.begun = True
            self._send(_PIECE, bytes(self.buffer))
            self.buffer.clear()
        return len(data)

    def finish(self) -> None:
        if not self.begun:
            self._send(_WHOLE, pickle.dumps((*self.head, bytes(self.buffer))))
            return
        if self.buffer:
            self._send(_PIECE, bytes(self.buffer))
        self._send(_END, b"")

    def fail(self, message: str) -> None:
        if self.begun:
            self._send(_FAILED, message.encode())
        else:
            self._send(_WHOLE, pickle.dumps((500, TEXT, message.encode() + b"\n")))

    def _send(self, kind: bytes, payload: bytes) -> None:
        self.socket.sendall(_HEADER.pack(kind, len(payload)) + payload)


if __name__ == "__main__":
    main()

"""Extraction in worker processes, so both cores work and one pathological page cannot stall a crawl.

trafilatura has no time limit of its own outside its CLI. Each task arms a SIGALRM timer in its
worker; a worker stuck where the alarm cannot reach it (inside C code) is killed and replaced.

Each worker has a socket of its own, read and written by the event loop that awaits the pages.
multiprocessing.Pool fed the same workers through two helper threads and a shared queue; handing
every page across those threads and back into the loop cost the crawl process about 2 ms a page,
a fifth of its own work (bench/crawl_throughput.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import pickle
import signal
import socket
import struct
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from types import FrameType

from aggregator.errors import ExtractionError
from aggregator.extract.result import Extracted

# Fresh workers now and then bound any memory that lxml or trafilatura caches keep. A worker's memory
# stops growing after a few hundred pages (262 MB after 425 corpus pages, the same after 1,700; 0.9 MB
# more from the 100th to the 5,000th news page of bench/support/site.py), while a fresh worker costs
# 0.8 to 0.9 CPU-s of imports and warm-up: replacing one every 200 pages cost more than a tenth of the
# pool's throughput (bench/extraction_throughput.py), every 2,000 pages 3% of a 5,000-page crawl.
_TASKS_PER_WORKER = 10_000
# Pages handed to a worker before it has answered: one it works on and the rest waiting in its
# socket, so a worker does not idle while the crawl process's loop is busy elsewhere (storing a
# batch, a garbage collection: 20 to 60 ms at a time in a bulk crawl). Two left the workers waiting
# a fifth of the time; more would lengthen what waits behind one slow page.
_DEPTH = 4
# Socket buffers that hold every page a worker has been handed (news pages weigh about 90 KB; the
# default buffer holds two), so handing one on never waits for the crawl process's loop.
_BUFFER_BYTES = 1 << 20
# A page that exercises every lazy import and model load, so the first real page is not slow.
_WARM_UP_PAGE = (
    b"<html lang='en'><head><title>Warm up</title></head><body><article><h1>Warm up</h1>"
    + b"".join(
        b"<p>Paragraph %d is long enough for the extractor, the language model and the sketch to work on.</p>"
        % n
        for n in range(8)
    )
    + b"</article></body></html>"
)
# How long past its own alarm a task may take before its worker is presumed stuck.
_GRACE_SECONDS = 10.0
# How long a new worker may take to import and warm up (a second or two; much more on a loaded
# machine) before it is presumed stuck.
_START_SECONDS = 60.0
_HEADER = struct.Struct("!I")
# A frame of no bytes (no pickle is empty): the worker has started and waits for pages.
_READY = _HEADER.pack(0)

Result = Extracted | str | None


class _TimeLimit(Exception):
    pass


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _TimeLimit


def _work(
    extract: Callable[..., Extracted | None],
    html: bytes,
    url: str,
    max_bytes: int,
    encoding: str | None,
    limit: float,
) -> Result:
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return extract(html, url, max_bytes=max_bytes, encoding=encoding)
    except _TimeLimit:
        return f"extraction took longer than {limit:g}s"
    except ExtractionError as exc:
        return str(exc)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _read_exactly(stream: socket.SocketIO, size: int) -> bytes | None:
    data = bytearray()
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def _serve(channel: socket.socket) -> None:
    """A worker's life: pages in, results out, in order, until the crawl process hangs up."""
    # Ctrl-C reaches the whole process group; the crawl process decides what stops and when.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The crawl process may hang up at any moment (a crawl that fetched no page closes its pool
    # while this worker warms up): a closed socket is the end of the work, not an error.
    with contextlib.suppress(ConnectionError):
        _serve_pages(channel)


def _serve_pages(channel: socket.socket) -> None:
    # The extractor is imported here, in the worker: the crawl's own process never needs it.
    from aggregator.extract.page import extract

    extract(_WARM_UP_PAGE)
    channel.sendall(_READY)
    stream = socket.SocketIO(channel, "rb")
    while True:
        header = _read_exactly(stream, _HEADER.size)
        if header is None:
            return
        payload = _read_exactly(stream, _HEADER.unpack(header)[0])
        if payload is None:
            return
        try:
            result: Result = _work(extract, *pickle.loads(payload))  # noqa: S301 - from our own crawl process
        except Exception as exc:  # noqa: BLE001 - one page's failure is that page's error, not the worker's end
            result = f"extraction failed: {type(exc).__name__}: {exc}"
        data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        channel.sendall(_HEADER.pack(len(data)) + data)


@dataclass(eq=False)
class _Task:
    payload: bytes
    future: asyncio.Future[Result]


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    channel: socket.socket
    in_flight: deque[_Task] = field(default_factory=deque)
    sent: int = 0
    received: bytearray = field(default_factory=bytearray)
    outgoing: bytearray = field(default_factory=bytearray)
    ready: bool = False
    # Set when the worker has had its share of pages: it finishes what it holds, then exits.
    retiring: bool = False
    watchdog: asyncio.TimerHandle | None = None


class ExtractorPool:
    """A pool of extraction workers with a per-page time limit, awaited from asyncio."""

    def __init__(
        self,
        *,
        workers: int,
        time_limit: float,
        max_bytes: int,
        tasks_per_worker: int = _TASKS_PER_WORKER,
        grace: float = _GRACE_SECONDS,
    ) -> None:
        self.workers = max(1, workers)
        self.time_limit = time_limit
        self.max_bytes = max_bytes
        self.tasks_per_worker = tasks_per_worker
        self.grace = grace
        self._loop: asyncio.AbstractEventLoop | None = None
        self._live: list[_Worker] = []
        self._queue: deque[_Task] = deque()

    async def extract(self, html: bytes, url: str, encoding: str | None = None) -> Extracted | None:
        """Return the page's article (None when it has none); raise ExtractionError on limits."""
        if len(html) > self.max_bytes:
            raise ExtractionError(f"page of {len(html):,} bytes is over the {self.max_bytes:,}-byte limit")
        loop = self._bind()
        args = (html, url, self.max_bytes, encoding, self.time_limit)
        task = _Task(pickle.dumps(args, protocol=pickle.HIGHEST_PROTOCOL), loop.create_future())
        self._queue.append(task)
        self._dispatch()
        result = await task.future
        if isinstance(result, str):
            raise ExtractionError(result)
        return result

    def prestart(self) -> None:
        """Start a worker now, so its start-up (about a second) overlaps the crawl's own.

        Callable before any event loop runs: the worker is wired to the loop that first uses the pool.
        """
        if not self._live:
            self._start_worker()

    def _bind(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            if self._loop is not None:
                # Workers are wired to the loop that used them; a new loop (a new asyncio.run) gets
                # new ones.
                self.close()
            self._loop = loop
            for worker in self._live:
                loop.add_reader(worker.channel.fileno(), self._on_readable, worker)
        return loop

    def close(self) -> None:
        """Stop the workers; pages still waiting fail."""
        workers = list(self._live)
        for worker in workers:
            self._drop(worker)
            if not worker.ready:
                worker.process.terminate()  # still warming up, for pages that never came
        # Hung up on, each worker exits once its current page is done.
        for worker in workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        self._fail_all(self._queue, "the extraction pool was closed")

    def _start_worker(self) -> None:
        ours, theirs = socket.socketpair()
        for end in (ours, theirs):
            end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, _BUFFER_BYTES)
            end.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _BUFFER_BYTES)
        # spawn, not fork: the crawl process runs threads (the reactor's, the DB's) that a fork would
        # copy mid-flight.
        process = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(theirs,), name="aggregator-extract", daemon=True
        )
        process.start()
        theirs.close()
        ours.setblocking(False)
        worker = _Worker(process, ours)
        self._live.append(worker)
        if self._loop is not None:
            self._loop.add_reader(ours.fileno(), self._on_readable, worker)

    def _dispatch(self) -> None:
        while self._queue:
            ready = [w for w in self._live if not w.retiring and len(w.in_flight) < _DEPTH]
            if not ready:
                # Workers start as pages queue up: a crawl of a few new articles (most scheduled
                # crawls) pays for one worker's start-up, not one per core.
                if sum(not w.retiring for w in self._live) >= self.workers:
                    return
                self._start_worker()
                continue
            worker = min(ready, key=lambda w: len(w.in_flight))
            task = self._queue.popleft()
            if task.future.done():
                continue
            worker.in_flight.append(task)
            worker.sent += 1
            if len(worker.in_flight) == 1:
                self._arm(worker)
            self._send(worker, _HEADER.pack(len(task.payload)) + task.payload)
            if worker.sent >= self.tasks_per_worker:
                self._retire(worker)

    def _send(self, worker: _Worker, data: bytes) -> None:
        if worker.outgoing:
            worker.outgoing += data
            return
        try:
            sent = worker.channel.send(data)
        except BlockingIOError:
            sent = 0
        except OSError:
            return  # the reader sees the worker gone and hands its pages on
        if sent < len(data):
            worker.outgoing += data[sent:]
            assert self._loop is not None
            self._loop.add_writer(worker.channel.fileno(), self._on_writable, worker)

    def _on_writable(self, worker: _Worker) -> None:
        try:
            sent = worker.channel.send(worker.outgoing)
        except BlockingIOError:
            return
        except OSError:
            sent = len(worker.outgoing)
        del worker.outgoing[:sent]
        if not worker.outgoing and self._loop is not None:
            self._loop.remove_writer(worker.channel.fileno())
            if worker.retiring:
                self._hang_up(worker)

    def _on_readable(self, worker: _Worker) -> None:
        try:
            data = worker.channel.recv(1 << 20)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._lost(worker)
            return
        worker.received += data
        while len(worker.received) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(worker.received)
            if len(worker.received) < _HEADER.size + size:
                break
            frame = bytes(worker.received[_HEADER.size : _HEADER.size + size])
            del worker.received[: _HEADER.size + size]
            if not worker.ready:
                worker.ready = True
                self._arm(worker)
                continue
            task = worker.in_flight.popleft()
            if not task.future.done():
                task.future.set_result(pickle.loads(frame))  # noqa: S301 - from our own worker
            self._arm(worker)
        self._dispatch()

    def _arm(self, worker: _Worker) -> None:
        """Time the page the worker works on now, from the moment it got to it."""
        self._disarm(worker)
        if worker.in_flight and self._loop is not None:
            limit = self.time_limit + self.grace if worker.ready else _START_SECONDS
            worker.watchdog = self._loop.call_later(limit, self._stuck, worker, worker.in_flight[0])

    @staticmethod
    def _disarm(worker: _Worker) -> None:
        if worker.watchdog is not None:
            worker.watchdog.cancel()
            worker.watchdog = None

    def _stuck(self, worker: _Worker, task: _Task) -> None:
        if not worker.in_flight or worker.in_flight[0] is not task:
            return
        worker.process.kill()
        self._fail_current(
            worker,
            f"extraction took longer than {self.time_limit:g}s"
            if worker.ready
            else f"extraction worker did not start within {_START_SECONDS:g}s",
        )

    def _retire(self, worker: _Worker) -> None:
        worker.retiring = True
        self._start_worker()
        if not worker.outgoing:
            self._hang_up(worker)

    @staticmethod
    def _hang_up(worker: _Worker) -> None:
        # The worker reads an end of input once it has answered every page it holds, and exits.
        with contextlib.suppress(OSError):
            worker.channel.shutdown(socket.SHUT_WR)

    def _lost(self, worker: _Worker) -> None:
        """The worker's socket closed: a retired worker's normal end, or a crash."""
        if worker.in_flight:
            worker.process.join(timeout=1)  # for its exit code
        self._fail_current(worker, f"extraction worker died (exit code {worker.process.exitcode})")

    def _fail_current(self, worker: _Worker, reason: str) -> None:
        """Fail the page the worker was on (if any), then take it out and hand its other pages on."""
        if worker.in_flight:
            task = worker.in_flight.popleft()
            if not task.future.done():
                task.future.set_exception(ExtractionError(reason))
        self._replace(worker)

    def _replace(self, worker: _Worker) -> None:
        """Take a worker out and hand its pages to the rest; _dispatch starts another when needed."""
        self._queue.extendleft(reversed(worker.in_flight))
        worker.in_flight.clear()
        self._drop(worker)
        self._dispatch()

    def _drop(self, worker: _Worker) -> None:
        self._disarm(worker)
        if worker in self._live:
            self._live.remove(worker)
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(worker.channel.fileno())
            self._loop.remove_writer(worker.channel.fileno())
        worker.channel.close()
        if not worker.process.is_alive():
            worker.process.join()
        self._fail_all(worker.in_flight, "the extraction pool was closed")

    @staticmethod
    def _fail_all(tasks: deque[_Task], reason: str) -> None:
        while tasks:
            task = tasks.popleft()
            if not task.future.done() and not task.future.get_loop().is_closed():
                task.future.set_exception(ExtractionError(reason))

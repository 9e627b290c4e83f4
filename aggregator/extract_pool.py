"""Extraction in worker processes, so both cores work and one pathological page cannot stall a crawl.

trafilatura has no time limit of its own outside its CLI. Each task arms a SIGALRM timer in its
worker; a worker stuck where the alarm cannot reach it (inside C code) is killed with its pool.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
from multiprocessing.pool import Pool
from types import FrameType

from aggregator.errors import ExtractionError
from aggregator.extract import Extracted, extract

# Fresh workers now and then bound any memory that lxml or trafilatura caches keep. A worker's memory
# stops growing after a few hundred pages (262 MB after 425 corpus pages, the same after 1,700), while
# a fresh worker costs about a second of imports and cold caches: replacing one every 200 pages cost
# more than a tenth of the pool's throughput (bench/extraction_throughput.py).
_TASKS_PER_WORKER = 2000
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


class _TimeLimit(Exception):
    pass


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _TimeLimit


def _warm_up() -> None:
    extract(_WARM_UP_PAGE)


def _work(
    html: bytes, url: str, max_bytes: int, encoding: str | None, limit: float
) -> Extracted | str | None:
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


class ExtractorPool:
    """A pool of extraction workers with a per-page time limit, awaited from asyncio."""

    def __init__(self, *, workers: int, time_limit: float, max_bytes: int) -> None:
        self.workers = max(1, workers)
        self.time_limit = time_limit
        self.max_bytes = max_bytes
        self._pool: Pool | None = None

    def _ensure(self) -> Pool:
        if self._pool is None:
            # spawn, not fork: the crawl process runs threads (the reactor's, the DB's) that a fork
            # would copy mid-flight.
            context = multiprocessing.get_context("spawn")
            self._pool = context.Pool(self.workers, initializer=_warm_up, maxtasksperchild=_TASKS_PER_WORKER)
        return self._pool

    async def extract(self, html: bytes, url: str, encoding: str | None = None) -> Extracted | None:
        """Return the page's article (None when it has none); raise ExtractionError on limits."""
        if len(html) > self.max_bytes:
            raise ExtractionError(f"page of {len(html):,} bytes is over the {self.max_bytes:,}-byte limit")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Extracted | str | None] = loop.create_future()

        def done(value: Extracted | str | None) -> None:
            loop.call_soon_threadsafe(_settle, future, value, None)

        def failed(exc: BaseException) -> None:
            loop.call_soon_threadsafe(_settle, future, None, exc)

        args = (html, url, self.max_bytes, encoding, self.time_limit)
        self._ensure().apply_async(_work, args, callback=done, error_callback=failed)
        try:
            # asyncio.timeout, not wait_for: wait_for wraps every page's future in a task of its own.
            async with asyncio.timeout(self.time_limit + _GRACE_SECONDS):
                result = await future
        except TimeoutError:
            self._restart()
            raise ExtractionError(f"extraction took longer than {self.time_limit:g}s") from None
        if isinstance(result, str):
            raise ExtractionError(result)
        return result

    def _restart(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None

    def close(self) -> None:
        """Stop the workers."""
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None


def _settle(
    future: asyncio.Future[Extracted | str | None], value: Extracted | str | None, exc: BaseException | None
) -> None:
    if future.done():
        return
    if exc is not None:
        future.set_exception(ExtractionError(f"extraction failed: {type(exc).__name__}: {exc}"))
    else:
        future.set_result(value)

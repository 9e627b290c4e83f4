"""The password gate: how many argon2 checks the app runs at once, and how many may wait.

Each check costs 64 MiB and most of a second of CPU. Run in the app's own thread pool, forty
concurrent logins took the app from 91 MB to 2.2 GB and every other page (the public feeds too)
waited behind them. Here at most ``concurrency`` checks run, in threads of their own; a few more may
wait, and the rest are turned away at once with 429.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class GateFull(Exception):
    """More logins are waiting than the gate lets wait."""


class PasswordGate:
    """Runs password checks ``concurrency`` at a time, with at most ``waiting`` more queued."""

    def __init__(self, concurrency: int | None = None, waiting: int | None = None) -> None:
        self.concurrency = concurrency or max(1, min(4, os.cpu_count() or 1))
        self.waiting = self.concurrency * 2 if waiting is None else waiting
        self._executor = ThreadPoolExecutor(self.concurrency, thread_name_prefix="password")
        self._semaphore: asyncio.Semaphore | None = None
        self._queued = 0

    async def run(self, check: Callable[..., T], *args: object) -> T:
        """Return ``check(*args)``, run in the gate's threads; raise GateFull when too many wait."""
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.concurrency)
        if self._queued >= self.concurrency + self.waiting:
            raise GateFull
        self._queued += 1
        try:
            async with self._semaphore:
                return await asyncio.get_running_loop().run_in_executor(self._executor, check, *args)
        finally:
            self._queued -= 1

    def close(self) -> None:
        """Stop the gate's threads."""
        self._executor.shutdown(wait=False, cancel_futures=True)

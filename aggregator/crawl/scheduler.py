"""The scheduler: runs forever, starting a crawl of the due sources whenever some are due.

With ``AGGREGATOR_REDIS_URL`` set, a round is seeded into the shared queue instead, for the crawl
workers (``aggregator worker``) to run; the scheduler then crawls nothing itself.

Each round is a fresh ``aggregator crawl --due`` process: Twisted's reactor cannot restart in one
process, and a process per round also means a crawl that leaks or crashes cannot take the scheduler
down with it. Leases in the database keep rounds, cron jobs and curators' crawls off each other's
sources. SIGTERM (or SIGINT) stops it cleanly: no new round starts, the running one is asked to stop
(Scrapy finishes what is in flight) and, past a grace period, killed; its leases expire or are given
back.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from types import FrameType

from aggregator.core import Aggregator
from aggregator.models import utcnow


class Scheduler:
    """Starts one crawl round at a time whenever sources are due, until told to stop."""

    def __init__(
        self,
        core: Aggregator,
        *,
        tick: float = 30.0,
        grace: float = 60.0,
        echo: Callable[[str], None] = print,
    ) -> None:
        self.core = core
        self.tick = tick
        self.grace = grace
        self.echo = echo
        self.stopping = threading.Event()
        self._child: subprocess.Popen[bytes] | None = None

    def install_signal_handlers(self) -> None:
        """Make SIGTERM and SIGINT stop the scheduler cleanly."""
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.echo(f"{_now()} received {signal.Signals(signum).name}: stopping after the current round")
        self.stopping.set()

    def run(self) -> int:
        """Run rounds until stopped; return the exit status."""
        self.echo(f"{_now()} scheduler started (checking every {self.tick:g}s)")
        while not self.stopping.is_set():
            if self._child is not None and self._child.poll() is not None:
                self.echo(f"{_now()} round ended with status {self._child.returncode}")
                self._child = None
            if self.core.config.redis_url:
                self._seed_round()
            elif self._child is None and (due := self.core.sources.due_count()) > 0:
                self.echo(f"{_now()} {due} sources due: starting a round")
                self._child = subprocess.Popen(
                    [sys.executable, "-m", "aggregator", "crawl", "--due", "--trigger", "scheduler"]
                )
            self.stopping.wait(self.tick)
        self._stop_child()
        self.echo(f"{_now()} scheduler stopped")
        return 0

    def _seed_round(self) -> None:
        # With a shared Redis the workers crawl: a round is only seeded, here, in a moment. Sources
        # of a round still running are leased, so they are not seeded twice.
        from aggregator.crawl.distributed.rounds import rounds_for

        if self.core.sources.due_count() == 0:
            return
        outcome = rounds_for(self.core).seed(due_only=True, trigger="scheduler")
        if outcome.run_id is not None:
            self.echo(
                f"{_now()} round {outcome.run_id}: seeded {len(outcome.seeded)} sources for the workers"
            )

    def _stop_child(self) -> None:
        child = self._child
        if child is None or child.poll() is not None:
            return
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(self.grace)
        except subprocess.TimeoutExpired:
            self.echo(f"{_now()} the round did not stop within {self.grace:g}s: killing it")
            child.kill()
            child.wait()


def _now() -> str:
    return utcnow().strftime("%Y-%m-%d %H:%M:%S")
